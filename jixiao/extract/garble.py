"""Characters a damaged byte makes in Chinese text, for the formats whose text has no checksum.

The UTF-16 text of an .xls (BIFF string records) or a .doc (the WordDocument stream) carries
no checksum: a flipped byte turns one character into another and every reader shows the new
one. Most such characters still look like text (制 → 勉); some cannot stand in a Chinese
document, and they show that the bytes were damaged:

* a code point that is no character (unassigned, a lone surrogate half) anywhere, or a control
  character between Chinese characters ("，" with its high byte flipped is a form feed);
* a letter of another script alone next to Chinese characters (、 → ヾ, 年 → ꅴ, 2 → Í): Korean,
  Yi or kana come in words of their own, never as one letter inside a Chinese phrase;
* three or more rare ideographs (outside GB 2312, the 6,763 characters official simplified
  Chinese is written in) within a few characters of each other, in a document whose text
  elsewhere has next to none: a flipped byte turns a common character into a random one of
  the 21,000 of the CJK block, two in three of them rare.

A traditional-Chinese or a Korean document is left alone (rare ideographs or Hangul are its
normal text); so is a character a font puts in the private-use area (Word's symbol fonts).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from jixiao.model import Cell, Document, Paragraph, Table

WINDOW = 32  # characters: the span a run of flipped bytes (64 bytes of UTF-16) covers
RARE_RUN = 3  # distinct rare ideographs within WINDOW
RARE_RATE = 0.01  # of the ideographs elsewhere: above it, rare characters are the document's own

# scripts that never stand as one letter next to Chinese text (a flipped byte of a Chinese
# character, punctuation mark or digit lands in them): Yi .. Hangul syllables, kana, Hangul jamo,
# half-width kana and Hangul, accented Latin letters (“2、” → “Í、”). The katakana middle dot and
# prolonged sound mark are used in Chinese; an accented letter inside a Latin word is left alone.
_FOREIGN = ((0xA000, 0xD7FF), (0x3040, 0x30FA), (0x30FD, 0x30FF), (0x31F0, 0x31FF), (0x1100, 0x11FF),
            (0x3130, 0x318F), (0xFF61, 0xFFDC), (0x00C0, 0x00D6), (0x00D8, 0x00F6), (0x00F8, 0x00FF))


_HAN = re.compile("[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")
# what running Chinese text is made of (ASCII, CJK punctuation and ideographs, full-width forms,
# the symbols of tables: dashes and quotes, ≥, ①, ㎡, ﹝﹞): only the characters outside need a closer look
_SUSPECT = re.compile("[^\t\n\r\x20-\x7e\xa0-\xbf\xd7\xf7\u2010-\u2027\u2030-\u205e\u2160-\u2188\u2190-\u23ff"
                      "\u2460-\u27bf\u3000-\u303f\u3200-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ufe30-\ufe6b\uff01-\uff60]")


@dataclass(frozen=True)
class Garbled:
    where: str  # the caller's name for the string: a cell, a paragraph
    reason: str
    near: str  # the damaged characters with a few around them, as the reader shows them


def find_garbled(texts: Iterable[tuple[object, str]], controls: str = "\t\n\r",
                 name: Callable[[object], str] = str) -> list[Garbled]:
    """The strings (where, text) of one document that show damaged bytes, each with why; `name`
    turns a `where` into words (only for the strings found).

    `controls` are the control characters the format uses in running text."""
    items = list(texts)
    whole = "\n".join(t for _, t in items)
    rare = _rare_in(whole)
    if not _suspect(whole, rare, controls):
        return []
    han = len(whole) - len(_HAN.sub("", whole))
    rare_total = len(rare.findall(whole)) if rare is not None else 0

    def alone(span: str, found: int) -> bool:  # next to no rare ideograph elsewhere in the document
        return rare_total - found <= RARE_RATE * (han - len(_HAN.findall(span)))

    out: list[Garbled] = []
    for where, text in items:
        hit = _odd_character(text, controls) or _rare_run(text, rare, alone)
        if hit:
            at, reason = hit
            near = text[max(0, at - 6):at + 7]
            out.append(Garbled(name(where), reason, "".join(c if c.isprintable() else f"<U+{ord(c):04X}>" for c in near)))
    return out


def garbled_document(document: Document, controls: str = "\t\n\r") -> list[Garbled]:
    """find_garbled over a document's paragraphs and cells, named by their references."""
    whole = "\n".join(_texts(document))  # a first look at everything at once: most documents stop here
    return find_garbled(texts_of(document), controls, place) if _suspect(whole, _rare_in(whole), controls) else []


def _suspect(whole: str, rare: re.Pattern[str] | None, controls: str) -> bool:
    return _odd_character(whole, controls) is not None or _rare_run(whole, rare, lambda span, found: True) is not None


def _rare_in(whole: str) -> re.Pattern[str] | None:
    """A pattern for the rare ideographs (outside GB 2312) the text has, None when it has fewer
    than make a run. (Counted over code points with numpy: a workbook can hold a million characters.)"""
    import numpy as np

    counts = np.bincount(np.frombuffer(whole.encode("utf-32-le"), dtype="<u4"))
    present = np.flatnonzero(counts)
    ideographs = present[((present >= 0x3400) & (present <= 0x9FFF)) | ((present >= 0xF900) & (present <= 0xFAFF))
                         | ((present >= 0x20000) & (present <= 0x3FFFF))]
    found = [chr(c) for c in ideographs[~np.isin(ideographs, _common_ideographs())]]
    return re.compile(f"[{''.join(found)}]") if len(found) >= RARE_RUN else None


def describe(found: list[Garbled]) -> str:
    """One clause for a warning: where the first damaged string is, what it reads, why, and how many more."""
    first = found[0]
    more = f" (and {len(found) - 1} more place{'s' if len(found) > 2 else ''})" if len(found) > 1 else ""
    return f"{first.where} reads “{first.near}”: {first.reason}{more}"


def _odd_character(text: str, controls: str) -> tuple[int, str] | None:
    for m in _SUSPECT.finditer(text):
        i, c = m.start(), m.group()
        category = unicodedata.category(c)
        if category in ("Cn", "Cs"):
            return i, f"U+{ord(c):04X} is no character"
        between = 0 < i < len(text) - 1 and _chinese(text[i - 1]) and _chinese(text[i + 1])
        if between and category == "Cc" and c not in controls:
            return i, f"a control character (U+{ord(c):04X}) inside Chinese text"
        sides = [x for x in (text[i - 1:i], text[i + 1:i + 2]) if x.strip()]
        if sides and all(map(_chinese, sides)) and _foreign(c):
            return i, f"{c} ({unicodedata.name(c, f'U+{ord(c):04X}').lower()}) is a letter of another script alone among Chinese characters"
    return None


def _rare_run(text: str, rare: re.Pattern[str] | None, alone: Callable[[str, int], bool]) -> tuple[int, str] | None:
    spots = [m.start() for m in rare.finditer(text)] if rare is not None else []
    for k, start in enumerate(spots):
        inside = [i for i in spots[k:k + WINDOW] if i < start + WINDOW]
        if len({text[i] for i in inside}) >= RARE_RUN and alone(text[start:inside[-1] + 1], len(inside)):
            return start, f"{len(inside)} rare characters close together ({''.join(text[i] for i in inside)})"
    return None


def _han(c: str) -> bool:
    return 0x3400 <= ord(c) <= 0x9FFF or 0xF900 <= ord(c) <= 0xFAFF or 0x20000 <= ord(c) <= 0x3FFFF


def _chinese(c: str) -> bool:
    """An ideograph or Chinese punctuation (CJK symbols, full-width forms)."""
    return _han(c) or 0x3000 <= ord(c) <= 0x303F or 0xFF00 <= ord(c) <= 0xFF60


def _foreign(c: str) -> bool:
    return any(lo <= ord(c) <= hi for lo, hi in _FOREIGN)


@lru_cache(maxsize=1)
def _common_ideographs():
    """The code points of the ideographs of GB 2312 (levels 1 and 2), as a numpy array."""
    import numpy as np

    out: list[int] = []
    for high in range(0xB0, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                out.append(ord(bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return np.array(sorted(out), dtype=np.uint32)


def _texts(document: Document) -> Iterator[str]:
    for block in document.blocks:
        if isinstance(block, Table):
            yield from (c.text for c in block.cells)
        else:
            yield block.text


def texts_of(document: Document) -> list[tuple[Cell | Paragraph, str]]:
    """(cell or paragraph, text) of every paragraph and table cell of a document."""
    out: list[tuple[Cell | Paragraph, str]] = []
    for block in document.blocks:
        if isinstance(block, Table):
            out += [(c, c.text) for c in block.cells]
        else:
            out.append((block, block.text))
    return out


def place(item: object) -> str:
    """Where a cell or paragraph is, in the document's own references."""
    if isinstance(item, Cell):
        return item.source_ref() or f"a table cell (row {item.row + 1})"
    if isinstance(item, Paragraph):
        return item.source_ref() or "a paragraph"
    return str(item)
