"""Page images: render at 200 dpi, straighten a skewed scan, find the table rules on the image.

Table rules are found with OpenCV the usual way (morphological opening with long thin
kernels keeps only long horizontal / vertical strokes); their angle straightens a skewed
scan first. The rules become the same Edge objects a born-digital page yields (in points).
Used by ocr.py for scans and by reader.py for rules drawn only in a page's image.
"""

from __future__ import annotations

import math

import numpy as np
import pypdfium2 as pdfium

from jixiao.extract.pdf.page import Edge, PageContent

DPI = 200
SCALE = DPI / 72


def render(pdf: pdfium.PdfDocument, index: int) -> np.ndarray:
    """The page as a grey image in display orientation (pdfium applies /Rotate)."""
    page = pdf[index]
    try:
        return np.asarray(page.render(scale=SCALE, grayscale=True).to_pil().convert("L"))
    finally:
        page.close()


def binarise(gray: np.ndarray) -> np.ndarray:
    """Dark strokes white on black (adaptive threshold), what rule finding works on."""
    import cv2

    blur = cv2.GaussianBlur(gray, (3, 3), 0)
    return cv2.adaptiveThreshold(blur, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)


def _line_masks(binary: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    import cv2

    h, w = binary.shape
    horiz = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(40, w // 35), 1)))
    vert = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(40, h // 50))))
    return horiz, vert


def skew_angle(binary: np.ndarray) -> float:
    """Median angle (degrees) of the long horizontal rules; 0 when there are none.

    Each long component of the rule mask is one rule: its angle is the least-squares line
    through its pixels. (A probabilistic Hough transform at 0.1 degree steps gave the same
    angles but cost 0.6 s CPU a page, a fifth of a scanned page's time.)"""
    import cv2

    horiz, _ = _line_masks(binary)
    w = binary.shape[1]
    n, labels, stats, _ = cv2.connectedComponentsWithStats(horiz, connectivity=8)
    angles = []
    for i in range(1, n):
        x, y, cw, ch = stats[i][:4]
        if cw < w // 6 or ch > cw * math.tan(math.radians(5)) + 12:
            continue
        ys, xs = np.nonzero(labels[y:y + ch, x:x + cw] == i)
        slope = np.polyfit(xs.astype(np.float64), ys.astype(np.float64), 1)[0]
        angles.append(math.degrees(math.atan(slope)))
    return float(np.median(angles)) if angles else 0.0


def straighten(gray: np.ndarray) -> np.ndarray:
    import cv2

    angle = skew_angle(binarise(gray))
    if abs(angle) < 0.05:
        return gray
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def _short_verticals(binary: np.ndarray, horiz: np.ndarray, vert: np.ndarray) -> np.ndarray:
    """Column rules of a table's lone row (a header row at the foot of a page): too short for the
    long kernel, kept when they run from one horizontal rule to the next with blank padding
    on both sides (a glyph's stroke in a tight row may touch both rules, not with blank sides)."""
    import cv2

    h = binary.shape[0]
    short = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(15, h // 150))))
    short[vert > 0] = 0
    out = np.zeros_like(binary)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(short, connectivity=8)
    for i in range(1, n):
        x, y, w, ht = stats[i][:4]
        top, bottom = y, y + ht - 1
        if w >= 12 or ht < 15:
            continue
        x0, x1 = max(0, x - 2), x + w + 2
        if not (horiz[max(0, top - 1):top + 2, x0:x1].any() and horiz[max(0, bottom - 1):bottom + 2, x0:x1].any()):
            continue
        mid = binary[top + ht // 5:bottom - ht // 5]  # a rule has a cell's padding on both sides, a stroke its glyph
        if mid[:, max(0, x - 6):max(0, x - 2)].mean() < 13 and mid[:, x + w + 2:x + w + 6].mean() < 13:
            out[labels == i] = 255
    return out


def rule_edges(binary: np.ndarray) -> tuple[list[Edge], np.ndarray]:
    """Ruling lines found on the image, in points, and the mask of their pixels."""
    import cv2

    horiz, vert = _line_masks(binary)
    vert = cv2.bitwise_or(vert, _short_verticals(binary, horiz, vert))
    edges: list[Edge] = []
    for mask, horizontal in ((horiz, True), (vert, False)):
        mask = cv2.dilate(mask, np.ones((3, 3), np.uint8))
        n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        for x, y, w, h, _area in stats[1:n]:
            if horizontal and h < 12:
                edges.append(Edge(True, float(y + h / 2) / SCALE, float(x) / SCALE, float(x + w) / SCALE))
            elif not horizontal and w < 12:
                edges.append(Edge(False, float(x + w / 2) / SCALE, float(y) / SCALE, float(y + h) / SCALE))
    return edges, cv2.bitwise_or(horiz, vert)


def image_rule_edges(pdf: pdfium.PdfDocument, page: PageContent) -> list[Edge]:
    """Rules drawn only in the page image (a scan with an OCR text layer, "searchable PDF").

    Not straightened: the text layer was placed on the image as it is, so the rules must
    stay where the image has them.
    """
    edges, _ = rule_edges(binarise(render(pdf, page.number - 1)))
    return edges
