"""Scanned pages: OCR the straightened page image and fill the cells of its ruled grid.

The image work (render, straighten, find the rules: image.py) gives the same Edge objects a
born-digital page yields, so grid.py builds cells and spans from them exactly as for
vector PDFs. Text comes from RapidOCR (PP-OCRv4 Chinese models shipped
inside the wheel, ONNX runtime, no network); each recognised box is treated like a
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


def ocr_threads() -> int:
    """ONNX runtime threads per process (JIXIAO_OCR_THREADS, default 1).

    The batch engine already runs one worker per core; more threads per worker only make
    the workers fight over the cores (2 workers were 1.1x one worker with the default)."""
    try:
        return max(1, int(os.environ.get("JIXIAO_OCR_THREADS", "1")))
    except ValueError:
        return 1


@lru_cache(maxsize=1)
def _engine():
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as e:  # pragma: no cover - depends on the installation
        raise RuntimeError("OCR needs rapidocr-onnxruntime (pip install rapidocr-onnxruntime)") from e
    threads = min(ocr_threads(), os.cpu_count() or 1)
    engine = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1, rec_batch_num=1)
    session = getattr(getattr(engine.text_det, "infer", None), "session", None)
    if session is not None and getattr(session, "_model_path", None):
        engine.text_det.infer.session = _detector_session(session._model_path, threads)
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
    engine = _engine()
    if all(hasattr(engine, a) for a in ("text_det", "text_rec", "sorted_boxes", "get_crop_img_list")):
        result = detect_small_read_full(engine, gray, det_side)
    else:  # pragma: no cover - a rapidocr without the pieces: its own pipeline (det at up to 2000 px)
        result, _ = engine(gray, use_cls=False)  # pages are upright once straightened
    out: list[Char] = []
    for points, text, score in result or []:
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
    """RapidOCR's pipeline with text detection on a downscaled page.

    Detection (a DB net over every pixel) was half the OCR time at 200 dpi; boxes found at
    det_side are scaled back and recognition reads crops of the full-resolution page,
    so characters keep all their pixels (det_side 1280: 0.9 s instead of 4.4 s on a dense
    200 dpi table page). Returns (box points, text, score) like RapidOCR."""
    import cv2

    image = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
    scale = min(1.0, det_side / max(gray.shape))
    small = image if scale == 1.0 else cv2.resize(
        image, (round(gray.shape[1] * scale), round(gray.shape[0] * scale)), interpolation=cv2.INTER_AREA)
    boxes = detect(engine, small)
    if len(boxes) == 0:
        return []
    boxes = engine.sorted_boxes(boxes / scale)
    shape = getattr(engine.text_rec, "rec_image_shape", None)
    if isinstance(shape, list) and len(shape) == 3:
        # RapidOCR pads every crop to at least 320 px wide (6.7x its height); a table cell is
        # ~2.4x. Read one crop at a time at its own width: rec_batch_num=1 and no minimum.
        engine.text_rec.rec_image_shape = [shape[0], shape[1], REC_MIN_WIDTH]
    texts, _ = engine.text_rec(engine.get_crop_img_list(image, boxes))
    return [(box.tolist(), res[0], float(res[1])) for box, res in zip(boxes, texts, strict=True)]


def detect(engine, image: np.ndarray) -> np.ndarray:
    """Text boxes of an image already sized for detection (RapidOCR's own "min 736 px" rule off)."""
    if getattr(engine.text_det, "limit_type", None) == "min":
        engine.text_det.limit_type = "max"  # "max" leaves an image under 1500 px as it is
    boxes, _ = engine.text_det(image)
    return np.zeros((0, 4, 2), np.float32) if boxes is None else np.asarray(boxes, dtype=np.float32)


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
    clean[rules > 0] = 255  # rules removed: the text detector no longer joins boxes across them
    boxes = ocr_boxes(clean, det_side)
    col_xs = sorted({x for g in grids for x in g.xs})
    boxes = split_at_rules(boxes, col_xs)
    height = gray.shape[0] / SCALE
    blocks, _ = layout_page(boxes, grids, page.number, height, width=gray.shape[1] / SCALE)
    del gray, binary, rules, clean
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
