"""The backbone on the five real seeds, pinned from a person's reading of the seed text.

Every expected value below was read off ../shared/seeds/*.txt (line numbers in the
comments), not copied from the program's output.
"""

from __future__ import annotations

import pytest

NOT_GIVEN = object()


def forms_of(result):
    return result.tables["forms"]


def indicators_of(result, form_no: int):
    form_id = forms_of(result)[form_no - 1]["form_id"]
    return [r for r in result.tables["indicators"] if r["form_id"] == form_id]


# ---- forms per file and indicators per form ------------------------------------------

# 001: 21 绩效目标表 plus its 政府采购预算 and 固定资产占用情况 tables as budget_summary forms
FORMS_PER_FILE = {"000": 1, "001": 23, "002": 14, "003": 1, "004": 0}

INDICATORS_PER_FORM = {
    # 000 lines 415-833: 13 部门管理 rows, 4 部门产出 rows, 8 部门效果 rows (incl. two 不适用)
    "000": [25],
    # 001: one count per 绩效目标表, in order (form 4 lists 项目资金 twice, form 20 has a row without 三级指标)
    "001": [5, 5, 6, 6, 5, 5, 5, 5, 5, 5, 7, 5, 6, 7, 5, 5, 6, 5, 5, 5, 6, 0, 0],
    # 002: the fourteen 项目绩效自评表
    "002": [5, 6, 5, 4, 3, 3, 5, 6, 4, 4, 3, 4, 5, 5],
    # 003 lines 426-703 (评分表 and its 续 page): 3 投入 + 12 过程 + 6 产出 + 4 效果
    "003": [25],
}


@pytest.mark.parametrize("seed,n", sorted(FORMS_PER_FILE.items()))
def test_forms_per_file(seed_results, seed, n):
    result = seed_results[seed]
    assert result.document["status"] == "ok"
    assert len(forms_of(result)) == n
    assert result.document["n_forms"] == n


@pytest.mark.parametrize("seed", sorted(INDICATORS_PER_FORM))
def test_indicators_per_form(seed_results, seed):
    result = seed_results[seed]
    counts = [len(indicators_of(result, i + 1)) for i in range(len(forms_of(result)))]
    assert counts == INDICATORS_PER_FORM[seed]


def test_form_types_and_subjects(seed_results):
    assert [f["form_type"] for f in forms_of(seed_results["002"])] == ["project_self_eval"] * 14
    assert [f["form_type"] for f in forms_of(seed_results["001"])] == ["target_table"] * 21 + ["budget_summary"] * 2
    assert forms_of(seed_results["001"])[22]["title"] == "大厂回族自治县县直部门固定资产占用情况表"  # line 1350
    assert forms_of(seed_results["000"])[0]["form_type"] == "dept_self_eval"
    assert forms_of(seed_results["003"])[0]["form_type"] == "dept_self_eval"
    # 002 line 13, 43, 405: 项目名称
    subjects = [f["subject"] for f in forms_of(seed_results["002"])]
    assert subjects[0] == "干部信息系统建设经费"
    assert subjects[1] == "党组织活动经费"
    assert subjects[13] == "全市党员信息化教育工作经费"
    # 002 line 39: 填报单位 differs from 实施(主管)单位 on line 43
    f2 = forms_of(seed_results["002"])[1]
    assert (f2["reporting_unit"], f2["implementing_unit"]) == ("共青团石家庄市委", "中共石家庄市委组织部")
    # 001 line 75 / 1235: subjects are the titles without number and 绩效目标表
    t = forms_of(seed_results["001"])
    assert t[0]["subject"] == "2020年度县管领导班子和县委管理干部考核工作"
    assert t[20]["subject"] == "新时代农村党支部“星级化”管理奖励津贴专项资金"
    assert forms_of(seed_results["000"])[0]["subject"] == "中共香河县委组织部"  # line 5


def test_department_form_totals(seed_results):
    f000 = forms_of(seed_results["000"])[0]
    assert f000["total_score"] == 99.4  # line 840
    assert f000["grade"] == "优"  # line 843 综合等级为优
    f003 = forms_of(seed_results["003"])[0]
    assert f003["total_score"] == 98  # line 308 / 702
    assert f003["grade"] == "优"  # line 311


# ---- budget blocks of all fourteen 002 forms (lines 14-17 of each form) --------------

BUDGET_002 = [
    # budget, arrived, executed, 其中财政资金(budget), stated 预算执行进度
    (260, 260, 260, 260, 100.0),
    (66.61, 66.61, 66.61, 66.61, None),  # line 45: 预算执行进度 blank
    (100, 100, 100, 100, 100.0),
    (20, 20, 20, 20, None),  # line 105: no 执行进度 column
    (82.0, 82.0, 78.67, 82.0, 89.02),  # line 137
    (105, 105, 105, 105, 100.0),
    (92, 92, 92, 92, None),
    (1532.63, 1532.63, 1532.63, 1532.63, 100.0),
    (40, 40, 39.01, 40, None),  # line 256
    (40, 40, 40, 40, None),
    (190, 190, 190, 190, None),
    (81.6, 81.6, 81.6, 81.6, 100.0),
    (470, 470, 470, 470, 100.0),
    (240, 240, 240, 240, None),
]


@pytest.mark.parametrize("i", range(14))
def test_budget_blocks_002(seed_results, i):
    f = forms_of(seed_results["002"])[i]
    budget, arrived, executed, fiscal, rate = BUDGET_002[i]
    assert (f["budget_wan"], f["arrived_wan"], f["executed_wan"], f["fiscal_wan"]) == (budget, arrived, executed, fiscal)
    assert f["execution_rate"] == rate
    assert f["fiscal_year"] == 2019  # "(2019 年度)"


def test_stated_total_scores_002(seed_results):
    # lines 26, 57, 87, 116, 146, 174, 206 (blank), 237, 266, 297, 325, 354, 386, 418
    assert [f["total_score"] for f in forms_of(seed_results["002"])] == [
        100, 100, 100, 100, 100, 100, None, 100, 100, 100, 100, 100, 100, 88]


# ---- metadata of all five files --------------------------------------------------------

METADATA = {
    "000": ("中共香河县委组织部", "河北省", "廊坊市", "香河县", "131024", 2019),
    "001": ("中共大厂回族自治县委组织部", "河北省", "廊坊市", "大厂回族自治县", "131028", 2020),
    "002": ("中共石家庄市委组织部", "河北省", "石家庄市", None, "130100", 2019),
    # 003 names itself only 区委组织部; the place comes from 君山区财政局 (line 367); the year
    # evaluated is 2020 (line 379), the 2021 is the notice's year
    "003": ("区委组织部", "湖南省", "岳阳市", "君山区", "430611", 2020),
    # 004 title says 桥西区组织部, the body and signature say 桥西区委组织部 (lines 151-158)
    "004": ("中共石家庄市桥西区委组织部", "河北省", "石家庄市", "桥西区", "130104", 2022),
}


@pytest.mark.parametrize("seed", sorted(METADATA))
def test_metadata(seed_results, seed):
    d = seed_results[seed].document
    got = (d["unit_name"], d["province"], d["city"], d["county"], d["admin_code"], d["fiscal_year"])
    assert got == METADATA[seed]
    assert d["source_format"] == "txt"
    assert d["n_pages"] is None


# ---- every field of 32 indicator rows ---------------------------------------------------

FIELDS = ("level1_raw", "level2_raw", "level1", "level1_weight", "level2", "level3", "category",
          "target_raw", "actual_raw", "target_op", "target_value", "target_unit", "actual_value",
          "actual_unit", "weight", "score", "note")


def row(l1r, l2r, l1, w1, l2, l3, cat, traw, araw, op, tv, tu, av, au, weight, score, note=None):
    return dict(zip(FIELDS, (l1r, l2r, l1, w1, l2, l3, cat, traw, araw, op, tv, tu, av, au, weight, score, note), strict=True))


ROWS = [
    # seed 002 form 1, lines 21-25
    ("002", 1, 1, row("产出指标(40)", "数量指标", "output", 40, "quantity", "实物量标准一致程度", "quantity",
                      "本单位配置数量与市级办公设备实物量标准一致率 ≥90%", "100%", ">=", 90, "%", 100, "%", None, 20)),
    ("002", 1, 2, row("产出指标(40)", "质量指标", "output", 40, "quality", "采购标准、采购产品流程符合政府采购法", "quality",
                      "采购标准采购流程与采购法一致率 ≥90%", "100%", ">=", 90, "%", 100, "%", None, 20)),
    ("002", 1, 3, row("预算执行率指标(10分)", "预算执行率", "budget_execution", 10, "budget_execution",
                      "全年执行金额占预算金额百分比", "budget_execution", "执行率 ≥80%", "27.73%", ">=", 80, "%", 27.73, "%", None, 3)),
    ("002", 1, 4, row("效益指标(40)", "经济效益指标", "outcome", 40, "economic_benefit", "同规格型号产品选择价格最低者",
                      "economic_benefit", "选择最低价产品占总产品比值 ≥80%", "100%", ">=", 80, "%", 100, "%", None, 40)),
    ("002", 1, 5, row("满意度指标(10分)", "满意度指标", "satisfaction", 10, "satisfaction", "服务对象对采购产品满意程度",
                      "satisfaction", "使用满意人数占总人数的比值 ≥90%", "100%", ">=", 90, "%", 100, "%", None, 10)),
    # seed 002 form 2, lines 51-56 (0.992 against a percent target is 99.2 %)
    ("002", 2, 1, row("产出指标(40)", "数量指标", "output", 40, "quantity", "组织系列党员活动数量", "quantity",
                      "本年开展活动数量≥3次", "3", ">=", 3, "次", 3, None, None, 10)),
    ("002", 2, 2, row("产出指标(40)", "数量指标", "output", 40, "quantity", "党员集中学习次数", "quantity",
                      "本年开展学习数量≥3次", "50", ">=", 3, "次", 50, None, None, 10)),
    ("002", 2, 3, row("产出指标(40)", "质量指标", "output", 40, "quality", "学习考试成绩", "quality",
                      "本年考试成绩平均分≥80", "90", ">=", 80, None, 90, None, None, 20)),
    ("002", 2, 4, row("预算执行率指标(10分)", "预算执行率", "budget_execution", 10, "budget_execution",
                      "全年执行金额占预算金额百分比", "budget_execution", "执行率≥80%", "0.992", ">=", 80, "%", 99.2, "%", None, 10)),
    ("002", 2, 5, row("效益指标(40)", "社会效益指标", "outcome", 40, "social_benefit", "党员人均参加志愿服务次数",
                      "social_benefit", "年人均参加次数≥2次", "2.5", ">=", 2, "次", 2.5, None, None, 40)),
    ("002", 2, 6, row("满意度指标(10分)", "满意度指标", "satisfaction", 10, "satisfaction", "群众满意度", "satisfaction",
                      "参与党员满意程度与参加党员总数比值≥90%", "100%", ">=", 90, "%", 100, "%", None, 10)),
    # seed 002 form 14, lines 413-417: free-text level 2 is unmapped (empty code, raw text kept)
    ("002", 14, 1, row("产出指标 (50分)", "微信平台阅读量", "output", 50, "other", "微信平台阅读量", None,
                       "48万人次以上", "48万人次以上", ">=", 48, "万人次", 48, "万人次", None, 20)),
    ("002", 14, 2, row("产出指标 (50分)", "党员教育片制作数量", "output", 50, "other", "党员教育片制作数量", None,
                       "15部以上", "5部以上", ">=", 15, "部", 5, "部", None, 3)),
    ("002", 14, 3, row("产出指标 (50分)", "党建电视栏目节目播出数量", "output", 50, "other", "党建电视栏目节目播出数量", None,
                       "15部以上", "10部以上", ">=", 15, "部", 10, "部", None, 5)),
    ("002", 14, 4, row("效果指标 (50分)", "微信平台推送信息数量", "outcome", 50, "other", "微信平台推送信息数量", None,
                       "780条以上", "800", ">=", 780, "条", 800, None, None, 25)),
    ("002", 14, 5, row("效果指标 (50分)", "现代远程教育课时量", "outcome", 50, "other", "现代远程教育课时量", None,
                       "10000分钟", "10000分钟", "=", 10000, "分钟", 10000, "分钟", None, 25)),
    # seed 000, lines 430-497, 641-649, 821-833
    ("000", 1, 1, row("部门管理（40分）", "资金投入", "management", 40, "funds", "预算完成率", "funds",
                      "≥95%", "98.81%", ">=", 95, "%", 98.81, "%", 4, 4)),
    ("000", 1, 2, row("部门管理（40分）", "资金投入", "management", 40, "funds", "预算调整率", "funds",
                      "0", "87.33%", "=", 0, None, 87.33, "%", 4, 4)),
    ("000", 1, 3, row("部门管理（40分）", "资金投入", "management", 40, "funds", "支出进度率", "funds",
                      "≥100%", "97.96%", ">=", 100, "%", 97.96, "%", 4, 3.796)),
    ("000", 1, 8, row("部门管理（40分）", "资产管理", "management", 40, "assets", "资产管理规范性", "assets",
                      "规范", "规范", None, None, None, None, None, 4, 3.6)),
    ("000", 1, 17, row("部门产出（40分）", "成 本", "output", 40, "cost", "一般性支出压减率", "cost",
                       "＞0", "0", ">", 0, None, 0, None, 5, 5)),
    ("000", 1, 25, row("部门效果（20分）", "满意度", "outcome", 20, "satisfaction", "受益群体满意度", "satisfaction",
                       "≥90%", "90%", ">=", 90, "%", 90, "%", 10, 10)),
    # seed 001 form 1, lines 88-127 (target tables: no actuals, no scores)
    ("001", 1, 1, row("产出指标", "数量指标", "output", None, "quantity", "奖牌数量", "quantity",
                      "≥30块", None, ">=", 30, "块", None, None, None, None)),
    ("001", 1, 2, row("产出指标", "数量指标", "output", None, "quantity", "证书数量", "quantity",
                      "≥400个", None, ">=", 400, "个", None, None, None, None)),
    ("001", 1, 3, row("产出指标", "成本指标", "output", None, "cost", "发放奖励金", "cost",
                      "42万元", None, "=", 42, "万元", None, None, None, None)),
    ("001", 1, 4, row("效果指标", "社会效益指标", "outcome", None, "social_benefit", "激励全县干部工作积极性", "social_benefit",
                      None, None, None, None, None, None, None, None, None)),
    ("001", 1, 5, row("满意度指标", "服务对象满意度指标", "satisfaction", None, "satisfaction", "获奖人员满意度", "satisfaction",
                      "≥95%", None, ">=", 95, "%", None, None, None, None)),
    # seed 001 form 13, line 826: `≤12月 `
    ("001", 13, 3, row("产出指标", "时效指标", "output", None, "timeliness", "完成体检时间", "timeliness",
                       "≤12月", None, "<=", 12, "月", None, None, None, None)),
    # seed 003, lines 435-444, 609-617, 659-668, 688-695
    ("003", 1, 1, row("投 入（15分）", "预算配置（15分）", "input", 15, "funds", "财政供养人员控制率", "funds",
                      None, None, None, None, None, None, None, 5, 5)),
    ("003", 1, 16, row("产 出（25分）", "职责履行（25分）", "output", 25, "duty", "推进全面小康建设指标任务完成情况", "duty",
                       None, None, None, None, None, None, None, 5, 4, "没有具体推进小康建设任务")),
    ("003", 1, 22, row("效 果（20分）", "履职效益（20分）", "outcome", 20, "other", "经济效益", "economic_benefit",
                       None, None, None, None, None, None, None, 15, 5)),
    ("003", 1, 25, row("效 果（20分）", "履职效益（20分）", "outcome", 20, "other", "社会公众或服务对象满意度", "satisfaction",
                       None, None, None, None, None, None, None, 5, 5)),
]


@pytest.mark.parametrize("seed,form_no,row_no,expected", ROWS, ids=[f"{s}-{f}-{r}" for s, f, r, _ in ROWS])
def test_indicator_row(seed_results, seed, form_no, row_no, expected):
    got = indicators_of(seed_results[seed], form_no)[row_no - 1]
    assert got["row_no"] == row_no
    assert {k: got[k] for k in FIELDS} == expected


def test_enough_rows_pinned():
    assert len(ROWS) >= 30
    assert {s for s, *_ in ROWS} == {"000", "001", "002", "003"}


def test_rule_text_kept(seed_results):
    # 000 line 440-443: the written rule travels with its row, line breaks kept
    r = indicators_of(seed_results["000"], 1)[0]
    assert r["rule_text"].startswith("1.预算完成率大于或等于95%的，得满分；\n2.")
    assert "得分=（实际值-85%）/10%*权重。" in r["rule_text"]


def test_narrative_sections(seed_results):
    nar = seed_results["004"].tables["narrative"]
    # 004 lines 41-43: the assets paragraph sits under 一、部门基本情况 > （一）部门概况 > 3. 资产情况
    p = next(n for n in nar if n["text"].startswith("年末总资产"))
    assert p["section"] == "一、部门基本情况 > （一）部门概况 > 3. 资产情况"
    assert [n["seq"] for n in nar] == list(range(1, len(nar) + 1))


def test_project_goal_texts_002(seed_results):
    forms = forms_of(seed_results["002"])
    # line 19: 年度预期目标 and 具体完成情况 sit in the row below their headers
    assert forms[0]["goal_text"] == "本项资金用于用于干部信息管理系统运营维护"
    assert forms[0]["actual_text"] == "本项资金用于用于干部信息管理系统运营维护"
    # lines 320 and 348: form 12 (业务培训费) carries form 11's goal word for word
    assert forms[11]["goal_text"] == forms[10]["goal_text"]
    found = [f for f in seed_results["002"].tables["findings"] if f["rule"] == "TEXT_MISMATCH" and "业务培训费" in f["location"]]
    assert len(found) == 1 and "年度预期目标" in found[0]["location"]
