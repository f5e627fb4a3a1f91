"""Numbered headings and table titles, as every format's text shows them.

Shared by the text, Word, Excel, HTML and PDF readers: a heading's level comes from its
numbering (一、 （一） 1. （1）), a table title from how it ends (…表, …评分表（续）).
"""

from __future__ import annotations

import re

from jixiao.text import clean

# A numbered heading: 一、 （一） 1. 1、 （1） — short, no sentence inside.
_HEADING = [
    (1, re.compile(r"^\s*[一二三四五六七八九十]{1,3}\s*[、.．]\s*\S")),
    (1, re.compile(r"^\s*第[一二三四五六七八九十]{1,3}[部章]分?\s*\S")),
    (2, re.compile(r"^\s*[（(][一二三四五六七八九十]{1,3}[)）]\s*\S")),
    (3, re.compile(r"^\s*\d{1,2}\s*[、.．]\s*\D")),
    (4, re.compile(r"^\s*[（(]\d{1,2}[)）]\s*\S")),
]
_TITLE = re.compile(r"(表|情况表|明细表|评分表)\s*([（(]续[)）])?\s*$")


def heading_level(text: str) -> int | None:
    """Numbering level of a short heading line, None for ordinary prose."""
    t = clean(text)
    if not t or len(t) > 40 or "\n" in t:
        return None
    body = t.rstrip("。.")
    for level, pat in _HEADING:
        if pat.match(t):
            # a numbered line with a sentence inside is prose, except short 一、/（一） headings with a comma
            if re.search(r"[。；;]", body) or ("，" in body and (level > 2 or len(t) > 32)):
                return None
            return level
    return None


def is_title(text: str) -> bool:
    """A table or form title line such as `2. …专项资金绩效目标表` or `…评分表（续）`."""
    t = clean(text)
    return bool(t) and len(t) <= 80 and "\n" not in t and bool(_TITLE.search(t)) and "。" not in t
