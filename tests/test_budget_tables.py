"""The table-reading model of money tables (normalize/budget_tables.py) on real 预算公开 files.

Every figure asserted on a real file was read off the PDF by a person (pdftotext -layout;
see the notes on the wild files). A money table is checked only when its family, column
roles and row levels were understood; sums go over siblings only (合计 = Σ类, 类 = Σ款,
款 = Σ项); the two halves of a 收支总表 are separate sides; each table states its own unit.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.model import Cell, Table
from jixiao.normalize import budget_tables as bt
from jixiao.normalize.amounts import amounts_from_rows
from jixiao.pipeline import process_file
from jixiao.validate.base import run_rules

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "real"
SHANGHAI = REAL / "wild" / "上海市财政局2025年单位预算.pdf"
COURT = REAL / "省法院2018年度部门预算公开.pdf"
TABLE_RULES = ("SUM_MISMATCH", "PART_EXCEEDS_WHOLE", "EXECUTION_OVER_BUDGET")


@pytest.fixture(scope="module")
def shanghai():
    return process_file(SHANGHAI, SHANGHAI.parent).tables


@pytest.fixture(scope="module")
def court():
    return process_file(COURT, REAL).tables


@pytest.fixture(scope="module")
def real_all():
    return {p.name: process_file(p, REAL).tables for p in sorted(REAL.glob("*.pdf"))}


def rows_of(tables: dict, title_word: str) -> list[dict]:
    return [a for a in tables["amounts"] if title_word in (a.get("table_title") or "")]


def cell(rows: list[dict], item: str, column: str, side: int | None = None) -> dict:
    found = [a for a in rows if a["item"] == item and a["measure_raw"] == column
             and (side is None or a["side"] == side)]
    assert len(found) == 1, (item, column, found)
    return found[0]


def table_findings(tables: dict) -> list[dict]:
    """Error/warning findings about amounts tables (prose findings carry no amounts table)."""
    return [f for f in tables["findings"] if f["rule"] in TABLE_RULES and f["severity"] in ("error", "warning")
            and f.get("table") not in (None, "narrative", "forms", "indicators")]


# ---------------------------------------------------------------- Shanghai 2025 (tables in 元, table 9 in 万元)

def test_shanghai_yuan_tables_come_out_in_wan(shanghai):
    summary = rows_of(shanghai, "财务收支预算总表")
    income_total = cell(summary, "收入总计", "预算数", side=1)
    assert income_total["value"] == pytest.approx(17191.5169)
    assert income_total["value_raw"] == "171,915,169" and income_total["unit_raw"] == "元"
    assert income_total["unit"] == "万元"
    assert cell(summary, "支出总计", "人员经费", side=2)["value"] == pytest.approx(10246.4260)
    assert cell(summary, "支出总计", "公用经费", side=2)["value"] == pytest.approx(2517.7779)
    spending = rows_of(shanghai, "支出预算总表")
    assert cell(spending, "合计", "基本支出")["value"] == pytest.approx(12764.2039)
    assert cell(spending, "合计", "项目支出")["value"] == pytest.approx(4427.3130)


def test_shanghai_ninth_table_reads_its_own_caption_in_wan(shanghai):
    three = rows_of(shanghai, "三公")
    assert {a["unit_raw"] for a in three} == {"万元"}
    values = {a["item"]: a["value"] for a in three}
    assert values["机关运行经费预算数"] == pytest.approx(2517.78)
    assert 346.30 in [pytest.approx(v) for v in values.values()]


def test_shanghai_split_code_columns_give_codes_and_levels(shanghai):
    rows = [a for a in rows_of(shanghai, "一般公共预算支出功能分类预算表") if a["measure_raw"] == "合计"]
    by_code = {a["code"]: a for a in rows if a["code"]}
    assert (by_code["201"]["row_level"], by_code["20106"]["row_level"], by_code["2010601"]["row_level"]) == ("类", "款", "项")
    assert by_code["2010601"]["item"] == "行政运行" and by_code["2010601"]["item_parent"] == "财政事务"
    # 款 and 项 with the same name are kept apart by their codes
    assert by_code["21099"]["item"] == by_code["2109999"]["item"] == "其他卫生健康支出"
    assert by_code["2109999"]["value"] == pytest.approx(4.8)
    # the page join keeps the last row of p13 and the first of p14 apart
    assert by_code["2080801"]["value"] == pytest.approx(120) and by_code["210"]["value"] == pytest.approx(466.8)
    total = next(a for a in rows if a["row_level"] == "total")
    assert total["value"] == pytest.approx(sum(a["value"] for a in rows if a["row_level"] == "类"))
    assert all(a["code_scheme"] == "function" for a in rows if a["code"])


def test_shanghai_economic_table_levels(shanghai):
    rows = [a for a in rows_of(shanghai, "经济分类") if a["measure_raw"] == "人员经费"]
    classes = {a["code"]: a["value"] for a in rows if a["row_level"] == "类"}
    assert set(classes) == {"301", "303"}  # 人员经费 = 301 + 303
    assert sum(classes.values()) == pytest.approx(next(a["value"] for a in rows if a["row_level"] == "total"))
    assert {a["code_scheme"] for a in rows if a["code"]} == {"economic"}


def test_shanghai_two_sided_tables_read_as_halves(shanghai):
    summary = rows_of(shanghai, "财务收支预算总表")
    assert {a["side"] for a in summary if a["table_kind"] == "income"} == {1}
    assert {a["side"] for a in summary if a["table_kind"] == "expenditure"} == {2}
    fiscal = rows_of(shanghai, "财政拨款收支预算总表")
    assert cell(fiscal, "收入总计", "预算数", side=1)["value"] == pytest.approx(17191.5169)
    assert cell(fiscal, "支出总计", "一般公共预算", side=2)["value"] == pytest.approx(17191.5169)


def test_shanghai_families_and_understood(shanghai):
    families = {a["table_title"]: a["table_family"] for a in shanghai["amounts"]}
    assert families["2025年预算单位财务收支预算总表"] == "summary"
    assert families["2025年预算单位财政拨款收支预算总表"] == "fiscal_summary"
    assert families["2025年预算单位收入预算总表"] == "income"
    assert families["2025年预算单位一般公共预算基本支出部门预算经济分类预算表"] == "basic_expenditure"
    assert families["2025年单位“三公”经费和机关运行经费预算表"] == "three_public"
    assert all(a["layout_ok"] for a in shanghai["amounts"])


def test_shanghai_no_false_table_findings(shanghai):
    assert table_findings(shanghai) == []
    assert not [f for f in shanghai["findings"] if f["rule"] == "LAYOUT_NOT_UNDERSTOOD"]


# ---------------------------------------------------------------- Jiangsu (code column, 合计 on top)

def test_court_true_rate_mismatch_still_found(court):
    (f,) = [f for f in court["findings"] if f["rule"] == "RATE_MISMATCH"]
    assert f["page"] == 19 and f["observed"] == pytest.approx(5.95) and f["expected"] == pytest.approx(6.0985, abs=1e-3)


def test_court_function_table_levels_and_sums(court):
    rows = [a for a in rows_of(court, "五、2018年度江苏省高级人民法院财政拨款支出预算表")]
    by_code = {a["code"]: a for a in rows if a["code"]}
    assert by_code["2040502"]["value"] == pytest.approx(6049.97) and by_code["2040502"]["row_level"] == "项"
    assert by_code["20405"]["row_level"] == "款" and by_code["204"]["row_level"] == "类"
    assert by_code["2040502"]["item_parent"] == "法院" and by_code["20405"]["item_parent"] == "公共安全支出"
    assert by_code["204"]["item_parent"] == "合计"  # 合计 heads the table: the 类 rows are its parts
    assert {a["table_family"] for a in rows} == {"fiscal_expenditure"}


def test_real_budget_files_no_false_table_findings(real_all):
    for name, tables in real_all.items():
        assert table_findings(tables) == [], name
        assert all(a["layout_ok"] for a in tables["amounts"]), name


def test_real_sums_are_checked_not_skipped(court):
    """The court's tables add up; a planted error in one 项 is found on its 款 only, not on 类 or 合计."""
    amounts = [dict(a) for a in court["amounts"]]
    target = next(a for a in amounts if a.get("code") == "2040502" and "财政拨款支出预算表" in a["table_title"])
    target["value"] += 100
    target["value_raw"] = f"{target['value']:.2f}"
    found = [f for f in run_rules({"amounts": amounts, "forms": court["forms"]}) if f["rule"] == "SUM_MISMATCH"]
    assert [(f["row_label"], f["observed"]) for f in found] == [("法院", pytest.approx(26200.88))]


# ---------------------------------------------------------------- the model on small tables

def test_model_functions():
    assert bt.glue_code(["201", "06", "01"]) == "2010601"
    assert bt.glue_code(["201", "06", ""]) == "20106"
    assert bt.glue_code(["201", "", ""]) == "201"
    assert bt.label_code("2010601 行政运行") == "2010601" and bt.label_code("行政运行") == ""
    assert bt.suffix_level("公共安全（类）") == "类"
    assert bt.level_of("30101", "", 0, False, False) == "款"
    assert bt.table_family("2019年政府采购预算表") == "procurement"
    assert bt.table_family("单位：万元", "收入项目 预算数 支出项目 预算数") == "summary"
    assert bt.table_family("单位：万元", "项目 金额") == "other"
    assert bt.column_role("其中：财政拨款") == "fiscal" and bt.column_role("项目支出") == "project"


LABEL_CODES = [
    ["科目", "预算数"],
    ["合计", "300.00"],
    ["201 一般公共服务支出", "300.00"],
    ["20106 财政事务", "300.00"],
    ["2010601 行政运行", "100.00"],
    ["2010602 一般行政管理事务", "200.00"],
]


def test_digits_before_the_label_give_levels():
    rows = amounts_from_rows(LABEL_CODES, title="一般公共预算支出预算表")
    levels = {a["item"]: (a["code"], a["row_level"]) for a in rows}
    assert levels["2010601 行政运行"] == ("2010601", "项")
    assert levels["20106 财政事务"] == ("20106", "款")
    assert levels["合计"] == (None, "total")
    assert all(a["layout_ok"] for a in rows)
    assert not [f for f in run_rules({"amounts": rows}) if f["severity"] != "info"]


def test_a_wrong_item_is_found_once_at_its_level():
    table = [r[:] for r in LABEL_CODES]
    table[5][1] = "250.00"  # 项 rows now 350, 款 300
    found = [f for f in run_rules({"amounts": amounts_from_rows(table, title="一般公共预算支出预算表")})
             if f["rule"] == "SUM_MISMATCH"]
    assert [(f["row_label"], f["expected"], f["observed"]) for f in found] == [("20106 财政事务", 350, 300)]


SUFFIXES = [
    ["项目", "金额"],
    ["公共安全（类）", "30.00"],
    ["法院（款）", "30.00"],
    ["行政运行（项）", "10.00"],
    ["案件审判（项）", "20.00"],
    ["合计", "30.00"],
]


def test_level_suffixes_give_levels_and_sibling_sums():
    rows = amounts_from_rows(SUFFIXES, title="财政拨款支出预算表")
    assert {a["item"]: a["row_level"] for a in rows}["法院（款）"] == "款"
    assert not [f for f in run_rules({"amounts": rows}) if f["severity"] != "info"]


def test_unknown_table_gets_one_layout_info_and_no_error():
    table = [["名称", "金额"], ["甲", "1.00"], ["乙", "2.00"], ["合计", "9.00"]]
    rows = amounts_from_rows(table, title="")
    assert {a["layout_ok"] for a in rows} == {False}
    found = run_rules({"amounts": rows})
    assert [f["rule"] for f in found] == ["LAYOUT_NOT_UNDERSTOOD"] and found[0]["severity"] == "info"


def test_most_rows_failing_is_a_reading_problem():
    """Every group off while the grand total holds: the rows were read wrong, not published wrong."""
    table = [["项目", "预算数", "执行数"],
             ["一、甲", "10.00", "10.00"], ["1.子一", "3.00", "3.00"], ["2.子二", "3.00", "3.00"],
             ["二、乙", "10.00", "10.00"], ["1.子三", "3.00", "3.00"], ["2.子四", "3.00", "3.00"],
             ["合计", "20.00", "20.00"]]
    found = run_rules({"amounts": amounts_from_rows(table, title="项目支出表")})
    assert [(f["rule"], f["severity"]) for f in found] == [("LAYOUT_NOT_UNDERSTOOD", "info")]
    assert "2/3" in found[0]["message"]


def test_one_wrong_total_in_every_column_is_still_reported():
    table = [["项目名称", "年初预算数", "调整预算数", "执行数"], ["培训", "10.00", "10.00", "9.00"],
             ["会议", "20.00", "20.00", "19.00"], ["合计", "40.00", "40.00", "38.00"]]
    found = run_rules({"amounts": amounts_from_rows(table, title="重点项目情况表")})
    assert [f["rule"] for f in found] == ["SUM_MISMATCH"] * 3


def test_yuan_in_the_column_header():
    table = [["项目", "金额（元）"], ["办公费", "12,000"], ["差旅费", "8,000"], ["合计", "20,000"]]
    rows = amounts_from_rows(table, title="支出明细表")
    assert {a["unit_raw"] for a in rows} == {"元"}
    assert {a["item"]: a["value"] for a in rows}["合计"] == pytest.approx(2.0)


def test_integer_amounts_are_not_codes():
    table = [["项目名称", "预算数", "执行数"], ["培训", "377", "300"], ["会议", "23", "20"], ["合计", "400", "320"]]
    rows = amounts_from_rows(table, title="重点项目情况表")
    assert {a["item"] for a in rows} == {"培训", "会议", "合计"}
    assert all(not a["code"] for a in rows)


def test_a_row_written_twice_stays_when_spans_are_known():
    table = [["项目名称", "金额"], ["培训", "10.00"], ["培训", "10.00"], ["合计", "20.00"]]
    covered = [set(), set(), set(), set()]
    rows = amounts_from_rows(table, title="重点项目情况表", covered=covered)
    assert [a["item"] for a in rows].count("培训") == 2
    assert not [f for f in run_rules({"amounts": rows}) if f["rule"] == "SUM_MISMATCH"]


def test_negative_balances_are_not_parts_exceeding_wholes():
    table = [["项目", "年初结余", "其中：财政拨款结余"], ["合计", "-207.50", "-34.40"], ["基本支出", "-10.00", "-5.00"]]
    rows = amounts_from_rows(table, title="收支结余情况表")
    assert not [f for f in run_rules({"amounts": rows}) if f["rule"] == "PART_EXCEEDS_WHOLE"]


def test_money_tables_answer_by_meaning(shanghai, court):
    from jixiao.validate.base import Context
    from jixiao.validate.money import money_tables

    tables = money_tables(Context({"amounts": shanghai["amounts"]}))
    summary = next(t for t in tables if t.family == "summary")
    assert summary.sides == [1, 2] and summary.unit_raw == "元" and summary.understood
    assert summary.value(item="收入总计", side=1) == pytest.approx(17191.5169)
    assert summary.value(level="total", role="project", side=2) == pytest.approx(4427.3130)
    basic = next(t for t in tables if t.family == "basic_expenditure")
    assert basic.value(code="302", role="total") == pytest.approx(2484.0779)
    court_tables = money_tables(Context({"amounts": court["amounts"]}))
    fiscal = next(t for t in court_tables if t.family == "fiscal_expenditure")
    assert fiscal.value(code="2040502") == pytest.approx(6049.97)
    assert fiscal.value(item="公共安全支出", level="类") == pytest.approx(26200.88)


GROUPED = [
    ["项目", "收入预算", "收入预算", "收入预算"],
    ["项目", "合计", "财政拨款收入", "事业收入"],
    ["一、财政拨款收入", "100.00", "90.00", "10.00"],
    ["二、事业收入", "50.00", "40.00", "9.00"],
    ["合计", "150.00", "130.00", "19.00"],
]


def test_group_total_column_is_the_sum_of_the_row():
    rows = amounts_from_rows(GROUPED, title="收入预算总表")
    assert {a["measure_parent"] for a in rows if a["measure_raw"] == "事业收入"} == {"合计"}
    found = [f for f in run_rules({"amounts": rows}) if f["rule"] == "SUM_MISMATCH"]
    # one wrong cell (事业收入 of row 二 should be 10) shows in its row and in its column's 合计
    assert sorted((f["row_label"], f["expected"], f["observed"]) for f in found) == [
        ("二、事业收入", 49, 50), ("合计", 149, 150)]


HENAN = REAL / "wild" / "河南_职业技能竞赛经费项目绩效评价报告.md"


@pytest.fixture(scope="module")
def henan():
    return process_file(HENAN, HENAN.parent).tables


def test_henan_year_groups_with_subtotals_below(henan):
    """表1-1: 子项目 (spanning its years) | 年度 | 预算安排(万元) | 支出金额(万元) | 资金占比(%) | 预算执行(%);
    each group's 小计 is the sum of its years, 总计 the sum of the 小计 rows; shares and rates are not summed."""
    rows = [a for a in rows_of(henan, "表1-1") if a["measure_raw"] == "预算安排(万元)"]
    assert {a["layout_ok"] for a in rows} == {True} and {a["table_family"] for a in rows} == {"expenditure"}
    subtotals = [a for a in rows if a["row_level"] == "subtotal"]
    assert [a["value"] for a in subtotals] == pytest.approx([7455.00, 1669.70, 4410.00])
    for sub in subtotals:
        years = [a for a in rows if a.get("parent_row") == sub["row_no"]]
        assert sum(a["value"] for a in years) == pytest.approx(sub["value"])
        assert all(a["item"].startswith("20") for a in years)
    total = next(a for a in rows if a["row_level"] == "total")
    assert total["value"] == pytest.approx(13534.70)
    assert {a["parent_row"] for a in subtotals} == {total["row_no"]}
    assert table_findings(henan) == []
    assert "表1-1" not in " ".join(f["location"] for f in henan["findings"] if f["rule"] == "LAYOUT_NOT_UNDERSTOOD")


def test_yuan_in_the_title():
    table = [["项目", "金额"], ["办公费", "12,000"], ["合计", "12,000"]]
    rows = amounts_from_rows(table, title="基本支出明细表（元）")
    assert {a["unit_raw"] for a in rows} == {"元"} and rows[0]["value"] == pytest.approx(1.2)
    assert {a["unit_raw"] for a in amounts_from_rows(table, title="基本支出明细表（万元）")} == {"万元"}


def test_layout_notes_reach_the_document_warnings(henan):
    warnings = henan["documents"][0].get("warnings") or ""
    assert "表未识别，未核对：附表5-1" in warnings


def test_empty_tables_are_forms_without_amounts(shanghai, court):
    """An empty 政府性基金 / 国有资本经营 table is still one of the publication's tables (MISSING_TABLE asks)."""
    for tables, words in ((shanghai, ("政府性基金预算支出", "国有资本经营预算支出")), (court, ("政府性基金预算财政拨款",))):
        with_rows = {a["form_id"] for a in tables["amounts"]}
        for word in words:
            (form,) = [f for f in tables["forms"] if word in (f["title"] or "")]
            assert form["form_type"] == "budget_summary" and form["form_id"] not in with_rows
            assert bt.table_family(form["title"]) in ("gov_fund", "state_capital")


def _table(rows: list[list[str]], page: int, title: str = "") -> Table:
    cells = [Cell(r, c, text) for r, row in enumerate(rows) for c, text in enumerate(row)]
    return Table(cells=cells, n_rows=len(rows), n_cols=len(rows[0]), page=page, title=title,
                 row_pages=[page] * len(rows))


def test_a_table_continued_on_the_next_page_is_one_table():
    """The rows after a page break (header repeated, no title) continue the table: the 合计 on the
    second page is the sum of the 类 rows on both pages."""
    from jixiao.model import Document, Paragraph
    from jixiao.normalize.interpret import interpret_document

    head = [["科目编码", "科目名称", "金额"]]
    first = head + [["", "合计", "300.00"], ["201", "一般公共服务支出", "100.00"], ["20101", "人大事务", "100.00"]]
    second = head + [["208", "社会保障和就业支出", "200.00"], ["20805", "行政事业单位养老支出", "200.00"]]
    doc = Document(blocks=[Paragraph("一般公共预算支出预算表", page=1), Paragraph("单位：万元", page=1),
                           _table(first, 1, "一般公共预算支出预算表"), Paragraph("- 2 -", page=2), _table(second, 2)],
                   source_format="pdf", n_pages=2)
    result = interpret_document(doc, "t")
    forms = [f for f in result.tables["forms"] if f["form_type"] == "budget_summary"]
    assert len(forms) == 1 and (forms[0]["page_start"], forms[0]["page_end"]) == (1, 2)
    rows = result.tables["amounts"]
    assert {a["code"]: a["page"] for a in rows if a["code"]} == {"201": 1, "20101": 1, "208": 2, "20805": 2}
    assert {a["item_parent"] for a in rows if a["row_level"] == "类"} == {"合计"}
    assert not [f for f in run_rules(result.tables) if f["severity"] != "info"]


def test_a_second_table_with_its_own_header_stays_apart():
    from jixiao.model import Document, Paragraph
    from jixiao.normalize.interpret import interpret_document

    one = [["项目", "金额"], ["基本支出", "10.00"], ["合计", "10.00"]]
    two = [["收入项目", "预算数"], ["财政拨款收入", "10.00"], ["收入合计", "10.00"]]
    doc = Document(blocks=[Paragraph("支出预算表", page=1), _table(one, 1, "支出预算表"), _table(two, 2)],
                   source_format="pdf", n_pages=2)
    forms = [f for f in interpret_document(doc, "t").tables["forms"] if f["form_type"] == "budget_summary"]
    assert len(forms) == 2


FINAL_SUMMARY = [  # 收入支出决算总表: 行次 columns and a 栏次 row, two halves
    ["收入", "", "", "支出", "", ""],
    ["项目", "行次", "金额", "项目", "行次", "金额"],
    ["栏次", "", "1", "栏次", "", "2"],
    ["一、一般公共预算财政拨款收入", "1", "1,000.00", "一、一般公共服务支出", "32", "800.00"],
    ["二、政府性基金预算财政拨款收入", "2", "", "二、社会保障和就业支出", "33", "250.00"],
    ["三、事业收入", "3", "100.00", "", "", ""],
    ["本年收入合计", "12", "1,100.00", "本年支出合计", "62", "1,050.00"],
    ["年初结转和结余", "14", "50.00", "年末结转和结余", "64", "100.00"],
    ["总计", "15", "1,150.00", "总计", "65", "1,150.00"],
]


def test_final_accounts_row_numbers_are_not_figures():
    rows = amounts_from_rows(FINAL_SUMMARY, title="收入支出决算总表")
    assert {a["measure_raw"] for a in rows} == {"金额"} and {a["side"] for a in rows} == {1, 2}
    assert all(a["layout_ok"] for a in rows)
    totals = {(a["side"], a["item"]): a["value"] for a in rows if a["is_total"]}
    assert totals[(1, "总计")] == totals[(2, "总计")] == pytest.approx(1150)
    assert not [f for f in run_rules({"amounts": rows}) if f["severity"] != "info"]
    broken = [r[:] for r in FINAL_SUMMARY]
    broken[7][5] = "90.00"  # 年末结转和结余: 1,050 + 90 ≠ 1,150
    found = [f for f in run_rules({"amounts": amounts_from_rows(broken, title="收入支出决算总表")})
             if f["severity"] != "info"]
    assert [(f["rule"], f["row_label"], f["observed"]) for f in found] == [("SUM_MISMATCH", "总计", 1150)]


BASIC_FINAL = [  # 基本支出决算表: 人员经费 | 公用经费 printed in two column blocks, totals at the bottom
    ["人员经费", "", "", "公用经费", "", "", "公用经费", "", ""],
    ["科目编码", "科目名称", "决算数", "科目编码", "科目名称", "决算数", "科目编码", "科目名称", "决算数"],
    ["301", "工资福利支出", "500.00", "302", "商品和服务支出", "200.00", "310", "资本性支出", "50.00"],
    ["30101", "基本工资", "300.00", "30201", "办公费", "120.00", "31002", "办公设备购置", "50.00"],
    ["30102", "津贴补贴", "200.00", "30202", "印刷费", "80.00", "", "", ""],
    ["303", "对个人和家庭的补助", "100.00", "", "", "", "", "", ""],
    ["30302", "退休费", "100.00", "", "", "", "", "", ""],
    ["人员经费合计", "人员经费合计", "600.00", "公用经费合计", "公用经费合计", "公用经费合计", "公用经费合计",
     "公用经费合计", "250.00"],
]


def test_public_funds_in_two_column_blocks_are_one_list():
    """人员经费合计 = 301 + 303; 公用经费合计 = 302 + 310 although 310 sits in a second column block."""
    covered = [set() for _ in BASIC_FINAL]
    covered[-1] = {1, 4, 5, 6, 7}
    rows = amounts_from_rows(BASIC_FINAL, title="一般公共预算财政拨款基本支出决算表", covered=covered)
    assert all(a["layout_ok"] for a in rows) and {a["side"] for a in rows} == {1, 2}
    public_total = [a for a in rows if a["item"] == "公用经费合计"]
    assert [(a["value"], a["col_no"]) for a in public_total] == [(250, 9)]
    parts = {a["code"] for a in rows if a.get("parent_row") == public_total[0]["row_no"] and a["side"] == 2}
    assert parts == {"302", "310"}
    assert not [f for f in run_rules({"amounts": rows}) if f["severity"] != "info"]
    broken = [r[:] for r in BASIC_FINAL]
    broken[2][8] = "60.00"  # 310 now 60 (its 款 still 50): 310 ≠ 31002 and 公用经费合计 ≠ 302 + 310
    found = [f for f in run_rules({"amounts": amounts_from_rows(broken, title="基本支出决算表", covered=covered)})
             if f["severity"] != "info"]
    assert sorted(f["row_label"] for f in found) == ["公用经费合计", "资本性支出"]


def test_yuan_rounding_stays_silent_but_twenty_yuan_do_not(shanghai):
    """302 商品和服务支出 24,840,779 元 vs its 款 24,840,778 元: one 元 of rounding over 18 addends is no
    error; twenty 元 more in one 款 is (the slack of a 元 table is counted in 元, not in whole 万元)."""
    rows = [a for a in rows_of(shanghai, "经济分类") if a["measure_raw"] == "合计"]
    whole = next(a for a in rows if a["code"] == "302")
    parts = [a for a in rows if a.get("parent_row") == whole["row_no"]]
    assert len(parts) == 18
    assert whole["value"] - sum(a["value"] for a in parts) == pytest.approx(0.0001)
    amounts = [dict(a) for a in shanghai["amounts"]]
    office = next(a for a in amounts if a["code"] == "30201" and a["measure_raw"] == "合计"
                  and "经济分类" in a["table_title"])
    office["value"] += 0.0020
    office["value_raw"] = "1,000,020"
    found = [f for f in run_rules({"amounts": amounts}) if f["rule"] == "SUM_MISMATCH"]
    assert [f["row_label"] for f in found] == ["商品和服务支出"]


def test_flat_header_total_column_is_the_sum_of_its_components():
    """支出决算表: 本年支出合计 | 基本支出 | 项目支出 under one flat header row: 合计 = 基本 + 项目 per row."""
    table = [["科目编码", "科目名称", "本年支出合计", "基本支出", "项目支出"],
             ["", "合计", "300.00", "200.00", "100.00"],
             ["201", "一般公共服务支出", "300.00", "200.00", "90.00"]]
    rows = amounts_from_rows(table, title="支出决算表")
    assert {a["measure_parent"] for a in rows if a["measure_raw"] in ("基本支出", "项目支出")} == {"本年支出合计"}
    found = [f for f in run_rules({"amounts": rows}) if f["rule"] == "SUM_MISMATCH"]
    assert sorted(f["row_label"] for f in found) == ["一般公共服务支出", "合计"]
    mixed = [["项目", "合计", "预算数", "决算数"], ["甲", "10.00", "10.00", "9.00"], ["乙", "5.00", "5.00", "5.00"]]
    assert not {a["measure_parent"] for a in amounts_from_rows(mixed, title="支出表")} - {None}
