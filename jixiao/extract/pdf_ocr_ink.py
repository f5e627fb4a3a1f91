"""Where the text is on a scanned page: rules erased, speckles dropped, lines from the ink profile.

A printed table cell holds lines of text separated by blank pixel rows, so its text lines
are the runs of rows with ink; cutting them from the profile is exact where a text
detector run on the page would merge across a ruling line. Scanner speckles are small
isolated blobs and are removed before the profile is taken.
"""

from __future__ import annotations

MIN_BLOB = 6  # pixels of ink a cell needs (x3) before it is read at all
SPECK = 15  # pixels: a blob smaller than this is a dot or dust, never a stroke


def text_ink(gray, binary, horiz, vert):
    """(page with rules painted white, ink mask of text only) for a deskewed page."""
    import cv2
    import numpy as np

    rules = cv2.dilate(cv2.bitwise_or(horiz, vert), np.ones((5, 5), np.uint8))
    clean = gray.copy()
    clean[rules > 0] = 255
    ink = cv2.bitwise_and(binary, cv2.bitwise_not(rules))
    ink[gray > 200] = 0  # adaptive threshold also fires on faint grey: keep only dark strokes
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    area = stats[:, cv2.CC_STAT_AREA]
    strokes = np.zeros(n, dtype=bool)
    strokes[1:] = area[1:] >= SPECK
    # a small blob between two strokes is a dot of the text (a decimal point); anywhere
    # else (alone, or trailing a number) it is dust
    stroke_px = strokes[labels].astype(np.uint8)
    kernel = np.ones((3, 7), np.uint8)
    right = cv2.dilate(stroke_px, kernel, anchor=(0, 1)) > 0  # a stroke within reach on the right
    left = cv2.dilate(stroke_px, kernel, anchor=(6, 1)) > 0  # ... and on the left
    small = ~strokes & (np.arange(n) > 0)
    has_left = np.zeros(n, dtype=bool)
    has_right = np.zeros(n, dtype=bool)
    has_left[np.unique(labels[left & small[labels]])] = True
    has_right[np.unique(labels[right & small[labels]])] = True
    dust = small & ~(has_left & has_right)
    dust_px = dust[labels]
    ink[dust_px] = 0
    clean[cv2.dilate(dust_px.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0] = 255  # with its grey halo
    return clean, ink


def _runs(profile, min_gap: int) -> list[tuple[int, int]]:
    """(start, end) of the stretches where profile > 0, bridging gaps shorter than ``min_gap``."""
    runs: list[tuple[int, int]] = []
    start = None
    for i, v in enumerate(profile):
        if v and start is None:
            start = i
        elif not v and start is not None:
            runs.append((start, i))
            start = None
    if start is not None:
        runs.append((start, len(profile)))
    merged: list[tuple[int, int]] = []
    for a, b in runs:
        if merged and a - merged[-1][1] < min_gap:
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def _split_tall(runs: list[tuple[int, int]], profile, line_h: float) -> list[tuple[int, int]]:
    """Runs taller than 1.6 line heights cut into lines at the emptiest row near each expected break."""
    if line_h <= 0:
        return runs
    out: list[tuple[int, int]] = []
    for a, b in runs:
        k = round((b - a) / line_h)
        if (b - a) < 1.6 * line_h or k < 2:
            out.append((a, b))
            continue
        step = (b - a) / k
        cuts = [a]
        for i in range(1, k):
            centre = round(a + i * step)
            lo, hi = max(cuts[-1] + 2, centre - round(step / 3)), min(b - 2, centre + round(step / 3))
            cut = min(range(lo, hi + 1), key=lambda y: profile[y]) if hi > lo else centre
            cuts.append(cut)
        cuts.append(b)
        out.extend(zip(cuts, cuts[1:], strict=False))
    return out


def line_height(ink, boxes: list[tuple[int, int, int, int]]) -> float:
    """The usual height of a text line among the boxes: the median of their single-line runs."""
    import numpy as np

    heights = []
    for x0, top, x1, bottom in boxes:
        part = ink[top:bottom, x0:x1] > 0
        heights.extend(b - a for a, b in _runs(part.sum(axis=1), min_gap=1) if b - a >= 4)
    return float(np.median(heights)) if heights else 0.0


def ink_lines(ink, box: tuple[int, int, int, int], inset: int = 4,
              split: bool = False, line_h: float = 0) -> list[tuple[int, int, int, int]]:
    """Pixel boxes (x0, top, x1, bottom) of the text lines inside a box, top to bottom.

    With ``split`` a line is also cut where a horizontal gap is wider than twice the line
    height (two fields printed on one line of a form heading). With ``line_h`` (the page's
    usual line height) a run of rows taller than 1.6 lines is cut at its thinnest rows:
    tightly set lines whose descenders touch the next line's ascenders.
    """
    x0, top, x1, bottom = box[0] + inset, box[1] + inset, box[2] - inset, box[3] - inset
    if x1 - x0 < 4 or bottom - top < 4:
        return []
    part = ink[top:bottom, x0:x1] > 0
    if part.sum() < 3 * MIN_BLOB:
        return []
    lines = []
    profile = part.sum(axis=1)
    for a, b in _split_tall(_runs(profile, min_gap=1), profile, line_h):
        if b - a < 4:
            continue  # a stray mark, not a line of text
        cols = _runs(part[a:b].sum(axis=0), min_gap=2 * (b - a) if split else 1)
        if not cols:
            continue
        pieces = cols if split else [(cols[0][0], cols[-1][1])]
        lines.extend((x0 + c0, top + a, x0 + c1, top + b) for c0, c1 in pieces)
    return lines
