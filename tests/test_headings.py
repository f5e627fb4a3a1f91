"""Heading codes on headings as written in the seeds (seed:line in comments)."""

from __future__ import annotations

import pytest

from jixiao.normalize.headings import LEVEL2_CODES, category_for, map_level1, map_level2


@pytest.mark.parametrize(
    ("raw", "code", "weight"),
    [
        ("产出指标(40)", "output", 40),              # 002:21
        ("产出指标 (40)", "output", 40),             # 002:82
        ("产出指标 (50分)", "output", 50),           # 002:350
        ("产出指标", "output", None),                # 002:262, 001:88
        ("预算执行率指标(10分)", "budget_execution", 10),  # 002:23
        ("效益指标(40)", "outcome", 40),             # 002:24
        ("效益指标 (40)", "outcome", 40),            # 002:85
        ("效果指标", "outcome", None),               # 002:264, 001:116
        ("满意度指标(10分)", "satisfaction", 10),    # 002:25
        ("部门管理（40分）", "management", 40),      # 000:430
        ("部门产出（40分）", "output", 40),          # 000:607
        ("部门效果（20分）", "outcome", 20),         # 000:651
        ("投  入\n（15分）", "input", 15),           # 003:435
        ("过  程\n（40分）", "process", 40),         # 003:465
        ("产  出（25分）", "output", 25),            # 003:609
        ("效  果\n（20分）", "outcome", 20),         # 003:659
        ("产 出", "output", None),
        ("项目完成指标", "output", None),            # DOMAIN variants
        ("履职效益", "outcome", None),
        ("成本指标", "cost", None),
        ("一、产出指标", "output", None),
        ("产出指标（权重40%）", "output", 40),
        ("产出指标（满分50分）", "output", 50),
        ("产出40分", "output", 40),
        ("部门决策", "other", None),                 # DOMAIN: other frameworks stay other
        ("总分", "other", None),
        ("", "other", None),
        (None, "other", None),
    ],
)
def test_map_level1(raw, code, weight):
    m = map_level1(raw)
    assert (m.code, m.weight) == (code, weight)


@pytest.mark.parametrize(
    ("raw", "code", "weight"),
    [
        ("数量指标", "quantity", None),              # 002:21
        ("质量指标", "quality", None),               # 002:22
        ("预算执行率", "budget_execution", None),    # 002:23
        ("经济效益指标", "economic_benefit", None),  # 002:24
        ("社会效益指标", "social_benefit", None),    # 002:55
        ("满意度指标", "satisfaction", None),        # 002:25
        ("服务对象满意度指标", "satisfaction", None),  # 001:124
        ("成本指标", "cost", None),                  # 001:103
        ("资金\n投入", "funds", None),               # 000:431
        ("财务\n管理", "finance", None),             # 000:500
        ("采购\n管理", "procurement", None),         # 000:513
        ("资产\n管理", "assets", None),              # 000:529
        ("信息\n管理", "information", None),        # 000:558
        ("绩效\n管理", "performance_management", None),  # 000:585
        ("人员管理", "personnel", None),
        ("数  量", "quantity", None),                # 000:608
        ("质  量", "quality", None),                 # 000:619
        ("时　效", "timeliness", None),              # 000:630
        ("成　本", "cost", None),                    # 000:641
        ("经济\n效益", "economic_benefit", None),    # 000:652
        ("社会\n效益", "social_benefit", None),      # 000:753
        ("生态\n效益", "ecological_benefit", None),  # 000:810
        ("满意度", "satisfaction", None),            # 000:822
        ("预算配置\n（15分）", "funds", 15),         # 003:437
        ("预算执行\n（15分）", "budget_execution", 15),  # 003:467
        ("预算管理\n（15分）", "finance", 15),       # 003:503
        ("资产管理\n（10分）", "assets", 10),        # 003:560
        ("职责履行\n（25分）", "duty", 25),          # 003:610
        ("社会公众或服务对象满意度", "satisfaction", None),  # 003:303
        ("产出进度指标", "timeliness", None),        # DOMAIN variants
        ("环境效益", "ecological_benefit", None),
        ("可持续影响指标", "sustainability", None),
        ("满意 度", "satisfaction", None),
        ("经济成本指标", "cost", None),
        ("社会效益指", "social_benefit", None),      # typo: fuzzy match, below 100
        # seed 002 writes free text as level 2: never fuzzily matched to a code
        ("省管干部考核奖金发放率", "other", None),   # 002:201
        ("深化完善机制", "other", None),             # 002:112
        ("完善日常工作", "other", None),             # 002:113
        ("服务满意率", "other", None),               # 002:85
        ("政策落地率", "other", None),               # 002:86
        ("“三援”干部补助发放率", "other", None),     # 002:172
        ("县市区督查覆盖率", "other", None),         # 002:231
        ("履职效益\n（20分）", "other", 20),         # 003:661 (a level-1 word in level 2)
        ("目标设定", "other", None),
    ],
)
def test_map_level2(raw, code, weight):
    m = map_level2(raw)
    assert (m.code, m.weight) == (code, weight)
    assert m.code in LEVEL2_CODES


def test_scores_exact_fuzzy_and_unknown():
    assert map_level2("数量指标").score == 100
    fuzzy = map_level2("社会效益指")
    assert 80 <= fuzzy.score < 100
    assert map_level2("深化完善机制").score < 80
    assert map_level1("投  入\n（15分）").clean == "投入"


@pytest.mark.parametrize(
    ("level1", "level2", "level3", "expected"),
    [
        ("outcome", "other", "受益群体满意度", "satisfaction"),           # 000:823 pattern
        ("部门效果（20分）", "满意度", "受益群体满意度", "satisfaction"),  # 000:821-823
        ("效  果\n（20分）", "履职效益\n（20分）", "经济效益", "economic_benefit"),  # 003:659-663
        ("效  果\n（20分）", "履职效益\n（20分）", "社会公众或服务对象满意度", "satisfaction"),  # 003:688
        ("过  程\n（40分）", "预算执行\n（15分）", "预算调整率", "budget_execution"),  # 003:465-469
        ("process", "other", "预算执行率", "budget_execution"),
        ("预算执行率指标(30分)", "“三援”干部补助发放率", "“三援”干部补助发放率", "budget_execution"),  # 002:172
        ("效益指标 (40)", "服务满意率", "人才对我市人才绿卡服务满意率", "satisfaction"),  # 002:85
        ("满意度指标 (10分)", "政策落地率", "人才绿卡相关政策落实情况", "satisfaction"),  # 002:86
        ("效益指标(40)", "社会效益指标", "党员人均参加志愿服务次数", "social_benefit"),  # 002:55
        ("产出指标(60)", "深化完善机制", "针对工作需要,不断改进完善工作机制", "other"),  # 002:112
        ("部门管理（40分）", "资金\n投入", "预算完成率", "funds"),            # 000:430-433
        ("output", "quantity", None, "quantity"),
        ("成本指标", "other", "发放奖励金", "cost"),
        ("other", "other", None, "other"),
        (None, None, None, "other"),
    ],
)
def test_category_for(level1, level2, level3, expected):
    assert category_for(level1, level2, level3) == expected
    assert expected in LEVEL2_CODES
