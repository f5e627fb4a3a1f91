"""Each rule on small hand-built tables: a firing case, a silent case, rounding edges, NA-safety."""

from __future__ import annotations

import pandas as pd
import pytest

from jixiao.validate.base import run_rules


def ind(**kw) -> dict:
    row = {"form_id": "d-1", "doc_id": "d", "row_no": 1, "level1": "output", "level1_raw": "产出指标",
           "level1_weight": None, "level2": "quantity", "level3": "培训人数", "target_raw": None,
           "actual_raw": None, "target_op": None, "target_value": None, "target_unit": None,
           "actual_value": None, "actual_unit": None, "weight": None, "score": None, "rule_text": None,
           "category": None, "page": None}
    row.update(kw)
    return row


def form(**kw) -> dict:
    row = {"form_id": "d-1", "doc_id": "d", "form_type": "project_self_eval", "subject": "测试项目",
           "budget_wan": None, "executed_wan": None, "execution_rate": None, "total_score": None,
           "grade": None, "grade_bands": None, "arrived_wan": None}
    row.update(kw)
    return row


def rules(only: str, forms=(), indicators=(), **tables) -> list[dict]:
    t = {"forms": list(forms), "indicators": list(indicators)}
    t.update({k: list(v) for k, v in tables.items()})
    return [f for f in run_rules(t, only=[only])]


def scored(*scores, weights=None, **kw):
    weights = weights or [None] * len(scores)
    return [ind(row_no=i + 1, level3=f"指标{i}", score=s, weight=w, **kw) for i, (s, w) in enumerate(zip(scores, weights, strict=True))]


def test_score_total_fires_and_not():
    assert rules("SCORE_TOTAL_MISMATCH", [form(total_score=100)], scored(20, 20, 3, 40, 10))[0]["expected"] == 93
    assert not rules("SCORE_TOTAL_MISMATCH", [form(total_score=93)], scored(20, 20, 3, 40, 10))


def test_score_total_rounding_edge():
    # 3.796 + 4 = 7.796, published 7.8: within 0.05 + 0.0005
    assert not rules("SCORE_TOTAL_MISMATCH", [form(total_score=7.8)], scored(3.796, 4))
    assert rules("SCORE_TOTAL_MISMATCH", [form(total_score=7.9)], scored(3.796, 4))


def test_score_total_survives_na_from_parquet():
    df = pd.DataFrame(scored(20, None, 30)).convert_dtypes()
    fdf = pd.DataFrame([form(total_score=60)]).convert_dtypes()
    out = run_rules({"forms": fdf, "indicators": df}, only=["SCORE_TOTAL_MISMATCH"])
    assert out and out[0]["observed"] == 60


def test_score_out_of_range():
    assert rules("SCORE_OUT_OF_RANGE", [form()], scored(6, 4, weights=[5, 5]))[0]["observed"] == 6
    assert rules("SCORE_OUT_OF_RANGE", [form()], scored(-1, 4, weights=[5, 5]))
    assert not rules("SCORE_OUT_OF_RANGE", [form()], scored(5, 4, weights=[5, 5]))


def test_weight_total():
    assert rules("WEIGHT_TOTAL_MISMATCH", [form()], scored(1, 1, weights=[50, 40]))[0]["observed"] == 90
    assert not rules("WEIGHT_TOTAL_MISMATCH", [form()], scored(1, 1, weights=[60, 40]))


def test_weight_merged_cell_is_not_a_mismatch():
    rows = [ind(row_no=1, level1="outcome", level1_weight=20, weight=15, score=5),
            ind(row_no=2, level1="outcome", level1_weight=20, weight=None, score=5),
            ind(row_no=3, level1="outcome", level1_weight=20, weight=5, score=5),
            ind(row_no=4, level1="output", level1_raw="产出", level1_weight=80, weight=80, score=80)]
    assert not rules("WEIGHT_TOTAL_MISMATCH", [form()], rows)
    assert not rules("MISSING_VALUE", [form(total_score=95)], rows)


def test_group_score_exceeds_weight():
    rows = [ind(row_no=i, level1_weight=10, score=6) for i in (1, 2)]
    assert rules("GROUP_SCORE_EXCEEDS_WEIGHT", [form()], rows)[0]["observed"] == 12
    rows = [ind(row_no=i, level1_weight=12, score=6) for i in (1, 2)]
    assert not rules("GROUP_SCORE_EXCEEDS_WEIGHT", [form()], rows)


def test_grade_default_and_document_bands():
    assert rules("GRADE_MISMATCH", [form(total_score=85, grade="优")])
    assert not rules("GRADE_MISMATCH", [form(total_score=90, grade="优")])
    bands = '[["优", 85], ["良", 75], ["中", 60], ["差", 0]]'
    assert not rules("GRADE_MISMATCH", [form(total_score=85, grade="优", grade_bands=bands)])
    assert rules("GRADE_MISMATCH", [form(total_score=80, grade="优", grade_bands=bands)])


def test_missing_total_and_weight():
    assert rules("MISSING_VALUE", [form()], scored(10, 20))
    assert not rules("MISSING_VALUE", [form(total_score=30)], scored(10, 20))
    out = rules("MISSING_VALUE", [form(total_score=30)], scored(10, 20, weights=[10, None]))
    assert [f["indicator"] for f in out] == ["指标1"]


def test_rate_mismatch_form_and_indicator():
    out = rules("RATE_MISMATCH", [form(budget_wan=82, executed_wan=78.67, execution_rate=89.02)])
    assert out and out[0]["expected"] == pytest.approx(95.939, abs=0.01)
    assert not rules("RATE_MISMATCH", [form(budget_wan=82, executed_wan=78.67, execution_rate=95.94)])
    # rounding edge: 100/300 = 33.333…, published 33.33 is fine, 33.4 is not
    assert not rules("RATE_MISMATCH", [form(budget_wan=300, executed_wan=100, execution_rate=33.33)])
    assert rules("RATE_MISMATCH", [form(budget_wan=300, executed_wan=100, execution_rate=33.4)])
    row = ind(level3="全年执行金额占预算金额百分比", category="budget_execution", actual_value=27.73, actual_unit="%")
    assert rules("RATE_MISMATCH", [form(budget_wan=260, executed_wan=260)], [row])
    row["actual_value"] = 100
    assert not rules("RATE_MISMATCH", [form(budget_wan=260, executed_wan=260)], [row])


def test_dept_budget_completion_rate_against_its_expenditure():
    dept = form(form_type="dept_self_eval", budget_wan=2379, executed_wan=2267.97)  # from its 支出 table
    row = ind(level1="input", level2="funds", category="funds", level3="预算完成率", actual_value=91.33, actual_unit="%")
    assert rules("RATE_MISMATCH", [dept], [row])[0]["expected"] == pytest.approx(95.33, abs=0.01)
    row["actual_value"] = 95.33
    assert not rules("RATE_MISMATCH", [dept], [row])
    # 支出进度率 is the share paid by a date, not the year's execution: not compared
    row.update(level3="支出进度率", actual_value=91.33)
    assert not rules("RATE_MISMATCH", [dept], [row])


def test_execution_over_budget():
    assert rules("EXECUTION_OVER_BUDGET", [form(budget_wan=10, executed_wan=12)])
    assert not rules("EXECUTION_OVER_BUDGET", [form(budget_wan=10, executed_wan=10.004)])


def test_target_missed_full_score():
    row = ind(target_op=">", target_value=0, actual_value=0, weight=5, score=5)
    assert rules("TARGET_MISSED_FULL_SCORE", [form()], [row])
    row.update(actual_value=1)
    assert not rules("TARGET_MISSED_FULL_SCORE", [form()], [row])
    part = ind(target_op=">=", target_value=100, target_unit="%", actual_value=97.96, actual_unit="%", weight=4, score=3.796)
    assert not rules("TARGET_MISSED_FULL_SCORE", [form()], [part])


def test_unit_mismatch():
    assert rules("UNIT_MISMATCH", [form()], [ind(target_unit="人", actual_unit="%")])
    assert not rules("UNIT_MISMATCH", [form()], [ind(target_unit="人", actual_unit="人次")])


def test_duplicate_indicator():
    rows = [ind(row_no=1, level3="项目资金", target_raw="≤50万元"), ind(row_no=2, level3="项目资金", target_raw="≤50万元")]
    assert len(rules("DUPLICATE_ENTRY", [form()], rows)) == 1
    rows[1]["target_raw"] = "≤60万元"
    assert not rules("DUPLICATE_ENTRY", [form()], rows)


def test_text_mismatch_is_conservative():
    assert rules("TEXT_MISMATCH", [form()], [ind(level3="县市区督查覆盖率", target_raw="本年招募志愿者人数≥10000人")])
    assert not rules("TEXT_MISMATCH", [form()], [ind(level3="培训覆盖率", target_raw="培训人数≥100人")])
    assert not rules("TEXT_MISMATCH", [form()], [ind(level3="督查发现问题整改率", target_raw="服务对象满意程度≥90")])


def amount(item, value, **kw):
    row = {"doc_id": "d", "form_id": None, "table_kind": "expenditure", "table_no": 1, "item": item,
           "measure": "final", "measure_raw": "决算数", "value": value, "unit": "万元", "is_total": False,
           "row_no": 1, "col_no": 2, "item_parent": None, "relation": None}
    row.update(kw)
    return row


def test_table_total_rows_without_links():
    rows = [amount("基本支出", 10.01, row_no=1), amount("项目支出", 5.02, row_no=2),
            amount("合计", 15.05, row_no=3, is_total=True)]
    assert rules("SUM_MISMATCH", amounts=rows)
    rows[2]["value"] = 15.03
    assert not rules("SUM_MISMATCH", amounts=rows)
    rows[2]["value"] = 15.04  # 0.01 off, slack 3 × 0.005 = 0.015
    assert not rules("SUM_MISMATCH", amounts=rows)


def test_table_parts_and_wholes_with_links():
    rows = [amount("资金总额", 100), amount("其中：财政资金", 120, item_parent="资金总额", relation="part")]
    assert rules("PART_EXCEEDS_WHOLE", amounts=rows)
    rows[1]["value"] = 90
    assert not rules("PART_EXCEEDS_WHOLE", amounts=rows)
    assert not rules("SUM_MISMATCH", amounts=rows)  # a 其中 part need not be the whole


def fact(seq, label, value, unit="万元", parts_of=None, relation=None, **kw):
    row = {"doc_id": "d", "seq": seq, "label": label, "value": value, "unit": unit, "sentence": "句子",
           "parts_of": parts_of, "relation": relation, "base_label": None}
    row.update(kw)
    return row


def test_prose_sum_part_percent():
    facts = [fact(1, "基本支出", 555.6), fact(2, "工资", 237.37, parts_of=1, relation="part"),
             fact(3, "商品", 320.13, parts_of=1, relation="part"),
             fact(4, "占基本支出的", 28.84, "%", parts_of=3, relation="share", base_label="基本支出")]
    assert rules("SUM_MISMATCH", facts=facts)[0]["observed"] == 555.6
    assert rules("PERCENT_MISMATCH", facts=facts)[0]["observed"] == 28.84
    facts[3]["value"] = 57.62
    assert not rules("PERCENT_MISMATCH", facts=facts)
    facts[2]["value"] = 318.23
    assert not rules("SUM_MISMATCH", facts=facts)
    main = [fact(1, "项目支出", 2583.17), fact(2, "a", 600, parts_of=1, relation="main"),
            fact(3, "b", 2000, parts_of=1, relation="main")]
    assert rules("PART_EXCEEDS_WHOLE", facts=main)
    main[2]["value"] = 1900
    assert not rules("PART_EXCEEDS_WHOLE", facts=main)


def test_prose_execution_rate():
    facts = [fact(1, "全年支出预算数（调整后）", 2910.61), fact(2, "实际支出", 2887.25),
             fact(3, "预算执行率", 89.2, "%")]
    assert rules("RATE_MISMATCH", facts=facts)[0]["expected"] == pytest.approx(99.197, abs=0.01)
    facts[2]["value"] = 99.2
    assert not rules("RATE_MISMATCH", facts=facts)
    facts[1]["sentence"] = "另一句"  # the figures of another sentence are not this rate's
    facts[2]["value"] = 89.2
    assert not rules("RATE_MISMATCH", facts=facts)


def test_prose_grade():
    text = "按照评价工作方案确定的指标体系及评分标准，我部门整体支出综合绩效评价最终得分75分，绩效评价等级为良。"
    narr = [{"doc_id": "d", "seq": 1, "section": "三、评价结论", "text": text, "page": 1}]
    out = rules("GRADE_MISMATCH", narrative=narr)
    assert [(f["observed"], f["table"]) for f in out] == [(75, "narrative")]
    assert not rules("GRADE_MISMATCH", narrative=[{**narr[0], "text": text.replace("良", "中")}])
    # the document's own bands win: 良 from 70
    bands = "整体绩效评价结果划分为四个等次，“优”等次：85分（含）—100分、“良”等次：70分（含）—85分、“中”等次：60分（含）—70分、“差”等次：60分以下。"
    assert not rules("GRADE_MISMATCH", narrative=[*narr, {**narr[0], "seq": 2, "text": bands}])
    # the score of a form: the form's own rule speaks, once
    assert not rules("GRADE_MISMATCH", [form(doc_id="d", total_score=75, grade=None)], narrative=narr)


def test_narrative_vs_table():
    facts = [fact(1, "实际收入", 3637.82)]
    tab = [amount("本年收入合计", 3564.5, table_kind="income", is_total=True)]
    assert rules("NARRATIVE_MISMATCH", facts=facts, amounts=tab)[0]["expected"] == 3564.5
    tab[0]["value"] = 3637.82
    assert not rules("NARRATIVE_MISMATCH", facts=facts, amounts=tab)


def test_repeated_list_item():
    text = "充分利用党政干部假日读书班、组工讲堂等学习载体，每季度至少开展1次学习。"
    narr = [{"doc_id": "d", "seq": 1, "section": "改进", "text": "5、" + text},
            {"doc_id": "d", "seq": 2, "section": "改进", "text": "6、" + text}]
    assert rules("DUPLICATE_ENTRY", narrative=narr)
    narr[1]["text"] = "6、另一条不同的整改措施，内容完全不同。"
    assert not rules("DUPLICATE_ENTRY", narrative=narr)


def test_tolerance_widens():
    f = [form(budget_wan=300, executed_wan=100, execution_rate=33.4)]
    assert rules("RATE_MISMATCH", f)
    assert not run_rules({"forms": f}, tolerance=20, only=["RATE_MISMATCH"])


def test_blank_execution_rate_is_info_with_the_implied_rate():
    # seed 002 form 2 (lines 30-31): 预算数 66.61, 执行数 66.61, 预算执行进度 blank
    (f,) = [x for x in rules("MISSING_VALUE", [form(budget_wan=66.61, executed_wan=66.61, total_score=100)])
            if "执行率" in x["location"]]
    assert (f["severity"], f["expected"], f["observed"]) == ("info", 100, None)
    assert not rules("MISSING_VALUE", [form(budget_wan=66.61, executed_wan=66.61, execution_rate=100, total_score=100)])
    assert not rules("MISSING_VALUE", [form(executed_wan=5, budget_wan=None, total_score=100, form_type="target_table")])
