"""Scanned pages: OCR the straightened page image and fill the cells of its ruled grid.

The image work (render, straighten, find the rules: image.py) gives the same Edge objects a
born-digital page yields, so grid.py builds cells and spans from them exactly as for
vector PDFs. Text comes from RapidOCR 3 (PP-OCRv6 Chinese models shipped
inside the `rapidocr` wheel, ONNX runtime, no network); each recognised box is treated like a
glyph run and assigned to the cell holding its centre, and boxes that straddle a column
rule are split at it.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache

import numpy as np
import pypdfium2 as pdfium

from jixiao.extract.pdf.grid import grids_from_edges
from jixiao.extract.pdf.image import SCALE, binarise, render, rule_edges, straighten
from jixiao.extract.pdf.layout import layout_page
from jixiao.extract.pdf.page import Char, PageContent
from jixiao.model import Block

REC_MIN_WIDTH = 96  # px at the recogniser's 48 px height
CELL_LINE_SHARE = 0.6  # of a cell line's crop its text fills (padded)
CELL_LINE_SIDE = 0.3  # margin left and right, in text heights


def ocr_threads() -> int:
    """ONNX runtime threads per process (JIXIAO_OCR_THREADS, default 1).

    The batch engine already runs one worker per core; more threads per worker only make
    the workers fight over the cores (2 workers were 1.1x one worker with the default)."""
    try:
        return max(1, int(os.environ.get("JIXIAO_OCR_THREADS", "1")))
    except ValueError:
        return 1


@lru_cache(maxsize=1)
def ocr_engine():
    """RapidOCR 3 with the PP-OCRv6 small Chinese detector and recogniser shipped in its wheel.

    No angle classifier (pages are upright once straightened); detection is given an image
    already sized for it (`limit_type` max: never enlarged); one crop per recogniser run."""
    try:
        from rapidocr import RapidOCR
    except ImportError as e:  # pragma: no cover - depends on the installation
        raise RuntimeError("OCR needs rapidocr 3 (pip install 'rapidocr>=3')") from e
    threads = min(ocr_threads(), os.cpu_count() or 1)
    engine = RapidOCR(params={
        "Global.log_level": "error", "Global.use_cls": False, "Global.use_vertical_padding": False,
        "EngineConfig.onnxruntime.intra_op_num_threads": threads,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        "Det.limit_type": "max", "Det.limit_side_len": 4000, "Rec.rec_batch_num": 1,
    })
    det = engine._load_det_model()  # noqa: SLF001 - rapidocr loads models lazily; we need the pieces
    inner = getattr(det, "session", None)
    if inner is not None and getattr(inner, "session", None) is not None:
        path = inner.session._model_path if hasattr(inner.session, "_model_path") else None
        if path:
            inner.session = _detector_session(path, threads)
    engine._load_rec_model()  # noqa: SLF001
    return engine


def _detector_session(model_path: str, threads: int):
    """The text detector's ONNX session on a memory arena that grows only by what is asked.

    RapidOCR runs it on plain malloc: the detector's ~100 tensors of up to 40 MB a page
    fragmented the heap, which grew page after page (+360 MB for six scanned pages). One
    arena per process, extended by exactly the requested size, without ORT's per-shape
    memory plans, keeps a page's detection near 230 MB (and is faster)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 4
    options.intra_op_num_threads, options.inter_op_num_threads = threads, 1
    options.enable_mem_pattern = False  # a plan per page shape, each holding its own block
    try:
        info = ort.OrtMemoryInfo("Cpu", ort.OrtAllocatorType.ORT_ARENA_ALLOCATOR, 0, ort.OrtMemType.DEFAULT)
        ort.create_and_register_allocator(info, ort.OrtArenaCfg({"arena_extend_strategy": 1}))  # kSameAsRequested
        options.add_session_config_entry("session.use_env_allocators", "1")
    except Exception:  # noqa: BLE001 - an older onnxruntime: the session's own arena is next best
        options.enable_cpu_mem_arena = True
    return _ArenaReleasingSession(ort.InferenceSession(model_path, sess_options=options, providers=["CPUExecutionProvider"]))


class _ArenaReleasingSession:
    """An ONNX session whose runs hand the arena's free chunks back at the end.

    Between pages the detector's ~230 MB are released instead of kept for the next page
    (whose shape differs and would grow the arena again); measured, it costs no CPU."""

    def __init__(self, session) -> None:
        import onnxruntime as ort

        self._session = session
        self._run_options = ort.RunOptions()
        self._run_options.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")

    def run(self, output_names, input_feed):
        return self._session.run(output_names, input_feed, self._run_options)

    def __getattr__(self, name: str):
        return getattr(self._session, name)


def ocr_boxes(gray: np.ndarray, det_side: int) -> list[Char]:
    """Recognised text boxes as glyph runs in points."""
    return _as_chars(detect_small_read_full(ocr_engine(), gray, det_side))


def _as_chars(result: list[tuple[list, str, float]]) -> list[Char]:
    out: list[Char] = []
    for points, text, score in result:
        text = ocr_punctuation(dash_as_one((text or "").strip()))
        if not text or float(score) < 0.5:
            continue
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        out.append(Char(text, min(xs) / SCALE, min(ys) / SCALE, max(xs) / SCALE, max(ys) / SCALE))
    return out


_DASH_FOR_ONE = re.compile(r"(?:^|(?<=[\u4e00-\u9fff]))[-－–—_](?=[\u4e00-\u9fff])")


def dash_as_one(text: str) -> str:
    """The numeral 一 that the recogniser read as a dash: `-级指标`, `标准-致` (one stroke, no context).

    A single dash starting a box or between two Chinese characters, before a Chinese
    character, is 一 in these forms (a heading `-级指标` otherwise hides the whole table)."""
    return _DASH_FOR_ONE.sub("一", text)


# a colon read for the decimal point of a percentage or an amount: 89:20% → 89.20%
_DECIMAL_MARK = re.compile(r"(?<=\d)[:：](?=\d{1,2}\s*(?:[%％]|万?元))")
# a full stop read as a degree sign: after a percent sign, a Chinese character or a closing bracket
_STOP_AS_DEGREE = re.compile(r"(?<=[%％\u4e00-\u9fff)）”])[°º˚]")


def ocr_punctuation(text: str) -> str:
    """Punctuation the recogniser confuses inside numbers and at sentence ends.

    A colon between digits followed by one or two digits and % or 元 is the decimal
    point (a clock time or a ratio is not followed by % or 元);
    a degree sign after % or a Chinese character is the full stop 。 (a real degree follows a digit)."""
    return _STOP_AS_DEGREE.sub("。", _DECIMAL_MARK.sub(".", text))


def detect_small_read_full(engine, gray: np.ndarray, det_side: int) -> list[tuple[list, str, float]]:
    """Text detection on a downscaled page, recognition on crops of the full-resolution page.

    Detection (a DB net over every pixel) was half the OCR time at 200 dpi; boxes found at
    det_side are scaled back and recognition reads crops of the full page, so characters
    keep all their pixels. Returns (box points, text, score) in reading order."""
    import cv2

    image = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
    scale = min(1.0, det_side / max(gray.shape))
    small = image if scale == 1.0 else cv2.resize(
        image, (round(gray.shape[1] * scale), round(gray.shape[0] * scale)), interpolation=cv2.INTER_AREA)
    boxes = detect(engine, small)
    if len(boxes) == 0:
        return []
    boxes = engine.text_det.sorted_boxes(boxes / scale)
    return recognise(engine, engine.crop_text_regions(image, boxes), [b.tolist() for b in boxes])


def recognise(engine, crops: list[np.ndarray], boxes: list) -> list[tuple[list, str, float]]:
    """(box, text, score) for each crop, read one at a time at its own width.

    RapidOCR pads every crop to at least 320 px wide (6.7x its height); a table cell is
    ~2.4x: a narrow minimum width reads short cells faster and no worse."""
    if not crops:
        return []
    rec = engine.text_rec
    shape = rec.rec_image_shape
    if isinstance(shape, list | tuple) and len(shape) == 3 and shape[2] != REC_MIN_WIDTH:
        rec.rec_image_shape = [shape[0], shape[1], REC_MIN_WIDTH]
    out = engine.recognize_txt(crops)
    return [(box, text, float(score)) for box, text, score in zip(boxes, out.txts, out.scores, strict=True)]


def padded(crop: np.ndarray, share: float, side: float = 0.0) -> np.ndarray:
    """A crop with white around its text: above and below so that the text fills `share`
    of its height, left and right `side` times the text's height.

    The recogniser was trained on lines with a margin around them; a crop cut tight to the
    ink (a cell's line found from its ink rows) misreads strokes at its edges (目 as 自,
    specks as stops) that the same line read with a margin gets right."""
    gray = crop if crop.ndim == 2 else crop[:, :, 0]
    rows = np.flatnonzero((gray < 128).any(axis=1))
    if not rows.size:
        return crop
    ink = int(rows[-1] - rows[0] + 1)
    need = max(0, int(np.ceil(ink / share)) - crop.shape[0])
    across = round(side * ink)
    if need <= 1 and across <= 1:
        return crop
    import cv2

    return cv2.copyMakeBorder(crop, need // 2, need - need // 2, across, across, cv2.BORDER_CONSTANT,
                              value=(255, 255, 255))


def detect(engine, image: np.ndarray) -> np.ndarray:
    """Text boxes of an image already sized for detection."""
    found = engine.text_det(image)
    return np.zeros((0, 4, 2), np.float32) if found.boxes is None else np.asarray(found.boxes, dtype=np.float32)


PAPER = 200  # grey level from which a pixel is paper, whitened before OCR
CELL_INSET = 7  # px kept off a cell's column rules (left-over rule pixels of a skewed scan are not text)
CELL_INSET_Y = 3  # off its row rules: a tight row's text comes within 4 px
LINE_GAP = 0.12  # ink rows closer than this share of a line's height belong to one line (the strokes of 三)


def ink_lines(ink: np.ndarray, min_height: int = 6) -> list[tuple[int, int, int, int]]:
    """Text lines of a cell image by horizontal projection: (x0, y0, x1, y1) of each line's ink.

    A cell of a ruled table holds lines stacked top to bottom, so the rows with ink give the
    lines without a detector; runs closer than LINE_GAP of their height are one line (the gaps
    inside 三 or 二), and a run too thin to be a line on its own (一) joins its neighbour
    when one is close."""
    per_row = (ink > 0).sum(axis=1)
    if not per_row.any():
        return []
    rows = np.flatnonzero(per_row >= max(3, 0.06 * per_row.max()))  # descender tips do not join two lines
    runs: list[list[int]] = []
    for r in rows.tolist():
        if runs and r - runs[-1][1] <= 1:
            runs[-1][1] = r
        else:
            runs.append([r, r])
    if not runs:
        return []
    heights = sorted(b - a + 1 for a, b in runs)
    typical = max(heights[len(heights) // 2], heights[-1] * 0.6, 8)
    merged: list[list[int]] = []
    for a, b in runs:
        if merged and (a - merged[-1][1] <= LINE_GAP * typical
                       or (min(b - a, merged[-1][1] - merged[-1][0]) < 0.4 * typical
                           and a - merged[-1][1] <= 0.6 * typical
                           and b - merged[-1][0] <= 1.4 * typical)):
            merged[-1][1] = b
        else:
            merged.append([a, b])
    out = []
    for a, b in merged:
        cols = np.flatnonzero(ink[a:b + 1].sum(axis=0) > 0)
        if not cols.size:
            continue
        tall, wide = b - a + 1, int(cols[-1] - cols[0]) + 1
        # scan noise: specks are small both ways (a dash — or 一 is thin but wide)
        if (tall < min_height or wide < min_height) or (tall < 9 and wide < 9) \
                or int((ink[a:b + 1] > 0).sum()) < 18:
            continue
        out.append((int(cols[0]), a, int(cols[-1]) + 1, b + 1))
    return out


def read_cells_then_rest(engine, clean: np.ndarray, ink: np.ndarray, grids, det_side: int) -> list[Char]:
    """Ruled tables read cell by cell, line by line; only the rest of the page goes to the detector.

    Inside a ruled cell the lines are found from the ink (ink_lines) and recognised directly:
    no text detection over the table, which was most of a scanned page's OCR time. What lies
    outside every table (titles, notes, prose) is detected as before, on the page with the
    tables blanked out."""
    import cv2

    image = cv2.cvtColor(clean, cv2.COLOR_GRAY2BGR)
    h, w = clean.shape
    crops: list[np.ndarray] = []
    boxes: list[list[list[float]]] = []
    rest = clean.copy()
    for g in grids:
        gx0, gy0, gx1, gy1 = (round(v * SCALE) for v in g.bbox)
        rest[max(0, gy0 - 2):min(h, gy1 + 3), max(0, gx0 - 2):min(w, gx1 + 3)] = 255
        for cell in g.cells:
            x0, y0, x1, y1 = (round(v * SCALE) for v in cell.bbox)
            x0, y0 = max(0, x0 + CELL_INSET), max(0, y0 + CELL_INSET_Y)
            x1, y1 = min(w, x1 - CELL_INSET), min(h, y1 - CELL_INSET_Y)
            if x1 - x0 < 4 or y1 - y0 < 4:
                continue
            for lx0, ly0, lx1, ly1 in ink_lines(ink[y0:y1, x0:x1]):
                pad = 3
                ax0, ay0 = max(0, x0 + lx0 - pad), max(0, y0 + ly0 - pad)
                ax1, ay1 = min(w, x0 + lx1 + pad), min(h, y0 + ly1 + pad)
                crops.append(padded(image[ay0:ay1, ax0:ax1], CELL_LINE_SHARE, CELL_LINE_SIDE))
                boxes.append([[ax0, ay0], [ax1, ay0], [ax1, ay1], [ax0, ay1]])
    result = [(box, _cell_text(text), score) for box, text, score in recognise(engine, crops, boxes)]
    for top, bottom in ink_bands(rest):  # titles, notes, prose: detected band by band, not over the page
        found = detect_small_read_full(engine, rest[top:bottom], det_side)
        result += [([[x, y + top] for x, y in box], text, score) for box, text, score in found]
    return _as_chars(result)


def ink_bands(image: np.ndarray, gap: int = 40, pad: int = 12) -> list[tuple[int, int]]:
    """Row ranges of an image that hold ink, split where `gap` blank rows separate them."""
    rows = np.flatnonzero((image < 128).sum(axis=1) >= 3)
    bands: list[list[int]] = []
    for r in rows.tolist():
        if bands and r - bands[-1][1] <= gap:
            bands[-1][1] = r
        else:
            bands.append([r, r])
    h = image.shape[0]
    return [(max(0, a - pad), min(h, b + pad + 1)) for a, b in bands if b - a >= 6]


_SPECK_ONLY = re.compile(r"^[.,。，、·:：'\"`]+$")
_SPECK_AFTER_HAN = re.compile(r"(?<=[\u4e00-\u9fff])\.+$")


def _cell_text(text: str) -> str:
    """A cell line without what scan specks read as: a lone stop or comma, a '.' after a Chinese character."""
    text = (text or "").strip()
    return "" if _SPECK_ONLY.match(text) else _SPECK_AFTER_HAN.sub("", text)


def split_at_rules(boxes: list[Char], xs: list[float]) -> list[Char]:
    """Cut boxes that run across a column rule, sharing the text by width."""
    out: list[Char] = []
    for b in boxes:
        cuts = [x for x in xs if b.x0 + 2 < x < b.x1 - 2]
        if not cuts or len(b.text) < 2:
            out.append(b)
            continue
        bounds = [b.x0, *cuts, b.x1]
        width = b.x1 - b.x0
        start = 0
        for i in range(len(bounds) - 1):
            end = len(b.text) if i == len(bounds) - 2 else round(len(b.text) * (bounds[i + 1] - b.x0) / width)
            if end > start:
                out.append(Char(b.text[start:end], bounds[i], b.top, bounds[i + 1], b.bottom))
            start = max(start, end)
    return out


def ocr_page(pdf: pdfium.PdfDocument, page: PageContent, det_side: int) -> list[Block]:
    """Tables and paragraphs of a page read from its image."""
    gray = straighten(render(pdf, page.number - 1))
    binary = binarise(gray)
    edges, rules = rule_edges(binary)
    grids = grids_from_edges(edges)
    clean = gray.copy()
    clean[(rules > 0) | (clean >= PAPER)] = 255  # rules removed: the text detector no longer joins boxes across them;
    # paper grain whitened: the recogniser read its specks as stops and commas
    ink = binary.copy()
    ink[clean == 255] = 0  # rules and paper grain (the adaptive threshold keeps grain on white paper)
    if grids and os.environ.get("JIXIAO_OCR_CELLS", "0") == "1":  # off: no faster, and it lost words (see pdf-engines.md)
        boxes = read_cells_then_rest(ocr_engine(), clean, ink, grids, det_side)
    else:
        boxes = ocr_boxes(clean, det_side)
    col_xs = sorted({x for g in grids for x in g.xs})
    boxes = split_at_rules(boxes, col_xs)
    height = gray.shape[0] / SCALE
    blocks, _ = layout_page(boxes, grids, page.number, height, width=gray.shape[1] / SCALE)
    del gray, binary, rules, clean, ink
    release_free_memory()
    return blocks


@lru_cache(maxsize=1)
def _libc():
    import ctypes
    import ctypes.util

    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:  # pragma: no cover - not glibc
        return None


def release_free_memory() -> None:
    """Give the heap's free pages back to the system after a page (glibc `malloc_trim`).

    A page's images and OpenCV buffers (tens of MB) leave holes in the heap that stay
    resident; without this a worker's peak crept up by ~20 MB with every scanned file."""
    libc = _libc()
    if libc is not None and hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)
