"""SCORE_RULE_MISMATCH: the published score against the form's own written scoring rule."""

from __future__ import annotations

from collections.abc import Iterator

from jixiao.validate.base import Context, Finding, rule
from jixiao.validate.findings import indicator_finding
from jixiao.validate.records import (
    each_indicator,
    effective_weight,
    fmt,
    forms_by_id,
    num,
    txt,
)
from jixiao.validate.refs import ref_of
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
        severity = "warning"
        if expected is None:
            allowed = parsed.allowed(w)
            if not allowed or any(abs(score - a) <= eps for a in allowed):
                continue
            if parsed.kind == "per_item" and parsed.per_item is not None and -eps <= score <= w + eps:
                # "每出现一例扣1分": the form cannot tell how many instances there were, and half a
                # point off for a minor one is common practice (a share of the weight per item is exact)
                half = (allowed[0] - allowed[1]) / 2 if len(allowed) > 2 else None
                if half and abs((w - score) / half - round((w - score) / half)) <= 1e-6:
                    continue
                severity = "info"
            expected = min(allowed, key=lambda a: abs(a - score))
            why = f"按评分规则只能得 {', '.join(fmt(a) for a in sorted(set(allowed), reverse=True)[:6])} 分"
        elif abs(score - expected) <= eps:
            continue
        else:
            why = f"按评分规则（实际值 {txt(r.get('actual_raw'))}）应得 {fmt(round(expected, 3))} 分"
        yield indicator_finding(form, r, "SCORE_RULE_MISMATCH", severity,
                       f"{why}，表中为 {fmt(score)} 分 (the score contradicts the form's scoring rule)",
                       round(expected, 4), score,
                       at="score", related=[ref_of(r, "rule_text"), ref_of(r, "actual_raw"), ref_of(r, "weight")])


@rule("SCORE_RULE_MISMATCH")
def execution_block_score(ctx: Context) -> Iterator[Finding]:
    """The national form's 预算执行率 score: 执行率 × 分值, capped at 分值 (DOMAIN.md).

    The rate is the one the amounts give (全年执行数 ÷ 全年预算数) or the stated one: a score that
    follows either is not this rule's accusation (a wrong stated rate is RATE_MISMATCH's)."""
    for form in forms_by_id(ctx).values():
        w, score = num(form.get("execution_weight")), num(form.get("execution_score"))
        if w is None or score is None or w <= 0:
            continue
        budget, done = num(form.get("budget_wan")), num(form.get("executed_wan"))
        rates = [r for r in (num(form.get("execution_rate")),
                             done / budget * 100 if budget and done is not None and budget > 0 else None)
                 if r is not None]
        if not rates:
            continue
        eps = ctx.slack.score(None, score) + (0.5 * ctx.slack.factor if float(score).is_integer() else 0)
        expected = [min(max(r, 0.0) / 100 * w, w) for r in rates]
        if any(abs(score - e) <= eps + 0.005 * w / 100 for e in expected):
            continue
        yield indicator_finding(form, None, "SCORE_RULE_MISMATCH", "warning",
                       f"预算执行率得分应为 执行率 {fmt(round(rates[-1], 2))}% × 分值 {fmt(w)} = {fmt(round(expected[-1], 2))}，"
                       f"表中为 {fmt(score)} (the budget-execution score is not rate × weight)",
                       round(expected[-1], 4), score, "预算执行率")
