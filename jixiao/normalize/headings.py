"""Indicator headings as written -> the contract's level1/level2/category codes.

Headings come with spaces and line breaks inside words (`产 出`, `资金\\n投入`), weights in
brackets (`产出指标(40)`, `投  入\\n（15分）`) and the odd typo. We squash, take the weight
out, look the rest up in a synonym table (also without a trailing 指标/目标 or a leading
部门/项目), and only then try rapidfuzz with a high threshold. Anything below it is `other`:
a free-text level-2 cell such as `省管干部考核奖金发放率` must not be guessed into a code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from jixiao.text import squash

__all__ = ["HeadingMatch", "map_level1", "map_level2", "category_for", "LEVEL1_CODES", "LEVEL2_CODES"]

# Fuzzy matches below this fuzz.ratio are not trusted (`时效指标` vs `实效指标` is 75).
FUZZY_THRESHOLD = 80.0


@dataclass
class HeadingMatch:
    """`code` from the vocabulary, `weight` from the heading's brackets, `score` 0-100 (100 = exact)."""

    code: str
    weight: float | None
    clean: str
    score: float


_LEVEL1: dict[str, tuple[str, ...]] = {
    "output": ("产出指标", "产出", "部门产出", "产出目标", "项目产出", "项目完成指标", "项目完成"),
    "outcome": ("效益指标", "效果指标", "效益", "效果", "部门效果", "部门效益", "效益目标", "效果目标",
                "履职效益", "项目效益", "项目效果"),
    "satisfaction": ("满意度指标", "满意度", "服务对象满意度", "服务对象满意度指标", "满意度目标",
                     "社会公众或服务对象满意度", "社会公众满意度"),
    "cost": ("成本指标", "成本", "成本目标"),
    "budget_execution": ("预算执行率", "预算执行率指标", "资金执行", "资金执行率", "资金执行率指标",
                         "预算执行", "预算执行情况"),
    "input": ("投入", "投入指标"),
    "process": ("过程", "过程指标"),
    "management": ("部门管理", "管理"),
}

_LEVEL2: dict[str, tuple[str, ...]] = {
    "quantity": ("数量指标", "数量", "产出数量", "数量目标"),
    "quality": ("质量指标", "质量", "产出质量", "质量目标"),
    "timeliness": ("时效指标", "时效", "产出时效", "产出进度指标", "产出进度", "进度指标", "时效目标"),
    "cost": ("成本指标", "成本", "产出成本", "经济成本指标", "经济成本", "社会成本指标", "社会成本",
             "生态环境成本指标", "生态环境成本", "成本目标"),
    "economic_benefit": ("经济效益指标", "经济效益", "经济效益目标"),
    "social_benefit": ("社会效益指标", "社会效益", "社会效益目标"),
    "ecological_benefit": ("生态效益指标", "生态效益", "环境效益", "环境效益指标", "生态环境效益",
                           "生态环境效益指标", "生态效益目标"),
    "sustainability": ("可持续影响指标", "可持续影响", "可持续发展指标", "可持续影响目标"),
    "satisfaction": ("服务对象满意度指标", "满意度指标", "满意度", "服务对象满意度", "社会公众满意度",
                     "社会公众或服务对象满意度", "满意度目标"),
    "budget_execution": ("预算执行率", "预算执行", "预算执行率指标", "资金执行率"),
    "funds": ("资金投入", "预算配置"),
    "finance": ("财务管理", "预算管理"),
    "procurement": ("采购管理",),
    "assets": ("资产管理",),
    "personnel": ("人员管理",),
    "information": ("信息管理",),
    "performance_management": ("绩效管理",),
    "duty": ("职责履行",),
}

LEVEL1_CODES: tuple[str, ...] = (*_LEVEL1, "other")
LEVEL2_CODES: tuple[str, ...] = (*_LEVEL2, "other")


def _index(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {word: code for code, words in table.items() for word in words}


_LEVEL1_INDEX = _index(_LEVEL1)
_LEVEL2_INDEX = _index(_LEVEL2)

_WEIGHT = re.compile(r"[(\[](?:权重|分值|满分)?(\d+(?:\.\d+)?)[.,]?(?:分|%)?[)\]]$|(?<=[^\d\s])(\d+(?:\.\d+)?)分$")
_ENUMERATOR = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\d+[、.](?!\d)|\(\s*[一二三四五六七八九十\d]+\s*\))")
_QUOTES = re.compile(r"[\"'“”‘’「」《》*:：]")


def _split_weight(raw: str | None) -> tuple[str, float | None]:
    """squash + strip enumerators, quotes and the bracketed weight: `投 入\\n（15分）` -> ('投入', 15.0)."""
    text = _QUOTES.sub("", squash(raw))
    text = _ENUMERATOR.sub("", text)
    weight = None
    m = _WEIGHT.search(text)
    if m:
        weight = float(m.group(1) or m.group(2))
        text = text[: m.start()]
    return text, weight


def _variants(text: str) -> list[str]:
    """The text, then without a trailing 指标/目标 and a leading 部门/项目."""
    out = [text]
    for suffix in ("指标", "目标"):
        if text.endswith(suffix) and len(text) > len(suffix):
            out.append(text[: -len(suffix)])
    for prefix in ("部门", "项目", "其中"):
        for t in list(out):
            if t.startswith(prefix) and len(t) > len(prefix):
                out.append(t[len(prefix):])
    return out


@lru_cache(maxsize=4096)
def _match(text: str, level: int) -> tuple[str, float]:
    index = _LEVEL1_INDEX if level == 1 else _LEVEL2_INDEX
    if not text:
        return "other", 0.0
    for variant in _variants(text):
        if variant in index:
            return index[variant], 100.0
    # fuzzy: only whole-string similarity, never partial matches inside free text
    best = process.extractOne(text, list(index), scorer=fuzz.ratio)
    if best is None:
        return "other", 0.0
    word, score, _ = best
    if score >= FUZZY_THRESHOLD and len(text) >= 3:
        return index[word], float(score)
    return "other", float(score)


def map_level1(raw: str | None) -> HeadingMatch:
    """First-level heading -> code of SCHEMA.md's level1 vocabulary (unknown -> `other`)."""
    text, weight = _split_weight(raw)
    code, score = _match(text, 1)
    return HeadingMatch(code, weight, text, score)


def map_level2(raw: str | None) -> HeadingMatch:
    """Second-level heading -> code of SCHEMA.md's level2 vocabulary (unknown -> `other`)."""
    text, weight = _split_weight(raw)
    code, score = _match(text, 2)
    return HeadingMatch(code, weight, text, score)


_LEVEL1_CATEGORY = {"satisfaction": "satisfaction", "budget_execution": "budget_execution", "cost": "cost"}
_BUDGET_EXECUTION_WORDS = ("预算执行率", "资金执行率", "预算执行进度")


def _as_code(value: str | None, level: int) -> tuple[str, str]:
    """Accept a code or a raw heading; return (code, squashed text)."""
    codes = LEVEL1_CODES if level == 1 else LEVEL2_CODES
    if value in codes:
        return value, ""
    match = map_level1(value) if level == 1 else map_level2(value)
    return match.code, match.clean


def category_for(level1: str | None, level2: str | None, level3: str | None) -> str:
    """The finest canonical category (a level2 code) that applies wherever it sits.

    level1/level2 may be codes or raw headings. Order: the indicator name itself when it
    names a category (`经济效益`, `受益群体满意度`, `预算执行率`), then the level2 code, then a
    满意 in a free-text level2, then a first level that is itself a category (满意度指标,
    预算执行率指标, 成本指标). Otherwise `other`.
    """
    name, _ = _split_weight(level3)
    if name:
        exact, score = _match(name, 2)
        if score == 100.0:
            return exact
        if "满意" in name:
            return "satisfaction"
        if any(w in name for w in _BUDGET_EXECUTION_WORDS):
            return "budget_execution"
    code2, text2 = _as_code(level2, 2)
    if code2 != "other":
        return code2
    if "满意" in text2:
        return "satisfaction"
    code1, _ = _as_code(level1, 1)
    return _LEVEL1_CATEGORY.get(code1, "other")
