"""Written scoring rules (评分规则/评分标准) as executable rules, to recompute a published score.

The common patterns of the genre:
- a formula, with or without thresholds: "得分=（实际值-85%）/10%*权重", "得分=完成率*权重",
  "得分=（5%-|实际值|）/5%*权重" (clamped to 0..weight, so the "≥95% 得满分 / ≤85% 得0分" bounds
  follow from the formula);
- a base and a deduction per percentage point: "实际值小于等于0得满分，每增加1%扣权重分的10%，扣完为止",
  "等于100%的，得3分；每减少一个百分点，扣0.2分";
- a fixed deduction per failing item: "一项未达标扣20%权重分，扣完为止", "每出现一例…扣1分" (the
  number of items is unknown, so the score must be weight − k·deduction);
- all or nothing: "实际值达到目标值要求得满分，未达要求得0分";
- tiers: "≥90%，计5分；80%（含）-90%，计4分；…低于60%不得分".
`parse_rule` returns None for anything else: never a guess.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

_NUM = r"(-?\d+(?:\.\d+)?)"


@dataclass
class ScoringRule:
    """One parsed rule. `expected(actual, weight, missed)` -> score, or None when it cannot tell;
    `allowed(weight)` -> the only scores the rule can give (for item deductions and tiers), or None."""

    kind: str
    formula: str | None = None
    base: float | None = None
    direction: int = 1  # +1: deduct above the base, -1: deduct below it
    per_point: float | None = None  # points per percentage point
    per_point_share: float | None = None  # share of the weight per percentage point
    per_item: float | None = None
    per_item_share: float | None = None
    tiers: list[tuple[float, float, float]] = field(default_factory=list)  # (low, high, points)

    def expected(self, actual: float | None, weight: float, missed: bool | None = None) -> float | None:
        if self.kind == "all_or_nothing":
            return None if missed is None else (0.0 if missed else weight)
        if actual is None:
            return None
        if self.kind == "formula":
            return _clamp(_eval(self.formula or "", actual, weight), weight)
        if self.kind == "deduction":
            over = (actual - self.base) * self.direction  # type: ignore[operator]
            if over <= 0:
                return weight
            step = self.per_point if self.per_point is not None else (self.per_point_share or 0) * weight
            return _clamp(weight - over * step, weight)
        if self.kind == "tiers":
            for low, high, points in self.tiers:
                if low <= actual < high or (low == high == actual):
                    return points
            return None
        return None

    def allowed(self, weight: float) -> list[float] | None:
        if self.kind == "per_item":
            step = self.per_item if self.per_item is not None else (self.per_item_share or 0) * weight
            if step <= 0:
                return None
            out, k = [], 0
            while weight - k * step > -1e-9 and k < 1000:
                out.append(round(weight - k * step, 6))
                k += 1
            return out + [0.0]
        if self.kind == "tiers":
            return sorted({p for _, _, p in self.tiers} | {0.0})
        if self.kind == "all_or_nothing":
            return [0.0, weight]
        return None


def _clamp(v: float | None, weight: float) -> float | None:
    if v is None:
        return None
    return max(0.0, min(weight, v))


def _eval(expr: str, actual: float, weight: float) -> float | None:
    """Evaluate a formula where A is the actual as a fraction and W the weight; only arithmetic."""
    if not re.fullmatch(r"[\d.+\-*/() AWabs]+", expr):
        return None
    try:
        return float(eval(expr, {"__builtins__": {}}, {"A": actual / 100, "W": weight, "abs": abs}))  # noqa: S307
    except (ArithmeticError, SyntaxError, TypeError, NameError):
        return None


def _formula(text: str) -> str | None:
    m = re.search(r"得分\s*=\s*([^。；;\n]+)", text)
    if not m:
        return None
    e = m.group(1).strip()
    e = e.replace("×", "*").replace("÷", "/").replace("X", "*").replace("x", "*")
    e = re.sub(r"\|\s*实际值\s*\|", "abs(A)", e)
    e = e.replace("实际值", "A").replace("权重分", "W").replace("权重", "W").replace("满分", "W")
    e = re.sub(r"(\d+(?:\.\d+)?)\s*%", r"(\1/100)", e)
    e = re.sub(r"[\u4e00-\u9fff“”\"'（）]+(?=\s*[*/)])", "A", e)  # a named rate: 完成率*权重
    e = re.sub(r"(?<=[(\-+*/])\s*[\u4e00-\u9fff“”]+", "A", e)
    e = e.replace(" ", "")
    return e if re.fullmatch(r"[\d.+\-*/()AWabs]+", e) and "A" in e else None


_BASE = re.compile(r"(小于等于|小于或等于|≤|<=|不超过|不高于|大于等于|大于或等于|≥|>=|不低于|等于|=|为|达)\s*" + _NUM
                   + r"\s*%?(?:以上|以下)?\s*(?:的)?\s*[，,]?\s*(?:得满分|计满分|得\s*\d|计\s*\d)")
_STEP = re.compile(r"每(增加|超过|高于|提高|减少|降低|低于)[^，,；;。]*?(?:1%|一个百分点|1个百分点)[^，,；;。]*?[，,]?\s*扣\s*"
                   r"(?:权重分的\s*" + _NUM + r"\s*%|" + _NUM + r"\s*分)")
_STEP_BELOW = re.compile(r"每低于\s*" + _NUM + r"\s*%\s*一个百分点扣\s*" + _NUM + r"\s*分")
_ITEM = re.compile(r"(?:一项|每(?:出现)?一(?:项|例|个|次))[^，,；;。]*?扣\s*(?:" + _NUM + r"\s*%\s*权重分|权重分的\s*" + _NUM
                   + r"\s*%|" + _NUM + r"\s*分)")


def _tiers(text: str) -> list[tuple[float, float, float]] | None:
    t = text
    tiers: list[tuple[float, float, float]] = []
    for seg in re.split(r"[；;。\n]", t):
        seg = seg.strip()
        if not seg:
            continue
        pts = re.search(r"(?:计|得)\s*" + _NUM + r"\s*分|(不得分|计0分|得0分)", seg)
        if not pts:
            continue
        points = 0.0 if pts.group(2) else float(pts.group(1))
        head = seg[: pts.start()]
        m = re.search(_NUM + r"\s*%?\s*(?:[（(]含[)）])?\s*[-—~至到]\s*" + _NUM + r"\s*%?", head)
        if m:
            tiers.append((float(m.group(1)), float(m.group(2)), points))
            continue
        m = re.search(r"(≥|>=|大于或等于|大于等于|不低于)\s*" + _NUM + r"|" + _NUM + r"\s*%?\s*[（(]含[)）]\s*以上", head)
        if m:
            low = float(m.group(2) or m.group(3))
            tiers.append((low, float("inf"), points))
            continue
        m = re.search(r"(大于|>|超过|高于)\s*" + _NUM, head)
        if m:
            tiers.append((float(m.group(2)), float("inf"), points))
            continue
        m = re.search(r"(低于|<|小于)\s*" + _NUM, head)
        if m:
            tiers.append((float("-inf"), float(m.group(2)), points))
            continue
        m = re.search(r"(=|等于)\s*" + _NUM, head)
        if m:
            v = float(m.group(2))
            tiers.append((v, v, points))
            continue
        return None
    return tiers if len(tiers) >= 3 else None


def parse_rule(text: str | None) -> ScoringRule | None:
    """The executable form of a written scoring rule, or None when it is not one of the patterns."""
    if not text or not isinstance(text, str):
        return None
    t = unicodedata.normalize("NFKC", text).replace("≦", "≤").replace("≧", "≥")
    f = _formula(t)
    if f:
        return ScoringRule("formula", formula=f)
    step = _STEP.search(t)
    base = _BASE.search(t)
    if step and base:
        direction = 1 if step.group(1) in ("增加", "超过", "高于", "提高") else -1
        share = float(step.group(2)) / 100 if step.group(2) else None
        points = float(step.group(3)) if step.group(3) else None
        return ScoringRule("deduction", base=float(base.group(2)), direction=direction,
                           per_point=points, per_point_share=share)
    below = _STEP_BELOW.search(t)
    if below:
        return ScoringRule("deduction", base=float(below.group(1)), direction=-1, per_point=float(below.group(2)))
    item = _ITEM.search(t)
    if item and "扣完为止" in t:
        share = item.group(1) or item.group(2)
        return ScoringRule("per_item", per_item=float(item.group(3)) if item.group(3) else None,
                           per_item_share=float(share) / 100 if share else None)
    if re.search(r"达到目标值[^，,；;。]*得满分[，,；;]?\s*未达[^，,；;。]*得\s*0\s*分", t):
        return ScoringRule("all_or_nothing")
    tiers = _tiers(t)
    if tiers:
        return ScoringRule("tiers", tiers=tiers)
    return None
