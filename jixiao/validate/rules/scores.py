"""Score arithmetic of self-evaluation forms: totals, ranges, weights, grades, full marks, and blank
figures (MISSING_VALUE) that the other figures of the form would have given."""

from __future__ import annotations

import json
from collections.abc import Iterator

from jixiao.normalize.grades import canonical_grade, grade_for
from jixiao.validate.base import Context, Finding, rule
from jixiao.validate.findings import column_refs, indicator_finding
from jixiao.validate.records import (
    doubt_indicators,
    each_form,
    each_group,
    each_indicator,
    effective_weight,
    fmt,
    forms_by_id,
    indicators_by_form,
    level1_groups,
    not_applicable,
    num,
    txt,
    understood,
)
from jixiao.validate.refs import ref_of
from jixiao.validate.slack import Slack

SELF_EVAL = ("project_self_eval", "dept_self_eval")


def execution_block(form: dict | None, rows: list[dict]) -> tuple[float | None, float | None]:
    """(weight, score) of the national form's 预算执行率 block when it counts in the form's totals.

    The block's 分值/得分 sit in the 项目资金 rows, not among the indicators; when 预算执行率 is
    already an indicator row it must not be counted twice."""
    if not form:
        return None, None
    w = num(form.get("execution_weight"))
    if w is None:
        return None, None
    if any("budget_execution" in (r.get("level1"), r.get("level2"), r.get("category"))
           or "预算执行率" in (txt(r.get("level3")) or "") for r in rows):
        return None, None
    return w, num(form.get("execution_score"))


@rule("SCORE_TOTAL_MISMATCH")
def score_total(ctx: Context) -> Iterator[Finding]:
    for form, rows in each_form(ctx):
        total = num(form.get("total_score")) if form else None
        scores = [num(r.get("score")) for r in rows if num(r.get("score")) is not None]
        if total is None or len(scores) < 2:
            continue
        block_w, block_s = execution_block(form, rows)
        if block_w is not None:
            if block_s is None:
                continue  # the block's score is blank: the sum cannot be told
            scores.append(block_s)
        s = sum(scores)
        if abs(s - total) > ctx.slack.score(total, *scores):
            yield indicator_finding(form, None, "SCORE_TOTAL_MISMATCH", "error",
                           f"指标得分合计 {fmt(s)} 与总分 {fmt(total)} 不符 (indicator scores add up to "
                           f"{fmt(s)}, the form states {fmt(total)})", s, total, "总分",
                           at="total_score", related=column_refs(rows, "score"))


@rule("SCORE_OUT_OF_RANGE")
def score_range(ctx: Context) -> Iterator[Finding]:
    for form, rows in each_form(ctx):
        above: list[Finding] = []
        weighed = 0
        for r in rows:
            score = num(r.get("score"))
            if score is None or not_applicable(r):
                continue
            w = num(r.get("weight"))  # a heading's weight is GROUP_SCORE_EXCEEDS_WEIGHT's to compare
            weighed += w is not None
            if score < 0:
                yield indicator_finding(form, r, "SCORE_OUT_OF_RANGE", "error",
                               f"得分 {fmt(score)} 为负数 (negative score)", 0.0, score)
            elif w is not None and score > w + ctx.slack.score(None, score):
                above.append(indicator_finding(form, r, "SCORE_OUT_OF_RANGE", "error",
                                      f"得分 {fmt(score)} 超过权重 {fmt(w)} (score above its weight)", w, score))
        if len(above) >= 3 and len(above) * 2 > weighed:
            # most scores above their weights: the columns were read wrong, not the form
            doubt_indicators(ctx, rows[0], "多数指标得分高于分值，分值/得分列可能识别有误 "
                                           "(most scores exceed their weights: the columns were likely misread)")
        else:
            yield from above
        total = num(form.get("total_score")) if form else None
        if total is not None and (total < 0 or total > 100 + ctx.slack.of(total)):
            yield indicator_finding(form, None, "SCORE_OUT_OF_RANGE", "error",
                           f"总分 {fmt(total)} 不在 0–100 之间 (total outside 0–100)", 100.0, total, "总分",
                           at="total_score", related=[])


def _weight_cells(rows: list[dict]) -> list[str | None]:
    """The weights weight_total added up: a heading's bracketed weight, else its rows' weights."""
    out: list[str | None] = []
    for group in level1_groups(rows):
        if num(group[0].get("level1_weight")) is not None:
            out.append(ref_of(group[0], "level1_raw"))
        else:
            out += [ref_of(r, "weight") for r in group if num(r.get("weight")) is not None]
    return out


def _group_weight_sum(group: list[dict]) -> tuple[float | None, bool]:
    """Sum of row weights of a heading group and whether every scored row carries a weight."""
    ws = [num(r.get("weight")) for r in group]
    present = [w for w in ws if w is not None]
    if not present:
        return None, False
    return sum(present), all(w is not None for w in ws)


@rule("WEIGHT_TOTAL_MISMATCH")
def weight_total(ctx: Context) -> Iterator[Finding]:
    for form, rows in each_form(ctx):
        total = 0.0
        parts: list[float] = []
        complete = True
        for group in level1_groups(rows):
            head = num(group[0].get("level1_weight"))
            s, _ = _group_weight_sum(group)
            if s is not None and head is not None and abs(s - head) > ctx.slack.score(
                    None, *[r.get("weight") for r in group]):
                # a merged weight cell written once for several rows leaves the sum short: only
                # a sum above the heading, or every row weighted, is a real contradiction
                if s > head or all(num(r.get("weight")) is not None for r in group):
                    yield indicator_finding(form, group[0], "WEIGHT_TOTAL_MISMATCH", "warning",
                                   f"“{txt(group[0].get('level1_raw')) or group[0].get('level1')}”下权重合计 "
                                   f"{fmt(s)} 与标题权重 {fmt(head)} 不符", head, s,
                                   txt(group[0].get("level1_raw")), related=column_refs(group, "weight"))
            value = head if head is not None else s
            if value is None:
                complete = False
                continue
            total += value
            parts.append(value)
        block_w, _ = execution_block(form, rows)
        if block_w is not None:
            total += block_w
            parts.append(block_w)
        has_weights = any(num(r.get("weight")) is not None or num(r.get("level1_weight")) is not None
                          for r in rows)
        if not form or form.get("form_type") not in SELF_EVAL or not has_weights or not complete:
            continue
        dropped = sum(num(r.get("weight")) or 0.0 for r in rows if not_applicable(r))
        if abs(total - 100) > ctx.slack.score(None, *parts) and \
                abs(total - dropped - 100) > ctx.slack.score(None, *parts):
            # 不适用 rows drop out and the rest is rescaled: either total may be the one meant
            yield indicator_finding(form, None, "WEIGHT_TOTAL_MISMATCH", "warning",
                           f"权重合计 {fmt(total)}，应为 100 (weights add up to {fmt(total)}, not 100)",
                           100.0, total, "权重", related=_weight_cells(rows))


@rule("GROUP_SCORE_EXCEEDS_WEIGHT")
def group_score(ctx: Context) -> Iterator[Finding]:
    for form, group in each_group(ctx):
        head = num(group[0].get("level1_weight"))
        scores = [num(r.get("score")) for r in group if num(r.get("score")) is not None]
        if head is None or not scores:
            continue
        s = sum(scores)
        if s > head + ctx.slack.score(None, *scores):
            label = txt(group[0].get("level1_raw")) or group[0].get("level1")
            yield indicator_finding(form, group[0], "GROUP_SCORE_EXCEEDS_WEIGHT", "error",
                           f"“{label}”下得分合计 {fmt(s)} 超过其权重 {fmt(head)}", head, s, label,
                           related=column_refs(group, "score"))


def _bands(form: dict) -> list[tuple[str, float]] | None:
    raw = txt(form.get("grade_bands"))
    if not raw:
        return None
    try:
        return [(str(g), float(v)) for g, v in json.loads(raw)]
    except (ValueError, TypeError):
        return None


@rule("GRADE_MISMATCH")
def grade(ctx: Context) -> Iterator[Finding]:
    for form in forms_by_id(ctx).values():
        score = num(form.get("total_score"))
        stated = canonical_grade(form.get("grade")) or canonical_grade(form.get("grade_raw"))
        if score is None or not stated:
            continue
        bands = _bands(form)
        expected = grade_for(score, bands)
        if expected != stated:
            yield indicator_finding(form, None, "GRADE_MISMATCH", "error",
                           f"总分 {fmt(score)} 对应等级“{expected}”，表中为“{stated}”"
                           + ("（按本文件的等级标准）" if bands else ""), None, score, "等级",
                           at="total_score", related=[ref_of(form, "grade")])


@rule("MISSING_VALUE")
def missing(ctx: Context) -> Iterator[Finding]:
    forms = forms_by_id(ctx)
    by_form = dict(indicators_by_form(ctx))
    doubted = {r.get("form_id") for r in ctx.records("indicators") if not understood(r)}
    for fid, form in forms.items():
        rows = by_form.get(fid, [])
        if fid in doubted and not rows:
            continue  # its indicator table was not understood: nothing in it is accused
        if form.get("form_type") in SELF_EVAL and num(form.get("total_score")) is None:
            if any(num(r.get("score")) is not None for r in rows) or form.get("form_type") == "project_self_eval":
                yield indicator_finding(form, None, "MISSING_VALUE", "warning",
                               "总分为空 (the total score is blank)", None, None, "总分")
        if form.get("form_type") == "project_self_eval" and num(form.get("budget_wan")) is None \
                and num(form.get("executed_wan")) is not None:
            yield indicator_finding(form, None, "MISSING_VALUE", "warning",
                           "预算数为空 (the budget is blank while an executed amount is given)", None, None, "预算数")
        if not any(num(r.get("weight")) is not None for r in rows):
            continue
        for group in level1_groups(rows):
            open_weight = 0.0
            for r in group:
                w, score = num(r.get("weight")), num(r.get("score"))
                if w is not None:
                    open_weight = w - (score or 0.0)
                    continue
                if score is None:
                    continue
                if open_weight >= score - ctx.slack.score(None, score):
                    open_weight -= score  # a weight cell merged over several rows
                    continue
                if len(group) == 1 and num(r.get("level1_weight")) is not None:
                    continue
                yield indicator_finding(form, r, "MISSING_VALUE", "warning",
                               f"有得分 {fmt(score)} 但权重为空 (scored without a weight)", None, score)


@rule("MISSING_VALUE")
def blank_execution_rate(ctx: Context) -> Iterator[Finding]:
    """A project form states budget and executed amounts but leaves 执行率 / 预算执行进度 blank.

    Info only: some layouts have no rate column at all; the finding gives the rate the
    amounts imply so a reader can fill it in (seed 002 form 2: 66.61 of 66.61, cell blank).
    """
    for form in forms_by_id(ctx).values():
        if form.get("form_type") != "project_self_eval" or num(form.get("execution_rate")) is not None:
            continue
        budget, done = num(form.get("budget_wan")), num(form.get("executed_wan"))
        if budget is None or done is None or budget <= 0:
            continue
        rate = done / budget * 100
        yield indicator_finding(form, None, "MISSING_VALUE", "info",
                       f"执行率（预算执行进度）未填；按执行数 {fmt(done)} ÷ 预算数 {fmt(budget)} 应为 {fmt(round(rate, 2))}% "
                       f"(the execution rate is blank)", rate, None, "执行率",
                       related=[ref_of(form, "executed_wan"), ref_of(form, "budget_wan")])


_MISSED = {
    ">=": lambda a, t, e: a < t - e,
    ">": lambda a, t, e: a <= t - e if t != 0 else a <= 0,
    "<=": lambda a, t, e: a > t + e,
    "<": lambda a, t, e: a >= t + e if t != 0 else a >= 0,
    "=": lambda a, t, e: abs(a - t) > e,
}


def target_missed(row: dict, allow: Slack | None = None) -> bool | None:
    """True when the actual plainly misses the target, None when we cannot tell."""
    from jixiao.normalize.values import units_compatible

    op, t, a = txt(row.get("target_op")), num(row.get("target_value")), num(row.get("actual_value"))
    if op not in _MISSED or t is None or a is None:
        return None
    tu, au = txt(row.get("target_unit")), txt(row.get("actual_unit"))
    if units_compatible(tu, au) is False:
        return None
    if tu and au and tu != au and units_compatible(tu, au) is not True:
        return None
    if (tu == "%") != (au == "%") and t != 0:
        return None
    return bool(_MISSED[op](a, t, (allow or Slack()).score(None, t, a)))


@rule("TARGET_MISSED_FULL_SCORE")
def missed_full(ctx: Context) -> Iterator[Finding]:
    for form, group, r in each_indicator(ctx):
        score, w = num(r.get("score")), effective_weight(r, group)
        if score is None or w is None or w <= 0 or score < w - ctx.slack.score(None, score):
            continue
        if target_missed(r, ctx.slack):
            yield indicator_finding(form, r, "TARGET_MISSED_FULL_SCORE", "warning",
                           f"实际值 {txt(r.get('actual_raw'))} 未达到目标 {txt(r.get('target_raw'))}，"
                           f"却得满分 {fmt(score)}", None, score,
                           at="score", related=[ref_of(r, "actual_raw"), ref_of(r, "target_raw")])
