"""The target phrasings of real indicator tables (../shared/real/wild, genre-patterns §7) and a
property test over generated variants: comparator phrase × number format × 量词/unit × suffix."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.normalize.values import parse_value


@pytest.mark.parametrize(
    ("text", "op", "value", "unit"),
    [
        ("3个小时内", "<=", 3, "小时"),               # 个 is a measure word, not part of the unit
        ("三个小时内", "<=", 3, "小时"),
        ("半小时内", "<=", 0.5, "小时"),
        ("一个半小时", "=", 1.5, "小时"),
        ("11月底", "<=", 11, "月"),                   # deadlines
        ("11月底前", "<=", 11, "月"),
        ("2023年12月前", "<=", 12, "月"),
        ("2023年11月底前", "<=", 11, "月"),
        ("13个社区", "=", 13, "社区"),                # a counted noun is the unit
        ("覆盖13个住宅区（城中村）", "=", 13, "住宅区"),
        ("社区专职人员、下沉人员等共120人", "=", 120, "人"),
        ("两栋", "=", 2, "栋"),
        ("2栋", "=", 2, "栋"),
        ("不超过35.8万一年", "<=", 35.8, "万元/年"),   # rate: a bare 万 with a period is money
        ("不超过42万元/年", "<=", 42, "万元/年"),
        ("≦20万元/场", "<=", 20, "万元/场"),
        ("小于等于23,739,200.00", "<=", 23739200, None),
        ("小于或者等于6小时", "<=", 6, "小时"),
        ("总成本不超42万", "<=", 42, "万元"),          # 不超 without 过; 万 in a cost is 万元
        ("成本不超过过164.8247万元", "<=", 164.8247, "万元"),
        ("总成本不超不超过53.718万", "<=", 53.718, "万元"),
        ("不高于80万", "<=", 80, "万"),               # no money word: the magnitude stays as written
        ("》90%", ">=", 90, "%"),
        ("两小时之内", "<=", 2, "小时"),
        ("1个月内", "<=", 1, "个月"),
        ("5个工作日以内", "<=", 5, "个工作日"),
        ("不少于25人", ">=", 25, "人"),
        ("大于或等于98%", ">=", 98, "%"),
        ("11月份之前", "<=", 11, "月份"),
        ("85%满意", "=", 85, "%"),
    ],
)
def test_real_phrasings(text, op, value, unit):
    v = parse_value(text)
    assert (v.op, v.value, v.unit) == (op, pytest.approx(value), unit)


@pytest.mark.parametrize("text", ["全县408个远程教育终端站点正常运行", "上半年完成", "5项一级指标", "提升明显"])
def test_sentences_stay_qualitative(text):
    assert parse_value(text).value is None


PREFIXES = [("≥", ">="), ("≤", "<="), ("不少于", ">="), ("不低于", ">="), ("不超过", "<="), ("不超", "<="),
            ("不超过过", "<="), ("不高于", "<="), ("小于等于", "<="), ("小于或等于", "<="), ("小于或者等于", "<="),
            ("大于等于", ">="), ("大于或等于", ">="), ("大于或者等于", ">="), ("达到", ">=")]
SUFFIXES = [("以内", "<="), ("以下", "<="), ("以上", ">="), ("及以上", ">=")]
TIME_SUFFIXES = [("内", "<="), ("之内", "<=")]
# (written after the number, unit read, a time unit?)
UNITS = [("", None, False), ("%", "%", False), ("个", "个", False), ("项", "项", False), ("次", "次", False),
         ("栋", "栋", False), ("人", "人", False), ("人次", "人次", False), ("万元", "万元", False),
         ("小时", "小时", True), ("个小时", "小时", True), ("天", "天", True), ("个工作日", "个工作日", True),
         ("个月", "个月", True), ("个社区", "社区", False), ("个村", "个村", False)]
CN = {1: "一", 2: "两", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九", 10: "十", 12: "十二"}


def _written(x: Decimal, style: str) -> str:
    if style == "plain":
        return f"{x}"
    if style == "thousands":
        return f"{x:,}"
    if style == "full-width":
        return "".join(chr(ord(c) + 0xFEE0) if "0" <= c <= "9" or c == "." else c for c in f"{x}")
    return CN[int(x)]


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False),
              st.sampled_from([Decimal(k) for k in CN])),
    st.sampled_from(["plain", "thousands", "full-width", "chinese"]),
    st.sampled_from([("", None)] + PREFIXES),
    st.sampled_from(UNITS),
    st.sampled_from([("", None)] + SUFFIXES + TIME_SUFFIXES),
)
def test_generated_variants(x, style, prefix, unit, suffix):
    word, op_before = prefix
    written_unit, unit_read, is_time = unit
    after, op_after = suffix
    if style == "chinese" and (x not in [Decimal(k) for k in CN] or written_unit in ("", "%", "项")):
        style = "plain"  # Chinese numerals only before a unit: a bare 三 is no quantity, 一项 a word
    if op_before and op_after or (after in dict(TIME_SUFFIXES) and not is_time):
        after, op_after = "", None  # one comparator a cell; 内 only after a span of time
    text = f"{word}{_written(x, style)}{written_unit}{after}"
    v = parse_value(text)
    assert (v.op, v.value, v.unit) == (op_before or op_after or "=", pytest.approx(float(x)), unit_read), text
