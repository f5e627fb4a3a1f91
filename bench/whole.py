"""The user's view: whole-process times of `jixiao convert`, each beside a reference tool in the same run.

Every measure is a fresh process started the way a user starts it (interpreter start-up,
imports, writing every output table included), so the ratios hold on a busy machine even
when the absolute seconds do not. Each pair is run alternately `--repeat` times and the
median kept. Used by bench/run.py (section "Whole process" of docs/benchmarks.md).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TREE = Path(os.environ.get("JIXIAO_BENCH_TREE") or ROOT)  # the jixiao source measured (another checkout: before/after)
SHARED = ROOT.parent / "shared"
GENERATED = SHARED / "corpus" / "generated"
ONE_PDF = SHARED / "real" / "江苏省政协办公厅2019年预算公开表.pdf"
PY = sys.executable


@dataclass
class Pair:
    """One measure: jixiao's median seconds beside the reference's, and what was measured."""

    name: str
    jixiao_s: float
    reference: str
    reference_s: float | None
    target: str = ""
    goal: float | None = None  # ratio jixiao / reference that meets the target (≤)
    note: str = ""

    @property
    def ratio(self) -> float | None:
        return self.jixiao_s / self.reference_s if self.reference_s else None


_PYCACHE = Path(tempfile.gettempdir()) / f"jixiao-whole-pyc-{os.getpid()}"  # made by the first measured run


def _env() -> dict[str, str]:
    """The environment of every measured process, jixiao's and the reference's alike.

    Bytecode is cached (in a folder of this run, PYTHONPYCACHEPREFIX) even when the caller
    sets PYTHONDONTWRITEBYTECODE: an installed jixiao has its .pyc files, as the reference
    tools in site-packages have theirs; without it every jixiao run compiled its own
    sources again (~0.3 s) and the reference did not."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(_PYCACHE)
    env["PYTHONPATH"] = os.pathsep.join([str(TREE), str(Path(__file__).parent)]
                                        + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    return env


def timed(cmd: list[str], cwd: Path | None = None) -> float:
    """Seconds the command took. It runs outside any checkout (`python -m jixiao` would import the
    jixiao of the current folder, not TREE's)."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, env=_env(), cwd=cwd or _PYCACHE.parent)
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1):  # 1: some input failed, still a complete run
        raise RuntimeError(f"{cmd[:4]} exited {proc.returncode}: {proc.stderr.decode(errors='replace')[-500:]}")
    return seconds


def convert_cmd(inputs: list[Path], out: Path) -> list[str]:
    return [PY, "-m", "jixiao", "convert", *map(str, inputs), "-o", str(out), "--quiet", "--force"]


def alternate(runs: dict[str, Callable[[], float]], repeat: int) -> dict[str, float]:
    """Median seconds of each run, the runs taking turns (load changes hit both alike)."""
    got: dict[str, list[float]] = {k: [] for k in runs}
    for _ in range(repeat):
        for k, f in runs.items():
            got[k].append(f())
    return {k: statistics.median(v) for k, v in got.items()}


def born_digital_pdfs() -> list[Path]:
    """The generated corpus's born-digital PDFs and the real PDFs (scans are measured apart)."""
    truth = json.loads((GENERATED / "map.json").read_text(encoding="utf-8"))
    pdfs = [GENERATED / "docs" / name for name, t in sorted(truth.items()) if name.lower().endswith(".pdf")
            and json.loads((GENERATED / t).read_text(encoding="utf-8"))["source_format"] == "pdf"]
    return pdfs + sorted((SHARED / "real").glob("*.pdf"))


def scanned_pdfs() -> list[tuple[Path, dict]]:
    truth = json.loads((GENERATED / "map.json").read_text(encoding="utf-8"))
    out = []
    for name, t in sorted(truth.items()):
        data = json.loads((GENERATED / t).read_text(encoding="utf-8"))
        if data["source_format"] == "pdf_scanned":
            out.append((GENERATED / "docs" / name, data))
    return out


def doc_files() -> list[Path]:
    """Six Word 97 files: the four fixtures, then the corpus's first two (by name)."""
    fixtures = sorted((ROOT / "fixtures" / "office").glob("seed00[0-9].doc"))
    corpus = sorted(p for p in (GENERATED / "docs").glob("*.doc") if p.read_bytes()[:4] == b"\xd0\xcf\x11\xe0")
    return (fixtures + corpus)[:6]


def page_count(pdfs: list[Path]) -> int:
    import pypdfium2

    total = 0
    for p in pdfs:
        doc = pypdfium2.PdfDocument(p)
        total += len(doc)
        doc.close()
    return total


_PLUMBER_TABLES = "import sys, pdfplumber\nfor f in sys.argv[1:]:\n    with pdfplumber.open(f) as pdf:\n" \
                  "        for page in pdf.pages:\n            page.extract_tables()\n"


def one_file(tmp: Path, repeat: int) -> list[Pair]:
    seed = sorted((SHARED / "seeds").glob("*.txt"))[-1]
    med = alternate({
        "txt": lambda: timed(convert_cmd([seed], tmp / "one-txt")),
        "python": lambda: timed([PY, "-c", "pass"]),
        "pdf": lambda: timed(convert_cmd([ONE_PDF], tmp / "one-pdf")),
        "plumber": lambda: timed([str(Path(PY).with_name("pdfplumber")), str(ONE_PDF), "--format", "text"]),
    }, repeat)
    return [
        Pair(f"one small .txt seed ({seed.name}, {seed.stat().st_size // 1024} KB)", med["txt"],
             "`python -c pass` (the interpreter alone)", med["python"]),
        Pair(f"one 12-page PDF ({ONE_PDF.name})", med["pdf"], "`pdfplumber FILE --format text`", med["plumber"],
             "≤ 1.0×", 1.0),
    ]


def folder_of_pages(tmp: Path, repeat: int) -> Pair:
    pdfs = born_digital_pdfs()
    folder = tmp / "born-digital"
    folder.mkdir()
    for p in pdfs:
        shutil.copyfile(p, folder / p.name)
    pages = page_count(pdfs)
    med = alternate({
        "jixiao": lambda: timed(convert_cmd([folder], tmp / "folder-out")),
        "plumber": lambda: timed([PY, "-c", _PLUMBER_TABLES, *map(str, pdfs)]),
    }, repeat)
    return Pair(f"{len(pdfs)} born-digital PDFs, {pages} pages (generated corpus + ../shared/real)", med["jixiao"],
                "pdfplumber `extract_tables()` on every page (one process)", med["plumber"], "≥ 5× faster", 0.2)


def six_docs(tmp: Path) -> Pair:
    docs = doc_files()
    folder = tmp / "doc"
    folder.mkdir()
    for p in docs:
        shutil.copyfile(p, folder / p.name)

    def cold() -> float:
        total = 0.0
        for p in docs:
            with tempfile.TemporaryDirectory() as profile:
                total += timed(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{profile}",
                                "--convert-to", "docx", "--outdir", str(tmp / "cold"), str(p)])
        return total

    med = alternate({"jixiao": lambda: timed(convert_cmd([folder], tmp / "doc-out")), "cold": cold}, 1)
    return Pair(f"{len(docs)} .doc files (Word 97)", med["jixiao"],
                "a cold `soffice --convert-to docx` per file, one after another", med["cold"], "≤ 0.5×", 0.5)


_NUMBER = re.compile(r"(?<!\d)-?\d+(?:\.\d+)?")  # a minus only before a number, not in 2019-2020


def truth_numbers(truth: dict) -> list[float]:
    """The numeric cells of a document's forms, each once, as its truth states them.

    Per form: every amount (one cell each); per indicator its weight, its score and the
    numbers written in its target and actual cells; the form's execution rate, total score
    and the 预算执行率 block's 分值 / 得分. The form's budget / executed figures only when no
    amount states them (they are the same cells). A level-1 weight inside a label
    (产出指标(40)) is a label, not a numeric cell."""
    out: list[float] = []
    for form in truth.get("forms") or []:
        amounts = [a for a in form.get("amounts") or [] if isinstance(a.get("value"), int | float)]
        measures = {a.get("measure") for a in amounts}
        out += [a["value"] for a in amounts]
        out += [form[k] for k, m in (("budget_initial_wan", "budget_initial"), ("budget_wan", "budget"),
                                     ("executed_wan", "executed"))
                if isinstance(form.get(k), int | float) and m not in measures]
        out += [form[k] for k in ("execution_rate", "total_score", "extra_weight", "extra_score")
                if isinstance(form.get(k), int | float)]
        for ind in form.get("indicators") or []:
            out += [ind[k] for k in ("weight", "score") if isinstance(ind.get(k), int | float)]
            for k in ("target_raw", "actual_raw"):
                out += [float(x) for x in _NUMBER.findall((ind.get(k) or "").replace(",", ""))]
    return out


def read_numbers(document) -> list[float]:
    numbers: list[float] = []
    for table in document.tables:
        for cell in table.cells:
            numbers += [float(x) for x in _NUMBER.findall(re.sub(r"(?<=\d),(?=\d{3})", "", cell.text or ""))]
    return numbers


def read_all(paths: list[str]) -> list[list[float]]:
    """Numbers in the table cells jixiao extracts from each PDF."""
    from jixiao.extract.base import ExtractOptions
    from jixiao.extract.pdf import extract as extract_pdf

    return [read_numbers(extract_pdf(Path(p), ExtractOptions())) for p in paths]


def numeric_recall(truth: list[float], read: list[float]) -> tuple[int, int]:
    """(found, total): truth numbers read exactly (each read number used once; 万元 also as 元)."""
    pool: dict[float, int] = {}
    for v in read:
        pool[round(v, 6)] = pool.get(round(v, 6), 0) + 1
    found = 0
    for v in truth:
        for key in (round(v, 6), round(v * 10000, 6)):
            if pool.get(key):
                pool[key] -= 1
                found += 1
                break
    return found, len(truth)


def scanned(tmp: Path) -> tuple[Pair, str]:
    """Whole-process OCR beside RapidOCR's own pipeline on the same pages; numbers read exactly."""
    files = scanned_pdfs()
    folder = tmp / "scanned"
    folder.mkdir()
    for p, _ in files:
        shutil.copyfile(p, folder / p.name)
    pages = page_count([p for p, _ in files])
    reference = ("import sys, pypdfium2, numpy\nfrom rapidocr import RapidOCR\n"
                 "e = RapidOCR(params={'Global.log_level': 'error', 'EngineConfig.onnxruntime.intra_op_num_threads': 1})\n"
                 "for f in sys.argv[1:]:\n    pdf = pypdfium2.PdfDocument(f)\n    for page in pdf:\n"
                 "        e(numpy.asarray(page.render(scale=200 / 72).to_pil().convert('RGB')))\n")
    env_one = ["env", "JIXIAO_OCR_THREADS=1"]
    med = alternate({
        "jixiao": lambda: timed([*env_one, *convert_cmd([folder], tmp / "scan-out"), "--workers", "1"]),
        "rapidocr": lambda: timed([PY, "-c", reference, *(str(p) for p, _ in files)]),
    }, 1)
    # numbers read by the measured tree's extractor (a subprocess: TREE may be another checkout)
    proc = subprocess.run([PY, "-c", "import sys, json, whole; print(json.dumps(whole.read_all(sys.argv[1:])))",
                           *(str(p) for p, _ in files)], capture_output=True, text=True, env=_env(),
                          cwd=Path(__file__).parent, check=True)
    found = total = 0
    for (_, truth), read in zip(files, json.loads(proc.stdout.strip().splitlines()[-1]), strict=True):
        f, t = numeric_recall(truth_numbers(truth), read)
        found, total = found + f, total + t
    note = (f"{pages} pages; {med['jixiao'] / pages:.2f} s per page on one core (one worker, one OCR thread, "
            f"start-up and writing included); numbers of the truth's forms read exactly: {found} / {total} = "
            f"{found / total:.3f}" if total else "no truth numbers")
    return (Pair(f"{len(files)} scanned PDFs of the generated corpus, {pages} pages", med["jixiao"],
                 "RapidOCR 3's own pipeline on the same pages (200 dpi, one thread, no tables)", med["rapidocr"],
                 note=note), note)


def warm_up(tmp: Path) -> None:
    """One untimed run of each command, which fills the bytecode cache (see `_env`)."""
    seed = sorted((SHARED / "seeds").glob("*.txt"))[-1]
    timed(convert_cmd([ONE_PDF, seed], tmp / "warm-up"))
    timed([str(Path(PY).with_name("pdfplumber")), str(ONE_PDF), "--format", "text"])
    timed([PY, "-c", "import pdfplumber, pypdfium2, rapidocr"])


def measure(repeat: int = 3, parts: tuple[str, ...] = ("one", "folder", "doc", "scanned")) -> list[Pair]:
    pairs: list[Pair] = []
    with tempfile.TemporaryDirectory(prefix="jixiao-whole-") as t:
        tmp = Path(t)
        warm_up(tmp)
        if "one" in parts:
            pairs += one_file(tmp, repeat)
        if "folder" in parts:
            pairs.append(folder_of_pages(tmp, repeat))
        if "doc" in parts and shutil.which("soffice"):
            pairs.append(six_docs(tmp))
        if "scanned" in parts:
            pairs.append(scanned(tmp)[0])
    shutil.rmtree(_PYCACHE, ignore_errors=True)
    return pairs


def markdown(pairs: list[Pair]) -> list[str]:
    lines = ["## Whole process (the user's view)", "",
             "Fresh `python -m jixiao convert … --force` processes (start-up, imports and writing CSV, Parquet, "
             "DuckDB and report.html included) beside a reference tool, run alternately in the same run; "
             "median of the runs, after one untimed run of each that fills the bytecode cache (as an installed "
             "package has its .pyc files). On a shared machine the seconds swing with the load; the ratios are the "
             "measure.",
             "", "| what | jixiao s | reference | reference s | jixiao / reference | target | met |",
             "|---|---|---|---|---|---|---|"]
    for p in pairs:
        ratio = f"{p.ratio:.2f}×" if p.ratio is not None else "–"
        met = "–" if p.goal is None or p.ratio is None else ("yes" if p.ratio <= p.goal else "no")
        ref = f"{p.reference_s:.2f}" if p.reference_s is not None else "–"
        lines.append(f"| {p.name} | {p.jixiao_s:.2f} | {p.reference} | {ref} | {ratio} | {p.target or '–'} | {met} |")
    notes = [p for p in pairs if p.note]
    if notes:
        lines.append("")
        lines += [f"- {p.name}: {p.note}" for p in notes]
    return lines


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--parts", default="one,folder,doc,scanned")
    a = ap.parse_args()
    print("\n".join(markdown(measure(a.repeat, tuple(a.parts.split(","))))))
