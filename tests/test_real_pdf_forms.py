"""The six real published PDFs (../shared/real): each converts, with unit, year and budget tables.

Totals were read off the PDFs with `pdftotext -layout` by a person, not from our output.
"""

from __future__ import annotations

import pytest
from conftest import SHARED

from jixiao.pipeline import process_file

REAL = SHARED / "real"

EXPECTED = {
    # file: (unit name as written, fiscal year, 收支预算总表 收入合计 = 支出合计 or None when the file has no tables)
    "江苏省人大常委会2019年度部门预算公开.pdf": ("江苏省人大常委会办公厅", 2019, None),
    "江苏省委办公厅2018年度部门预算公开文件.pdf": ("江苏省委办公厅", 2018, None),
    "江苏省委办公厅2018年度部门预算公开表.pdf": ("中共江苏省委办公厅", 2018, 24458.43),
    "江苏省政协办公厅2019年度部门预算.pdf": ("江苏省政协办公厅", 2019, None),
    "江苏省政协办公厅2019年预算公开表.pdf": ("江苏省政协办公厅", 2019, 13377.11),
    "省法院2018年度部门预算公开.pdf": ("江苏省高级人民法院", 2018, 33172.15),
}


@pytest.fixture(scope="module")
def results():
    return {name: process_file(REAL / name, REAL) for name in EXPECTED}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_pdf(results, name):
    unit, year, total = EXPECTED[name]
    r = results[name]
    doc = r.document
    assert (doc["status"], doc["source_format"]) == ("ok", "pdf"), doc["error"]
    assert (doc["unit_name"], doc["fiscal_year"], doc["province"], doc["admin_code"]) == (unit, year, "江苏省", "320000")
    assert doc["n_pages"] > 10
    assert len(r.tables["narrative"]) > 20
    sums = [f for f in r.tables["findings"] if f["rule"] == "SUM_MISMATCH"]
    assert sums == []  # every published table here adds up
    if total is None:
        return
    forms = r.tables["forms"]
    assert len(forms) >= 10 and {f["form_type"] for f in forms} == {"budget_summary"}
    summary = next(f for f in forms if "收支预算总表" in f["title"] and "财政拨款" not in f["title"])
    amounts = [a for a in r.tables["amounts"] if a["form_id"] == summary["form_id"]]
    got = {a["item"]: a["value"] for a in amounts if a["item"] in ("收入合计", "支出合计")}
    assert got == {"收入合计": total, "支出合计": total}
    assert {a["table_kind"] for a in amounts} >= {"income", "expenditure"}
    assert all(a["page"] is not None for a in amounts)
    titles = " ".join(f["title"] for f in forms)
    assert "三公" in titles and "一般公共预算" in titles


def test_prose_figures_become_facts(results):
    facts = results["江苏省人大常委会2019年度部门预算公开.pdf"].tables["facts"]
    assert any(f["value"] == 18330.37 and f["unit"] == "万元" for f in facts)  # 收入预算总计18330.37万元
