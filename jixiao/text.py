"""Text cleaning shared by extractors and normalizers.

Published text carries full-width digits and punctuation, spaces inside words
(`产 出`, `时　效`), LaTeX-ish math from PDF-to-text tools (`$\\geq 90\\%$`) and
markdown bold (`**2022**`). These helpers undo that without changing meaning.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import TypeVar

K = TypeVar("K")

_LATEX = [
    (re.compile(r"\\geq(?:slant)?|\\ge\b"), "≥"), (re.compile(r"\\leq(?:slant)?|\\le\b"), "≤"),
    (re.compile(r"\\%"), "%"), (re.compile(r"\\times"), "×"), (re.compile(r"\\sim"), "~"),
    (re.compile(r"\\neq"), "≠"), (re.compile(r"\\gt\b"), ">"), (re.compile(r"\\lt\b"), "<"),
]
_MATH = re.compile(r"\$([^$]{0,80})\$")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")
# PDF-to-text writes "教育, 形成"; Word and other PDF tools write "教育,形成": one spelling for both
_CJK_COMMA = re.compile(r"(?<=[\u4e00-\u9fff”）])([,;:]) +(?=[\u4e00-\u9fff“（])")
_SPACES = re.compile(r"[ \t\u3000\u00a0]+")


def unmath(text: str) -> str:
    """`$\\geq 90\\%$` -> `≥90%`; `**bold**` -> `bold`; `[bookmark: x]` removed."""
    if "$" in text:
        def repl(m: re.Match[str]) -> str:
            inner = m.group(1)
            for pat, rep in _LATEX:
                inner = pat.sub(rep, inner)
            return inner.replace("{", "").replace("}", "").replace(" ", "")
        text = _MATH.sub(repl, text)
    if "**" in text:
        text = _BOLD.sub(r"\1", text)
    if "[bookmark:" in text:
        text = _BOOKMARK.sub("", text)
    return text


@lru_cache(maxsize=1 << 16)
def clean(text: str | None) -> str:
    """Trim, undo math/bold markup, fold runs of spaces; keeps line breaks."""
    if not text:
        return ""
    text = unmath(text)
    lines = [_CJK_COMMA.sub(r"\1", _SPACES.sub(" ", ln)).strip() for ln in text.replace("\r", "").split("\n")]
    return "\n".join(ln for ln in lines if ln).strip()


@lru_cache(maxsize=1 << 16)
def one_line(text: str | None) -> str:
    """clean() and join wrapped lines: nothing between CJK, a space after ASCII words and , ; :

    A cell wrapped at "教育, 形成" loses the space at the break; it is put back so the PDF
    and the Word versions of a form give the same text.
    """
    t = clean(text)
    if not t:
        return ""
    t = re.sub(r"(?<=[A-Za-z0-9,;:])\n+(?=[^\s])", " ", t)
    return re.sub(r"\n+", "", t)


@lru_cache(maxsize=1 << 16)
def squash(text: str | None) -> str:
    """NFKC (full-width -> half-width) and every kind of white space removed: for matching."""
    if not text:
        return ""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", unmath(text)))


def first_match(patterns: Iterable[tuple[K, re.Pattern[str]]], text: str, anchored: bool = False) -> K | None:
    """The key of the first pattern found in ``text`` (``anchored``: matching at its start).

    Vocabulary lists are ordered most specific first, so the first hit is the answer."""
    for key, pat in patterns:
        if (pat.match(text) if anchored else pat.search(text)):
            return key
    return None
