"""Is a page's text layer readable? Fonts without a usable ToUnicode map.

pdfminer prints such glyphs as ``(cid:123)``; pdfium flags them per character
(FPDFText_HasUnicodeMapError) and then guesses from the font's own cmap, which is
often right for TrueType subsets and nonsense for Type 3 / symbolic fonts. A guess is
accepted when it reads as Chinese text (common GB2312 characters, digits, punctuation);
otherwise the page goes to OCR.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter

from jixiao.extract.pdf.page import Char

BAD_SHARE = 0.05  # this share of private-use / replacement glyphs makes a page unreadable
PLAUSIBLE = 0.85  # a guessed mapping must read as this share of ordinary characters


def _ordinary(ch: str) -> bool:
    """A character ordinary Chinese official text is made of."""
    o = ord(ch)
    if o < 0x80:
        return ch.isprintable()
    if 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF or 0x2000 <= o <= 0x206F:
        return True
    try:
        ch.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


def _broken(ch: str) -> bool:
    o = ord(ch)
    return 0xE000 <= o <= 0xF8FF or o == 0xFFFD or o < 0x20 or 0xF0000 <= o


@dataclass
class TextQuality:
    n_chars: int
    n_broken: int
    n_map_errors: int
    ordinary_share: float

    @property
    def unreadable(self) -> bool:
        """Text that cannot be trusted: broken glyphs, or a failed ToUnicode guess that reads as noise."""
        if not self.n_chars:
            return False
        if self.n_broken / self.n_chars > BAD_SHARE:
            return True
        return self.n_map_errors > 0 and self.ordinary_share < PLAUSIBLE

    @property
    def guessed(self) -> bool:
        """Characters came from pdfium's fallback mapping (no ToUnicode), and read as text."""
        return self.n_map_errors > 0 and not self.unreadable


def assess(chars: Sequence[Char], n_map_errors: int) -> TextQuality:
    """Counts over the page's glyphs, each distinct glyph judged once (a page repeats a few
    hundred characters thousands of times)."""
    n = len(chars)
    broken = ordinary = 0
    for text, count in Counter(map(attrgetter("text"), chars)).items():
        if any(_broken(x) for x in text):
            broken += count
        if all(_ordinary(x) for x in text):
            ordinary += count
    return TextQuality(n, broken, n_map_errors, ordinary / n if n else 1.0)


def bad_text_share(text: str) -> float:
    """Share of characters no readable text is made of (private use, U+FFFD, controls, `(cid:N)`)."""
    import re

    body = re.sub(r"\s", "", text)
    if not body:
        return 0.0
    cids = re.findall(r"\(cid:\d+\)", body)
    body = re.sub(r"\(cid:\d+\)", "", body)
    broken = sum(1 for ch in body if _broken(ch)) + len(cids)
    return broken / (len(body) + len(cids))
