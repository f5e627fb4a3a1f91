"""Positioned words into lines, cell texts and paragraphs; bad text layer detection.

Shared by the born-digital path (words from pdfplumber or pypdfium2) and the scanned
path (OCR boxes), so both give the same Paragraphs and cell texts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from jixiao.extract.txt import heading_level
from jixiao.model import BBox, Paragraph
from jixiao.normalize.text import clean

_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


@dataclass
class Word:
    """A run of text with its box (top-left origin)."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def height(self) -> float:
        return max(1.0, self.bottom - self.top)


@dataclass
class Line:
    """Words on one visual line, left to right."""

    words: list[Word]

    @property
    def text(self) -> str:
        out = ""
        prev: Word | None = None
        for w in self.words:
            cjk = _CJK.search(prev.text[-1:]) or _CJK.search(w.text[:1]) if prev is not None else True
            if prev is not None and not cjk and w.x0 - prev.x1 > 0.5 * w.height and not out.endswith(" "):
                out += " "
            out += w.text
            prev = w
        return out

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def height(self) -> float:
        return max(1.0, sorted(w.height for w in self.words)[len(self.words) // 2])


def group_lines(words: list[Word]) -> list[Line]:
    """Words whose vertical centres are within half a line height share a line."""
    lines: list[Line] = []
    for w in sorted(words, key=lambda w: (w.cy, w.x0)):
        for line in reversed(lines[-3:]):
            overlap = min(w.bottom, line.bottom) - max(w.top, line.top)
            if overlap >= 0.5 * min(w.height, line.height):
                line.words.append(w)
                break
        else:
            lines.append(Line([w]))
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
    lines.sort(key=lambda ln: (ln.top, ln.x0))
    return lines


def _first_token_width(text: str, size: float) -> float:
    """Estimated width of what a line breaker could not split off the start of ``text``."""
    m = re.match(r"[^\u4e00-\u9fff]+[\u4e00-\u9fff]?|.", text)
    token = m.group(0) if m else ""
    return sum(size if _CJK.match(ch) else 0.55 * size for ch in token) + 0.3 * size


def cell_text(words: list[Word], right_edge: float) -> str:
    """A cell's text: lines wrapped at the cell's right edge are joined, real breaks kept as newline."""
    lines = group_lines(words)
    out = ""
    for i, line in enumerate(lines):
        t = line.text.strip()
        if i == 0:
            out = t
            continue
        prev = lines[i - 1]
        room = right_edge - prev.x1
        wrapped = (room < 2.6 * prev.height or room < _first_token_width(t, prev.height)) and not out.endswith("。")
        if wrapped:
            joiner = "" if (_CJK.search(out[-1:] or "") or _CJK.search(t[:1])) else " "
            if out.endswith("-") or out.endswith(("/", "%")):
                joiner = ""
            out += joiner + t
        else:
            out += "\n" + t
    return clean(out)


_PAGE_NUMBER = re.compile(r"^[-—–\s]*(第\s*)?\d{1,4}(\s*页)?(\s*/\s*\d+)?[-—–\s]*$|^[-—–]\s*\d+\s*[-—–]$")


def is_page_number(line: Line, page_height: float) -> bool:
    """A bare page number in the top or bottom margin."""
    margin = line.top > page_height * 0.88 or line.bottom < page_height * 0.08
    return margin and bool(_PAGE_NUMBER.match(line.text.strip()))


def paragraphs(lines: list[Line], page: int, right_margin: float) -> list[Paragraph]:
    """Lines into paragraphs: a new one after a vertical gap, a heading, or a short line."""
    out: list[Paragraph] = []
    cur: list[Line] = []

    def flush() -> None:
        if not cur:
            return
        text = ""
        for ln in cur:
            t = ln.text.strip()
            joiner = "" if (not text or _CJK.search(text[-1]) or _CJK.search(t[:1])) else " "
            text += joiner + t
        text = clean(text)
        if text:
            bbox = (min(ln.x0 for ln in cur), cur[0].top, max(ln.x1 for ln in cur), cur[-1].bottom)
            out.append(Paragraph(text=text, page=page, bbox=bbox, heading_level=heading_level(text)))
        cur.clear()

    for ln in lines:
        if cur:
            prev = cur[-1]
            gap = ln.top - prev.bottom
            ended = right_margin - prev.x1 > 3 * prev.height  # the previous line stopped short
            indented = ln.x0 - min(c.x0 for c in cur) > 1.2 * ln.height
            if gap > 0.9 * prev.height or ended or indented or heading_level(prev.text) is not None \
                    or heading_level(ln.text) is not None:
                flush()
        cur.append(ln)
    flush()
    return out


def bad_text_share(text: str) -> float:
    """Share of characters that a broken font encoding produces: (cid:N), private use, U+FFFD."""
    body = re.sub(r"\s", "", text)
    if not body:
        return 0.0
    cids = re.findall(r"\(cid:\d+\)", body)
    rest = re.sub(r"\(cid:\d+\)", "", body)
    bad = len(cids) + sum(1 for ch in rest if "\ue000" <= ch <= "\uf8ff" or ch == "\ufffd" or ord(ch) < 32)
    return bad / (len(cids) + len(rest))


def is_bad_text(text: str) -> bool:
    """Too much of the page is undecodable to trust it."""
    return bad_text_share(text) > 0.1


def words_in(words: list[Word], bbox: BBox) -> list[Word]:
    """Words whose centre lies inside the box."""
    x0, top, x1, bottom = bbox
    return [w for w in words if x0 <= w.cx <= x1 and top <= w.cy <= bottom]
