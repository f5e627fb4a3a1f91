"""Targets, actuals and amounts as published -> comparator, number, unit.

Indicator cells mix a label, a comparator (symbol or words), a number and a unit:
`执行率≥80%`, `90%以上`, `不少于100人`, `10月底前`, `48万人次以上`, `$\\geq 90\\%$`,
`三次`. `parse_value` reads them; qualitative text (`规范`, `按规定公开`) gives no
number rather than a guessed one.

Decisions (documented here because callers rely on them):
- A bare number (`20%`, `0.992`, `1.2万元`) is read with op `=`.
- A range (`95分-100分`, `80%-90%`) is read as `>=` its lower end.
- Postfix words: 以上/及以上/达到 -> `>=`; 以下/以内/之内/及以下/底前/前 -> `<=`.
- The unit is the known unit token that follows the number (`%`, `人`, `万人次`, `月份`, ...)
  or a short (<= 2 characters) measure word ending the cell (`株`). When the number is
  followed by a description (`≥100单位办公人员对办公环境的满意度`, `≤0.93工程余款`)
  the unit is None: the description is not a unit.
- `百分比` and `％` are the unit `%`.
- Comparator words are read in their typo'd forms too: `不超` (no 过), `不超过过`,
  `不超不超过`, `小于或者等于`; `》` written for `≥`.
- `个` between a number and a unit is a measure word: `3个小时内` is `<=` 3 `小时`; before a
  noun that is no unit it makes the noun the unit: `13个社区` is 13 `社区`. `个月` and `个工作日`
  stay units of their own.
- `半小时` is 0.5 `小时`; `两栋`, `三小时内` are read as Chinese numerals.
- Deadlines are months: `11月底`, `11月底前`, `2023年12月前` are `<=` 11 / 12 `月`.
- Rates keep their period in the unit: `不超过42万元/年` -> `万元/年`, `35.8万一年` -> `万元/年`.
  A bare `万`/`亿` is money (`万元`/`亿元`) in a rate or when the cell speaks of money (成本, 经费…).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from jixiao.text import unmath

__all__ = [
    "ParsedValue", "parse_value", "parse_number", "align_actual_to_target", "units_compatible",
    "canonical_unit", "with_columns", "KNOWN_UNITS",
]


@dataclass
class ParsedValue:
    """One target/actual cell: `op` is `>=`, `<=`, `>`, `<`, `=` or None (qualitative)."""

    op: str | None
    value: float | None
    unit: str | None
    text: str


# Units seen in the genre; longest first so `万人次` wins over `万` and `人`.
KNOWN_UNITS: tuple[str, ...] = tuple(sorted({
    "%", "‰", "百分比", "个百分点", "百分点",
    "万人次", "人次", "万人", "人", "名", "人/次", "户", "万户", "家", "村", "个村",
    "亿元", "万元", "千元", "元", "元/人", "元/次", "万元/年",
    "个月", "月份", "月", "个工作日", "工作日", "天", "日", "年", "周", "小时", "分钟", "季度",
    "次", "场次", "场", "期", "批", "批次", "轮", "届",
    "个", "项", "件", "份", "部", "条", "篇", "本", "册", "套", "块", "卷", "张", "台", "辆", "座",
    "所", "处", "个点", "站", "台套", "种", "类", "门", "节", "课时", "学时", "班", "幅", "首",
    "栋", "幢", "间", "棵", "株", "盏", "根",
    "平方米", "平方公里", "公里", "千米", "米", "亩", "公顷", "吨", "千克", "公斤", "万册", "万份",
    "分", "星", "级", "GB", "TB", "M", "km", "kg", "m2", "m", "t",
}, key=len, reverse=True))

_PERCENT_UNITS = {"%", "百分比"}

# Comparators written before the number, longest first.
_PREFIX_OPS: tuple[tuple[str, str], ...] = (
    ("大于或者等于", ">="), ("小于或者等于", "<="),
    ("大于或等于", ">="), ("大于等于", ">="), ("小于或等于", "<="), ("小于等于", "<="),
    ("不少于", ">="), ("不低于", ">="), ("不小于", ">="), ("至少", ">="), ("达到", ">="),
    ("不超过", "<="), ("不超", "<="), ("不高于", "<="), ("不大于", "<="), ("不多于", "<="), ("最多", "<="),
    ("控制在", "<="), ("低于", "<"), ("小于", "<"), ("少于", "<"), ("高于", ">"), ("大于", ">"),
    ("超过", ">"), ("多于", ">"),
    (">=", ">="), ("<=", "<="), ("≥", ">="), ("≤", "<="), ("≧", ">="), ("≦", "<="),
    ("⩾", ">="), ("⩽", "<="), ("》", ">="), (">", ">"), ("<", "<"), ("=", "="),
)
# a comparator word written twice or with a doubled 过 (`不超过过`, `不超不超过`): the rest is skipped
_REPEATED_OP = re.compile(r"^(?:过|不超过|不超|不少于|不低于|不高于|小于等于|大于等于)+")
_PREFIX_RE = re.compile("|".join(re.escape(w) for w, _ in _PREFIX_OPS))
_PREFIX_MAP = dict(_PREFIX_OPS)

# one alternation in KNOWN_UNITS' order (longest first): the regex engine picks the same unit the
# list would, without ~150 startswith calls per cell
_UNIT_AT_START = re.compile("|".join(re.escape(u) for u in KNOWN_UNITS))
_POSTFIX_OPS: tuple[tuple[str, str], ...] = (
    ("及以上", ">="), ("以上", ">="), ("及以下", "<="), ("以下", "<="), ("以内", "<="), ("之内", "<="),
    ("底前", "<="), ("末前", "<="), ("底", "<="), ("末", "<="), ("之前", "<="), ("前", "<="), ("内", "<="),
)
# a rate's period: `/年`, `一年`, `每场` after the unit
_PERIODS = "年|月|季度|周|天|日|场|次|人次|人|户|期|届|批|班|台|辆|课时|学时|家|个"
_PER = re.compile(rf"^(?:/([\u4e00-\u9fff]{{1,3}})|[一每]({_PERIODS}))")
_MONEY_WORDS = re.compile(r"成本|费|资金|金额|预算|投入|补贴|补助|经费|支出|元|收入|造价|价")
# `个` before a noun that is no known unit: the noun is the unit (`13个社区`, `覆盖5个住宅区（城中村）`)
_COUNTED_NOUN = re.compile(r"^个([\u4e00-\u9fff]{1,5}?)(?=$|及以上|以上|以下|以内|之内|[(,;，；。)）])")
_SMALL_CN = {c: str(i) for i, c in enumerate("零一二三四五六七八九十")} | {"两": "2"}
_AND_HALF = re.compile(r"(\d+|[一两二三四五六七八九十])个?半(?=小时|天|日|年|月|钟头)")
_HALF = re.compile(r"(?<![\d一二两三四五六七八九十个上下前后])半个?(?=小时|天|日|年|月|钟头)")

_NULL_TEXTS = {"", "-", "--", "—", "——", "―", "/", "／", "\\", "无", "不适用", "不适应", "n/a", "na", "none", "null", "空", "×"}

_PLACEHOLDERS = {"-", "--", "—", "——", "―", "/", "／", "\\", "无", "不适用", "不适应", "不涉及", "无此项", "空", "×",
                 "n/a", "na"}


def is_placeholder(text: object) -> bool:
    """不适用 (also misspelt 不适应), 无, /, —, 空 …: a cell that says "nothing here" (kept as written, never a
    target, a duplicate or a score to check)."""
    if not isinstance(text, str):
        return False
    t = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()
    return t in _PLACEHOLDERS


_NUM = r"\d+(?:\.\d+)?"
_NUMBER_AT = re.compile(rf"(-)?({_NUM})")
_RANGE = re.compile(rf"({_NUM})\s*([^\d\s\-~—–至到]{{0,4}}?)\s*(?:-|~|—|–|至|到)\s*({_NUM})")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿点"
_CN_VALUE = re.compile(rf"^(?P<pre>.*?)(?P<num>[{_CN_DIGITS}]+)(?P<rest>.*)$")
# after a Chinese numeral these make words, not quantities: 一级, 三星, 一类, 一分为二
_CN_NOT_UNITS = {"级", "星", "类", "种", "门", "节", "处", "分", "期", "部", "所", "条", "本", "项"}
_BARE_LABEL = re.compile(r"^[^\d]{0,12}?(?:为|达|是|[:：])?$")


def _normalize(text: str) -> str:
    """unmath + NFKC + no white space + no thousands separators."""
    t = unicodedata.normalize("NFKC", unmath(text))
    t = re.sub(r"\s+", "", t)
    t = t.replace("≧", "≥").replace("≦", "≤").replace("⩾", "≥").replace("⩽", "≤")
    t = re.sub(r"\((?:含|含本数)\)", "", t)  # `90%(含)以上` == `90%以上`
    if "半" in t:  # 半小时内 == 0.5小时内, 一个半小时 == 1.5小时
        t = _AND_HALF.sub(lambda m: f"{_SMALL_CN.get(m.group(1), m.group(1))}.5", t)
        t = _HALF.sub("0.5", t)
    return _THOUSANDS.sub("", t)


def _is_null(t: str) -> bool:
    return t.lower() in _NULL_TEXTS or bool(re.fullmatch(r"[-—―–/\\]+", t))


def _unit_at(rest: str) -> tuple[str | None, str]:
    """The unit at the start of the text after a number, and what follows it.

    `个` is a measure word before a known unit (`个小时`) and makes a following noun the unit
    (`个社区`); `个月`, `个工作日` are units of their own."""
    m = _UNIT_AT_START.match(rest)
    unit = m.group() if m else None
    if unit == "个":
        inner = _UNIT_AT_START.match(rest, 1)
        if inner and inner.group() != "个":
            return inner.group(), rest[1 + len(inner.group()):]
        noun = _COUNTED_NOUN.match(rest)
        if noun and not any(rest.startswith(w, 1) for w, _ in _POSTFIX_OPS + (("及", ""),)):
            return noun.group(1), rest[noun.end():]
    if unit is None and rest[:1] in ("万", "亿") and _PER.match(rest[1:]):
        unit = rest[0]  # 35.8万一年: a magnitude before a period (money, see parse_value)
    return unit, rest[len(unit):] if unit else rest


def _with_period(unit: str | None, rest: str) -> tuple[str | None, str]:
    """`万元` + `/年` or `一年` -> `万元/年` (a rate keeps its period)."""
    if unit is None or "/" in unit:
        return unit, rest
    for _ in range(2):
        m = _PER.match(rest)
        if not m:
            break
        unit, rest = f"{unit}/{m.group(1) or m.group(2)}", rest[m.end():]
    return unit, rest


def _unit_and_postfix(rest: str) -> tuple[str | None, str | None, str]:
    """Read the unit and a postfix comparator from the text after the number.

    Returns (unit, postfix_op, what is left after them).
    """
    unit, rest = _unit_at(rest)
    unit, rest = _with_period(unit, rest)
    op = None
    for w, o in _POSTFIX_OPS:
        if rest.startswith(w):
            op = o
            rest = rest[len(w):]
            break
    if unit is None and op is None:
        # a short measure word ending the cell (`≥10株`) or before a postfix (`5株以上`)
        m = re.match(r"([\u4e00-\u9fffA-Za-z]{1,2})(?=$|及以上|以上|以下|以内|[,;，；。)）])", rest)
        if m and not any(m.group(1).startswith(w) for w, _ in _POSTFIX_OPS):
            unit = m.group(1)
            rest = rest[len(unit):]
            for w, o in _POSTFIX_OPS:
                if rest.startswith(w):
                    op = o
                    rest = rest[len(w):]
                    break
    if (
        unit is not None and unit not in ("%", "‰") and op is None
        and re.match(r"[\u4e00-\u9fffA-Za-z]", rest) and not rest.startswith(("的", "计", "得", "为"))
    ):
        # the "unit" is the first word of a description: `≥100单位办公人员…`
        return None, None, unit + rest
    if unit in _PERCENT_UNITS:
        unit = "%"
    return unit, op, rest


def _money_unit(unit: str | None, text: str) -> str | None:
    """A bare `万`/`亿` is 万元/亿元 in a rate (`万/年`) or when the cell speaks of money."""
    if unit is None or unit.split("/")[0] not in ("万", "亿"):
        return unit
    if "/" in unit or _MONEY_WORDS.search(text):
        head, _, per = unit.partition("/")
        return head + "元" + (f"/{per}" if per else "")
    return unit


def _chinese_number(t: str) -> tuple[str, float, str] | None:
    """`三次` -> ('', 3.0, '次'): only when a known unit follows, so `统一` stays text."""
    m = _CN_VALUE.match(t)
    if not m:
        return None
    num, rest = m.group("num"), m.group("rest")
    if len(num) > 1 and num[-1] in "万亿" and _UNIT_AT_START.match(num[-1] + rest) \
            and len(_UNIT_AT_START.match(num[-1] + rest).group()) > 1:
        num, rest = num[:-1], num[-1] + rest  # 一万元 is 1 万元, as 1万元 is
    if not any(rest.startswith(u) for u in KNOWN_UNITS if not u.isascii() and u not in _CN_NOT_UNITS):
        return None
    if rest.startswith("年") and len(m.group("num")) >= 4:  # 二〇一九年 is a year
        return None
    try:
        import cn2an

        value = float(cn2an.cn2an(num, "smart"))
    except Exception:  # cn2an raises on malformed numerals such as `十十`
        return None
    return m.group("pre"), value, rest


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None


def parse_value(text: str | None) -> ParsedValue:
    """Read a target or actual cell; see the module docstring for the conventions."""
    raw = text if isinstance(text, str) else ""
    t = _normalize(raw)
    if _is_null(t):
        return ParsedValue(None, None, None, raw)
    op, value, unit = _read(t)
    return ParsedValue(op, value, _money_unit(unit, t), raw)


def _read(t: str) -> tuple[str | None, float | None, str | None]:
    """(op, value, unit) of a normalized cell."""
    m = _PREFIX_RE.search(t)
    if m:
        op = _PREFIX_MAP[m.group(0)]
        after = t[m.end():]
        after = after[_REPEATED_OP.match(after).end():] if _REPEATED_OP.match(after) else after
        after = after.lstrip(":：")  # `大于：4500人` (a colon an OCR or a writer put after the word)
        n = re.match(rf"(-)?({_NUM})", after)
        if n:
            value = _finite(float(n.group(2)) * (-1 if n.group(1) else 1))
            unit, post, _ = _unit_and_postfix(after[n.end():])
            if post in (">=", "<=") and op in (">", "<"):
                op = post  # `大于80%以上` -> >=
            return (op if value is not None else None), value, unit
        cn = _chinese_number(after)
        if cn and not cn[0]:
            unit, _, _ = _unit_and_postfix(cn[2])
            return op, cn[1], unit

    r = _RANGE.search(t)
    if r and float(r.group(1)) <= float(r.group(3)):
        low_unit = _unit_and_postfix(r.group(2))[0] if r.group(2) else None
        high_unit = _unit_and_postfix(t[r.end():])[0]
        if low_unit is None or high_unit is None or low_unit == high_unit:
            return ">=", _finite(float(r.group(1))), low_unit or high_unit

    # number followed by a postfix comparator anywhere (`指标1：满意率95%以上`)
    for n in _NUMBER_AT.finditer(t):
        unit, post, _ = _unit_and_postfix(t[n.end():])
        if post:
            sign = -1 if n.group(1) and (n.start() == 0 or not t[n.start() - 1].isdigit()) else 1
            return post, _finite(sign * float(n.group(2))), unit

    # a bare number, optionally after a short label (`满意度达98%`)
    n = re.search(rf"(-)?({_NUM})", t)
    if n and _label_only(t[: n.start()]):
        unit, post, left = _unit_and_postfix(t[n.end():])
        if _nothing_left(left):
            value = _finite(float(n.group(2)) * (-1 if n.group(1) else 1))
            op = post or (">=" if t[: n.start()].endswith("达") else "=")
            return (op if value is not None else None), value, unit
        return None, None, None

    if not re.search(r"\d", t):
        cn = _chinese_number(t)
        if cn and _label_only(cn[0]):
            unit, post, left = _unit_and_postfix(cn[2])
            if not left:
                return post or "=", cn[1], unit
    return None, None, None


# a label before the number: short (`满意度达`), or a longer one ending in a word of counting (`…等共`)
_COUNT_LABEL = re.compile(r"^[^\d]{0,24}(?:共|合计|总计|累计|约)$")


def _label_only(before: str) -> bool:
    return bool(_BARE_LABEL.match(before) or _COUNT_LABEL.match(before))


def _nothing_left(left: str) -> bool:
    """Only punctuation, a bracketed aside (`（城中村）`) or what is measured (`85%满意`) after the value."""
    return not left or bool(re.fullmatch(r"[,;，；。)）]*|\([^()]{1,12}\)[,;，；。]?|满意(?:度|率)?[,;，；。]?", left))


_AMOUNT = re.compile(rf"^(-)?({_NUM})(?:万元|亿元|元|%)?$")
_BRACKETED = re.compile(rf"^\(({_NUM})\)(?:万元|元)?$")


@lru_cache(maxsize=1 << 15)
def parse_number(text: str | float | int | None) -> float | None:
    """An amount cell -> float; None for blanks and dashes (never 0 for missing).

    Accepts `3,546.30`, full-width digits, a trailing 万元/元/% (stripped, not converted),
    and an accounting negative written as the whole cell in brackets: `（1.5）` -> -1.5.
    Anything else (text, several numbers) gives None rather than a guess.
    """
    if text is None or isinstance(text, bool):
        return None
    if isinstance(text, int | float):
        return _finite(float(text))
    t = _normalize(text)
    if _is_null(t):
        return None
    t = t.lstrip("+")
    if re.fullmatch(r"\d+\.", t):  # `260.`: a stray full stop (OCR, hand-typed), not a decimal part
        t = t[:-1]
    m = _AMOUNT.match(t)
    if m:
        return _finite(float(m.group(2)) * (-1 if m.group(1) else 1))
    b = _BRACKETED.match(t)
    if b:
        return _finite(-float(b.group(1)))
    return None


def align_actual_to_target(target: ParsedValue, actual: ParsedValue) -> ParsedValue:
    """`0.992` or `1` written against a percent target (`≥80%`) -> 99.2 / 100 `%`.

    Only when the target is clearly on the percent scale (its value > 1.5) and the actual
    is a unitless number within [0, 1.5]; anything else is returned unchanged.
    """
    if (
        target.unit == "%" and target.value is not None and abs(target.value) > 1.5
        and actual.unit is None and actual.value is not None and 0 <= actual.value <= 1.5
    ):
        return ParsedValue(actual.op or "=", round(actual.value * 100, 10), "%", actual.text)
    return actual


def canonical_unit(text: str | None) -> str | None:
    """A 度量单位 cell as a unit: `百分比`/`％`/`（%）` -> `%`; blank or a dash -> None."""
    if not isinstance(text, str):
        return None
    t = _normalize(text).strip("()[]【】")
    if _is_null(t):
        return None
    return "%" if t in _PERCENT_UNITS else t


# 指标性质 columns (Sichuan: =, ≥, ≤; Chongqing: 正向/反向指标)
_OP_COLUMN = {
    "≥": ">=", ">=": ">=", "≤": "<=", "<=": "<=", ">": ">", "<": "<", "=": "=",
    "正向": ">=", "正向指标": ">=", "反向": "<=", "反向指标": "<=", "大于等于": ">=", "小于等于": "<=",
    "大于": ">", "小于": "<", "等于": "=",
}


def with_columns(parsed: ParsedValue, op_raw: str | None = None, unit_raw: str | None = None) -> ParsedValue:
    """Complete a target read from its value cell with separate 指标性质 / 度量单位 columns.

    The op column wins over the `=` a bare number gets by default; a comparator written in
    the value cell itself (`≥90`) is kept. The unit column fills a missing unit only.
    """
    op, unit = parsed.op, parsed.unit
    column_op = _OP_COLUMN.get(_normalize(op_raw)) if isinstance(op_raw, str) else None
    if column_op and parsed.value is not None and not _PREFIX_RE.search(_normalize(parsed.text)) \
            and not any(w in _normalize(parsed.text) for w, _ in _POSTFIX_OPS[:6]):
        op = column_op
    if unit is None and parsed.value is not None:
        unit = canonical_unit(unit_raw)
    return ParsedValue(op, parsed.value, unit, parsed.text)


_UNIT_GROUPS: dict[str, str] = {}
for _group, _units in {
    "percent": ("%", "百分比"),
    "people": ("人", "人次", "万人", "万人次", "名", "人/次"),
    "money": ("元", "万元", "千元", "亿元"),
    "month": ("月", "月份", "个月"),
    "day": ("天", "日", "工作日", "个工作日"),
    "year": ("年",),
    "score": ("分",),
}.items():
    for _u in _units:
        _UNIT_GROUPS[_u] = _group
_COUNTERS = {u for u in KNOWN_UNITS if u not in _UNIT_GROUPS and not u.isascii()}


def units_compatible(a: str | None, b: str | None) -> bool | None:
    """True when two units measure the same thing, False when plainly not (人 vs %), None if unknown.

    人/人次 count as compatible (the genre uses them interchangeably); 万元/元 and 月/月份 are
    convertible. Two different generic counters (次 vs 场) are unknown, not a mismatch.
    """
    if not a or not b:
        return None
    a, b = ("%" if u == "百分比" else u for u in (a, b))
    if a == b:
        return True
    ga, gb = _UNIT_GROUPS.get(a), _UNIT_GROUPS.get(b)
    if ga and gb:
        return ga == gb
    if (ga and b in _COUNTERS) or (gb and a in _COUNTERS):
        return False
    return None
