"""Value parser on targets/actuals and amounts taken from the seeds (seed:line in comments)."""

from __future__ import annotations

import pytest

from jixiao.normalize.values import (
    ParsedValue,
    align_actual_to_target,
    canonical_unit,
    parse_number,
    parse_value,
    units_compatible,
    with_columns,
)


@pytest.mark.parametrize(
    ("text", "op", "value", "unit"),
    [
        ("≥95%", ">=", 95, "%"),                           # 000:434
        ("$\\geq 90\\%$", ">=", 90, "%"),                  # 002:21 (math from PDF-to-text)
        ("执行率 $\\geq 80\\%$", ">=", 80, "%"),           # 002:23
        ("执行率≥80%", ">=", 80, "%"),                     # 002:54
        ("本年开展活动数量≥3次", ">=", 3, "次"),           # 002:51
        ("本年考试成绩平均分≥80", ">=", 80, None),         # 002:53 (label before comparator)
        ("本年招募志愿者人数≥10000人", ">=", 10000, "人"),  # 002:231
        ("90%以上", ">=", 90, "%"),                        # 002:201
        ("80人以上", ">=", 80, "人"),                      # 002:263
        ("100份以上", ">=", 100, "份"),                    # 002:143
        ("不少于100人", ">=", 100, "人"),                  # 002:353
        ("考核95分-100分", ">=", 95, "分"),                # 002:384 (range -> lower end)
        ("48万人次以上", ">=", 48, "万人次"),              # 002:413
        ("15部以上", ">=", 15, "部"),                      # 002:414
        ("5部以上", ">=", 5, "部"),                        # 002:414 (actual)
        ("3次以上", ">=", 3, "次"),                        # 002:262
        ("780条以上", ">=", 780, "条"),                    # 002:416
        ("≥30块", ">=", 30, "块"),                         # 001:92
        ("≥400个", ">=", 400, "个"),                       # 001:99
        ("42万元", "=", 42, "万元"),                       # 001:106 (bare number means '=')
        ("100百分比", "=", 100, "%"),                      # 001:160
        ("1.2万元", "=", 1.2, "万元"),                     # 001:167
        ("≥90", ">=", 90, None),                           # 001:195
        ("≤50万元", "<=", 50, "万元"),                     # 001:289
        ("≤12月", "<=", 12, "月"),                         # 001:303
        ("≤12月 ", "<=", 12, "月"),                        # 001:826 (trailing space)
        ("≤0.93工程余款", "<=", 0.93, None),               # 001:357 (description, not a unit)
        ("≥100单位办公人员对办公环境的满意度", ">=", 100, None),  # 001:399
        ("≥90参加培训人数", ">=", 90, None),               # 001:757
        ("≥95满意代表和代表总数比", ">=", 95, None),       # 001:1224
        ("≤255卷", "<=", 255, "卷"),                       # 001:427
        ("≤3152.78元", "<=", 3152.78, "元"),               # 001:698
        ("≥100百分比", ">=", 100, "%"),                    # 001:622
        ("≤3月份", "<=", 3, "月份"),                       # 001:657
        ("≤5天", "<=", 5, "天"),                           # 001:1169
        ("≤10", "<=", 10, None),                           # 001:1259
        ("＞0", ">", 0, None),                             # 000:643 (full-width comparator)
        ("≤0", "<=", 0, None),                             # 000:480
        ("≤0\u3000", "<=", 0, None),                       # 000:491 (ideographic space)
        ("-29.37%", "=", -29.37, "%"),                     # 000:492
        ("98.81%", "=", 98.81, "%"),                       # 000:435
        ("100.00%", "=", 100, "%"),                        # 002:84
        ("0.992", "=", 0.992, None),                       # 002:54 (actual)
        ("0", "=", 0, None),                               # 000:449
        ("指标1：服务对象满意率95%以上。", ">=", 95, "%"),  # 003:304 (the 1 of 指标1 is no value)
        ("满意度达98%", ">=", 98, "%"),                    # 003:305
        ("人均参训成本控制在1000元以下", "<=", 1000, "元"),  # 001:978
        ("≦100%", "<=", 100, "%"),                         # 003:441 (≦ U+2266)
        ("10月底前", "<=", 10, "月"),                      # DOMAIN traps
        ("不超过50人", "<=", 50, "人"),
        ("不高于3%", "<=", 3, "%"),
        ("5个工作日以内", "<=", 5, "个工作日"),
        ("不低于95%", ">=", 95, "%"),
        ("８０％", "=", 80, "%"),                          # full-width digits and ％
        ("≥９０％", ">=", 90, "%"),
        ("三次", "=", 3, "次"),                            # Chinese numerals via cn2an
        ("十二月", "=", 12, "月"),
        ("十二月底前", "<=", 12, "月"),
        ("不少于三次", ">=", 3, "次"),
        ("95%（含）以上计5分；", ">=", 95, "%"),          # 003:689
        ("大于或等于90%", ">=", 90, "%"),
        ("≥10株", ">=", 10, "株"),                         # short measure word not in the list
        ("1.预算完成率大于或等于95%的，得满分；", ">=", 95, "%"),  # 000:440 (% before 的 stays %)
        (">653天", ">", 653, "天"),                        # 001 target table
        ("业务培训140人次", "=", 140, "人次"),              # 002 actual with a short label
        ("大于：4500人", ">", 4500, "人"),                  # a colon after the word (an OCR'd scan)
    ],
)
def test_parse_value_reads_seed_cells(text, op, value, unit):
    parsed = parse_value(text)
    assert (parsed.op, parsed.value, parsed.unit) == (op, pytest.approx(value), unit)
    assert parsed.text == text


@pytest.mark.parametrize(
    "text",
    [
        "不适用", "—", "——", "", "  ", None, "-", "/",       # 000:654, 000:837
        "规范", "规范\u3000", "按规定公开",                 # 000:532, 000:561
        "运行顺畅; 功能齐全", "全部落实到位", "非常满意",   # 002:82, 002:86, 002:85
        "针对性强、便于操作、效果好", "及时准确",           # 002:112, 002:115
        "统一", "一般", "一级", "三星", "两学一做",          # Chinese numeral chars inside words
        "得分=（实际值-60%）/30%*权重",                     # 000:832 (a formula, not a target)
        "全县408个远程教育终端站点正常运行",                 # number inside prose
    ],
)
def test_qualitative_and_empty_give_no_number(text):
    parsed = parse_value(text)
    assert (parsed.op, parsed.value, parsed.unit) == (None, None, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3,546.30", 3546.3), ("3546.3", 3546.3), ("4060.7", 4060.7),  # 000:31-32
        ("126.03541", 126.03541),                                       # 000:230 (5 decimals)
        ("0", 0.0), ("—", None), ("-", None), ("", None), ("  ", None), (None, None),
        ("３５４６．３", 3546.3), ("1.5万元", 1.5), ("300元", 300.0), ("（1.5）", -1.5), ("(2)", -2.0),
        ("-12.5", -12.5), ("100.00%", 100.0), ("1,234,567.8", 1234567.8),
        ("约3546", None), ("12,34", None), ("3546.3 3546.3", None), ("不适用", None),
        (12, 12.0), (2.5, 2.5),
    ],
)
def test_parse_number(text, expected):
    assert parse_number(text) == expected


def test_fraction_against_percent_target_becomes_percent():
    # 002:54 — target 执行率≥80%, actual 0.992
    aligned = align_actual_to_target(parse_value("执行率≥80%"), parse_value("0.992"))
    assert (aligned.op, aligned.value, aligned.unit) == ("=", pytest.approx(99.2), "%")
    one = align_actual_to_target(parse_value("100%"), parse_value("1"))
    assert (one.value, one.unit) == (pytest.approx(100), "%")


@pytest.mark.parametrize(
    ("target", "actual"),
    [
        ("≥3次", "2.5"),          # not a percent target (002:55)
        ("≥80%", "27.73%"),       # already percent (002:23)
        ("≥80%", "5"),            # > 1.5: not a fraction
        ("≥1%", "0.5"),           # target itself tiny: ambiguous, leave alone
        ("规范", "0.9"),          # qualitative target
        ("≥80%", "规范"),
    ],
)
def test_alignment_leaves_everything_else_alone(target, actual):
    a = parse_value(actual)
    assert align_actual_to_target(parse_value(target), a) == a


def test_alignment_keeps_text():
    a = align_actual_to_target(parse_value("≥90%"), parse_value("0.95"))
    assert a == ParsedValue("=", 95.0, "%", "0.95")


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("%", "人", False), ("人", "%", False), ("人", "人次", True), ("万元", "元", True),
        ("月", "月份", True), ("%", "百分比", True), ("%", "%", True), ("次", "次", True),
        ("万元", "%", False), ("次", "场", None), (None, "%", None), ("%", None, None),
        ("工程余款", "%", None), ("月", "万元", False), ("个", "%", False),
    ],
)
def test_units_compatible(a, b, expected):
    assert units_compatible(a, b) is expected


@pytest.mark.parametrize(
    ("unit_raw", "unit"),
    [("百分比", "%"), ("％", "%"), ("（%）", "%"), ("人次", "人次"), (" 万元 ", "万元"), ("", None),
     ("—", None), (None, None)],
)
def test_canonical_unit(unit_raw, unit):
    assert canonical_unit(unit_raw) == unit


@pytest.mark.parametrize(
    ("value", "op_raw", "unit_raw", "expected"),
    [
        ("90", "≥", "%", (">=", 90, "%")),          # Sichuan: 指标性质 and 度量单位 columns
        ("12", "≤", "月", ("<=", 12, "月")),
        ("95", "正向指标", "百分比", (">=", 95, "%")),  # Chongqing wording
        ("3", "反向", None, ("<=", 3, None)),
        ("≥90", "≤", "%", (">=", 90, "%")),          # a comparator in the cell is kept
        ("90%以上", "=", None, (">=", 90, "%")),
        ("90人", None, "%", ("=", 90, "人")),        # the cell's own unit is kept
        ("规范", "≥", "%", (None, None, None)),      # qualitative stays qualitative
        ("90", "", "", ("=", 90, None)),
    ],
)
def test_with_columns(value, op_raw, unit_raw, expected):
    v = with_columns(parse_value(value), op_raw, unit_raw)
    assert (v.op, v.value, v.unit) == (expected[0], None if expected[1] is None else pytest.approx(expected[1]), expected[2])
