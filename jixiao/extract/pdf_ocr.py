"""OCR of one PDF page: RapidOCR (PP-OCR Chinese models inside the wheel) plus ruling lines from OpenCV.

The page is rendered with pypdfium2, deskewed by the angle of its long horizontal
rules, and the rules themselves are found by morphological opening with long thin
kernels; they then go through the same grid builder as born-digital rules
(jixiao.extract.pdf_grid), so merged cells come out the same. An OCR text box that
runs across a vertical rule is cut there, in proportion to its characters.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jixiao.extract.pdf_grid import Seg
from jixiao.extract.pdf_layout import page_blocks
from jixiao.extract.pdf_text import Word
from jixiao.model import Block

DPI = 200


@lru_cache(maxsize=1)
def _engine():
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR()


def render(path: Path, index: int, dpi: int = DPI):
    """The page as a greyscale numpy image (display orientation, /Rotate applied)."""
    import numpy as np
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path), password="")
    try:
        img = doc[index].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    finally:
        doc.close()
    return np.asarray(img)


def _masks(gray):
    import cv2

    binary = cv2.adaptiveThreshold(255 - gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, 15, -2)
    h, w = binary.shape
    horiz = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(20, w // 40), 1)))
    vert = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(20, h // 60))))
    return horiz, vert


def skew_angle(gray) -> float:
    """Degrees the page is turned, from its long horizontal rules (0 when it has none)."""
    import cv2
    import numpy as np

    horiz, _ = _masks(gray)
    contours, _ = cv2.findContours(horiz, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    angles = []
    for c in contours:
        x, y, w, h = cv2.boundingRect(c)
        if w > gray.shape[1] * 0.3:
            vx, vy, _, _ = cv2.fitLine(c, cv2.DIST_L2, 0, 0.01, 0.01).flatten()
            angles.append(float(np.degrees(np.arctan2(vy, vx))))
    return float(np.median(angles)) if angles else 0.0


def deskew(gray):
    import cv2

    angle = skew_angle(gray)
    if abs(angle) < 0.05 or abs(angle) > 5:
        return gray
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def rule_segments(gray, scale: float) -> tuple[list[Seg], list[Seg]]:
    """Horizontal and vertical rules found on the image, in points."""
    import cv2

    horiz, vert = _masks(gray)
    hs: list[Seg] = []
    vs: list[Seg] = []
    for mask, out, is_h in ((horiz, hs, True), (vert, vs, False)):
        n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        for i in range(1, n):
            x, y, w, h, _ = stats[i]
            if is_h:
                out.append(Seg((y + h / 2) * scale, x * scale, (x + w) * scale))
            else:
                out.append(Seg((x + w / 2) * scale, y * scale, (y + h) * scale))
    vs = [v for v in vs if _anchored(v, hs)]
    return hs, [v for v in vs if _spans_rows(v, hs) or _aligned(v, vs)]


def _spans_rows(v: Seg, hs: list[Seg]) -> bool:
    """More than one row tall: some horizontal rule crosses the segment's inside."""
    return any(v.a + 2 < h.pos < v.b - 2 and h.a - 2 <= v.pos <= h.b + 2 for h in hs)


def _aligned(v: Seg, vs: list[Seg], tol: float = 2.0) -> bool:
    """Another rule stands in the same column line: a column boundary, not a character's stroke."""
    return any(o is not v and abs(o.pos - v.pos) <= tol for o in vs)


def _anchored(v: Seg, hs: list[Seg], tol: float = 1.5) -> bool:
    """A vertical rule starts and ends on horizontal rules; a character's stroke does not."""
    def touches(y: float) -> bool:
        return any(abs(h.pos - y) <= tol and h.a - tol <= v.pos <= h.b + tol for h in hs)

    return touches(v.a) and touches(v.b)


def ocr_words(gray, scale: float, vs: list[Seg]) -> list[Word]:
    """RapidOCR text boxes in points, cut where a vertical rule runs through them."""
    result, _ = _engine()(gray)
    words: list[Word] = []
    for box, text, _score in result or []:
        xs = [p[0] for p in box]
        ys = [p[1] for p in box]
        w = Word(text.strip(), min(xs) * scale, min(ys) * scale, max(xs) * scale, max(ys) * scale)
        if w.text:
            words.extend(_cut_at_rules(w, vs))
    return words


def _cut_at_rules(w: Word, vs: list[Seg]) -> list[Word]:
    cuts = sorted(v.pos for v in vs if w.x0 + 3 < v.pos < w.x1 - 3 and v.a <= w.cy <= v.b)
    if not cuts:
        return [w]
    out = []
    n = len(w.text)
    edges = [w.x0, *cuts, w.x1]
    for a, b in zip(edges, edges[1:], strict=False):
        i = round((a - w.x0) / (w.x1 - w.x0) * n)
        j = round((b - w.x0) / (w.x1 - w.x0) * n)
        if w.text[i:j].strip():
            out.append(Word(w.text[i:j].strip(), a, w.top, b, w.bottom))
    return out


def ocr_page(path: Path, index: int, width: float, height: float) -> list[Block]:
    """One page read from its pixels: tables from its rules, OCR text in cells and paragraphs."""
    gray = deskew(render(path, index))
    scale = width / gray.shape[1]
    hs, vs = rule_segments(gray, scale)
    words = ocr_words(gray, scale, vs)
    return page_blocks(words, hs, vs, index + 1, width, height, tol=4.0)
