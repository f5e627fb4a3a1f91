"""Written scoring rules parsed into executable form and evaluated."""

from __future__ import annotations

import pytest

from jixiao.validate.rule_text import parse_rule

LINEAR = ("1.预算完成率大于或等于95%的，得满分；\n2.预算完成率小于或等于85%的，得0分；\n"
          "3.预算完成率在85%—95%之间的，在0分和满分之间计算确定：\n得分=（实际值-85%）/10%*权重。")


def test_linear_between_thresholds():
    r = parse_rule(LINEAR)
    assert r.kind == "formula"
    assert r.expected(98.81, 4) == 4
    assert r.expected(80, 4) == 0
    assert r.expected(90, 4) == pytest.approx(2)


def test_linear_progress_rate():
    r = parse_rule("得分=（实际值-60%）/40%*权重。")
    assert r.expected(97.96, 4) == pytest.approx(3.796)


def test_absolute_value_formula():
    r = parse_rule("1.预算调整率等于0的，得满分；\n得分=（5%-|实际值|）/5%*权重；|实际值|为实际值的绝对值。")
    assert r.expected(87.33, 4) == 0
    assert r.expected(-2.5, 4) == pytest.approx(2)


def test_proportional():
    r = parse_rule("得分=绩效自评覆盖率*权重。")
    assert r.expected(100, 2) == 2 and r.expected(50, 2) == 1
    assert parse_rule("得分=（1-问题资金占比）*权重。").expected(10, 4) == pytest.approx(3.6)


def test_deduction_per_point_share_of_weight():
    r = parse_rule("实际值小于等于0得满分，每增加1%扣权重分的10%，扣完为止。")
    assert r.expected(-29.37, 4) == 4
    assert r.expected(5, 4) == pytest.approx(2)
    assert r.expected(115.18, 4) == 0


def test_deduction_per_point_points_and_below():
    r = parse_rule("政府采购执行率等于100%的，得3分；\n每减少一个百分点，扣0.2分，扣完为止。")
    assert r.expected(95, 3) == pytest.approx(2)
    r = parse_rule("以100%为标准。三公经费控制率≦100%，计6分；\n每超过一个百分点扣1分，扣完为止。")
    assert r.expected(103, 6) == 3
    assert parse_rule("每低于100%一个百分点扣0.1分，扣完为止。").expected(90, 3) == pytest.approx(2)


def test_fixed_deduction_per_item():
    r = parse_rule("一项未达标扣20%权重分，扣完为止。")
    assert r.expected(None, 4) is None
    assert 3.2 in r.allowed(4) and 3.6 not in r.allowed(4)
    r = parse_rule("以上情况每出现一例不符合要求的扣1分，扣完为止。")
    assert r.allowed(3)[:3] == [3, 2, 1]


def test_all_or_nothing():
    r = parse_rule("实际值达到目标值要求得满分，未达要求得0分。")
    assert r.expected(0, 5, missed=True) == 0 and r.expected(1, 5, missed=False) == 5


def test_tiers():
    r = parse_rule("重点支出安排率≥90%，计5分；80%（含）-90%，计4分；70%（含）-80%，计3分；60%（含）-70%，计2分；低于60%不得分。")
    assert r.kind == "tiers"
    assert [r.expected(v, 5) for v in (95, 85, 75, 65, 10)] == [5, 4, 3, 2, 0]
    r = parse_rule("95%（含）以上计5分；\n85%（含）-95%，计3分；\n75%（含）-85%，计1分；\n低于75%计0分。")
    assert r.expected(96, 5) == 5 and r.expected(90, 5) == 3


def test_unknown_patterns_are_not_guessed():
    assert parse_rule("无结余，3分；有结余，但不超过上年结转，2分；结余超过上年结转，不得分。") is None
    assert parse_rule("此项指标根据通知考核内容设置。") is None
    assert parse_rule(None) is None
