"""The fiscal year a document evaluates or budgets, from its text.

A document mentions many years: the evaluated one, the notice that ordered the
evaluation (`关于开展2021年度财政支出绩效自评工作的通知` evaluates 2020), last year for
comparison, the signature date. Heuristic, by score:
- each mention of a year counts 1;
- +4 when the year is tied to the subject: `(2019 年度)`, `2019年度部门…`, `2020年部门预算`,
  `2022 年度整体支出绩效自评报告`, `2020年本单位整体支出`, `评价时段 2019年1月1日至…`;
- +2 for mentions in the first 1,500 characters (title and first paragraphs);
- 0 for mentions inside a cited document title `《…》` or a `关于开展…通知`, and for full
  dates `2023年4月19日` (signature) unless they open an evaluation period (`…至…`).
The year with the highest score wins; ties go to the earlier first mention.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fiscal_year_from"]

_CN_YEAR_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
_SUBJECT = re.compile(
    r"^\s*(?:度)?\s*(?:\)|）)?\s*(?:本?(?:部门|单位|整体|项目|预算|决算|财政|绩效|支出|专项|省级|市级|县级|区级|度))"
)
_PERIOD = re.compile(r"^\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*(?:至|到|-|—|~)")
_FULL_DATE = re.compile(r"^\s*\d{1,2}\s*月\s*\d{1,2}\s*日")
_HEAD = 1500
_MIN_YEAR, _MAX_YEAR = 1990, 2099


def _spans(text: str, pattern: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(pattern, text)]


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def fiscal_year_from(text: str | None) -> int | None:
    """The evaluated/budgeted year of a document, or None when it states none."""
    if not text:
        return None
    t = unicodedata.normalize("NFKC", text)
    t = re.sub(r"[〇零一二三四五六七八九]{4}(?=\s*年)", lambda m: m.group(0).translate(_CN_YEAR_DIGITS), t)
    t = t.replace("**", "")
    quoted = _spans(t, r"《[^《》]{0,200}》") + _spans(t, r"关于开展[^。；\n]{0,80}?通知")
    scores: dict[int, float] = {}
    first: dict[int, int] = {}
    for m in _YEAR.finditer(t):
        year = int(m.group(1))
        if not _MIN_YEAR <= year <= _MAX_YEAR:
            continue
        first.setdefault(year, m.start())
        if _inside(m.start(), quoted):
            scores.setdefault(year, 0.0)
            continue
        after = t[m.end():m.end() + 20]
        if _FULL_DATE.match(after) and not _PERIOD.match(after):
            scores.setdefault(year, 0.0)
            continue
        score = 1.0
        before = t[max(0, m.start() - 8):m.start()]
        if _SUBJECT.match(after) or _PERIOD.match(after) or re.search(r"[(（]\s*$", before):
            score += 4
        if m.start() < _HEAD:
            score += 2
        scores[year] = scores.get(year, 0.0) + score
    if not scores or max(scores.values()) <= 0:
        return None
    return max(scores, key=lambda y: (scores[y], -first[y]))
