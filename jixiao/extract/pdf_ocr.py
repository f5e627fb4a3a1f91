"""OCR of one PDF page: RapidOCR (PP-OCR Chinese models inside the wheel) plus ruling lines from OpenCV.

The page is rendered with pypdfium2, deskewed by the angle of its long horizontal rules,
and the rules are found by morphological opening with long thin kernels. They go through
the same grid builder as born-digital rules (jixiao.extract.pdf_grid), so merged cells
come out the same.

Text is read cell by cell, never page-wide: a page-level text box happily runs across a
ruling line into the next cell, and no later cut can tell where. Inside a cell the text
lines are found from the ink profile (rules erased, dust dropped: jixiao.extract.pdf_ocr_ink)
and each line goes to the recogniser alone, all lines of the page in one batch; text
outside the tables is cut into lines (and into fields at wide gaps) the same way. No text
detector runs at all, which keeps a page near 3 s on one core. Every line becomes a
positioned Word, so the shared layout code (jixiao.extract.pdf_layout) joins wrapped
lines and builds paragraphs exactly as it does for born-digital pages.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jixiao.extract.pdf_grid import Grid, Seg, find_grids
from jixiao.extract.pdf_layout import page_blocks
from jixiao.extract.pdf_ocr_ink import ink_lines, line_height, text_ink
from jixiao.extract.pdf_text import Word
from jixiao.model import Block

DPI = 200
TOL = 4.0  # points: rules closer than this are one line
THREADS = 1  # one core per page: batch runs parallelise over files, not inside the model


@lru_cache(maxsize=1)
def _engine():
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR(intra_op_num_threads=THREADS)


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


def _binary(gray):
    import cv2

    return cv2.adaptiveThreshold(255 - gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, 15, -2)


def _masks(binary):
    """Pixels of long horizontal and long vertical rules."""
    import cv2

    h, w = binary.shape
    horiz = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(20, w // 40), 1)))
    vert = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(20, h // 60))))
    return horiz, _attached(vert, horiz)


def _attached(vert, horiz, reach: int = 6):
    """Only the vertical runs that end on a horizontal rule at both ends.

    A short vertical kernel is needed for one-line rows, but it also keeps the long
    strokes of characters like 中 or 标, which in a tight row can touch both rules; those
    are thinner than the rules, and a stroke that floats inside a cell meets no rule.
    """
    import cv2
    import numpy as np

    near = cv2.dilate(horiz, np.ones((2 * reach + 1, 2 * reach + 1), np.uint8)) > 0
    hn, _, hstats, _ = cv2.connectedComponentsWithStats(horiz, connectivity=8)
    # a rule is as thick as the table's other rules; a pen stroke of a character is thinner
    thick = max(2.0, 0.5 * float(np.median(hstats[1:, cv2.CC_STAT_HEIGHT]))) if hn > 1 else 2.0
    n, labels, stats, _ = cv2.connectedComponentsWithStats(vert, connectivity=8)
    keep = np.zeros(n, dtype=bool)
    for i in range(1, n):
        x, y, w, h, _ = stats[i]
        if w < thick and h < 150:
            continue
        cx = x + w // 2
        ends = int(near[y, cx]) + int(near[y + h - 1, cx])
        keep[i] = ends == 2 or (ends == 1 and h > 150)  # a table continued without its top rule
    return np.where(keep[labels], vert, 0).astype(np.uint8)


def skew_angle(gray) -> float:
    """Degrees the page is turned, from its long horizontal rules (0 when it has none)."""
    import cv2
    import numpy as np

    horiz, _ = _masks(_binary(gray))
    contours, _ = cv2.findContours(horiz, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    angles = []
    for c in contours:
        _, _, w, _ = cv2.boundingRect(c)
        if w > gray.shape[1] * 0.3:
            vx, vy, _, _ = cv2.fitLine(c, cv2.DIST_L2, 0, 0.01, 0.01).flatten()
            angles.append(float(np.degrees(np.arctan2(vy, vx))))
    return float(np.median(angles)) if angles else 0.0


def deskew(gray):
    """The page turned straight (small angles only: a scan is never off by more than a few degrees)."""
    import cv2

    angle = skew_angle(gray)
    if abs(angle) < 0.05 or abs(angle) > 5:
        return gray
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def rule_segments(horiz, vert, scale: float) -> tuple[list[Seg], list[Seg]]:
    """Horizontal and vertical rules found on the image, in points."""
    import cv2

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
    return hs, vs


def _crop(gray, box: tuple[int, int, int, int], margin: int = 4):
    """A line's pixels on a white border, as the 3-channel image the recogniser wants."""
    import cv2

    x0, y0, x1, y1 = box
    h, w = gray.shape
    pad = 3
    part = gray[max(0, y0 - pad): min(h, y1 + pad), max(0, x0 - pad): min(w, x1 + pad)]
    part = cv2.copyMakeBorder(part, margin, margin, margin, margin, cv2.BORDER_CONSTANT, value=255)
    return cv2.cvtColor(part, cv2.COLOR_GRAY2BGR)


def recognise(images: list) -> list[str]:
    """Texts of single-line images, in one batched call of the recogniser (no detection)."""
    if not images:
        return []
    rec = _engine().text_rec
    rec.rec_image_shape = [3, 48, 48]  # no padding of short crops to 320 px: half the time, same text
    results, _ = rec(images)
    return [text.strip() for text, _score in results]


def cell_words(clean, ink, grids: list[Grid], scale: float) -> list[Word]:
    """Every text line inside the tables' cells, recognised line by line, in points."""
    cells = [tuple(round(v / scale) for v in gc.bbox) for grid in grids for gc in grid.cells]
    line_h = line_height(ink, [(x0 + 4, top + 4, x1 - 4, bottom - 4) for x0, top, x1, bottom in cells])
    boxes = [line for cell in cells for line in ink_lines(ink, cell, line_h=line_h)]
    texts = recognise([_crop(clean, b) for b in boxes])
    return [Word(t, b[0] * scale, b[1] * scale, b[2] * scale, b[3] * scale)
            for t, b in zip(texts, boxes, strict=True) if t]


def free_words(clean, ink, grids: list[Grid], scale: float) -> list[Word]:
    """Text outside the tables (titles, prose, signatures), one Word per run of text on a line."""
    free = ink.copy()
    for grid in grids:
        x0, top, x1, bottom = (round(v / scale) for v in grid.bbox)
        free[max(0, top - 3): bottom + 4, max(0, x0 - 3): x1 + 4] = 0
    h, w = free.shape
    boxes = ink_lines(free, (0, 0, w, h), inset=0, split=True)
    texts = recognise([_crop(clean, b) for b in boxes])
    return [Word(t, b[0] * scale, b[1] * scale, b[2] * scale, b[3] * scale)
            for t, b in zip(texts, boxes, strict=True) if t]


def ocr_page(path: Path, index: int, width: float, height: float) -> list[Block]:
    """One page read from its pixels: tables from its rules, OCR text in cells and paragraphs."""
    gray = deskew(render(path, index))
    scale = width / gray.shape[1]
    binary = _binary(gray)
    horiz, vert = _masks(binary)
    hs, vs = rule_segments(horiz, vert, scale)
    grids = [g for g in find_grids(hs, vs, tol=TOL)
             if not (g.bbox[2] - g.bbox[0] > 0.97 * width and g.bbox[3] - g.bbox[1] > 0.97 * height)]
    clean, ink = text_ink(gray, binary, horiz, vert)
    words = cell_words(clean, ink, grids, scale) + free_words(clean, ink, grids, scale)
    return page_blocks(words, hs, vs, index + 1, width, height, tol=TOL)
