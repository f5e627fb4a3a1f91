"""Scanned PDFs on one core: seconds per page (CPU and wall, by stage) and numeric cells read exactly.

    python bench/scanned.py [--misses] [--parity]

Runs the PDF extractor in this process on the scanned files of the generated corpus
(map.json's truth says `pdf_scanned`), one ONNX / OpenMP thread. Stages are timed by
wrapping the OCR module's steps: render, straighten, rules + grid, detection, recognition,
layout. "Numeric cells" are the truth's numbers of those documents' forms: budget, executed,
rate and total score of each form, each indicator's weight, score and the numbers of its
target and actual, and each amount (whole.truth_numbers). One is read exactly when a table
cell of the extraction holds that number (each cell number used once; 万元 also as 元).
`--misses` lists the truth numbers not read, with the document's unmatched cell numbers.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "JIXIAO_OCR_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import itertools  # noqa: E402
import re  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402
from pathlib import Path  # noqa: E402

import whole  # noqa: E402

STAGES: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])  # name -> [cpu, wall, calls]


class _timed:
    """A callable timed into STAGES[name]; other attributes pass through (the detector's sorted_boxes)."""

    def __init__(self, name: str, fn) -> None:
        self._name, self._fn = name, fn

    def __call__(self, *a, **k):
        c, w = time.process_time(), time.perf_counter()
        try:
            return self._fn(*a, **k)
        finally:
            s = STAGES[self._name]
            s[0] += time.process_time() - c
            s[1] += time.perf_counter() - w
            s[2] += 1

    def __getattr__(self, name: str):
        return getattr(self._fn, name)


def _engine(ocr):
    """The OCR engine of the measured tree (a tree before 2026-12-02 named it _engine)."""
    return (getattr(ocr, "ocr_engine", None) or getattr(ocr, "_engine"))()  # noqa: B009


def instrument() -> None:
    """Wrap the OCR steps (module attributes and the engine's detector and recogniser)."""
    from jixiao.extract.pdf import ocr

    for name in ("render", "straighten", "binarise", "rule_edges", "grids_from_edges", "layout_page"):
        if hasattr(ocr, name):
            setattr(ocr, name, _timed(name, getattr(ocr, name)))
    engine = _engine(ocr)  # loaded once, before the clock runs
    engine.text_det = _timed("detection", engine.text_det)
    engine.text_rec = _timed("recognition", engine.text_rec)


def uninstrumented_run(paths: list[Path]) -> tuple[list, float, float, int]:
    from jixiao.extract.base import ExtractOptions
    from jixiao.extract.pdf import extract as extract_pdf

    docs, cpu, wall, pages = [], 0.0, 0.0, 0
    for p in paths:
        c, w = time.process_time(), time.perf_counter()
        doc = extract_pdf(p, ExtractOptions())
        cpu += time.process_time() - c
        wall += time.perf_counter() - w
        pages += doc.n_pages_ocr
        docs.append(doc)
        if doc.warnings and not doc.n_pages_ocr:
            print(p.name, doc.warnings[:2])
    return docs, cpu, wall, pages


def born_digital() -> list[tuple[Path, dict]]:
    import json

    mapping = json.loads((whole.GENERATED / "map.json").read_text(encoding="utf-8"))
    out = []
    for rel, t in sorted(mapping.items()):
        truth = json.loads((whole.GENERATED / t).read_text(encoding="utf-8"))
        if truth["source_format"] == "pdf":
            out.append((whole.GENERATED / "docs" / rel, truth))
    return out


_NUMERIC_CELL = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?[%％]?")


def parity_cells(scan: Path) -> tuple[int, int, list[tuple[str, str]]]:
    """Numeric cells of a parity scan equal to the born-digital PDF it was scanned from, cell by cell.

    The scan is the image of that PDF: same tables, same cells; a numeric cell is one whose
    whole text is a number (with %); compared as written (spaces removed)."""
    from jixiao.extract.base import ExtractOptions
    from jixiao.extract.pdf import extract as extract_pdf

    ref = extract_pdf(scan.with_name(scan.name.replace("_scan", "")), ExtractOptions())
    got = extract_pdf(scan, ExtractOptions())
    same = total = 0
    wrong: list[tuple[str, str]] = []
    for rt, gt in itertools.zip_longest(ref.tables, got.tables):
        if rt is None:
            continue
        cells = {(c.row, c.col): c.text for c in gt.cells} if gt is not None else {}
        for c in rt.cells:
            text = re.sub(r"\s", "", c.text or "")
            if not _NUMERIC_CELL.fullmatch(text):
                continue
            total += 1
            read = re.sub(r"\s", "", cells.get((c.row, c.col)) or "")
            if read == text:
                same += 1
            else:
                wrong.append((text, read))
    return same, total, wrong


def misses(truth: list[float], read: list[float]) -> tuple[list[float], list[float]]:
    """Truth numbers not read, and read numbers left unmatched (what they may have become)."""
    pool: dict[float, int] = defaultdict(int)
    for v in read:
        pool[round(v, 6)] += 1
    lost = []
    for v in truth:
        for key in (round(v, 6), round(v * 10000, 6)):
            if pool.get(key):
                pool[key] -= 1
                break
        else:
            lost.append(v)
    return lost, sorted(k for k, n in pool.items() for _ in range(n))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--misses", action="store_true")
    ap.add_argument("--parity", action="store_true", help="time the parity scans too (fixtures/parity/*_scan.pdf)")
    ap.add_argument("--control", action="store_true",
                    help="the same measure on the born-digital PDFs (no OCR): what it gives when nothing is misread")
    ap.add_argument("--only", default="", help="only files whose name contains this")
    ap.add_argument("--no-stages", action="store_true", help="no wrapping (the cleanest seconds)")
    args = ap.parse_args()
    from jixiao.extract.pdf import ocr

    _engine(ocr)  # model loading is start-up, not per page
    if not args.no_stages:
        instrument()
    files = whole.scanned_pdfs()
    if args.control:
        files = [(p, t) for p, t in born_digital() if t.get("forms")]
    files = [(p, t) for p, t in files if args.only in p.name]
    paths = [p for p, _ in files]
    if args.parity:
        paths += sorted((whole.ROOT / "fixtures" / "parity").glob(f"*{args.only}_scan.pdf" if args.only else "*_scan.pdf"))
    docs, cpu, wall, pages = uninstrumented_run(paths)
    found = total = 0
    for (p, truth), doc in zip(files, docs, strict=False):
        numbers = whole.truth_numbers(truth)
        read = whole.read_numbers(doc)
        f, t = whole.numeric_recall(numbers, read)
        found, total = found + f, total + t
        print(f"{p.name}: {doc.n_pages_ocr} pages, numbers {f}/{t}")
        if args.misses and f < t:
            lost, extra = misses(numbers, read)
            print(f"    not read: {lost}\n    unmatched cells: {extra}")
    pages = max(pages, 1)
    print(f"pages {pages}: CPU {cpu / pages:.2f} s/page, wall {wall / pages:.2f} s/page (one thread)")
    for name, (c, w, n) in sorted(STAGES.items(), key=lambda kv: -kv[1][0]):
        print(f"  {name:18s} CPU {c / pages:.3f} s/page  wall {w / pages:.3f}  calls {n}")
    print(f"numeric cells read exactly: {found}/{total} = {found / max(total, 1):.3f}")
    if args.parity:
        for scan in sorted((whole.ROOT / "fixtures" / "parity").glob(f"*{args.only}_scan.pdf" if args.only else "*_scan.pdf")):
            same, n, wrong = parity_cells(scan)
            print(f"{scan.name}: numeric cells equal to the born-digital PDF's, cell by cell: {same}/{n}"
                  + (f"; wrong (truth, read): {wrong}" if args.misses and wrong else ""))


if __name__ == "__main__":
    main()
