"""Benchmark: the full pipeline on a corpus of N documents, against table-extraction references.

usage: python bench/run.py --n 50 [--workers 1,2] [--formats docx,pdf] [--camelot-pages 3] [--md docs/benchmarks.md]
       python bench/run.py --only-whole [--repeat 3]   (refresh only the "Whole process" section)
(the reference engines are the `bench` extra: pip install -e '.[bench]')

Builds bench/corpus/ from every format present (the seeds in ../shared/seeds, the real
PDFs in ../shared/real, fixtures/office/*, fixtures/pdf/*; absent formats are skipped
with a note), converts it with the batch engine at each worker count (cache off), and in
the same run times pdfplumber's extract_tables() alone and camelot lattice alone on the
same PDFs. Prints pages/s, docs/s, peak memory per worker (PSS, USS, RSS: bench/memory.py) and the ratios, and writes
docs/benchmarks.md. Then the user's view (bench/whole.py): whole `jixiao convert` processes
for one file, a folder of born-digital pages, six .doc files and the scanned PDFs, each
beside a reference tool in the same run.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/memory.py, however this script is run

from memory import Peaks, Watch  # noqa: E402

from jixiao.batch.task import Settings  # noqa: E402  (light: workers re-import this script)
from jixiao.extract.base import EXTRACTORS, sniff_format  # noqa: E402
from jixiao.inputs import collect_inputs  # noqa: E402
from jixiao.pipeline import PipelineOptions  # noqa: E402

SHARED = ROOT.parent / "shared"
FORMATS = ("txt", "pdf", "pdf_scanned", "docx", "doc", "xlsx", "xls", "html")


def find_sources() -> tuple[dict[str, list[Path]], list[str]]:
    """Source documents by sniffed format, and notes about what is missing."""
    places = [SHARED / "seeds", SHARED / "real", ROOT / "fixtures" / "office", ROOT / "fixtures" / "pdf"]
    by_format: dict[str, list[Path]] = defaultdict(list)
    notes = []
    for place in places:
        if not place.is_dir():
            shown = place.relative_to(ROOT) if place.is_relative_to(ROOT) else Path("..") / place.relative_to(ROOT.parent)
            notes.append(f"{shown} not present: skipped")
            continue
        for path, _ in collect_inputs([place]).files:
            if path.suffix.lower() in (".md", ".json", ".py") or path.name.lower() == "readme.md":
                continue
            fmt = sniff_format(path)
            by_format["pdf_scanned" if fmt == "pdf" and not has_text_layer(path) else fmt].append(path)
    for fmt in FORMATS:
        if fmt not in by_format:
            notes.append(f"no {fmt} documents in the fixtures: {fmt} not measured")
    return dict(by_format), notes


def has_text_layer(path: Path) -> bool:
    """A PDF whose first page has characters (a scan without OCR text has none): scans are their own group."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(path)
    try:
        return len(pdf) > 0 and pdf[0].get_textpage().count_chars() > 0
    finally:
        pdf.close()


def build_corpus(sources: dict[str, list[Path]], n: int, folder: Path) -> list[Path]:
    """N documents, round-robin over formats and files; text copies get distinct bytes."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    cycle = [p for group in zip(*_padded(list(sources.values())), strict=True) for p in group if p is not None]
    made = []
    for i in range(n):
        src = cycle[i % len(cycle)]
        dst = folder / f"{i:05d}-{src.name}"
        data = src.read_bytes()
        if sniff_format(src) == "txt":
            data += f"\n（bench copy {i}）\n".encode()
        dst.write_bytes(data)
        made.append(dst)
    return made


def _padded(groups: list[list[Path]]) -> list[list[Path | None]]:
    width = max(len(g) for g in groups)
    return [[g[i % len(g)] for i in range(width)] for g in groups]


@dataclass
class PipelineRun:
    workers: int
    wall: float
    docs: int
    pages: int
    failed: int
    peak_rss_mb: float  # VmHWM the workers report: counts pages shared copy-on-write with the parent
    by_format: dict[str, dict[str, float]] = field(default_factory=dict)
    converting: float = 0.0
    assembling: float = 0.0
    memory: Peaks = field(default_factory=Peaks)  # sampled USS / PSS of the workers (bench/memory.py)

    @property
    def docs_per_s(self) -> float:
        return self.docs / self.wall

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.wall


def run_pipeline(files: list[Path], corpus: Path, workers: int, out: Path) -> PipelineRun:
    from jixiao.batch.runner import run_batch  # pandas and pyarrow stay out of the workers

    shutil.rmtree(out, ignore_errors=True)
    settings = Settings(options=PipelineOptions(), cache_dir=str(out / ".jixiao" / "cache"), force=True)
    with Watch() as watch:
        start = time.perf_counter()
        result = run_batch([(f, corpus) for f in files], out, settings, workers=workers)
        wall = time.perf_counter() - start
    # per-format rates count converted files only: a file that fails fast says nothing about speed
    per: dict[str, dict[str, float]] = defaultdict(lambda: {"docs": 0, "pages": 0, "cpu_s": 0.0, "failed": 0,
                                                            "forms": 0})
    for o in result.outcomes:
        fmt = o.source_format or "unknown"
        if fmt == "pdf" and o.pages_ocr:
            fmt = "pdf_ocr"  # born-digital, but fonts without a text map sent pages to OCR
        if o.status == "failed":
            per[fmt]["failed"] += 1
            continue
        per[fmt]["docs"] += 1
        per[fmt]["pages"] += o.pages or 0
        per[fmt]["cpu_s"] += o.seconds
        per[fmt]["forms"] += o.counts.get("forms", 0)
    rss = max((o.peak_rss_mb or 0.0) for o in result.outcomes) if result.outcomes else 0.0
    return PipelineRun(workers, wall, len(result.outcomes), sum(o.pages or 0 for o in result.outcomes),
                       len(result.failed), rss, dict(per), result.seconds_converting, result.seconds_assembling,
                       watch.peaks)


def time_pdfplumber(pdfs: list[Path]) -> tuple[int, float]:
    import pdfplumber

    pages, start = 0, time.perf_counter()
    for path in pdfs:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_tables()
                pages += 1
    return pages, time.perf_counter() - start


def time_camelot(pdfs: list[Path], max_pages: int) -> tuple[int, float] | str:
    try:
        import camelot
    except ImportError as e:
        return f"camelot not installed ({e})"
    import pypdfium2

    pages, start = 0, time.perf_counter()
    try:
        for path in pdfs:
            n = min(max_pages, len(pypdfium2.PdfDocument(path)))
            camelot.read_pdf(str(path), pages=f"1-{n}", flavor="lattice")
            pages += n
    except Exception as e:  # camelot needs a rasterizer backend; say so instead of crashing the bench
        return f"camelot lattice failed: {type(e).__name__}: {e}"
    return pages, time.perf_counter() - start


def peak_rss_self_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def extractor_installed(fmt: str) -> bool:
    import importlib.util

    target = EXTRACTORS.get("pdf" if fmt == "pdf_scanned" else fmt)
    return bool(target) and importlib.util.find_spec(target.split(":")[0]) is not None


def report(args, notes, sources, runs, plumber, camelot_result, files) -> str:
    one = next((r for r in runs if r.workers == 1), None)
    two = next((r for r in runs if r.workers == 2), None)
    lines = [
        "# Benchmarks",
        "",
        f"Produced by `python bench/run.py {' '.join(sys.argv[1:])}` on {datetime.now():%Y-%m-%d %H:%M}: "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}. "
        f"Load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())} (a busy machine makes the "
        "figures, above all the 2-worker speed-up, worse). Re-run it to refresh this page.",
        "",
        f"Corpus: {len(files)} documents built round-robin from "
        + ", ".join(f"{len(v)} {k}" for k, v in sorted(sources.items())) + " source files.",
        "",
        "## Full pipeline (extract → interpret → validate → shards → CSV/Parquet/DuckDB)",
        "",
        "| workers | wall s | of which converting s | of which writing tables s | docs | pages | docs/s | pages/s "
        "| failed | peak PSS per worker (MB) | peak USS | peak RSS |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        lines.append(f"| {r.workers} | {r.wall:.2f} | {r.converting:.2f} | {r.assembling:.2f} | {r.docs} | {r.pages} "
                     f"| {r.docs_per_s:.1f} | {r.pages_per_s:.1f} | {r.failed} | {r.memory.pss_mb:.0f} "
                     f"| {r.memory.uss_mb:.0f} | {r.peak_rss_mb:.0f} |")
    lines += ["", "Per format, per core (converted files only; sum of per-file seconds in the 1-worker run):", "",
              "| format | docs | forms | pages | failed | docs/s per core | forms/s per core | pages/s per core "
              "| s per page |",
              "|---|---|---|---|---|---|---|---|---|"]
    base = one or runs[0]
    for fmt, v in sorted(base.by_format.items()):
        cpu = v["cpu_s"] or 1e-9
        per_page = f"{cpu / v['pages']:.3f}" if v["pages"] else "–"
        docs_rate = f"{v['docs'] / cpu:.1f}" if v["docs"] else "–"
        pages_rate = f"{v['pages'] / cpu:.1f}" if v["pages"] else "–"
        forms_rate = f"{v['forms'] / cpu:.1f}" if v["forms"] else "–"
        lines.append(f"| {fmt} | {v['docs']:.0f} | {v['forms']:.0f} | {v['pages']:.0f} | {v['failed']:.0f} "
                     f"| {docs_rate} | {forms_rate} | {pages_rate} | {per_page} |")
    lines += ["", "## References on the same PDFs", ""]
    pdf_stats = base.by_format.get("pdf")
    pipeline_pdf_rate = (pdf_stats["pages"] / pdf_stats["cpu_s"]) if pdf_stats and pdf_stats["cpu_s"] and pdf_stats["pages"] else None
    if plumber:
        p_pages, p_s = plumber
        lines.append(f"- pdfplumber `extract_tables()` alone: {p_pages} pages in {p_s:.2f} s = {p_pages / p_s:.1f} pages/s")
    if isinstance(camelot_result, tuple):
        c_pages, c_s = camelot_result
        lines.append(f"- camelot lattice alone (first {args.camelot_pages} pages of each PDF): {c_pages} pages in "
                     f"{c_s:.2f} s = {c_pages / c_s:.2f} pages/s")
    elif camelot_result:
        lines.append(f"- camelot: {camelot_result}")
    lines += ["", "## Targets (issue 6)", "", "| target | measured | met |", "|---|---|---|"]

    def row(name: str, value: float | None, goal: str, ok: bool | None, unit: str = "") -> None:
        shown = f"{value:.2f}{unit}" if value is not None else "not measured"
        lines.append(f"| {name} ({goal}) | {shown} | {'yes' if ok else 'no' if ok is not None else '–'} |")

    ratio = pipeline_pdf_rate / (plumber[0] / plumber[1]) if plumber and pipeline_pdf_rate else None
    row("born-digital PDF pages/s vs pdfplumber extract_tables()", ratio, "≥ 3×", None if ratio is None else ratio >= 3, "×")
    docx = base.by_format.get("docx")
    docx_rate = docx["docs"] / docx["cpu_s"] if docx and docx["cpu_s"] else None
    row("DOCX docs/s per core", docx_rate, "≥ 20", None if docx_rate is None else docx_rate >= 20)
    ocr = [base.by_format[k] for k in ("pdf_scanned", "pdf_ocr") if base.by_format.get(k, {}).get("pages")]
    ocr_pages, ocr_s = sum(v["pages"] for v in ocr), sum(v["cpu_s"] for v in ocr)
    scan_rate = ocr_s / ocr_pages if ocr_pages else None
    row("scanned / OCR'd s/page per core (pdf_scanned + pdf_ocr)", scan_rate, "≤ 3", None if scan_rate is None else scan_rate <= 3)
    pss = max(r.memory.pss_mb for r in runs)  # not RSS: a forked worker's RSS counts pages it shares (bench/memory.py)
    row("peak PSS per worker MB", pss, "≤ 500", pss <= 500)
    speedup = two.docs_per_s / one.docs_per_s if one and two else None
    row("2 workers vs 1 worker", speedup, "≥ 1.8×", None if speedup is None else speedup >= 1.8, "×")
    lines += ["", "## Notes", ""]
    lines += [f"- {n}" for n in notes] or ["- none"]
    if speedup is not None and os.cpu_count() and os.cpu_count() < 2:
        lines.append("- fewer than 2 cores: the 2-worker figure cannot show a speed-up")
    lines.append("- Writing the final CSV/Parquet/DuckDB (its own column above) is in the wall time and runs in "
                 "the parent after the last file; with small N it weighs on docs/s and on the 2-worker speed-up.")
    lines.append("- Per-format rates are per core: the sum of each file's seconds in its worker (1-worker run). "
                 "A .doc's time is mostly LibreOffice converting it.")
    return "\n".join(lines) + "\n"


def whole_lines(repeat: int) -> list[str]:
    """The "Whole process" section, measured now (bench/whole.py)."""
    sys.path.insert(0, str(ROOT / "bench"))
    import whole

    pairs = whole.measure(repeat)
    for p in pairs:
        print(f"whole process: {p.name}: jixiao {p.jixiao_s:.2f} s, {p.reference} {p.reference_s or 0:.2f} s"
              + (f" = {p.ratio:.2f}x" if p.ratio else ""))
    stamp = (f"Measured {datetime.now():%Y-%m-%d %H:%M}, load average {os.getloadavg()[0]:.1f} on "
             f"{os.cpu_count()} cores.")
    lines = whole.markdown(pairs)
    return lines[:2] + [stamp, ""] + lines[2:]


def with_whole_section(text: str, lines: list[str]) -> str:
    """The report with its "Whole process" section replaced (or put before the notes)."""
    head = "## Whole process"
    block = "\n".join(lines) + "\n\n"
    if head in text:
        start = text.index(head)
        nxt = text.find("\n## ", start + len(head))
        return text[:start] + block + (text[nxt + 1:] if nxt >= 0 else "")
    notes = text.find("## Notes")
    return text[:notes] + block + text[notes:] if notes >= 0 else text.rstrip("\n") + "\n\n" + block


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=50, help="documents in the corpus")
    ap.add_argument("--workers", default="1,2", help="worker counts to run, comma-separated")
    ap.add_argument("--camelot-pages", type=int, default=3, help="pages per PDF for the (slow) camelot reference")
    ap.add_argument("--formats", default="", help="only these source groups, comma-separated (e.g. docx,pdf,pdf_scanned)")
    ap.add_argument("--md", type=Path, default=ROOT / "docs" / "benchmarks.md", help="where to write the report")
    ap.add_argument("--repeat", type=int, default=3, help="alternating runs per whole-process measure (median kept)")
    ap.add_argument("--no-whole", action="store_true", help="skip the whole-process (user's view) measures")
    ap.add_argument("--only-whole", action="store_true", help="only the whole-process measures; other sections kept")
    args = ap.parse_args(argv)
    if args.only_whole:
        text = args.md.read_text(encoding="utf-8") if args.md.exists() else "# Benchmarks\n"
        args.md.write_text(with_whole_section(text, whole_lines(args.repeat)), encoding="utf-8")
        print(f"wrote {args.md}")
        return 0

    sources, notes = find_sources()
    if args.formats:
        wanted = set(args.formats.split(","))
        sources = {k: v for k, v in sources.items() if k in wanted}
        notes = [n for n in notes if any(f" {w} " in f" {n} " for w in wanted)]
    for fmt in sorted(sources):
        if not extractor_installed(fmt):
            notes.append(f"{fmt}: its extractor is not installed yet, so those files fail fast and their "
                         "timings say nothing about extraction speed")
    for note in notes:
        print("note:", note)
    if not sources:
        print("no source documents found")
        return 1
    corpus = ROOT / "bench" / "corpus"
    files = build_corpus(sources, args.n, corpus)
    print(f"corpus: {len(files)} documents in {corpus}")

    # The first batch of a process imports the pipeline and loads its data (paid once per `jixiao
    # convert`): done here untimed, so the worker counts compare steady-state throughput.
    warm = time.perf_counter()
    run_pipeline(files[:1], corpus, 1, ROOT / "bench" / "results" / "warm-up")
    startup = time.perf_counter() - warm
    print(f"start-up (pipeline imports and data, one file): {startup:.2f} s")
    runs = []
    for w in (int(x) for x in args.workers.split(",")):
        r = run_pipeline(files, corpus, w, ROOT / "bench" / "results" / f"workers-{w}")
        runs.append(r)
        print(f"pipeline, {w} worker(s): {r.wall:.2f} s, {r.docs_per_s:.1f} docs/s, {r.pages_per_s:.1f} pages/s, "
              f"{r.failed} failed, peak per worker PSS {r.memory.pss_mb:.0f} MB, USS {r.memory.uss_mb:.0f} MB, "
              f"RSS {r.peak_rss_mb:.0f} MB")

    pdfs = sorted(set(sources.get("pdf", [])))
    plumber = camelot_result = None
    if pdfs:
        plumber = time_pdfplumber(pdfs)
        print(f"pdfplumber extract_tables(): {plumber[0]} pages, {plumber[0] / plumber[1]:.1f} pages/s")
        camelot_result = time_camelot(pdfs, args.camelot_pages)
        if isinstance(camelot_result, tuple):
            print(f"camelot lattice: {camelot_result[0]} pages, {camelot_result[0] / camelot_result[1]:.2f} pages/s")
        else:
            print("note:", camelot_result)
    else:
        print("note: no PDFs: the pdfplumber and camelot references are skipped")
    one = next((r for r in runs if r.workers == 1), None)
    two = next((r for r in runs if r.workers == 2), None)
    if one and two:
        print(f"speed-up 2 workers vs 1: {two.docs_per_s / one.docs_per_s:.2f}x")
    if one and plumber and one.by_format.get("pdf", {}).get("pages"):
        pdf = one.by_format["pdf"]
        print(f"pipeline PDF pages/s per core vs pdfplumber: {(pdf['pages'] / pdf['cpu_s']) / (plumber[0] / plumber[1]):.2f}x")
    rates = [v["cpu_s"] / v["docs"] for v in (one or runs[0]).by_format.values() if v["docs"]]
    if rates:
        print(f"median seconds per document (per format): {statistics.median(rates):.3f}")
    args.md.parent.mkdir(parents=True, exist_ok=True)
    notes.append(f"Start-up, paid once per run and not in the figures above: {startup:.2f} s (the pipeline's "
                 "imports and data, loaded once and shared by forked workers; measured as a one-file run before "
                 "the timed runs).")
    text = report(args, notes, sources, runs, plumber, camelot_result, files)
    if not args.no_whole:
        text = with_whole_section(text, whole_lines(args.repeat))
    args.md.write_text(text, encoding="utf-8")
    print(f"wrote {args.md}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
