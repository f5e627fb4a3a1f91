"""Blank form figures that the other figures of the form would have given."""

from __future__ import annotations

from collections.abc import Iterator

from jixiao.validate.base import Context, Finding, rule
from jixiao.validate.rules.scores import _finding
from jixiao.validate.util import fmt, forms_by_id, num


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
        yield _finding(form, None, "MISSING_VALUE", "info",
                       f"执行率（预算执行进度）未填；按执行数 {fmt(done)} ÷ 预算数 {fmt(budget)} 应为 {fmt(round(rate, 2))}% "
                       f"(the execution rate is blank)", rate, None, "执行率")
