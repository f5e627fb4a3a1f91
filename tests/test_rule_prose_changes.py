"""RATE_MISMATCH in prose: “X万元，与上年相比增加D万元，增长P%” — P is D over last year's X∓D."""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.normalize.facts import extract_facts
from jixiao.pipeline import process_file
from jixiao.validate.base import run_rules

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "real"


def change_findings(text: str) -> list[dict]:
    facts = extract_facts([{"doc_id": "d", "seq": 1, "section": "s", "text": text}])
    return [f for f in run_rules({"facts": facts}, only=["RATE_MISMATCH"]) if f["table"] == "narrative"]


def test_consistent_rates_pass_within_rounding():
    assert change_findings("机关运行经费预算支出1642.08万元，与上年相比增加62.7万元，增长3.97%。"
                           "住房保障(类)支出3301.2万元，与上年相比增加1178.82万元，增长55.54%。"
                           "因公出国（境）费预算支出106万元，比上年减少8万元，下降7.02%。") == []


def test_a_wrong_rate_is_reported_with_last_years_figure():
    (f,) = change_findings("一般行政事务管理(项)支出6049.97万元，与上年相比减少392.92万元，减少5.95%。")
    assert f["severity"] == "error" and f["observed"] == 5.95
    assert f["expected"] == pytest.approx(392.92 / 6442.89 * 100, abs=1e-3)
    assert "6442.89" in f["message"] and "减少5.95%" in f["location"]


def test_a_rate_divided_by_this_years_figure_is_named():
    (f,) = change_findings("项目支出500万元，比上年增加100万元，增长20%。")  # 100/400 = 25 %
    assert f["expected"] == 25 and "本年数" in f["message"]


def test_the_court_budget_prose_states_one_rate_that_does_not_follow():
    """省法院2018: 78 year-on-year rates in the Jiangsu prose; one does not follow from its figures."""
    result = process_file(REAL / "省法院2018年度部门预算公开.pdf", REAL)
    found = [f for f in result.tables["findings"] if f["rule"] == "RATE_MISMATCH" and f["table"] == "narrative"]
    assert [(f["observed"], round(f["expected"], 2)) for f in found] == [(5.95, 6.1)]
    assert found[0]["page"] is not None
