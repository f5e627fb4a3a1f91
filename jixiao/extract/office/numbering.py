"""Word list numbering rendered as text: the 一、 （一） 1. （1） that Word draws but never stores.

An auto-numbered heading holds only "基本情况" in its runs; the label comes from
numbering.xml (abstract list levels: format, label text like "%1、", start value) and
a counter per list. Word's "save as text" writes the label, so the .txt seeds have it:
rendering it here keeps .docx text equal to the text a reader sees, and lets headings
be recognised by their numbering.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
CN_DIGITS = "零一二三四五六七八九"
TIANGAN = "甲乙丙丁戊己庚辛壬癸"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def _q(tag: str) -> str:
    return f"{{{W}}}{tag}"


_PPR, _NUMPR, _PSTYLE, _NUMID, _ILVL, _VAL = (_q(t) for t in ("pPr", "numPr", "pStyle", "numId", "ilvl", "val"))


def _val(el: etree._Element | None) -> str | None:
    return None if el is None else el.get(_VAL)


def chinese_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 99 -> 九十九 (list labels stay small)."""
    if not 0 < n < 100:
        return str(n)
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def _roman(n: int) -> str:
    out = ""
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                       (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + sym, n - value
    return out


def _letters(n: int) -> str:
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_counter(n: int, fmt: str) -> str:
    """A counter in one of Word's w:numFmt formats."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "ideographLegalTraditional",
               "taiwaneseCounting", "taiwaneseCountingThousand", "japaneseCounting"):
        return chinese_number(n)
    if fmt in ("ideographDigital", "taiwaneseDigital"):
        return "".join(CN_DIGITS[int(d)] for d in str(n))
    if fmt in ("ideographTraditional",):
        return TIANGAN[(n - 1) % 10]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return CIRCLED[n - 1]
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(d) + 0xFEE0) for d in str(n))
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperLetter":
        return _letters(n)
    if fmt == "lowerLetter":
        return _letters(n).lower()
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


@dataclass
class Level:
    fmt: str = "decimal"
    text: str = ""
    start: int = 1
    suffix: str = "tab"


@dataclass
class Numbering:
    """List definitions of one document and the running counters of its lists."""

    abstract: dict[str, dict[int, Level]] = field(default_factory=dict)
    nums: dict[str, str] = field(default_factory=dict)  # numId -> abstractNumId
    starts: dict[tuple[str, int], int] = field(default_factory=dict)  # (numId, ilvl) -> startOverride
    style_num: dict[str, tuple[str, int]] = field(default_factory=dict)  # styleId -> (numId, ilvl)
    counters: dict[str, list[int | None]] = field(default_factory=dict)

    @classmethod
    def read(cls, numbering: etree._Element | None, styles: etree._Element | None) -> Numbering:
        out = cls()
        if numbering is not None:
            for an in numbering.iter(_q("abstractNum")):
                levels = {}
                for lvl in an.iter(_q("lvl")):
                    ilvl = int(lvl.get(_q("ilvl"), "0"))
                    levels[ilvl] = Level(
                        fmt=_val(lvl.find("w:numFmt", NS)) or "decimal",
                        text=_val(lvl.find("w:lvlText", NS)) or "",
                        start=int(_val(lvl.find("w:start", NS)) or 1),
                        suffix=_val(lvl.find("w:suff", NS)) or "tab")
                out.abstract[an.get(_q("abstractNumId"), "")] = levels
            for num in numbering.iter(_q("num")):
                num_id = num.get(_q("numId"), "")
                out.nums[num_id] = _val(num.find("w:abstractNumId", NS)) or ""
                for ov in num.iter(_q("lvlOverride")):
                    start = _val(ov.find("w:startOverride", NS))
                    if start is not None:
                        out.starts[(num_id, int(ov.get(_q("ilvl"), "0")))] = int(start)
        if styles is not None:
            for st in styles.iter(_q("style")):
                num_pr = st.find("w:pPr/w:numPr", NS)
                if num_pr is not None and _val(num_pr.find("w:numId", NS)):
                    ilvl = int(_val(num_pr.find("w:ilvl", NS)) or 0)
                    out.style_num[st.get(_q("styleId"), "")] = (_val(num_pr.find("w:numId", NS)), ilvl)
        return out

    def label(self, p: etree._Element) -> str:
        """The list label of a paragraph with its separator ("一、", "1. "), or ""; advances the counter."""
        if not self.nums:
            return ""
        ppr = p[0] if len(p) and p[0].tag == _PPR else None  # w:pPr is always the first child
        if ppr is None:
            return ""  # neither a numPr nor a style that could carry one
        num_pr = ppr.find(_NUMPR)
        style = _val(ppr.find(_PSTYLE)) or ""
        num_id, ilvl = self.style_num.get(style, (None, 0))
        if num_pr is not None:
            num_id = _val(num_pr.find(_NUMID)) or num_id
            ilvl = int(_val(num_pr.find(_ILVL)) or ilvl)
        if not num_id or num_id == "0" or num_id not in self.nums:
            return ""
        levels = self.abstract.get(self.nums[num_id], {})
        level = levels.get(ilvl)
        if level is None or level.fmt in ("bullet", "none"):
            return ""
        counts = self.counters.setdefault(num_id, [None] * 9)
        for deeper in range(ilvl + 1, 9):
            counts[deeper] = None
        for upper in range(ilvl):  # a level never used so far counts from its start
            if counts[upper] is None:
                counts[upper] = self._start(num_id, levels, upper)
        counts[ilvl] = self._start(num_id, levels, ilvl) if counts[ilvl] is None else counts[ilvl] + 1
        text = level.text
        for k in range(9):
            if f"%{k + 1}" in text:
                text = text.replace(f"%{k + 1}", format_counter(counts[k] or 1, levels.get(k, Level()).fmt))
        return text + ("" if level.suffix == "nothing" else " ")

    def _start(self, num_id: str, levels: dict[int, Level], ilvl: int) -> int:
        return self.starts.get((num_id, ilvl), levels.get(ilvl, Level()).start)
