"""Characters -> lines -> paragraphs in reading order, and the text of one table cell.

Chinese has no spaces between words, so a space is only written where the gap between
two glyphs is wide, and wrapped lines are joined without one (except between Latin
words or numbers). Paragraph breaks come from what typesetters do: a first-line
indent, a short last line, a larger gap, or a numbered heading (一、 （一） 1.).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter
from statistics import median

from jixiao.extract.outline import heading_level
from jixiao.extract.pdf.page import Char
from jixiao.model import Paragraph

SPACE_GAP = 0.45  # a gap wider than this share of the glyph height is a space
PAGE_NUMBER = re.compile(r"^[-－—─–\s]*(第\s*)?\d{1,4}(\s*页)?[-－—─–\s]*$|^\d{1,4}\s*/\s*\d{1,4}$")
SENTENCE_END = re.compile(r"[。！？；：:!?;」”）)]$")


@dataclass
class Line:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def height(self) -> float:
        return self.bottom - self.top


def group_lines(chars: Sequence[Char]) -> list[list[Char]]:
    """Characters on one baseline, each line left to right, lines top to bottom.

    The baseline (pdfium's glyph origin) is shared by every glyph of a line whatever its
    font, where box centres are not (a fallback font's 、 sits higher or lower).
    Glyphs without an origin (OCR boxes) use their box bottom.
    """
    if not chars:
        return []
    heights = sorted([c.bottom - c.top for c in chars])
    tol = max(heights[len(heights) // 2], 1.0) * 0.3
    bases = [c.bottom if c.base is None else c.base for c in chars]
    lines: list[list[Char]] = []
    last = None
    for i in sorted(range(len(chars)), key=bases.__getitem__):
        b = bases[i]
        if last is not None and b - last <= tol:
            lines[-1].append(chars[i])
        else:
            lines.append([chars[i]])
        last = b
    for line in lines:
        line.sort(key=_X0)
    return lines


_X0 = attrgetter("x0")


def _needs_space(a: str, b: str) -> bool:
    """Wrapped Latin words get their space back; numbers cut by a narrow column do not."""
    return bool(re.match(r"[A-Za-z,;:]", a[-1:]) and re.match(r"[A-Za-z]", b[:1]))


def line_text(chars: Sequence[Char]) -> str:
    """One line's text; wide gaps become a single space."""
    out: list[str] = []
    prev: Char | None = None
    pending = False
    for ch in chars:
        if ch.text == " ":
            pending = prev is not None
            continue
        if prev is not None:
            h = max(prev.bottom - prev.top, ch.bottom - ch.top, 1.0)
            if pending or ch.x0 - prev.x1 > SPACE_GAP * h:
                out.append(" ")
            elif ch.x0 < prev.x0 + 0.2 * (prev.x1 - prev.x0) and ch.text == prev.text:
                continue  # the same glyph drawn twice (fake bold)
        out.append(ch.text)
        prev = ch
        pending = False
    return "".join(out)


def make_lines(chars: Sequence[Char]) -> list[Line]:
    result = []
    for group in group_lines(chars):
        text = line_text(group).strip()
        if text:
            group = [c for c in group if c.text != " "]
            result.append(Line(text, min(c.x0 for c in group), min(c.top for c in group),
                               max(c.x1 for c in group), max(c.bottom for c in group)))
    return result


_WORD = re.compile(r"^[A-Za-z0-9.,%‰≥≤<>=＞＜+\-－~～/()（）:：]+")


def _first_word_width(text: str, em: float) -> float:
    """Room the next line's first unbreakable word needed (a Latin/number run like ≥90% wraps whole)."""
    m = _WORD.match(text)
    if not m:
        return em
    return sum(em if ord(ch) > 0x2000 else 0.55 * em for ch in m.group(0)) + 0.5 * em


def cell_text(chars: Sequence[Char], box: tuple[float, float, float, float] | None = None) -> str:
    """A cell's lines joined: a line wrapped at the cell's edge continues without a break
    (Chinese needs no space), a line that stops short ends a paragraph ("\n", as Word writes
    a cell's paragraphs)."""
    lines = make_lines(chars)
    if not lines:
        return ""
    right = width = None
    if box is not None:
        left = min(ln.x0 for ln in lines)
        right = box[2] - max(0.0, left - box[0])
        width = right - left
    text = lines[0].text
    for prev, line in zip(lines, lines[1:], strict=False):
        em = max(prev.height, 1.0)
        gap = right - prev.x1 if right is not None and width else 0.0
        # line-breaking rules push one or two glyphs down (no line may start with ，。）), so only
        # a clearly short line ends a paragraph
        if width and gap >= 2.2 * em and gap >= 0.25 * width and gap > _first_word_width(line.text, em):
            text += "\n"
        elif _needs_space(text, line.text):
            text += " "
        text += line.text
    return text


def drop_page_furniture(lines: list[Line], page_height: float) -> list[Line]:
    """Page numbers at the top or bottom margin are not content."""
    return [ln for ln in lines if not (PAGE_NUMBER.match(ln.text) and
                                       (ln.top > page_height * 0.85 or ln.bottom < page_height * 0.12))]


@dataclass
class Margins:
    left: float
    right: float
    em: float
    pitch: float


def margins(lines: Sequence[Line], page_width: float | None = None) -> Margins:
    """Text column and line metrics of a page. The right edge is where full lines end; a page
    with too few full lines to show it (a form's caption lines) mirrors the left margin."""
    heights = [ln.height for ln in lines] or [10.0]
    em = median(heights)
    lefts = sorted(ln.x0 for ln in lines)
    rights = sorted(ln.x1 for ln in lines)
    pitches = [b.top - a.top for a, b in zip(lines, lines[1:], strict=False) if 0 < b.top - a.top < 3 * em]
    left = lefts[len(lefts) // 10] if lefts else 0.0
    right = rights[-1 - len(rights) // 10] if rights else 0.0
    full = sum(1 for r in rights if r >= right - em)
    if page_width and full < 3 and page_width - left > right:
        right = page_width - left
    return Margins(left, right, em, median(pitches) if pitches else 1.5 * em)


def paragraphs(lines: Sequence[Line], page: int, m: Margins | None = None) -> list[Paragraph]:
    """Lines of one stretch of prose grouped into paragraphs with heading levels."""
    if not lines:
        return []
    m = m or margins(lines)
    out: list[Paragraph] = []
    cur: list[Line] = []

    def flush() -> None:
        if cur:
            text = ""
            for ln in cur:
                text += (" " if text and _needs_space(text, ln.text) else "") + ln.text
            box = (min(ln.x0 for ln in cur), min(ln.top for ln in cur),
                   max(ln.x1 for ln in cur), max(ln.bottom for ln in cur))
            out.append(Paragraph(text=text, page=page, bbox=box, heading_level=heading_level(text)))
            cur.clear()

    for ln in lines:
        if cur and _starts_paragraph(cur[-1], ln, m):
            flush()
        cur.append(ln)
    flush()
    return out


def _starts_paragraph(prev: Line, ln: Line, m: Margins) -> bool:
    if heading_level(ln.text) is not None:  # a numbered line starts a paragraph; a numbered
        return True  # line running to the margin is not a heading, its paragraph goes on
    if ln.top - prev.top > m.pitch + 0.6 * m.em:  # a blank line or a section gap
        return True
    if ln.x0 > m.left + 1.2 * m.em:  # first-line indent (or a centred title)
        return True
    if prev.x1 < m.right - 2.0 * m.em:  # the previous line stopped short
        return True
    return False


def continues_line(first_line: Line, m: Margins) -> bool:
    """A line that may carry on a paragraph from the previous page: flush left, not numbered."""
    return first_line.x0 <= m.left + 0.8 * m.em and heading_level(first_line.text) is None


def open_ending(prev: Paragraph) -> bool:
    """A paragraph whose last sentence is unfinished (no closing punctuation)."""
    return prev.heading_level is None and not SENTENCE_END.search(prev.text)
