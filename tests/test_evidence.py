"""Every number leads back to its place in the file: source_ref opened with an independent reader
(pdfplumber, python-docx, openpyxl, the text's own lines) shows the number the row or finding states.

A sample of the generated corpus (born-digital PDF, .docx, .xlsx, .txt) is converted in-process;
the thresholds are the issue's: ≥ 95 % of findings with a published observed number, and ≥ 95 %
of indicators and amounts rows carry a source_ref.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest

from jixiao.model import parse_ref
from jixiao.pipeline import process_file

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "generated" / "docs"
if not CORPUS.is_dir():
    CORPUS = Path("/work/shared/corpus/generated/docs")
FORMATS = (".pdf", ".docx", ".xlsx", ".txt")  # the formats; scans are left out (no text layer to check with)


def _born_digital(path: Path) -> bool:
    """A PDF whose first page has a text layer (a scan has none: its words cannot be read back here)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[0]
        n = page.get_textpage().count_chars()
        page.close()
        return n > 20
    finally:
        pdf.close()


def _sample() -> list[Path]:
    """Every generated document of the issue's formats, scans aside (~10 s to convert)."""
    return [p for p in sorted(CORPUS.iterdir()) if p.suffix in FORMATS and (p.suffix != ".pdf" or _born_digital(p))]


@cache
def _converted() -> dict[str, dict]:
    """source file name -> its rows, converted once for all tests of this module."""
    return {p.name: {"path": p, **process_file(p, CORPUS).tables} for p in _sample()}


# --- reading a file at a ref, without jixiao -------------------------------------------------------

@cache
def _pdf(path: Path):
    import pdfplumber

    return pdfplumber.open(path)


@cache
def _docx(path: Path):
    import docx

    return docx.Document(str(path))


@cache
def _xlsx(path: Path):
    import openpyxl

    return openpyxl.load_workbook(path, data_only=True)


@cache
def _lines(path: Path) -> list[str]:
    try:  # the file's own encoding; lines counted as an editor does
        from jixiao.extract.encoding import decode_bytes
    except ImportError:
        from jixiao.extract.txt import decode_bytes

    text = decode_bytes(path.read_bytes())[0]
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def text_at(path: Path, ref: str) -> str:
    """What a person sees at `ref` in the file: the words in the PDF box, the Word or Excel cell, the line."""
    r = parse_ref(ref)
    assert r is not None, f"unreadable source_ref {ref!r}"
    if r.kind == "pdf":
        page = _pdf(path).pages[r.page - 1]
        x0, y0, x1, y1 = r.bbox

        def inside(obj: dict) -> bool:  # a character belongs to the box its centre falls in
            return obj.get("object_type") != "char" or (
                x0 <= (obj["x0"] + obj["x1"]) / 2 <= x1 and y0 <= (obj["top"] + obj["bottom"]) / 2 <= y1)

        text = page.filter(inside).extract_text() or ""
        return text.replace("\n", "")  # a figure wrapped in its cell (98.7 / 6) reads as written
    if r.kind == "word":
        table = _docx(path).tables[r.table - 1]
        row = table.rows[r.row - 1]
        if r.col is None:
            return " ".join(c.text for c in row.cells)
        return table.cell(r.row - 1, r.col - 1).text
    if r.kind == "sheet":
        ws = _xlsx(path)[r.sheet]
        cols = range(r.col, (r.last_col or r.col) + 1)
        return " ".join(_cell_text(ws.cell(row=r.row, column=c)) for c in cols)
    if r.kind == "line":
        return _lines(path)[r.line - 1]
    if r.kind == "para":
        return _docx(path).paragraphs[r.line - 1].text
    raise AssertionError(f"no reader for {ref}")


def _cell_text(cell) -> str:
    v = cell.value
    if isinstance(v, float):  # 0.9881 shown as 98.81% keeps the digits either way once both forms are tried
        return f"{v} {v * 100:g}"
    return "" if v is None else str(v)


def _numbers(text: str) -> list[float]:
    return [float(m.replace(",", "")) for m in re.findall(r"-?\d[\d,]*(?:\.\d+)?", text)]


def shows(path: Path, ref: str | None, value: float) -> bool:
    """The number is written at ref (as published, a percent, or a fraction of one)."""
    if not ref:
        return False
    got = _numbers(text_at(path, ref))
    return any(abs(n - v) <= 1e-6 * max(1.0, abs(v)) for n in got for v in (value, value / 100, value * 100))


# --- the checks ------------------------------------------------------------------------------------

def _rows(table: str) -> list[tuple[Path, dict]]:
    return [(d["path"], r) for d in _converted().values() for r in d.get(table, [])]


@pytest.mark.parametrize("table", ["indicators", "amounts"])
def test_rows_carry_a_source_ref(table):
    rows = _rows(table)
    assert len(rows) >= 50
    with_ref = [r for _, r in rows if r.get("source_ref")]
    assert len(with_ref) / len(rows) >= 0.95, f"{table}: {len(with_ref)}/{len(rows)} rows carry a source_ref"
    assert all(parse_ref(r["source_ref"]) is not None for r in with_ref)


def test_amounts_source_ref_shows_the_value():
    rows = [(p, r) for p, r in _rows("amounts") if r.get("value") is not None]
    misses = [(p.name, r["source_ref"], r["value_raw"]) for p, r in rows
              if not shows(p, r.get("source_ref"), float(re.sub(r"[^\d.\-]", "", r["value_raw"]) or "nan"))]
    assert len(misses) <= 0.05 * len(rows), misses[:10]


def test_indicator_cells_show_their_figures():
    checked = misses = 0
    for path, r in _rows("indicators"):
        refs = json.loads(r.get("cell_refs") or "{}")
        for column in ("weight", "score"):
            if r.get(column) is None:
                continue
            checked += 1
            misses += not shows(path, refs.get(column), float(r[column]))
    assert checked >= 50 and misses <= 0.05 * checked, f"{misses} of {checked} weight/score cells"


def test_each_format_is_covered():
    formats = {d["documents"][0]["source_format"] for d in _converted().values() if d.get("indicators")}
    assert {"pdf", "docx", "xlsx", "txt"} <= formats


# --- findings: source_ref shows the observed figure -------------------------------------------------

def _findings() -> list[tuple[Path, dict]]:
    return [(p, f) for p, f in _rows("findings") if f.get("observed") is not None]


def _sum_of_related(path: Path, f: dict) -> bool:
    """A figure the rule computed (a sum of weights): the cells in related_refs hold its addends."""
    refs = [r for r in (f.get("related_refs") or "").split(";") if r]
    numbers = [_numbers(text_at(path, r)) for r in refs]
    return bool(refs) and all(numbers) and abs(sum(n[0] for n in numbers) - float(f["observed"])) <= 0.011


def test_findings_point_at_their_observed_figure():
    """≥ 95 %: the observed number is written at source_ref (or, for a computed sum, its addends at related_refs)."""
    found = _findings()
    misses = [(p.name, f["rule"], f.get("source_ref"), f["observed"]) for p, f in found
              if not (shows(p, f.get("source_ref"), float(f["observed"])) or _sum_of_related(p, f))]
    assert len(found) >= 20
    assert len(misses) <= 0.05 * len(found), f"{len(misses)} of {len(found)}: {misses[:8]}"
    assert {p.suffix for p, _ in found} >= {".pdf", ".docx", ".xlsx", ".txt"}


def test_sums_list_their_addends():
    sums = [f for _, f in _findings() if f["rule"] in ("SUM_MISMATCH", "SCORE_TOTAL_MISMATCH")]
    assert sums and all(f.get("related_refs") for f in sums)
    assert all(len(f["related_refs"].split(";")) >= 2 for f in sums if f["rule"] == "SCORE_TOTAL_MISMATCH")


# --- the picture: report.html and jixiao show --------------------------------------------------------

@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    from jixiao.output.writer import write_tables
    from jixiao.report.evidence import write_sources

    folder = tmp_path_factory.mktemp("evidence-out")
    tables: dict[str, list[dict]] = {}
    for d in _converted().values():
        for name, rows in d.items():
            if name != "path":
                tables.setdefault(name, []).extend(rows)
    write_tables(folder, tables)
    write_sources(folder, [(d["documents"][0]["source_path"], d["path"]) for d in _converted().values()])
    return folder


def test_report_pictures_every_pdf_finding(out, tmp_path, chromium_console):
    from jixiao.output.writer import read_tables
    from jixiao.report.findings import write_report

    page = write_report(out, read_tables(out))
    text = page.read_text(encoding="utf-8")
    pdf_findings = [f for _, f in _rows("findings") if (parse_ref(f.get("source_ref")) or parse_ref("x")) is not None
                    and parse_ref(f["source_ref"]).kind == "pdf"]
    assert pdf_findings
    for f in pdf_findings:
        image = out / "evidence" / f"{f['finding_id']}.png"
        assert image.exists() and f"src='evidence/{image.name}'" in text, f["finding_id"]
    assert text.count("loading='lazy'") >= len(pdf_findings)
    assert "class='obs'" in text  # an Office or text finding's cell marked in its rows
    shot = tmp_path / "report.png"
    assert chromium_console(page, tmp_path, shot) == []


def _one(kind: str) -> dict:
    for d in _converted().values():
        for f in d.get("findings", []):
            r = parse_ref(f.get("source_ref"))
            if r is not None and r.kind == kind and f.get("observed") is not None and \
                    shows(d["path"], f["source_ref"], float(f["observed"])) and (kind != "line" or d["path"].suffix == ".txt"):
                return f
    raise AssertionError(f"no {kind} finding in the sample")


@pytest.mark.parametrize("kind", ["pdf", "word", "line"])
def test_show_prints_the_finding_and_its_place(out, kind):
    from typer.testing import CliRunner

    from jixiao.cli import app

    f = _one(kind)
    res = CliRunner().invoke(app, ["show", str(out), f["finding_id"]])
    assert res.exit_code == 0, res.output
    assert f["rule"] in res.output and f["source_ref"] in res.output
    if kind == "pdf":
        assert (out / "evidence" / f"{f['finding_id']}.png").stat().st_size > 1000
        assert "the line:" in res.output
    else:
        marked = re.search(r"»([^«]*)«", res.output)
        assert marked and any(abs(n - float(f["observed"])) < 1e-6 for n in _numbers(marked.group(1))), res.output


def test_show_unknown_id(out):
    from typer.testing import CliRunner

    from jixiao.cli import app

    res = CliRunner().invoke(app, ["show", str(out), "nope-F1"])
    assert res.exit_code == 2 and "no finding" in res.output


def test_duckdb_parquet_and_panel_keep_the_refs(out, tmp_path):
    """The same columns in jixiao.duckdb and Parquet, and `jixiao dataset build` keeps them."""
    import duckdb
    import pyarrow.parquet as pq

    from jixiao.dataset.build import build_panel

    con = duckdb.connect(str(out / "jixiao.duckdb"), read_only=True)
    try:
        for table in ("indicators", "amounts", "facts", "findings"):
            cols = [r[0] for r in con.execute(f"describe {table}").fetchall()]
            assert "source_ref" in cols and "page" in cols, table
            assert cols == pq.read_schema(out / f"{table}.parquet").names, table
        assert con.execute("select count(*) from amounts where source_ref is null").fetchone()[0] == 0
        assert con.execute("select count(*) from findings where related_refs is not null").fetchone()[0] > 0
    finally:
        con.close()
    panel = build_panel([out], tmp_path / "panel")
    assert panel["findings"]["finding_id"].notna().all()
    assert panel["indicators"]["source_ref"].notna().mean() >= 0.95
    assert "cell_refs" in pq.read_schema(tmp_path / "panel" / "indicators.parquet").names


def test_a_thousand_findings_stay_light(out):
    """The page with 1000 findings: written in a few seconds, every picture loaded lazily, one img each."""
    import time

    from jixiao.output.writer import read_tables
    from jixiao.report.evidence import EvidenceSet, Picture
    from jixiao.report.findings import render

    frames = read_tables(out)
    base = frames["findings"].iloc[[0]]
    many = base.loc[base.index.repeat(1000)].reset_index(drop=True)
    many["finding_id"] = [f"x-F{i}" for i in range(1000)]
    frames["findings"] = many
    pictures = EvidenceSet({f"x-F{i}": Picture(image=out / "evidence" / "x.png") for i in range(1000)})
    start = time.perf_counter()
    html = render(frames, pictures)
    assert time.perf_counter() - start < 5
    assert html.count("<img loading='lazy'") == 1000 and html.count("<img") == 1000
    assert len(html) < 5_000_000


def test_python_show_gives_the_picture(out):
    """jixiao.show (the Python API) uses the same evidence: a crop for a PDF finding, marked rows otherwise."""
    import jixiao

    result = jixiao.read(out)
    pdf, word = _one("pdf"), _one("word")
    shown = jixiao.show(result, pdf)
    assert shown.image is not None and shown.image.exists() and shown.source_ref == pdf["source_ref"]
    text = jixiao.show(result, word).source_text
    assert text and "»" in text
    assert pdf["source_ref"] in str(shown)
