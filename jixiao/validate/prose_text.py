"""Reading the prose of a 预算/决算公开 for the rules that check its words (not its tables).

The narrative rows are paragraphs as the extractor joined them: line breaks gone, but PDF
spacing kept ("支出 6,442.75 万元") and full-width punctuation as published. Rules match on
`norm(text)`: NFKC (，→, （→( ％→%) with the spaces between characters removed. Headings,
chart labels and table-like rows are told apart from sentences here, so that no rule reads a
chart label as a sentence.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from jixiao.validate import slack
from jixiao.validate.base import Context

_SPACE = re.compile(r"\s+")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# a money figure: 13,377.11万元, 0万元, 1.2亿元 (a digit or point before it belongs to another number)
MONEY = re.compile(r"(?<![\d.,])(-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?)(亿元|万元)")
PERCENT = re.compile(r"(?<![\d.,])(-?\d+(?:\.\d+)?)%")
_HEADING_NO = re.compile(r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\)"
                         r"|\d{1,2}[、.](?!\d)|\(\d{1,2}\))")


def norm(text: object) -> str:
    """NFKC, spaces removed: what the patterns of these rules read."""
    if not isinstance(text, str):
        return ""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))


def money_value(number: str, unit: str) -> float:
    v = float(number.replace(",", ""))
    return v * 10000 if unit == "亿元" else v


def slack_of(*figures: str, factor: float = 1.0) -> float:
    """SCHEMA.md: each published figure with d decimals may be off by 0.5·10^-d."""
    return slack.rounding_slack(*(f.replace(",", "") for f in figures), factor=factor)


def half_unit(figure: str) -> float:
    """Half a unit of a prose figure's last decimal; a whole number of 万元 is taken as exact to the cent."""
    return slack.half_unit(figure.replace(",", "")) or 0.005


def fmt(v: float) -> str:
    return f"{v:.4f}".rstrip("0").rstrip(".")


@dataclass
class Para:
    """One narrative row, with what the rules need to know about it."""

    doc_id: str
    seq: int
    page: int | None
    section: str
    raw: str
    text: str  # norm(raw)
    pages: list[tuple[int, int | None]] = field(default_factory=list)  # (offset, page) of joined rows
    ref: str | None = None  # where the paragraph sits (narrative.source_ref)
    refs: list[tuple[int, str | None]] = field(default_factory=list)  # (offset, ref) of joined rows

    def page_at(self, pos: int) -> int | None:
        """The page of a position: a paragraph broken by a page is one paragraph on two pages."""
        page = self.page
        for offset, p in self.pages:
            if pos >= offset:
                page = p
        return page

    def ref_at(self, pos: int) -> str | None:
        """The source_ref of the paragraph holding a position (a joined paragraph keeps each part's)."""
        ref = self.ref
        for offset, r in self.refs:
            if pos >= offset:
                ref = r
        return ref

    @property
    def is_sentence(self) -> bool:
        """Prose a person wrote, not a heading, a chart label or a table row laid out as text."""
        return len(_CJK.findall(self.text)) >= 10 and bool(re.search(r"[,;。:]", self.text))

    @property
    def is_heading_like_title(self) -> bool:
        """A line that opens something new: 第三部分…, 一、…, （二）…, or a table title …表."""
        return bool(_HEADING_NO.match(self.text) or (self.is_heading and self.text.endswith("表")))

    @property
    def is_heading(self) -> bool:
        t = self.text
        return 0 < len(t) <= 60 and not re.search(r"[。;]|[,:]$", t) and not MONEY.search(t)


def paragraphs(ctx: Context) -> dict[str, list[Para]]:
    """The narrative rows of each document, in reading order. Built once per check (a dozen rules
    read them); each caller gets its own dict and lists, the Para objects are shared: read only."""
    return {doc_id: list(rows) for doc_id, rows in ctx.built("paragraphs", _paragraphs).items()}


def _paragraphs(ctx: Context) -> dict[str, list[Para]]:
    out: dict[str, list[Para]] = {}
    for r in ctx.records("narrative"):
        raw = r.get("text")
        if not isinstance(raw, str) or not raw.strip():
            continue
        page = r.get("page")
        try:
            page = int(page) if page is not None and str(page) != "" else None
        except (TypeError, ValueError):
            page = None
        try:
            seq = int(r.get("seq") or 0)
        except (TypeError, ValueError):
            seq = 0
        out.setdefault(r.get("doc_id") or "", []).append(
            Para(r.get("doc_id") or "", seq, page, r.get("section") or "", raw, norm(raw),
                 ref=r.get("source_ref") if isinstance(r.get("source_ref"), str) else None))
    for doc_id, rows in out.items():
        rows.sort(key=lambda p: p.seq)
        out[doc_id] = _join_broken(rows)
    return out


def _join_broken(rows: list[Para]) -> list[Para]:
    """A sentence cut by a page break (“…与上年相比增加（减少）” | “0万元，增长（减少）0%。”) made whole again."""
    out: list[Para] = []
    for p in rows:
        last = out[-1] if out else None
        if (last is not None and last.is_sentence and not re.search(r"[。!?;:]$", last.text) and p.text
                and not _HEADING_NO.match(p.text) and not p.is_heading_like_title
                and (last.page is None or p.page is None or 0 <= p.page - (last.page_at(len(last.text)) or 0) <= 1)):
            last.pages.append((len(last.text), p.page))
            last.refs.append((len(last.text), p.ref))
            last.raw += p.raw
            last.text += p.text
            continue
        out.append(p)
    return out


def sentence_at(text: str, pos: int) -> str:
    """The sentence of a normalised paragraph that holds position `pos`."""
    start = max(text.rfind(c, 0, pos) for c in "。!?") + 1
    ends = [i for i in (text.find(c, pos) for c in "。!?") if i >= 0]
    return text[start:min(ends) + 1 if ends else len(text)]


_YEAR_IN_HEADING = re.compile(r"(?<![\d.])(20\d{2})年")


def doc_kind(paras: list[Para]) -> str | None:
    """'决算' or '预算' by the headings (a 决算 mentions 预算 in its sentences, rarely in its headings)."""
    c: Counter[str] = Counter()
    for p in paras:
        if p.is_heading:
            t = p.text.replace("预决算", "")
            c["决算"] += "决算" in t
            c["预算"] += "预算" in t
    if c["决算"] >= 2 and c["决算"] > c["预算"]:
        return "决算"
    if c["预算"] >= 2 and c["预算"] > c["决算"]:
        return "预算"
    return None


def heading_years(paras: list[Para]) -> Counter[int]:
    """Years written in the headings and titles, one count per distinct heading text."""
    seen: set[str] = set()
    c: Counter[int] = Counter()
    for p in paras:
        if not p.is_heading or p.text in seen:
            continue
        seen.add(p.text)
        for m in _YEAR_IN_HEADING.finditer(p.text):
            if not is_range(p.text, m.start(1), m.end(1)):
                c[int(m.group(1))] += 1
    return c


def is_range(text: str, start: int, end: int) -> bool:
    """2018-2020年, 2018至2020年, 2018年-2020年: a span of years, no single year."""
    before, after = text[max(0, start - 6):start], text[end:end + 7]
    return bool(re.search(r"\d{4}年?度?[-—–~～至到]$", before) or re.match(r"年?度?[-—–~～至到]\d{4}", after))


def fiscal_year(paras: list[Para]) -> int | None:
    """The year most headings name (the title, the part headings, the table titles): the fiscal year."""
    c = heading_years(paras)
    if not c:
        return None
    (year, n), *rest = c.most_common()
    if n < 2 or (rest and rest[0][1] * 2 >= n):
        return None
    return year
