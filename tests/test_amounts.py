"""Money tables of the seeds as amounts rows; values read off the seed text."""

from __future__ import annotations

import pytest

from jixiao.normalize.amounts import amounts_from_rows, classify_table


def pick(rows, **where):
    return [r for r in rows if all(r.get(k) == v for k, v in where.items())]


def value(rows, **where):
    (hit,) = pick(rows, **where)
    return hit["value"]


@pytest.fixture(scope="module")
def a000(seed_results):
    return seed_results["000"].tables["amounts"]


def test_side_by_side_income_and_expenditure_000(a000):
    # lines 15-97: 收入科目 | 年初 | 调整 | 决算 | 支出科目 | 年初 | 调整 | 决算
    assert value(a000, item="财政拨款收入", measure="budget_initial") == 4060.7
    assert value(a000, item="财政拨款收入", measure="final") == 3546.3
    assert value(a000, item="本年收入合计", measure="final") == 3564.5
    assert pick(a000, item="本年收入合计")[0]["table_kind"] == "income"
    total = pick(a000, item="本年支出合计", measure="budget_adjusted")[0]
    assert (total["value"], total["table_kind"], total["is_total"]) == (3637.82, "expenditure", True)
    assert value(a000, item="本年支出合计", measure="final") == 3594.65
    # empty cells give no row (上级补助收入 is blank on line 41-43)
    assert pick(a000, item="上级补助收入") == []


def test_key_projects_000(a000):
    # line 309-314: 离退休干部春节慰问金 执行数 11.6 but 其中财政拨款 11.7
    rows = pick(a000, item="离退休干部春节慰问金")
    assert {(r["measure"], r["measure_raw"], r["value"]) for r in rows} == {
        ("budget", "预算数（万元）", 11.7), ("fiscal", "其中：财政拨款", 11.7),
        ("executed", "执行数（万元）", 11.6)}
    fiscal_exec = [r for r in rows if r["measure"] == "fiscal" and r["measure_parent"] == "执行数（万元）"]
    assert fiscal_exec[0]["relation"] == "part"
    assert {r["table_kind"] for r in rows} == {"projects"}
    # line 407-411: the 金额合计 row is a total
    assert value(a000, item="金额合计", measure="budget") == 1770.35
    assert value(a000, item="金额合计", measure="executed") == 1862.35


def test_dept_form_budget_from_expenditure_total(seed_results):
    f = seed_results["000"].tables["forms"][0]
    assert (f["budget_initial_wan"], f["budget_wan"], f["executed_wan"]) == (4060.7, 3637.82, 3594.65)


def test_assets_table_001(seed_results):
    rows = seed_results["001"].tables["amounts"]
    assert value(rows, item="资产总额", measure="value") == 164.84  # line 1359-1361
    house = pick(rows, item="1、房屋（平方米）", measure="count")[0]
    assert (house["value"], house["unit"]) == (1094.44, "平方米")
    office = pick(rows, item="其中：办公用房（平方米）", measure="count")[0]
    assert office["item_parent"] == "1、房屋（平方米）"
    assert value(rows, item="2、车辆（台、辆）", measure="value") == 55.64
    assert pick(rows, item="资产总额", measure="count") == []  # —— is not a number


def test_dept_tables_003(seed_results):
    rows = seed_results["003"].tables["amounts"]
    tot = {r["measure_raw"]: r for r in rows if r["item"] == "机关及二级机构汇总"}
    assert tot["收入合计"]["value"] == 741.14 and tot["收入合计"]["table_kind"] == "income"
    assert (tot["上年结转"]["value"], tot["上年结转"]["measure_parent"], tot["上年结转"]["relation"]) == (53.63, "收入合计", "sum")
    assert tot["支出合计"]["value"] == 717.05 and tot["支出合计"]["table_kind"] == "expenditure"
    assert (tot["人员支出"]["measure_parent"], tot["公用支出"]["measure_parent"]) == ("基本支出", "基本支出")
    assert tot["基本支出"]["measure_parent"] == "支出合计" and tot["项目支出"]["measure_parent"] == "支出合计"
    assert tot["当年结余"]["measure"] == "balance" and tot["当年结余"]["measure_parent"] is None
    assert tot["三公经费合计"]["value"] == 12.21 and tot["三公经费合计"]["table_kind"] == "three_public"
    assert tot["固定资产合计"]["value"] == 134.1 and tot["固定资产合计"]["table_kind"] == "assets"
    assert all(r["is_total"] for r in rows if r["item"] == "机关及二级机构汇总")


def test_yuan_tables_are_converted_and_raw_kept():
    rows = [["单位：元"], ["项目", "金额"], ["办公费", "12,345.00"], ["合计", "12,345.00"]]
    out = amounts_from_rows(rows, title="支出表")
    assert [(r["item"], r["value"], r["value_raw"], r["is_total"]) for r in out] == [
        ("办公费", 1.2345, "12,345.00", False), ("合计", 1.2345, "12,345.00", True)]


def test_not_amounts():
    assert classify_table("", [["一级指标", "二级指标", "三级指标"], ["产出", "数量", "10"]]) is None
    assert classify_table("", [["序号", "姓名", "职务"], ["1", "王欢", "会计"], ["2", "吴谦", "职员"]]) is None
    assert classify_table("三公经费支出表", [["项目", "金额"], ["公务接待费", "1.2"], ["合计", "1.2"]]) == "three_public"


def test_spanning_total_counts_for_both_spending_breakdowns():
    # the layout of every Jiangsu 收支预算总表 (grid with merged cells filled)
    rows = [["收入", "收入", "支出", "支出", "支出", "支出"],
            ["项目名称", "金额", "功能分类", "功能分类", "支出用途", "支出用途"],
            ["项目名称", "金额", "功能科目名称", "金额", "项目名称", "金额"],
            ["一、财政拨款", "100.00", "一、一般公共服务支出", "70.00", "一、基本支出", "60.00"],
            ["1.一般公共预算", "100.00", "二、外交支出", "", "二、项目支出", "40.00"],
            ["二、其他资金", "—", "三、住房保障支出", "30.00", "", ""],
            ["当年收入小计", "100.00", "当年支出小计", "当年支出小计", "当年支出小计", "100.00"]]
    out = amounts_from_rows(rows, title="收支预算总表")
    sub = [r for r in out if r["item"] == "当年支出小计"]
    assert {(r["col_no"], r["value"], r["table_kind"], r["is_total"]) for r in sub} == {
        (4, 100.0, "expenditure", True), (6, 100.0, "expenditure", True)}
    parts = {r["item"]: r for r in out if r["item_parent"] == "当年支出小计"}
    assert set(parts) == {"一、一般公共服务支出", "三、住房保障支出", "一、基本支出", "二、项目支出"}
    assert pick(out, item="1.一般公共预算")[0]["item_parent"] == "一、财政拨款"
    assert pick(out, item="一、财政拨款")[0]["item_parent"] == "当年收入小计"
    assert {r["measure"] for r in out} == {"budget"}  # bare 金额 in a 预算表
    assert pick(out, item="二、其他资金") == []


def test_label_less_table_is_read_by_column():
    rows = [["合计", "“三公”经费", "“三公”经费", "“三公”经费", "会议费"],
            ["合计", "小计", "因公出国（境）费", "公务接待费", "会议费"],
            ["10.00", "6.00", "2.00", "4.00", "4.00"]]
    out = {r["item"]: r for r in amounts_from_rows(rows, title="“三公”经费、会议费支出决算表")}
    assert (out["合计"]["is_total"], out["合计"]["item_parent"]) == (True, None)
    assert (out["“三公”经费"]["value"], out["“三公”经费"]["is_total"], out["“三公”经费"]["item_parent"]) == (6.0, True, "合计")
    assert (out["因公出国（境）费"]["item_parent"], out["因公出国（境）费"]["relation"]) == ("“三公”经费", "sum")
    assert out["会议费"]["item_parent"] == "合计"
    assert {r["measure"] for r in out.values()} == {"final"}
    assert {r["table_kind"] for r in out.values()} == {"three_public"}


def test_code_column_places_rows():
    rows = [["功能科目编码", "功能科目名称", "金额"], ["", "合计", "30.00"], ["201", "一般公共服务支出", "30.00"],
            ["20131", "党委办公厅（室）及相关机构事务", "30.00"], ["2013101", "行政运行", "10.00"],
            ["2013102", "一般行政管理事务", "20.00"]]
    out = {r["item"]: r for r in amounts_from_rows(rows, title="一般公共预算支出预算表")}
    assert "201" not in {r["measure_raw"] for r in out.values()} and len(out) == 5
    assert out["一般行政管理事务"]["item_parent"] == "党委办公厅（室）及相关机构事务"
    assert out["一般公共服务支出"]["item_parent"] == "合计"
    assert out["一般公共服务支出"]["relation"] == "part"


def test_project_form_budget_block_002(seed_results):
    # seed 002 lines 14-17: 预算数 260 | 到位数 260 | 执行数 260, 其中: 财政资金 260 each
    rows = [r for r in seed_results["002"].tables["amounts"] if r["form_id"].endswith("-1")]
    # items are the labels as written, measure_raw the column group's header
    assert {(r["item"], r["measure"], r["measure_raw"], r["value"]) for r in rows} == {
        ("预算数", "budget", "预算安排情况(调整后)", 260.0), ("到位数", "arrived", "资金到位情况", 260.0),
        ("执行数", "executed", "资金执行情况", 260.0)} | {
        ("其中:财政资金", m, h, 260.0) for m, h in (("budget", "预算安排情况(调整后)"), ("arrived", "资金到位情况"),
                                                 ("executed", "资金执行情况"))}
    assert {r["item_parent"] for r in rows if r["item"] == "其中:财政资金"} == {"预算数", "到位数", "执行数"}
