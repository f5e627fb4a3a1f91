"""Every real discrepancy verified in the seed texts, found through the real pipeline."""

from __future__ import annotations

import pytest


def findings(seed_results, seed: str, rule: str, form_no: int | None = None) -> list[dict]:
    res = seed_results[seed]
    doc = res.document["doc_id"]
    fid = f"{doc}-{form_no}" if form_no else None
    return [f for f in res.tables["findings"] if f["rule"] == rule and (form_no is None or f["form_id"] == fid)]


def by_indicator(rows: list[dict], name: str) -> list[dict]:
    return [f for f in rows if name in (f.get("indicator") or "")]


def test_002_form1_scores_add_to_93_not_100(seed_results):
    (f,) = findings(seed_results, "002", "SCORE_TOTAL_MISMATCH", 1)
    assert (f["expected"], f["observed"], f["severity"]) == (93, 100, "error")


def test_002_form1_execution_rate_27_73_vs_260_of_260(seed_results):
    (f,) = findings(seed_results, "002", "RATE_MISMATCH", 1)
    assert f["observed"] == pytest.approx(27.73) and f["expected"] == pytest.approx(100)


def test_002_form2_execution_rate_0_992_vs_66_61_of_66_61(seed_results):
    (f,) = findings(seed_results, "002", "RATE_MISMATCH", 2)
    assert f["observed"] == pytest.approx(99.2)


def test_002_form5_stated_89_02_vs_computed_95_94(seed_results):
    (f,) = findings(seed_results, "002", "RATE_MISMATCH", 5)
    assert f["observed"] == pytest.approx(89.02) and f["expected"] == pytest.approx(78.67 / 82 * 100, abs=0.001)


def test_002_form7_total_blank(seed_results):
    assert findings(seed_results, "002", "MISSING_VALUE", 7)


def test_002_form8_copy_pasted_targets(seed_results):
    text = findings(seed_results, "002", "TEXT_MISMATCH", 8)
    assert {"县市区督查覆盖率", "督察组成员到岗率", "督查办公室成员到岗率"} <= {f["indicator"] for f in text}
    assert by_indicator(findings(seed_results, "002", "UNIT_MISMATCH", 8), "县市区督查覆盖率")


def test_002_form9_80_people_vs_100_percent(seed_results):
    assert by_indicator(findings(seed_results, "002", "UNIT_MISMATCH", 9), "培训市直第一书记人数")


def test_002_form14_scores_78_vs_88(seed_results):
    (f,) = findings(seed_results, "002", "SCORE_TOTAL_MISMATCH", 14)
    assert (f["expected"], f["observed"]) == (78, 88)


def test_000_budget_adjustment_rate(seed_results):
    rule = by_indicator(findings(seed_results, "000", "SCORE_RULE_MISMATCH"), "预算调整率")
    assert rule and rule[0]["expected"] == 0 and rule[0]["observed"] == 4
    assert by_indicator(findings(seed_results, "000", "TARGET_MISSED_FULL_SCORE"), "预算调整率")


def test_000_three_public_change_rate(seed_results):
    (f,) = by_indicator(findings(seed_results, "000", "SCORE_RULE_MISMATCH"), "三公经费")
    assert f["expected"] == 0 and f["observed"] == 4


def test_000_asset_management_one_item_deducts_20_percent(seed_results):
    (f,) = by_indicator(findings(seed_results, "000", "SCORE_RULE_MISMATCH"), "资产管理规范性")
    assert f["observed"] == pytest.approx(3.6)


def test_000_general_spending_cut_zero_with_full_score(seed_results):
    assert by_indicator(findings(seed_results, "000", "TARGET_MISSED_FULL_SCORE"), "一般性支出压减率")


def test_000_spending_progress_interpolated_correctly(seed_results):
    for rule in ("SCORE_RULE_MISMATCH", "TARGET_MISSED_FULL_SCORE", "SCORE_OUT_OF_RANGE"):
        assert not by_indicator(findings(seed_results, "000", rule), "支出进度率")


def test_001_prose_increase_does_not_add_up(seed_results):
    sums = findings(seed_results, "001", "SUM_MISMATCH")
    (f,) = [f for f in sums if f["observed"] == pytest.approx(2729.18)]
    assert f["expected"] == pytest.approx(146.04 + 2583.17)
    parts = findings(seed_results, "001", "PART_EXCEEDS_WHOLE")
    assert any(f["observed"] == pytest.approx(2600) and f["expected"] == pytest.approx(2583.17) for f in parts)


def test_001_form4_project_funds_twice(seed_results):
    assert by_indicator(findings(seed_results, "001", "DUPLICATE_ENTRY", 4), "项目资金")


def test_003_prose_basic_spending_parts(seed_results):
    (f,) = findings(seed_results, "003", "SUM_MISMATCH")
    assert f["observed"] == pytest.approx(555.6) and f["expected"] == pytest.approx(237.37 + 320.13 + 158.02)
    (p,) = findings(seed_results, "003", "PERCENT_MISMATCH")
    assert p["observed"] == pytest.approx(28.84) and p["expected"] == pytest.approx(320.13 / 555.6 * 100, abs=1e-3)


def test_003_improvement_items_5_and_6_identical(seed_results):
    assert [f for f in findings(seed_results, "003", "DUPLICATE_ENTRY") if f["form_id"] is None]


def test_clean_forms_raise_no_errors(seed_results):
    assert not [f for f in seed_results["004"].tables["findings"] if f["severity"] == "error"]
    doc = seed_results["002"].document["doc_id"]
    faulty = {f"{doc}-{n}" for n in (1, 2, 5, 14)}  # verified above
    errors = [f for f in seed_results["002"].tables["findings"] if f["severity"] == "error"]
    assert {f["form_id"] for f in errors} <= faulty
    errors3 = [f for f in seed_results["003"].tables["findings"] if f["severity"] == "error"]
    assert all(f["form_id"] is None for f in errors3)  # only the prose of 003 is wrong


def test_findings_let_a_person_find_the_spot(seed_results):
    for res in seed_results.values():
        for f in res.tables["findings"]:
            assert f["location"] and f["message"] and f["severity"] in ("error", "warning", "info")


def test_facts_rows_written(seed_results):
    facts = seed_results["003"].tables["facts"]
    assert any(f["label"] == "基本支出" and f["value"] == pytest.approx(555.6) for f in facts)


def test_000_prose_actual_income_vs_table(seed_results):
    (f,) = findings(seed_results, "000", "NARRATIVE_MISMATCH")
    assert f["observed"] == pytest.approx(3637.82) and f["expected"] == pytest.approx(3564.5)


def test_000_projects_table_total_does_not_add_up(seed_results):
    sums = [f for f in findings(seed_results, "000", "SUM_MISMATCH") if f["row_label"] == "金额合计"]
    assert any(f["observed"] == pytest.approx(1770.35) and f["expected"] == pytest.approx(1818.34541) for f in sums)
    assert any(f["observed"] == pytest.approx(1862.35) for f in sums)


def test_000_new_year_gift_funds_part_above_executed(seed_results):
    # 离退休干部春节慰问金: 执行数 11.6, 其中：财政拨款 11.7
    parts = [f for f in findings(seed_results, "000", "PART_EXCEEDS_WHOLE") if "春节慰问金" in f["location"]]
    assert [(f["expected"], f["observed"], f["severity"]) for f in parts] == [(11.6, 11.7, "error")]


def test_000_retiree_medical_costs_over_budget(seed_results):
    over = [f for f in findings(seed_results, "000", "EXECUTION_OVER_BUDGET") if "离休干部医疗费" in f["location"]]
    assert over and over[0]["expected"] == 216 and over[0]["observed"] == pytest.approx(348.58)


def test_001_form1_goal_item_written_twice(seed_results):
    (f,) = findings(seed_results, "001", "DUPLICATE_ENTRY", 1)
    assert "年度预期目标" in f["location"] and f["severity"] == "warning"


def test_001_form20_indicator_name_1620_vs_target_810(seed_results):
    (f,) = findings(seed_results, "001", "TEXT_MISMATCH", 20)
    assert (f["observed"], f["expected"]) == (1620, 810)


def test_001_provincial_and_central_shares_of_one_subsidy_may_share_a_goal(seed_results):
    assert not findings(seed_results, "001", "DUPLICATE_ENTRY", 8)


def test_003_rounding_edges_stay_silent(seed_results):
    """717.05 vs 555.60+161.46 = 717.06 and prose 717.06 vs table 717.05: one cent apart, two
    addends of two decimals each may be 0.005 off (SCHEMA.md), so neither is a finding;
    专项 161.46 vs 50.77+110.68 = 161.45 likewise."""
    res = seed_results["003"]
    for f in res.tables["findings"]:
        for figure in (717.05, 717.06, 161.46, 161.45):
            assert f["observed"] != pytest.approx(figure) and f["expected"] != pytest.approx(figure), f


def test_002_form2_execution_progress_blank(seed_results):
    blank = [f for f in findings(seed_results, "002", "MISSING_VALUE", 2) if "执行率" in f["location"]]
    assert [(f["severity"], f["expected"]) for f in blank] == [("info", 100)]
    assert not [f for f in findings(seed_results, "002", "MISSING_VALUE", 1) if "执行率" in f["location"]]
