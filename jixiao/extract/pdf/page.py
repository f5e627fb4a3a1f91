"""One PDF page read with pypdfium2: characters with boxes and ruling edges.

pdfium is several times faster than pdfminer (what pdfplumber parses with) and reads
both the text layer and the vector paths, so a page is parsed once. Everything is
returned in *display* coordinates (PDF points, origin top-left, /Rotate applied), so a
landscape page printed rotated reads like the person sees it.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from jixiao.model import BBox

# an edge thinner than this is a ruling line, and points closer than SNAP are one line
THIN = 3.0


@dataclass(slots=True)
class Char:
    """A glyph (or an OCR'd run of them); ``base`` is the baseline's y, which groups lines."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    base: float | None = None


@dataclass(slots=True)
class Edge:
    """An axis-aligned ruling segment: horizontal when ``horizontal``; at ``pos`` from lo to hi."""

    horizontal: bool
    pos: float
    lo: float
    hi: float


@dataclass
class PageContent:
    number: int
    width: float
    height: float
    rotation: int
    chars: list[Char] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    n_map_errors: int = 0
    n_images: int = 0
    image_area: float = 0.0


class Transform:
    """PDF user space (origin bottom-left) -> display space (origin top-left, rotation applied)."""

    def __init__(self, box: tuple[float, float, float, float], rotation: int):
        self.x0, self.y0, x1, y1 = box
        self.w, self.h = x1 - self.x0, y1 - self.y0
        self.rotation = rotation % 360

    @property
    def size(self) -> tuple[float, float]:
        return (self.h, self.w) if self.rotation in (90, 270) else (self.w, self.h)

    def point(self, x: float, y: float) -> tuple[float, float]:
        x, y = x - self.x0, y - self.y0
        r = self.rotation
        if r == 90:
            return y, x
        if r == 180:
            return self.w - x, y
        if r == 270:
            return self.h - y, self.w - x
        return x, self.h - y

    def box(self, left: float, bottom: float, right: float, top: float) -> BBox:
        ax, ay = self.point(left, bottom)
        bx, by = self.point(right, top)
        return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)


def read_page(pdf: pdfium.PdfDocument, index: int, want_edges: bool = True) -> PageContent:
    """Characters and ruling edges of page ``index`` (0-based)."""
    page = pdf[index]
    try:
        rotation = page.get_rotation()
        tf = Transform(tuple(page.get_cropbox()), rotation)
        width, height = tf.size
        content = PageContent(index + 1, width, height, rotation)
        textpage = page.get_textpage()
        try:
            content.chars, content.n_map_errors = _chars(textpage, tf)
        finally:
            textpage.close()
        _objects(page.raw, tf, content, want_edges)
        return content
    finally:
        page.close()


def _chars(textpage: pdfium.PdfTextPage, tf: Transform) -> tuple[list[Char], int]:
    """Every glyph's loose box and baseline; the loop runs once per glyph, so the pdfium calls
    and the display transform are bound to locals (`Transform.box` and `point`, inlined)."""
    n = textpage.count_chars()
    if n <= 0:
        return [], 0
    text = textpage.get_text_range(0, n)
    tp = textpage.raw
    rect = raw.FS_RECTF()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    rect_p, ox_p, oy_p = ctypes.byref(rect), ctypes.byref(ox), ctypes.byref(oy)
    loose_box, origin, generated = raw.FPDFText_GetLooseCharBox, raw.FPDFText_GetCharOrigin, raw.FPDFText_IsGenerated
    has_map_error = getattr(raw, "FPDFText_HasUnicodeMapError", None)
    get_unicode = raw.FPDFText_GetUnicode
    same_length = len(text) == n
    x00, y00, w, h, r = tf.x0, tf.y0, tf.w, tf.h, tf.rotation
    chars: list[Char] = []
    append = chars.append
    errors = 0
    for i in range(n):
        ch = text[i] if same_length else chr(get_unicode(tp, i))
        if ch in "\r\n\x00\ufeff":
            continue
        if ch.isspace():
            # pdfium generates only spaces and line breaks (between words, at line ends); a real
            # space of the text layer is kept, it may separate words
            if generated(tp, i):
                continue
            ch = " "
        if has_map_error is not None and has_map_error(tp, i) == 1:
            errors += 1
        if not loose_box(tp, i, rect_p):
            continue
        # Transform.box(rect.left, rect.bottom, rect.right, rect.top) and Transform.point(origin)[1]
        ax, ay, bx, by = rect.left - x00, rect.bottom - y00, rect.right - x00, rect.top - y00
        if r == 90:
            ax, ay, bx, by = ay, ax, by, bx
        elif r == 180:
            ax, bx = w - ax, w - bx
        elif r == 270:
            ax, ay, bx, by = h - ay, w - ax, h - by, w - bx
        else:
            ay, by = h - ay, h - by
        base = None
        if origin(tp, i, ox_p, oy_p):
            if r == 90:
                base = ox.value - x00
            elif r == 180:
                base = oy.value - y00
            elif r == 270:
                base = w - (ox.value - x00)
            else:
                base = h - (oy.value - y00)
        append(Char(ch, min(ax, bx), min(ay, by), max(ax, bx), max(ay, by), base))
    return chars, errors


def _objects(page_raw, tf: Transform, content: PageContent, want_edges: bool) -> None:
    """Walk page objects (into form XObjects): path segments become edges, images are counted."""
    stack = [(page_raw, None)]
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    while stack:
        parent, form = stack.pop()
        count = raw.FPDFPage_CountObjects(parent) if form is None else raw.FPDFFormObj_CountObjects(parent)
        for i in range(count):
            obj = raw.FPDFPage_GetObject(parent, i) if form is None else raw.FPDFFormObj_GetObject(parent, i)
            kind = raw.FPDFPageObj_GetType(obj)
            if kind == raw.FPDF_PAGEOBJ_FORM:
                stack.append((obj, True))
            elif kind == raw.FPDF_PAGEOBJ_IMAGE:
                if raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
                    content.n_images += 1
                    content.image_area += abs((right.value - left.value) * (top.value - bottom.value))
            elif kind == raw.FPDF_PAGEOBJ_PATH and want_edges:
                _path_edges(obj, tf, content.edges, (left, bottom, right, top))


def _visible(obj) -> bool:
    """Stroked paths, and filled paths that are not white (a white page background is no rule)."""
    fillmode, stroke = ctypes.c_int(), ctypes.c_int()
    if not raw.FPDFPath_GetDrawMode(obj, fillmode, stroke):
        return True
    if stroke.value:
        return True
    if fillmode.value == 0:
        return False
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if raw.FPDFPageObj_GetFillColor(obj, r, g, b, a):
        if a.value == 0 or (r.value > 240 and g.value > 240 and b.value > 240):
            return False
    return True


def _path_edges(obj, tf: Transform, edges: list[Edge], bounds) -> None:
    left, bottom, right, top = bounds
    if not _visible(obj):
        return
    if not raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
        return
    x0, y0, x1, y1 = tf.box(left.value, bottom.value, right.value, top.value)
    w, h = x1 - x0, y1 - y0
    if w < THIN and h < THIN:
        return
    if w < THIN or h < THIN:  # a thin bar or a single line: the whole object is one edge
        if w >= h:
            edges.append(Edge(True, (y0 + y1) / 2, x0, x1))
        else:
            edges.append(Edge(False, (x0 + x1) / 2, y0, y1))
        return
    _segment_edges(obj, tf, edges)


def _segment_edges(obj, tf: Transform, edges: list[Edge]) -> None:
    """Axis-aligned line segments of a larger path (cell rectangles, grids drawn as one path)."""
    matrix = raw.FS_MATRIX()
    if not raw.FPDFPageObj_GetMatrix(obj, matrix):
        return
    a, b, c, d, e, f = matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f
    n = raw.FPDFPath_CountSegments(obj)
    px, py = ctypes.c_float(), ctypes.c_float()
    start = prev = None
    for i in range(n):
        seg = raw.FPDFPath_GetPathSegment(obj, i)
        if not raw.FPDFPathSegment_GetPoint(seg, px, py):
            continue
        x, y = a * px.value + c * py.value + e, b * px.value + d * py.value + f
        point = tf.point(x, y)
        kind = raw.FPDFPathSegment_GetType(seg)
        if kind == raw.FPDF_SEGMENT_MOVETO:
            start = prev = point
            continue
        if prev is not None and kind == raw.FPDF_SEGMENT_LINETO:
            _add_segment(prev, point, edges)
        prev = point
        if raw.FPDFPathSegment_GetClose(seg) and start is not None:
            _add_segment(prev, start, edges)
            prev = start


def _add_segment(p: tuple[float, float], q: tuple[float, float], edges: list[Edge]) -> None:
    dx, dy = abs(p[0] - q[0]), abs(p[1] - q[1])
    if dy < 1.0 and dx >= THIN:
        edges.append(Edge(True, (p[1] + q[1]) / 2, min(p[0], q[0]), max(p[0], q[0])))
    elif dx < 1.0 and dy >= THIN:
        edges.append(Edge(False, (p[0] + q[0]) / 2, min(p[1], q[1]), max(p[1], q[1])))
