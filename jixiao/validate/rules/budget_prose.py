"""What the 说明 of a 预算/决算公开 says in words, checked against the figures it states.

- YEAR_MISMATCH: a part heading, table title or 说明 heading naming another year than the
  document's (the year most of its headings name); a 决算 counting assets 截至 another year's
  12月31日; a sentence describing this year's compilation scope with last year's year.
- COMPARISON_MISMATCH: 决算数大于/小于/等于预算数 against the two figures; 增加/减少 against this
  and last year's figures; a completion rate of a budget of 0; “增加持平”; a figure of 0 that grew.
- RATE_MISMATCH: 完成年初预算的P% = 决算 ÷ 预算, and change rates in the wordings the facts
  table does not pair (增幅/降幅/同比增长, 比Y年预算减少, the rate in the next sentence).
- VALUE_OUT_OF_RANGE: a share (占…的P%) above 100 % or below 0.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass

from jixiao.validate.base import Context, Finding, rule
from jixiao.validate.findings import paragraph_finding
from jixiao.validate.prose_text import (
    MONEY,
    Para,
    doc_kind,
    fiscal_year,
    fmt,
    half_unit,
    is_range,
    money_value,
    norm,
    paragraphs,
    slack_of,
)
from jixiao.validate.slack import ratio_slack

_M = MONEY.pattern  # (number)(unit)


# ---------------------------------------------------------------- YEAR_MISMATCH

_YEAR = re.compile(r"(?<![\d.])(20\d{2})年度?")
_NOT_THIS_YEAR = re.compile(r"执行|完成|上年|去年|以前|历年|以来|回顾|对比|比较|相比|同期|规划|计划")
_SCOPE = re.compile(r"纳入[^。;]{0,12}?(?<![\d.])(20\d{2})年度?(?:部门|单位)?(?:汇总)?(预算|决算)编制范围")
_AS_OF = re.compile(r"截[至止](20\d{2})年12月31日")


def _is_title(p: Para, kind: str | None) -> bool:
    """A part heading, a table title or a 说明 heading about this document's own year."""
    t = p.text
    if not p.is_heading or _NOT_THIS_YEAR.search(t):
        return False
    words = ("预算", "决算") if kind is None else (kind,)
    return bool(re.match(r"第[一二三四五六七八九十]+部分", t) or re.search(r"表(?:\([^()]{1,8}\))?$", t)
                or ("说明" in t and any(w in t for w in words)) or any(w in t for w in words))


def _titles(ctx: Context, doc_id: str, paras: list[Para]) -> list[Para]:
    """Headings of the prose and titles of the tables, each distinct text once."""
    out, seen = [], set()
    forms = [Para(doc_id, 0, int(f["page_start"]) if isinstance(f.get("page_start"), (int, float))
                  and not math.isnan(f["page_start"]) else None, "", f.get("title") or "", norm(f.get("title")))
             for f in ctx.records("forms") if f.get("doc_id") == doc_id and f.get("form_type") == "budget_summary"]
    for p in [*paras, *forms]:
        if p.is_heading and p.text not in seen:
            seen.add(p.text)
            out.append(p)
    return out


@rule("YEAR_MISMATCH")
def year_mismatch(ctx: Context) -> Iterator[Finding]:
    for doc_id, paras in paragraphs(ctx).items():
        titles = _titles(ctx, doc_id, paras)
        fy = fiscal_year(titles)
        if fy is None:
            continue
        kind = doc_kind(paras)
        for p in titles:
            if not _is_title(p, kind):
                continue
            for m in _YEAR.finditer(p.text):
                y = int(m.group(1))
                if y != fy and abs(y - fy) <= 3 and not is_range(p.text, m.start(1), m.end(1)):
                    yield paragraph_finding(p, "YEAR_MISMATCH", "warning",
                                  f"标题写“{y}年”，而本文件是 {fy} 年度的{kind or '预算/决算'}（其余标题均为 {fy} 年）"
                                  f" (a heading names another year than the document's)",
                                  expected=fy, observed=y, row_label=p.text[:40])
                    break
        for p in paras:
            for m in _SCOPE.finditer(p.text):
                y = int(m.group(1))
                if y != fy and (kind is None or m.group(2) == kind):
                    yield paragraph_finding(p, "YEAR_MISMATCH", "warning",
                                  f"“{m.group()}”写的是 {y} 年，本文件是 {fy} 年度的{m.group(2)} "
                                  f"(this year's compilation scope is given with another year)",
                                  pos=m.start(), expected=fy, observed=y, row_label=m.group())
            if kind == "决算":
                for m in _AS_OF.finditer(p.text):
                    y = int(m.group(1))
                    if y != fy:
                        yield paragraph_finding(p, "YEAR_MISMATCH", "warning",
                                      f"{fy} 年度决算写“{m.group()}” (a 决算 dated at the end of another year)",
                                      pos=m.start(), expected=fy, observed=y,
                                      row_label=m.group())


# ---------------------------------------------------------------- figures named in a paragraph

@dataclass
class Fig:
    kind: str  # budget | final
    qual: str  # 年初 | 调整 | 全年 | '' (budget only)
    raw: str
    value: float
    start: int


_BUDGET_FIG = re.compile(r"(年初预算|调整后预算|调整预算|全年预算|预算)(?:数|金额|支出数?|收入数?|安排数?)?(?:为|是|:)?" + _M)
_FINAL_FIG = re.compile(r"(?<!预)决算(?:数|金额|支出数?|收入数?)?(?:为|是|:)?" + _M)


def _figures(text: str) -> list[Fig]:
    figs = []
    for m in _BUDGET_FIG.finditer(text):
        qual = {"年初预算": "年初", "调整后预算": "调整", "调整预算": "调整", "全年预算": "全年"}.get(m.group(1), "")
        if re.search(r"(?:上年|去年|上一年)[^,;。]{0,6}$", text[max(0, m.start() - 8):m.start()]):
            continue  # last year's budget
        figs.append(Fig("budget", qual, m.group(2), money_value(m.group(2), m.group(3)), m.start()))
    for m in _FINAL_FIG.finditer(text):
        if re.search(r"(?:上年|去年|上一年)[^,;。]{0,6}$", text[max(0, m.start() - 8):m.start()]):
            continue
        figs.append(Fig("final", "", m.group(1), money_value(m.group(1), m.group(2)), m.start()))
    return figs


def _budgets(figs: list[Fig], qual: str) -> list[Fig]:
    """The budget figures a “…预算数” of this qualifier can mean (年初 prefers a 年初 figure)."""
    budgets = [f for f in figs if f.kind == "budget"]
    if qual:
        exact = [f for f in budgets if f.qual == qual or (qual == "全年" and f.qual == "调整")
                 or (qual == "调整" and f.qual == "全年")]
        return exact or [f for f in budgets if not f.qual]
    return budgets


# ---------------------------------------------------------------- COMPARISON_MISMATCH

_COMPARE = re.compile(r"(?<!预)决算数?(?:[^,;。\d]{0,6}?)(大于|高于|超过|超出|多于|小于|低于|少于|等于)了?(年初|调整后?|全年)?预算数?"
                      r"|(?<!预)决算数?与(年初|调整后?|全年)?预算数?(?:相比)?,?(基本持平|持平|一致|相等|相同)")
_UP_WORDS = {"大于", "高于", "超过", "超出", "多于"}
_DOWN_WORDS = {"小于", "低于", "少于"}


def _compare_claims(p: Para) -> Iterator[Finding]:
    t = p.text
    figs = _figures(t)
    finals = [f for f in figs if f.kind == "final"]
    lo = 0  # figures of an earlier item (before an earlier comparison) are not this one's
    for m in _COMPARE.finditer(t):
        word = m.group(1) or m.group(4)
        qual = (m.group(2) or m.group(3) or "").replace("调整后", "调整")
        before = [f for f in finals if lo <= f.start < m.start()]
        budgets = [f for f in _budgets(figs, qual) if lo <= f.start < m.start()]
        lo = m.end()
        if not before or not budgets:
            continue
        b = before[-1]  # the 决算 figure the sentence compares: the last one stated before the words
        verdicts = []
        for a in budgets:  # every budget the words can mean must contradict them
            d = b.value - a.value
            s = slack_of(a.raw, b.raw)
            if word in _UP_WORDS:
                wrong = d < -s or (b.raw == a.raw)
            elif word in _DOWN_WORDS:
                wrong = d > s or (b.raw == a.raw)
            elif word == "基本持平":
                wrong = abs(d) > 0.01 * abs(a.value) + s
            else:  # 等于 持平 一致 相等 相同
                wrong = abs(d) > s
            verdicts.append((wrong, a))
        if verdicts and all(w for w, _ in verdicts):
            a = verdicts[-1][1]
            rel = "大于" if b.value - a.value > slack_of(a.raw, b.raw) else "小于" if a.value - b.value > slack_of(a.raw, b.raw) else "等于"
            yield paragraph_finding(p, "COMPARISON_MISMATCH", "error",
                          f"文中说决算数“{word}”{qual}预算数，但{qual}预算为 {a.raw}万元、决算为 {b.raw}万元，决算数{rel}预算数"
                          f" (the words contradict the figures)", pos=m.start(),
                          expected=a.value, observed=b.value, row_label=m.group())


_NOT_CARRIED = r"(?![^,;。]{0,3}?(?:结转|结余))"  # 上年结转 is money carried over, no last year's figure
_PREV_ANCHOR = r"(?:比|较|与|同)(?:上年|去年|上一年度?)" + _NOT_CARRIED + r"(?:同期)?(?:度)?(?:决算|预算|实际)?(?:数)?(?:的)?"
_BOTH_YEARS = re.compile(_PREV_ANCHOR + r"(?:为)?" + _M + r"(?:相比|比较)?,?(?:[^,;。\d]{0,4}?)"
                         r"(增加|增长|上升|提高|多|减少|下降|降低|少|压减)")
_PREV_IS = re.compile(r"(?:上年|去年|上一年度?)" + _NOT_CARRIED + r"[^,;。\d%]{0,8}?为" + _M)
_DIRECTION = re.compile(r"(?:比|较|与)(?:上年|去年|上一年度?)" + _NOT_CARRIED + r"[^,;。\d]{0,10}?(增加|增长|上升|提高|减少|下降|降低|压减)")
_UP = {"增加", "增长", "上升", "提高", "多"}


def _last_money_before(t: str, pos: int, lo: int = 0) -> re.Match | None:
    last = None
    for m in MONEY.finditer(t, lo, pos):
        last = m
    return last


def _change_claims(p: Para) -> Iterator[Finding]:
    t = p.text
    for off, s in _sentences(t):
        # “比上年的Y万元增加…” / “上年为Y万元，…比上年增加…”: both years' figures in one sentence
        prev = None
        m = _BOTH_YEARS.search(s)
        if m:
            prev, word, cut, end = (m.group(1), m.group(2)), m.group(3), m.start(), m.end()
        else:
            pm, dm = _PREV_IS.search(s), _DIRECTION.search(s)
            if pm and dm and pm.start() < dm.start():
                prev, word, cut, end = (pm.group(1), pm.group(2)), dm.group(1), pm.start(), dm.end()
        if prev is None:
            continue
        this = _last_money_before(s, cut)
        if this is None or _is_change_figure(s, this) or ";" in s[this.start():end]:
            continue
        if len(MONEY.findall(s, this.end(), end)) != 1:
            continue  # another figure between them: the words may be about another item
        a, y = money_value(this.group(1), this.group(2)), money_value(*prev)
        sl = slack_of(this.group(1), prev[0])
        up = word in _UP
        if (up and a - y < -sl) or (not up and a - y > sl):
            rel = "多于" if a > y else "少于"
            yield paragraph_finding(p, "COMPARISON_MISMATCH", "error",
                          f"本年 {this.group(1)}万元{rel}上年 {prev[0]}万元，文中却说“{word}” (the words contradict the figures)",
                          pos=off + cut, expected=y, observed=a, row_label=word)


def _sentences(t: str) -> Iterator[tuple[int, str]]:
    """(offset, sentence) of a normalised paragraph."""
    off = 0
    for s in re.split(r"(?<=[。!?])", t):
        if s:
            yield off, s
        off += len(s)


def _is_change_figure(s: str, m: re.Match) -> bool:
    return bool(re.search(r"(?:增加|增长|上升|提高|减少|下降|降低|压减|多|少)了?$", s[max(0, m.start() - 4):m.start()]))


_ZERO_BUDGET = re.compile(r"年初预算(?:数)?(?:为|是)?0(?:\.0+)?(?:万元|元)?(?![\d.])")
_COMPLETION = re.compile(r"完成(年初|全年|调整后?)?预算(?:数)?的(-?\d+(?:\.\d+)?)%")
_BOTH_WAYS = re.compile(r"(?:增加|增长|上升|减少|下降|降低)(?:\([^()]{0,4}\))?(?:基本)?持平")
_ZERO_GREW = re.compile(r"(?<![\d.,])0(?:\.0+)?万元[^。]{0,4}?" + r"(?:比|较|与)(?:上年|去年|上一年度?)" + _NOT_CARRIED + r"(?:同期)?"
                        r"(?:决算|预算)?(?:数)?(?:相比)?,?(增加|增长|上升)了?" + _M)


@rule("COMPARISON_MISMATCH")
def comparison_words(ctx: Context) -> Iterator[Finding]:
    for paras in paragraphs(ctx).values():
        for p in paras:
            if not p.is_sentence:
                continue
            yield from _compare_claims(p)
            yield from _change_claims(p)
            t = p.text
            if _ZERO_BUDGET.search(t):
                for m in _COMPLETION.finditer(t):
                    if (m.group(1) or "年初") == "年初" and float(m.group(2)) != 0:
                        yield paragraph_finding(p, "COMPARISON_MISMATCH", "error",
                                      f"年初预算为 0，却写“{m.group()}” (a completion rate of a budget of 0)",
                                      pos=m.start(), expected=None, observed=float(m.group(2)),
                                      row_label=m.group())
            for m in _BOTH_WAYS.finditer(t):
                yield paragraph_finding(p, "COMPARISON_MISMATCH", "error",
                              f"“{m.group()}”：既说增减又说持平 (a change and no change in one phrase)",
                              pos=m.start(), row_label=m.group())
            for m in _ZERO_GREW.finditer(t):
                y = money_value(m.group(2), m.group(3))
                if y > 0:
                    yield paragraph_finding(p, "COMPARISON_MISMATCH", "error",
                                  f"本年为 0 万元，却比上年{m.group(1)} {m.group(2)}万元（上年须为负数） "
                                  f"(a figure of 0 cannot have grown)", pos=m.start(),
                                  expected=0.0, observed=y, row_label=m.group(1))


# ---------------------------------------------------------------- RATE_MISMATCH

def _cut_off(computed: float, stated: str) -> bool:
    """The stated rate is the computed one cut off (not rounded) at its decimals: 2.31 for 2.3153."""
    d = len(stated.split(".", 1)[1]) if "." in stated else 0
    return math.floor(computed * 10 ** d + 1e-9) / 10 ** d == float(stated)


def _completion_rates(p: Para, factor: float) -> Iterator[Finding]:
    t = p.text
    figs = _figures(t)
    for m in _COMPLETION.finditer(t):
        qual = (m.group(1) or "").replace("调整后", "调整")
        finals = [f for f in figs if f.kind == "final" and f.start < m.start()]
        budgets = [f for f in _budgets(figs, qual) if f.start < m.start()]
        if not finals or len(budgets) != 1 or budgets[0].value == 0:
            continue  # which budget is meant is not clear; a budget of 0 is COMPARISON_MISMATCH's
        a, b, stated = budgets[0], finals[-1], m.group(2)
        computed = b.value / a.value * 100
        allowed = ratio_slack(b.value, a.value, half_unit(b.raw), half_unit(a.raw), stated, factor)
        if abs(computed - float(stated)) <= allowed:
            continue
        cut = _cut_off(computed, stated)
        hint = "（按预算÷决算计算）" if abs(a.value / b.value * 100 - float(stated)) <= allowed else ""
        yield paragraph_finding(p, "RATE_MISMATCH", "info" if cut else "error",
                      f"决算 {b.raw}万元 ÷ {qual}预算 {a.raw}万元 = {fmt(round(computed, 2))}%，文中写 {stated}%{hint}"
                      f"{'（截断而非四舍五入）' if cut else ''} (completion rate does not follow from the figures)",
                      pos=m.start(), expected=round(computed, 4), observed=float(stated),
                      row_label=m.group())


_CHANGE = re.compile(r"(?:比|较|与)(上年|去年|上一年度?|(20\d{2})年)" + _NOT_CARRIED + r"(?:同期)?(?:度)?(?:决算|预算|实际)?(?:数)?(?:相比)?,?"
                     r"(?:[^,;。\d%]{0,12}?)(增加|增长|上升|提高|减少|下降|降低|压减)了?" + _M)
_RATE_AFTER = re.compile(r"(?:[,;。]|[,;。]?(?:主要原因[^。]{0,60}?。))?"
                         r"(?:同比)?(?:(?:增加|增长|上升|提高|减少|下降|降低)了?(?:幅度|比例|率)?|增幅|降幅|减幅)(?:为|达|是)?"
                         r"(-?\d+(?:\.\d+)?)%")


def _change_rates(p: Para, fy: int | None, covered: set, factor: float) -> Iterator[Finding]:
    t = p.text
    for m in _CHANGE.finditer(t):
        if m.group(2) and (fy is None or int(m.group(2)) != fy - 1):
            continue  # compared with a year that is not last year
        rm = _RATE_AFTER.match(t, m.end())
        if not rm:
            continue
        stated = rm.group(1)
        if (p.doc_id, p.seq, float(stated)) in covered:
            continue
        this = _last_money_before(t, m.start())
        if this is None or _is_change_figure(t, this) or "%" in t[this.end():m.start()]:
            continue
        a, c = money_value(this.group(1), this.group(2)), money_value(m.group(4), m.group(5))
        up = m.group(3) in _UP
        prev = a - c if up else a + c
        if prev <= 0 or c == 0:
            continue
        computed = c / prev * 100
        ec, ea = half_unit(m.group(4)), half_unit(this.group(1))
        allowed = ratio_slack(c, prev, ec, ea + ec, stated, factor)
        if abs(computed - float(stated)) <= allowed:
            continue
        on_this = abs(c / a * 100 - float(stated)) <= allowed if a else False
        cut = _cut_off(computed, stated)
        yield paragraph_finding(p, "RATE_MISMATCH", "info" if cut else "error",
                      f"{this.group(1)}万元比上年{m.group(3)}{m.group(4)}万元，上年为 {fmt(round(prev, 2))}万元，变动率应为 "
                      f"{fmt(round(computed, 2))}%，文中写 {stated}%{'（文中的比率是按本年数计算的）' if on_this else ''}"
                      f"{'（截断而非四舍五入）' if cut else ''} (change rate does not follow from the figures)",
                      pos=m.start(), expected=round(computed, 4), observed=float(stated),
                      row_label=rm.group().lstrip(",;。"))


@rule("RATE_MISMATCH")
def prose_budget_rates(ctx: Context) -> Iterator[Finding]:
    """完成年初预算的P% and the change-rate wordings the facts table does not pair."""
    covered = {(f.get("doc_id"), int(f.get("narrative_seq") or 0), float(f["value"]))
               for f in ctx.records("facts") if f.get("relation") == "change_rate" and f.get("value") is not None
               and f.get("narrative_seq") is not None}
    for paras in paragraphs(ctx).values():
        fy = fiscal_year(paras)
        for p in paras:
            if not p.is_sentence:
                continue
            yield from _completion_rates(p, ctx.tolerance)
            yield from _change_rates(p, fy, covered, ctx.tolerance)


# ---------------------------------------------------------------- VALUE_OUT_OF_RANGE

_SHARE = re.compile(r"占([^,;。%]{0,20}?)的?(?:比重|比例)?(?:为|达|是)?(-?\d+(?:\.\d+)?)%")
_NOT_A_WHOLE = re.compile(r"预算|计划|目标|上年|去年|同期|标准|定额|控制数|批复")


@rule("VALUE_OUT_OF_RANGE")
def prose_shares_in_range(ctx: Context) -> Iterator[Finding]:
    """“占本年支出合计的105%”: a part cannot be more than its whole, nor negative."""
    for paras in paragraphs(ctx).values():
        for p in paras:
            if not p.is_sentence:
                continue
            for m in _SHARE.finditer(p.text):
                base, stated = m.group(1), m.group(2)
                v = float(stated)
                if _NOT_A_WHOLE.search(base) or 0 <= v <= 100:
                    continue
                yield paragraph_finding(p, "VALUE_OUT_OF_RANGE", "warning",
                              f"占比“{m.group()}”不在 0–100% 之间 (a share outside 0–100 %)",
                              pos=m.start(), expected=100.0 if v > 100 else 0.0,
                              observed=v, row_label=m.group())
