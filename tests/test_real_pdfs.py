"""The six real Jiangsu budget disclosures: unit, year, 收支总表 totals and sums, read by a person.

Every figure asserted here was read off the PDF (pdftotext -layout). The documents go
through the registered PDF extractor and the same interpreter as every other format.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from jixiao.extract.base import ExtractOptions, extract, sniff_format
from jixiao.normalize.interpret import interpret_document

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "real"


def pdf_document(path: Path):
    return extract(path, sniff_format(path), ExtractOptions())


@pytest.fixture(scope="module")
def real() -> dict:
    return {p.name: interpret_document(pdf_document(p), p.name[:8]) for p in sorted(REAL.glob("*.pdf"))}


def forms_titled(result, word: str) -> list[dict]:
    return [f for f in result.tables["forms"] if f["form_type"] == "budget_summary" and word in (f["title"] or "")]


def amounts_of(result, form: dict) -> list[dict]:
    return [a for a in result.tables["amounts"] if a["form_id"] == form["form_id"]]


def total(rows: list[dict], item: str, kind: str) -> float:
    values = {a["value"] for a in rows if a["item"] == item and a["table_kind"] == kind and a["is_total"]}
    assert len(values) == 1, (item, values)
    return values.pop()


def sum_gaps(rows: list[dict]) -> list[tuple]:
    """Every parent whose `sum` parts do not add up (beyond rounding of 2-decimal figures).

    A part names its parent by label; the parent is the nearest row above with that label
    in the same column (labels like 维修（护）费 repeat in a 政府采购 table).
    """
    gaps = []
    by_col = defaultdict(list)
    for a in rows:
        by_col[(a["table_no"], a["table_kind"], a["measure"], a["measure_raw"], a["col_no"])].append(a)
    for col_rows in by_col.values():
        col_rows.sort(key=lambda a: a["row_no"])
        groups = defaultdict(list)
        for a in col_rows:
            if a["item_parent"] and a["relation"] == "sum":
                above = [p for p in col_rows if p["item"] == a["item_parent"] and p is not a]
                before = [p for p in above if p["row_no"] < a["row_no"]]
                parent = (before[-1] if before else above[0]) if above else None
                if parent is not None:
                    groups[id(parent)].append((parent, a))
        for pairs in groups.values():
            parent = pairs[0][0]
            s = sum(a["value"] for _, a in pairs)
            if abs(s - parent["value"]) > 0.005 * (len(pairs) + 1):
                gaps.append((parent["item"], parent["value"], round(s, 2)))
    return gaps


# file, unit name, fiscal year, 收入合计, 支出合计 of the 收支预算总表 as printed
TABLE_DOCS = [
    ("江苏省委办公厅2018年度部门预算公开表.pdf", "中共江苏省委办公厅", 2018, 24458.43, 24458.43),
    ("江苏省政协办公厅2019年预算公开表.pdf", "江苏省政协办公厅", 2019, 13377.11, 13377.11),
    ("省法院2018年度部门预算公开.pdf", "江苏省高级人民法院", 2018, 33172.15, 33172.15),
]


@pytest.mark.parametrize(("name", "unit", "year"), [d[:3] for d in TABLE_DOCS] + [
    ("江苏省人大常委会2019年度部门预算公开.pdf", "江苏省人大常委会办公厅", 2019),
    ("江苏省政协办公厅2019年度部门预算.pdf", "江苏省政协办公厅", 2019),
])
def test_unit_names(real, name, unit, year):
    """The department as its cover page and 部门：line write it."""
    assert (real[name].metadata["unit_name"], real[name].metadata["fiscal_year"]) == (unit, year)


@pytest.mark.parametrize(("name", "unit", "year", "income", "spending"), TABLE_DOCS)
def test_budget_tables_totals_and_sums(real, name, unit, year, income, spending):
    result = real[name]
    assert result.metadata["fiscal_year"] == year
    (summary,) = [f for f in forms_titled(result, "收支预算总表") if "财政拨款" not in f["title"]]
    assert summary["fiscal_year"] == year
    rows = amounts_of(result, summary)
    assert total(rows, "收入合计", "income") == income
    assert total(rows, "支出合计", "expenditure") == spending
    assert total(rows, "当年收入小计", "income") == income
    # the two breakdowns of spending (功能分类 | 支出用途) each add up to 当年支出小计
    sub = [a for a in rows if a["item_parent"] == "当年支出小计"]
    assert {a["col_no"] for a in sub} == {4, 6}
    all_forms = [f for f in result.tables["forms"] if f["form_type"] == "budget_summary"]
    assert len(all_forms) >= 10
    for form in all_forms:
        assert sum_gaps(amounts_of(result, form)) == [], form["title"]


def test_party_office_2018_tables(real):
    result = real["江苏省委办公厅2018年度部门预算公开表.pdf"]
    (three,) = forms_titled(result, "三公")
    rows = amounts_of(result, three)
    by_item = {a["item"]: a for a in rows}
    # page 11: 合计 1,471.70; “三公”经费 小计 508.20 = 70.00 + 411.20 + 27.00; 会议费 933.50; 培训费 30.00
    assert by_item["合计"]["value"] == 1471.70 and by_item["合计"]["is_total"]
    assert (by_item["“三公”经费"]["value"], by_item["“三公”经费"]["item_parent"]) == (508.20, "合计")
    assert by_item["因公出国（境）费"]["item_parent"] == "“三公”经费"
    assert by_item["公务用车运行维护费"]["item_parent"] == "公务用车购置及运行维护费"
    assert "公务用车购置费" not in by_item  # blank in the table: no row, never 0
    assert {a["table_kind"] for a in rows} == {"three_public"}
    (func,) = forms_titled(result, "财政拨款支出预算表")
    rows = amounts_of(result, func)
    by_item = {a["item"]: a for a in rows}
    # page 7: 2013101 行政运行 8,072.29 under 20131 党委办公厅（室）及相关机构事务 under 201
    assert by_item["行政运行"]["value"] == 8072.29
    assert by_item["行政运行"]["item_parent"] == "党委办公厅（室）及相关机构事务"
    assert by_item["党委办公厅（室）及相关机构事务"]["item_parent"] == "一般公共服务支出"
    assert by_item["一般公共服务支出"]["item_parent"] == "合计"
    assert by_item["合计"]["value"] == 24458.43
    assert {a["measure"] for a in rows} == {"budget"}


def test_cppcc_2019_income_table(real):
    result = real["江苏省政协办公厅2019年预算公开表.pdf"]
    (inc,) = forms_titled(result, "收入预算总表")
    rows = {a["item"]: a for a in amounts_of(result, inc)}
    # 公开02表: 收入总计 13,377.11 = 一般公共预算资金 小计 13,297.11 + 其他资金 小计 80.00
    assert rows["收入总计"]["value"] == 13377.11
    assert (rows["其他资金"]["value"], rows["其他资金"]["is_total"], rows["其他资金"]["item_parent"]) == (80.0, True, "收入总计")
    assert rows["其他收入"]["item_parent"] == "其他资金"
    assert "政府性基金" not in rows


# prose-only documents: their tables were published separately; the totals are in the text
PROSE_DOCS = [
    ("江苏省人大常委会2019年度部门预算公开.pdf", 2019, "18330.37"),
    ("江苏省委办公厅2018年度部门预算公开文件.pdf", 2018, "24458.43"),
    ("江苏省政协办公厅2019年度部门预算.pdf", 2019, "13,377.11"),
]


@pytest.mark.parametrize(("name", "year", "printed_total"), PROSE_DOCS)
def test_prose_documents(real, name, year, printed_total):
    result = real[name]
    assert result.metadata["fiscal_year"] == year
    assert not [f for f in result.tables["forms"] if f["form_type"] == "budget_summary"]
    assert any(printed_total in n["text"].replace(" ", "") for n in result.tables["narrative"])
