"""Grades (评价等级): canonical names, bands, and the band a score falls in.

DOMAIN.md: 优 >= 90, 良 80-89.99, 中 60-79.99, 差 < 60; 优秀 = 优. In the four-tier wording
优秀/良好/合格/不合格, 合格 is the 60-79.99 tier, so it is 中 and 不合格 is 差.
A document may state its own bands (seed 000's 填表要求); those win.
"""

from __future__ import annotations

import math
import re
import unicodedata

__all__ = ["canonical_grade", "DEFAULT_BANDS", "parse_grade_bands", "grade_for"]

# (grade, lowest score of the band, inclusive), best first.
DEFAULT_BANDS: list[tuple[str, float]] = [("优", 90.0), ("良", 80.0), ("中", 60.0), ("差", 0.0)]

_WORDS: dict[str, str] = {
    "优": "优", "优秀": "优", "优等": "优",
    "良": "良", "良好": "良",
    "中": "中", "中等": "中", "合格": "中", "一般": "中", "及格": "中",
    "差": "差", "较差": "差", "不合格": "差", "不及格": "差",
}
# a single-character grade only when nothing CJK follows it but 等/级 (`为中心` is not a grade)
_TOKEN = "不合格|不及格|优秀|良好|中等|合格|及格|较差|一般|(?:优|良|中|差)(?=$|[^\u4e00-\u9fff]|等|级)"
_STATED = re.compile(rf"(?:(?:等级|等次|评级|级别|结论|结果)(?:为|是)?|评为|定为|评定为)[:：]?[“\"'‘「]?({_TOKEN})")
_STRIP = re.compile(r"[\s“”\"'‘’「」()（）【】\[\]:：。.,，、;；级等次]")


def canonical_grade(raw: object) -> str | None:
    """`优秀` -> 优, `良好` -> 良, `合格`/`中等` -> 中, `不合格`/`差` -> 差; None when unknown.

    Also reads a stated grade inside a sentence (`绩效评价综合等级为优`).
    """
    if not isinstance(raw, str) or not raw:
        return None
    t = unicodedata.normalize("NFKC", raw).strip()
    core = _STRIP.sub("", t).lower()
    if core in _WORDS:
        return _WORDS[core]
    m = _STATED.search(t)
    if m:
        return _WORDS[m.group(1)]
    for word in ("不合格", "不及格", "优秀", "良好", "中等", "较差"):
        if word in core:
            return _WORDS[word]
    return None


_GRADE_IN_SEGMENT = re.compile(
    rf"[“\"‘「](优秀|良好|中等|合格|不合格|较差|优|良|中|差)[”\"’」]|(优秀|良好|中等|合格|不合格|较差|优|良|中|差)(?=等次|等级|级)"
    rf"|(?:为|是|评为|定为|[:：])[“\"]?({_TOKEN})|(不合格|优秀|良好|中等|合格|较差)"
    r"|^\s*(优|良|中|差)\s*(?=[:：=(（≥]|\d)"
)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_BELOW = re.compile(r"以下|以内|低于|不足|小于|<|未达到|不到")


def parse_grade_bands(text: str | None) -> list[tuple[str, float]] | None:
    """A document's own grade bands, e.g. seed 000's
    `“优”等次：90分（含）—100分、“良”等次：80分（含）—90分、…“差”等次：60分以下`
    -> [('优', 90), ('良', 80), ('中', 60), ('差', 0)]. None unless at least three grades
    with strictly decreasing lower bounds are found (so a stray `优` never makes bands).
    """
    if not text:
        return None
    t = unicodedata.normalize("NFKC", text)
    found: dict[str, float] = {}
    for segment in re.split(r"[、,，;；。\n]", t):
        segment = re.sub(r"^\s*[(（]?\d{1,2}[.)）](?!\d)", "", segment)  # list numbers are not scores
        m = _GRADE_IN_SEGMENT.search(segment)
        if not m:
            continue
        grade = _WORDS[next(g for g in m.groups() if g)]
        numbers = [float(x) for x in _NUMBER.findall(segment) if 0 <= float(x) <= 100]
        if not numbers or grade in found:
            continue
        below_only = bool(_BELOW.search(segment)) and len(numbers) == 1
        found[grade] = 0.0 if below_only else min(numbers)
    bands = [(g, found[g]) for g in ("优", "良", "中", "差") if g in found]
    if len(bands) < 3:
        return None
    lows = [b for _, b in bands]
    if any(a <= b for a, b in zip(lows, lows[1:], strict=False)):
        return None
    if "差" not in found and bands[-1][1] > 0:
        bands.append(("差", 0.0))  # below the lowest stated band
    return bands


def grade_for(score: float, bands: list[tuple[str, float]] | None = None) -> str:
    """The grade whose band holds `score` (bands best first, each a lower bound, inclusive).

    Below every band (a negative score) is the last grade. Raises ValueError for NaN/inf.
    """
    if score is None or not math.isfinite(float(score)):
        raise ValueError(f"not a score: {score!r}")
    bands = bands or DEFAULT_BANDS
    for grade, low in sorted(bands, key=lambda b: -b[1]):
        if score >= low:
            return grade
    return sorted(bands, key=lambda b: -b[1])[-1][0]
