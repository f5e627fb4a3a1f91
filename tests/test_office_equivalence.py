"""One document, the same rows in every format: the seeds as .docx, .doc, .xlsx and .xls
(fixtures/build_office.py, with real merged cells) give the forms and indicator rows the
.txt seed gives, field for field."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import FIXTURES

from jixiao.pipeline import process_file

OFFICE = FIXTURES / "office"
SEEDS = ("000", "001", "002", "003")
FORMATS = ("docx", "doc", "xlsx", "xls")
FORM_FIELDS = ("form_type", "subject", "total_score", "budget_wan", "executed_wan")
ROW_FIELDS = ("level1", "level2", "level3", "category", "target_op", "target_value", "target_unit",
              "actual_value", "actual_unit", "weight", "score")


@pytest.fixture(scope="module")
def office_results():
    """Every fixture through process_file; the .doc files (LibreOffice) two at a time."""
    paths = [OFFICE / f"seed{s}.{f}" for s in SEEDS for f in FORMATS]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda p: process_file(p, OFFICE), paths))
    return {p.name: r for p, r in zip(paths, results, strict=True)}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("seed", SEEDS)
def test_same_forms_and_indicators_as_the_text_seed(seed_results, office_results, seed, fmt):
    ref = seed_results[seed]
    got = office_results[f"seed{seed}.{fmt}"]
    assert got.document["status"] == "ok", got.document["error"]
    assert got.document["source_format"] == fmt
    assert ref.tables["indicators"], "the text seed itself gives indicator rows"
    assert [tuple(f[k] for k in FORM_FIELDS) for f in got.tables["forms"]] == \
           [tuple(f[k] for k in FORM_FIELDS) for f in ref.tables["forms"]]
    assert [tuple(r[k] for k in ROW_FIELDS) for r in got.tables["indicators"]] == \
           [tuple(r[k] for k in ROW_FIELDS) for r in ref.tables["indicators"]]


@pytest.mark.parametrize("seed", SEEDS)
def test_fixtures_carry_real_merges(seed):
    """The fixtures are not flat grids: rows and columns merge, and the .xls LibreOffice
    saved keeps every merge of its .xlsx."""
    from jixiao.extract.base import ExtractOptions, extract

    def merges(fmt: str) -> list[list[tuple]]:
        doc = extract(OFFICE / f"seed{seed}.{fmt}", fmt, ExtractOptions())
        return [[(c.row, c.col, c.rowspan, c.colspan) for c in t.cells if c.rowspan * c.colspan > 1] for t in doc.tables]

    word, excel = merges("docx"), merges("xlsx")
    for found in (word, excel):
        assert any(m[2] > 1 for t in found for m in t) and any(m[3] > 1 for t in found for m in t)
    assert merges("xls") == excel
