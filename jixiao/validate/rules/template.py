"""Text left from the template (TEMPLATE_LEFTOVER) and slips of the pen (TYPO) in the prose.

A 预算/决算公开 is written by filling a template that every department receives: “XX部门”,
“与上年相比增加（减少）XX万元，增长（减少）XX%”, “（按…表填写）”. A department that forgets to
fill a slot leaves the placeholder, both alternatives, the instruction, or a unit with no figure
before it (“支出万元”). Each kind is reported at most once per page; a document that is the blank
template itself (placeholders everywhere, no figures in its tables) is one finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from jixiao.validate.base import Context, Finding, rule
from jixiao.validate.findings import paragraph_finding
from jixiao.validate.prose_text import MONEY, Para, paragraphs

_UP = "增加|增长|上升|提高|增"
_DOWN = "减少|下降|降低|减"
# the patterns, each (kind, regex); group 0 is what was left
_PLACEHOLDER = re.compile(r"(?<![A-Za-z])(?:[Xx]{2,}|[×]{2,}|[□]{2,}|[○]{3,}|[*]{3,})(?![A-Za-z])"
                          r"|待填写|请填写|待补充|\{[^{}]{1,12}\}|【[^【】]{0,12}(?:名称|单位|金额)】")
_ALTERNATIVE = re.compile(rf"(?:{_UP}|{_DOWN}|大于|小于|高于|低于)[(/](?:{_UP}|{_DOWN}|大于|小于|高于|低于)\)?")
_INSTRUCTION = re.compile(r"\((?:请|需|应)?(?:按|根据|参照|据实|对应)[^()]{0,80}?(?:填写|填列|填报)\)")
# a unit whose figure was never written: “政府性基金支出预算支出万元”, “占本年支出合计的%”
_EMPTY_MONEY = re.compile(r"(?:支出|收入|为|是|共计|合计|总计|达到|达|安排|拨款|资金|经费|决算数?|预算数?|"
                          r"增加|减少|下降|增长|降低)(?:亿元|万元)(?!以[上下]|/|每)")
_EMPTY_RATE = re.compile(r"(?:占[^,;。%]{0,16}?的|增长|下降|增加|减少|降低|完成)%")


def _pairs_opposite(text: str) -> bool:
    words = re.findall(rf"{_UP}|{_DOWN}|大于|小于|高于|低于", text)
    if len(words) < 2:
        return False
    ups = [bool(re.fullmatch(_UP + "|大于|高于", w)) for w in words[:2]]
    return ups[0] != ups[1]


def _figure_after(text: str, end: int) -> tuple[str, float] | None:
    """The figure the slot was meant to hold: the first number after it in its clause."""
    clause = re.split(r"[,;。]", text[end:], maxsplit=1)[0]
    m = re.match(r"\D{0,4}?(-?\d[\d,]*(?:\.\d+)?)", clause)
    if not m:
        return None
    return m.group(1), float(m.group(1).replace(",", ""))


def _hits(p: Para) -> Iterator[tuple[str, str, str, int]]:
    """(kind, pattern text, severity, position) of every template leftover in the paragraph."""
    t = p.text
    for m in _PLACEHOLDER.finditer(t):
        yield "placeholder", m.group(), "warning", m.start()
    for m in _ALTERNATIVE.finditer(t):
        if _pairs_opposite(m.group()):
            fig = _figure_after(t, m.end())
            yield "alternative", m.group(), "info" if fig and fig[1] == 0 else "warning", m.start()
    for m in _INSTRUCTION.finditer(t):
        yield "instruction", m.group(), "warning", m.start()
    if p.is_sentence:
        for m in _EMPTY_MONEY.finditer(t):
            if "单位" not in t[max(0, m.start() - 4):m.start() + 1]:  # 金额单位为万元 names the unit
                yield "empty_figure", m.group(), "warning", m.start()
        for m in _EMPTY_RATE.finditer(t):
            yield "empty_figure", m.group(), "warning", m.start()


_WHAT = {
    "placeholder": "模板占位符“{x}”未替换 (a template placeholder was left)",
    "alternative": "模板中的备选用语“{x}”未作取舍 (both alternatives of the template were left)",
    "instruction": "模板的填写说明“{x}”留在正文中 (the template's filling instruction was left)",
    "empty_figure": "“{x}”前缺少数字 (the figure of this slot is missing)",
}


def _is_blank_template(ctx: Context, doc_id: str, paras: list[Para], n_hits: int) -> bool:
    """Placeholders all over and no figure in the tables or the prose: the blank template itself."""
    if n_hits < 8:
        return False
    table_figures = sum(1 for a in ctx.records("amounts") if a.get("doc_id") == doc_id
                        and isinstance(a.get("value"), (int, float)) and a.get("value") not in (0, 0.0))
    prose_figures = sum(1 for p in paras for m in MONEY.finditer(p.text) if float(m.group(1).replace(",", "")) != 0)
    return table_figures == 0 and prose_figures < n_hits


@rule("TEMPLATE_LEFTOVER")
def template_leftovers(ctx: Context) -> Iterator[Finding]:
    for doc_id, paras in paragraphs(ctx).items():
        hits = [(p, kind, x, sev, pos) for p in paras for kind, x, sev, pos in _hits(p)]
        if not hits:
            continue
        if _is_blank_template(ctx, doc_id, paras, len(hits)):
            first = hits[0][0]
            kinds = sorted({x for _, _, x, _, _ in hits})[:6]
            pages = sorted({p.page for p, *_ in hits if p.page is not None})
            yield paragraph_finding(first, "TEMPLATE_LEFTOVER", "warning",
                          f"整份文件是未填写的模板：{len(hits)} 处占位符或空缺（{'、'.join(kinds)}），表中没有数字"
                          f"{f'，见第 {pages[0]}–{pages[-1]} 页' if pages else ''} (the document is the blank template)",
                          quote=first.text, observed=float(len(hits)), row_label="整份文件")
            continue
        seen: set[tuple] = set()
        for p, kind, x, sev, pos in hits:
            key = (p.page_at(pos) if p.page_at(pos) is not None else p.seq, kind, x)
            if key in seen:
                continue
            seen.add(key)
            yield paragraph_finding(p, "TEMPLATE_LEFTOVER", sev, _WHAT[kind].format(x=x), pos=pos,
                          row_label=x)


# doubled punctuation: 。。 ,, ;; 、、 and mixed pairs like ,; (an ellipsis ... or 。。。 is no slip)
_DOUBLE_PUNCT = re.compile(r"(?<![。.])(?:。。|,,|;;|、、|::|[,;、][,;、。]|。[,;、])(?![。.])")
# a doubled word: 预算预算, 支出支出 (two to four characters written twice)
_DOUBLE_WORD = re.compile(r"([\u4e00-\u9fff]{2,4})\1")
# a change rate with its % missing: “与上年相比减少100万元，减少9.52，”
_BARE_RATE = re.compile(r",(?:同比)?(?:增长|增加|减少|下降|降低|上升)了?(?:幅度)?为?(\d+\.\d+)(?=[,;。]|$)"
                        r"|(?:增幅|降幅|减幅|增长率|下降率)为?(\d+\.\d+)(?=[,;。]|$)")
_CHANGE_MONEY = re.compile(r"(?:上年|去年|上一年)[^。]{0,20}?(?:增加|减少|增长|下降|降低)了?" + MONEY.pattern)


def _typos(p: Para) -> Iterator[tuple[str, str, float | None, int]]:
    t = p.text
    for m in _DOUBLE_PUNCT.finditer(t):
        yield m.group(), f"标点重复或连用“{m.group()}” (doubled punctuation)", None, m.start()
    quoted = [q.span() for q in re.finditer(r"《[^《》]*》|“[^“”]*”", t)]
    for m in _DOUBLE_WORD.finditer(t):
        w = m.group(1)
        if any(a <= m.start() < b for a, b in quoted):
            continue  # a name in 《》 or quotes: 《…竞赛竞赛信息联络员…细则》 joins two words
        if len(set(w)) > 1 and not re.fullmatch(r"[一二三四五六七八九十]+", w):
            yield m.group(), f"词语重复“{m.group()}” (a word written twice)", None, m.start()
    for m in _BARE_RATE.finditer(t):
        before = t[max(0, m.start() - 40):m.start()]
        if m.group(1) and not _CHANGE_MONEY.search(before):
            continue  # a bare number after 增加 is a rate only beside a change in money
        v = m.group(1) or m.group(2)
        yield m.group(), f"变动率“{m.group().lstrip(',')}”缺少百分号 (a rate without its %)", float(v), m.start()


@rule("TYPO")
def typos(ctx: Context) -> Iterator[Finding]:
    for paras in paragraphs(ctx).values():
        for p in paras:
            if not p.is_sentence:  # headings, chart labels, table rows as text
                continue
            for quote, message, observed, pos in _typos(p):
                yield paragraph_finding(p, "TYPO", "info", message, pos=pos, observed=observed,
                              row_label=quote)
