"""Property tests: arbitrary text never raises; parses round-trip.

Each property runs 1000 examples. cpca (slow to import) is not used here.
"""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.normalize.grades import canonical_grade, grade_for, parse_grade_bands
from jixiao.normalize.headings import LEVEL1_CODES, LEVEL2_CODES, category_for, map_level1, map_level2
from jixiao.normalize.values import (
    ParsedValue,
    align_actual_to_target,
    canonical_unit,
    parse_number,
    parse_value,
    with_columns,
)
from jixiao.normalize.years import fiscal_year_from
from jixiao.text import clean, squash

FUZZ = settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Arbitrary unicode plus the genre's own alphabet, so the interesting paths are reached often.
GENRE = list("≥≤＞＜><=%％百分比以上以下内前底不少于低超过高人次万元月份块部分一二三十两〇.-—（）()$\\ 　\n0123456789")
text = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.sampled_from(GENRE), max_size=30),
    st.lists(st.sampled_from(["≥", "≤", "90", "%", "以上", "不少于", "人次", "万", "$\\geq ", "\\%$", "0.5",
                              "—", "不适用", "三", "月底前", "-", "分", "（含）", "满意度", "产出指标", "(40)"]),
             max_size=8).map("".join),
)
OPS = {">=", "<=", ">", "<", "=", None}


@FUZZ
@given(text)
def test_parse_value_never_raises(s):
    v = parse_value(s)
    assert v.op in OPS
    assert (v.op is None) == (v.value is None)
    assert v.text == s


@FUZZ
@given(text, st.one_of(text, st.none()), st.one_of(text, st.none()))
def test_separate_columns_never_raise(value, op_raw, unit_raw):
    v = with_columns(parse_value(value), op_raw, unit_raw)
    assert v.op in OPS
    assert (v.op is None) == (v.value is None)
    u = canonical_unit(unit_raw)
    assert u is None or (u and not any(ch.isspace() for ch in u))


@FUZZ
@given(st.one_of(text, st.none(), st.floats(allow_nan=True), st.integers()))
def test_parse_number_never_raises(s):
    n = parse_number(s)
    assert n is None or isinstance(n, float)


@FUZZ
@given(text, text, st.one_of(text, st.none()))
def test_headings_never_raise(a, b, c):
    assert map_level1(a).code in LEVEL1_CODES
    assert map_level2(b).code in LEVEL2_CODES
    assert category_for(a, b, c) in LEVEL2_CODES
    assert 0 <= map_level2(b).score <= 100


@FUZZ
@given(text)
def test_text_helpers_and_grades_never_raise(s):
    assert "\n\n" not in clean(s)
    assert not any(ch.isspace() for ch in squash(s))
    assert canonical_grade(s) in {"优", "良", "中", "差", None}
    bands = parse_grade_bands(s)
    assert bands is None or len(bands) >= 3
    y = fiscal_year_from(s)
    assert y is None or 1990 <= y <= 2099


numbers = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False)


@FUZZ
@given(numbers, st.sampled_from([("≥", ">="), ("≤", "<="), ("＞", ">"), ("<", "<"), ("不少于", ">="),
                                  ("不超过", "<="), ("$\\geq ", ">=")]),
       st.sampled_from(["%", "％", "人", "次", "万元", "万人次", "月", "个"]))
def test_prefix_comparator_round_trip(x, comparator, unit):
    word, op = comparator
    written = f"{word}{x}{unit}" + ("$" if word.startswith("$") else "")
    if word.startswith("$"):
        written = f"{word}{x}\\%$"
        unit = "%"
    v = parse_value(written)
    assert (v.op, v.value) == (op, float(x))
    assert v.unit == ("%" if unit in ("%", "％") else unit)


@FUZZ
@given(numbers, st.sampled_from([("以上", ">="), ("以下", "<="), ("以内", "<=")]),
       st.sampled_from(["%", "人", "次", "万人次", "份", "部"]))
def test_postfix_comparator_round_trip(x, postfix, unit):
    word, op = postfix
    v = parse_value(f"{x}{unit}{word}")
    assert (v.op, v.value, v.unit) == (op, float(x), unit)


@FUZZ
@given(numbers, st.sampled_from(["", "%", "人", "万元"]), st.sampled_from(["", "≥", "≤"]))
def test_full_width_same_as_half_width(x, unit, word):
    half = f"{word}{x}{unit}"
    full = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in half)
    assert unicodedata.normalize("NFKC", full) == half
    a, b = parse_value(half), parse_value(full)
    assert (a.op, a.value, a.unit) == (b.op, b.value, b.unit)
    assert parse_number(full if not word else "") == parse_number(half if not word else "")


@FUZZ
@given(st.decimals(min_value=-10**9, max_value=10**9, places=4, allow_nan=False, allow_infinity=False))
def test_parse_number_round_trip(x):
    assert parse_number(str(x)) == float(x)
    assert parse_number(f"{x:,}") == float(x)


@FUZZ
@given(st.floats(min_value=0, max_value=1.5, allow_nan=False), st.floats(min_value=1.6, max_value=100))
def test_fraction_alignment(fraction, target):
    aligned = align_actual_to_target(ParsedValue(">=", target, "%", ""), ParsedValue("=", fraction, None, ""))
    assert aligned.unit == "%"
    assert abs(aligned.value - fraction * 100) < 1e-6


@FUZZ
@given(st.floats(min_value=-50, max_value=150, allow_nan=False))
def test_grade_for_is_monotone(score):
    order = ["差", "中", "良", "优"]
    assert order.index(grade_for(score)) <= order.index(grade_for(score + 10))


@pytest.fixture(scope="module")
def warm_gazetteer():
    """Import cpca and load its gazetteer once, outside the hypothesis loop."""
    from jixiao.normalize.places import locate

    locate("中共香河县委组织部")
    return locate


place_text = st.one_of(
    st.text(max_size=30),
    st.lists(st.sampled_from(["中共", "省", "市", "县", "区", "委", "组织部", "石家庄", "桥西区", "香河县", "江苏",
                              "君山区", "财政局", "完成", "重大理论", "回放", "自治县", "。", "\n"]),
             max_size=8).map("".join),
)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(st.one_of(place_text, st.none()), place_text)
def test_locate_never_raises_and_is_consistent(warm_gazetteer, name, text):
    place = warm_gazetteer(name, text)
    if place.admin_code is None:
        assert place.depth == 0
    else:
        assert re.fullmatch(r"\d{6}", place.admin_code)
        assert place.province
        suffix = place.admin_code[2:]
        if place.depth == 1:
            assert suffix == "0000"
        if place.county is None and place.city is not None:
            assert place.admin_code.endswith("00")
