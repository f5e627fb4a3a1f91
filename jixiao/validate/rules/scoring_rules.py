"""SCORE_RULE_MISMATCH: the published score against the form's own written scoring rule."""

from __future__ import annotations

from collections.abc import Iterator

from jixiao.validate.base import Context, Finding, rule
from jixiao.validate.findings import indicator_finding
from jixiao.validate.records import (
    each_indicator,
    effective_weight,
    fmt,
    num,
    txt,
)
from jixiao.validate.rule_text import parse_rule
from jixiao.validate.rules.scores import target_missed


def _actual_pct(row: dict) -> float | None:
    """The actual as a percentage number, when it is one (rules are written in percent)."""
    a = num(row.get("actual_value"))
    if a is None:
        return None
    unit = txt(row.get("actual_unit"))
    if unit == "%" or (unit is None and a == 0):
        return a
    return None


@rule("SCORE_RULE_MISMATCH")
def score_rule(ctx: Context) -> Iterator[Finding]:
    for form, group, r in each_indicator(ctx):
        text, score, w = txt(r.get("rule_text")), num(r.get("score")), effective_weight(r, group)
        if not text or score is None or w is None:
            continue
        eps = ctx.slack.score(None, score) + (0.5 * ctx.slack.factor if float(score).is_integer() else 0)
        parsed = parse_rule(text)
        missed = target_missed(r, ctx.slack)
        if parsed is None:
            if score < w - eps or missed:
                yield indicator_finding(form, r, "SCORE_RULE_MISMATCH", "info",
                               f"评分规则未能解析，得分 {fmt(score)}/{fmt(w)} 未复核 "
                               f"(the written scoring rule is not one of the known patterns)", None, score)
            continue
        expected = parsed.expected(_actual_pct(r), w, missed)
        if expected is None:
            allowed = parsed.allowed(w)
            if not allowed or any(abs(score - a) <= eps for a in allowed):
                continue
            expected = min(allowed, key=lambda a: abs(a - score))
            why = f"按评分规则只能得 {', '.join(fmt(a) for a in sorted(set(allowed), reverse=True)[:6])} 分"
        elif abs(score - expected) <= eps:
            continue
        else:
            why = f"按评分规则（实际值 {txt(r.get('actual_raw'))}）应得 {fmt(round(expected, 3))} 分"
        yield indicator_finding(form, r, "SCORE_RULE_MISMATCH", "warning",
                       f"{why}，表中为 {fmt(score)} 分 (the score contradicts the form's scoring rule)",
                       round(expected, 4), score)
