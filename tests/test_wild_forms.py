"""Forms of real files from outside the seeds (../shared/real/wild), read as a careful reader would.

Figures were re-read from the files by hand (notes/wild-truth.md); the tests assert the reading,
not the code's path to it.
"""

from __future__ import annotations

from collections import Counter

import pytest
from conftest import SHARED

from jixiao.pipeline import process_file

WILD = SHARED / "real" / "wild"
DECLARATION = WILD / "深圳宝安松岗_二级项目支出绩效目标申报表.xlsx"


@pytest.fixture(scope="module")
def declaration():
    return process_file(DECLARATION, WILD).tables


def test_declaration_sheets_are_target_tables(declaration):
    forms = declaration["forms"]
    assert len(forms) == 20
    assert {f["form_type"] for f in forms} == {"target_table"}
    assert {f["reporting_unit"] for f in forms} == {"深圳市宝安区松岗街道办事处（本级）"}
    assert forms[10]["subject"] == "政府购买服务（物业后勤类社区工作站经费）楼岗社区工作站"
    assert forms[13]["subject"].startswith("政府购买服务（档案管理理类")  # the name from the cell, not the cut sheet tab
    (doc,) = declaration["documents"]
    assert doc["unit_name"] == "深圳市宝安区松岗街道办事处（本级）"


def test_declaration_amounts_and_goals(declaration):
    forms = declaration["forms"]
    # 本年度项目金额（万元）as written (0 on sheets 1-5 and 10)
    assert [f["budget_wan"] for f in forms] == [0, 0, 0, 0, 0, 246800, 373200, 1278700, 894350, 0, 517100, 537180,
                                                1361862, 20000, 653290, 12000, 710000, 232900, 112978, 297500]
    assert forms[10]["budget_raw"] == "517,100.00"
    assert forms[4]["goal_text"] == "整理档案，保存全年工作资料，使资料有档可查。"
    assert all(f["goal_text"] for f in forms)


def test_declaration_has_no_score_findings(declaration):
    rules = Counter(f["rule"] for f in declaration["findings"] if f["severity"] in ("error", "warning"))
    assert rules["MISSING_VALUE"] == 0  # a target table has no 总分
    assert not {"SCORE_TOTAL_MISMATCH", "WEIGHT_TOTAL_MISMATCH", "SCORE_OUT_OF_RANGE"} & set(rules)


def test_declaration_amounts_in_yuan_under_wan_label(declaration):
    """本年度项目金额（万元） holds 元 where a 万元 figure of the same sheet × 10^4 equals it exactly
    (a 成本 target such as 不超过51.71万一年, or the 测算依据 figures and their sum)."""
    found = {int(f["form_id"].rsplit("-", 1)[1]): f for f in declaration["findings"] if f["rule"] == "MAGNITUDE_MISMATCH"}
    assert sorted(found) == [9, 11, 12, 13, 14, 15, 16, 17, 20]
    assert {f["severity"] for f in found.values()} == {"error"}
    assert (found[11]["observed"], found[11]["expected"]) == (517100, 51.71)
    assert found[9]["expected"] == pytest.approx(89.435)  # 83.32 + 1.1 + 5.015 in 测算依据
    assert found[11]["source_ref"].endswith("!E6") and found[11]["related_refs"].endswith("!D15")  # amount; 成本 target
    assert found[9]["related_refs"].endswith("!B8")  # 测算依据
    # sheets 6-8, 18, 19 are in 元 too, but no figure of the sheet proves it exactly: no accusation
    assert not {6, 7, 8, 18, 19} & set(found)


LONG = WILD / "深圳宝安松岗_项目信息_长表导出.xlsx"


@pytest.fixture(scope="module")
def long_export():
    return process_file(LONG, WILD).tables


def test_long_export_one_form_per_project(long_export):
    forms = long_export["forms"]
    assert len(forms) == 291
    assert {f["form_type"] for f in forms} == {"target_table"}
    codes = [f["project_code"] for f in forms]
    assert len(set(codes)) == 291 and all(len(c) == 21 for c in codes)
    units = Counter(f["reporting_unit"] for f in forms)
    assert units["深圳市宝安区松岗街道办事处（本级）"] == 239 and units["深圳市宝安区松岗街道党建服务中心"] == 30
    first = next(f for f in forms if f["project_code"] == "440306231391500000173")
    assert first["subject"] == "政府购买服务（专业技术服务类社区工作站管理经费）花果山社区工作站"
    assert first["budget_wan"] == 3000  # 本年金额 as written (the header states no unit)
    per_form = Counter(r["form_id"] for r in long_export["indicators"])
    assert sum(per_form.values()) == 2684  # 3024 rows less the empty ones of blank indicator blocks
    assert max(per_form.values()) == 16


def test_long_export_no_cross_project_duplicates(long_export):
    dups = [f for f in long_export["findings"] if f["rule"] == "DUPLICATE_ENTRY" and f["severity"] != "info"
            and "两次" in f["message"]]
    # only indicators repeated inside one project (the same 三级指标 and target under 质量 and 社会效益)
    assert len(dups) == 3
    assert not [f for f in long_export["findings"] if f["rule"] == "MISSING_VALUE"]


HENAN = WILD / "河南_职业技能竞赛经费项目绩效评价报告.md"


@pytest.fixture(scope="module")
def henan():
    return process_file(HENAN, WILD).tables


def test_henan_scoring_table_is_one_form(henan):
    """附件1 评分表 (13 fragments of inline HTML) repaired by the coded restatements 附表3-3…3-6: the 28
    三级指标 the report counts, weights 100, scores 65.00, grade 中 from "项目总体评价得65.00分，评价等级为“中”"."""
    evals = [f for f in henan["forms"] if f["form_type"] in ("project_self_eval", "dept_self_eval")]
    assert len(evals) == 1
    (form,) = evals
    assert (form["form_type"], form["total_score"], form["grade"]) == ("project_self_eval", 65, "中")
    assert form["subject"] == "省级职业技能竞赛经费"
    rows = [r for r in henan["indicators"] if r["form_id"] == form["form_id"]]
    assert len(rows) == 28
    assert sum(r["weight"] for r in rows) == pytest.approx(100)
    assert sum(r["score"] for r in rows) == pytest.approx(65)
    by_code = {r["level3"][:4]: r for r in rows}
    assert (by_code["A102"]["weight"], by_code["A102"]["score"]) == (3, 0)  # the score the fragment lost
    assert (by_code["B101"]["weight"], by_code["B101"]["score"]) == (5, 3.33)  # the score on the next fragment
    assert by_code["D201"]["score"] == 3.75
    (doc,) = henan["documents"]
    assert doc["unit_name"] == "河南省人力资源和社会保障厅"  # 项目单位, not 委托单位 or 评价机构


def test_henan_scores_raise_no_accusation(henan):
    score_rules = {"SCORE_TOTAL_MISMATCH", "WEIGHT_TOTAL_MISMATCH", "SCORE_OUT_OF_RANGE", "GROUP_SCORE_EXCEEDS_WEIGHT",
                   "GRADE_MISMATCH", "MISSING_VALUE", "SCORE_RULE_MISMATCH"}
    assert not [f for f in henan["findings"] if f["rule"] in score_rules and f["severity"] != "info"]


def test_declaration_code_typed_as_a_number_is_not_invented(declaration):
    """Sheet 1's 项目编码 is a float (4.403062313915e+20): its lost digits are not made up."""
    codes = [f["project_code"] for f in declaration["forms"]]
    assert codes[0] == "4.403062313915e+20"
    assert codes[1] == "440306231391500000193"
    (doc,) = declaration["documents"]
    assert "4.403062313915e+20" in doc["warnings"]  # flagged, not printed as a code
