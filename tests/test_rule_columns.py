"""Column rules: 其中 columns, column groups and budget vs executed within one table row."""

from __future__ import annotations

import pandas as pd

from jixiao.validate.base import run_rules


def cell(measure, raw, value, parent=None, relation=None, row=1, item="项目A", text=None):
    return {"doc_id": "d", "form_id": "d-1", "table_kind": "projects", "item": item, "measure": measure,
            "measure_raw": raw, "value": value, "unit": "万元", "is_total": False, "table_no": 1, "row_no": row,
            "side": 1, "value_raw": text or str(value), "measure_parent": parent, "relation": relation, "col_no": 1}


def findings(rows, code):
    return [f for f in run_rules({"amounts": pd.DataFrame(rows), "forms": pd.DataFrame()}, only=[code]) if f["rule"] == code]


def test_part_column_larger_than_whole_fires_beyond_rounding():
    # seed 000 line 309-314: 执行数 11.6, 其中：财政拨款 11.7
    rows = [cell("executed", "执行数", 11.6), cell("fiscal", "其中：财政拨款", 11.7, "执行数", "part")]
    (f,) = findings(rows, "PART_EXCEEDS_WHOLE")
    assert (f["expected"], f["observed"], f["severity"]) == (11.6, 11.7, "error")
    assert "离" not in f["location"] and "项目A" in f["location"]


def test_part_column_within_rounding_does_not_fire():
    rows = [cell("executed", "执行数", 11.6), cell("fiscal", "其中：财政拨款", 11.64, "执行数", "part")]
    assert findings(rows, "PART_EXCEEDS_WHOLE") == []
    rows = [cell("executed", "执行数", 11.6), cell("fiscal", "其中：财政拨款", 11.6, "执行数", "part")]
    assert findings(rows, "PART_EXCEEDS_WHOLE") == []


def test_column_group_sum():
    ok = [cell("value", "基本支出", 555.60), cell("value", "人员支出", 395.39, "基本支出", "sum"),
          cell("value", "公用支出", 160.21, "基本支出", "sum")]
    assert findings(ok, "SUM_MISMATCH") == []
    bad = [cell("value", "基本支出", 555.60), cell("value", "人员支出", 395.39, "基本支出", "sum"),
           cell("value", "公用支出", 160.31, "基本支出", "sum")]
    (f,) = findings(bad, "SUM_MISMATCH")
    assert (round(f["expected"], 2), f["observed"]) == (555.7, 555.6)
    # seed 003 lines 137-144: 717.05 | 555.60 | … | 161.46; 555.60 read back as a float has lost a decimal
    edge = [cell("value", "支出合计", 717.05), cell("value", "基本支出", 555.60, "支出合计", "sum", text="555.60"),
            cell("value", "项目支出", 161.46, "支出合计", "sum")]
    assert findings(edge, "SUM_MISMATCH") == []  # seed 003: off by 0.01, two 2-decimal addends
    edge[0]["value"] = edge[0]["value_raw"] = 717.04  # 0.02 off: beyond the half-cents
    (f,) = findings(edge, "SUM_MISMATCH")
    assert (round(f["expected"], 2), f["observed"]) == (717.06, 717.04)


def test_execution_over_budget_per_row():
    rows = [cell("budget", "预算数", 216), cell("executed", "执行数", 348.58)]
    (f,) = findings(rows, "EXECUTION_OVER_BUDGET")
    assert (f["expected"], f["observed"], f["severity"]) == (216, 348.58, "warning")
    assert findings([cell("budget", "预算数", 216), cell("executed", "执行数", 216)], "EXECUTION_OVER_BUDGET") == []


def test_seed_000_table_discrepancies(seed_results):
    f = seed_results["000"].tables["findings"]
    part = [x for x in f if x["rule"] == "PART_EXCEEDS_WHOLE"]
    assert [x["row_label"] for x in part] == ["离退休干部春节慰问金"]
    over = {x["row_label"] for x in f if x["rule"] == "EXECUTION_OVER_BUDGET"}
    assert "离休干部医疗费" in over  # line 339-344: 预算 216, 执行 348.58
