"""Arithmetic across the columns of one table row: 其中 columns, column groups, budget vs executed.

Rows of `amounts` carry measure_parent (the column a column is part of) and relation
('sum': the parts must add up, 'part': a partial listing that must not exceed its whole).
"""

from __future__ import annotations

from collections.abc import Iterator

from jixiao.validate.base import Context, Finding, rule
from jixiao.validate.findings import amount_finding, sum_finding
from jixiao.validate.money import additive, checked, gate, signed, understood
from jixiao.validate.records import figure, fmt, forms_by_id, num, txt
from jixiao.validate.refs import ref_of

BUDGET = ("budget_adjusted", "budget")
EXECUTED = ("executed", "final")


def _rows(ctx: Context) -> dict[tuple, list[dict]]:
    """One entry per table row (document, form, table, side, row number), understood tables only."""
    out: dict[tuple, list[dict]] = {}
    for r in ctx.records("amounts"):
        if num(r.get("value")) is None or not understood(r) or not additive(r):
            continue
        key = (r.get("doc_id"), r.get("form_id"), r.get("table_no"), r.get("side"), r.get("row_no"))
        out.setdefault(key, []).append(r)
    return out


def _groups(cells: list[dict]) -> Iterator[tuple[dict, list[dict], str]]:
    """(whole cell, its part cells, relation) within one row."""
    by_raw = {txt(c.get("measure_raw")): c for c in cells if txt(c.get("measure_raw"))}
    kids: dict[str, list[dict]] = {}
    for c in cells:
        p = txt(c.get("measure_parent"))
        if p and p in by_raw:
            kids.setdefault(p, []).append(c)
    for parent, parts in kids.items():
        rel = "sum" if any(txt(p.get("relation")) == "sum" for p in parts) else "part"
        yield by_raw[parent], parts, rel


@rule("SUM_MISMATCH")
def column_sums(ctx: Context) -> Iterator[Finding]:
    """A column group (基本支出 = 人员支出 + 公用支出) must add up in every row."""
    forms = forms_by_id(ctx)
    found: list[tuple[dict, Finding]] = []
    checks: dict[tuple, set] = {}
    for cells in _rows(ctx).values():
        for whole, parts, rel in _groups(cells):
            if rel != "sum" or len(parts) < 2:
                continue
            checked(checks, whole)
            names = "、".join(txt(p.get("measure_raw")) for p in parts)
            finding = sum_finding(ctx, forms.get(whole.get("form_id")), whole, parts,
                                  txt(whole.get("measure_raw")), f"{names} 之和")
            if finding is not None:
                found.append((whole, finding))
    yield from gate(ctx, found, checks, "列合计与分列之和")


@rule("PART_EXCEEDS_WHOLE")
def column_parts(ctx: Context) -> Iterator[Finding]:
    """An 其中 column (其中：财政拨款) larger than the column it is part of."""
    forms = forms_by_id(ctx)
    for cells in _rows(ctx).values():
        for whole, parts, _ in _groups(cells):
            total = num(whole.get("value"))
            if total is None or total < 0 or signed(whole):
                continue
            for p in parts:
                v = num(p.get("value"))
                if v is None or v < 0 or signed(p):
                    continue
                # each figure may be off by half a unit of its last digit; the part is beyond its whole only
                # when the gap exceeds the larger of the two half-units (11.7 vs 11.6: yes; 11.64 vs 11.6: no)
                gap = max(ctx.slack.of(figure(p)), ctx.slack.of(figure(whole)))
                if v is not None and total is not None and v > total + gap:
                    yield amount_finding(forms.get(p.get("form_id")), p, "PART_EXCEEDS_WHOLE", "error",
                                          f"“{txt(p.get('item'))}”的{txt(p.get('measure_raw'))} {fmt(v)} 大于"
                                          f"{txt(whole.get('measure_raw'))} {fmt(total)}", total, v,
                                          related=[ref_of(whole)])


@rule("EXECUTION_OVER_BUDGET")
def row_over_budget(ctx: Context) -> Iterator[Finding]:
    """In a table row with both a budget and an executed figure, executed above budget."""
    forms = forms_by_id(ctx)
    for cells in _rows(ctx).values():
        top = [c for c in cells if not txt(c.get("measure_parent"))]
        budget = next((c for m in BUDGET for c in top if c.get("measure") == m), None)
        done = next((c for m in EXECUTED for c in top if c.get("measure") == m), None)
        if budget is None or done is None:
            continue
        b, e = num(budget.get("value")), num(done.get("value"))
        if b is not None and e is not None and b > 0 and e > b + ctx.slack.of(b, e):
            yield amount_finding(forms.get(done.get("form_id")), done, "EXECUTION_OVER_BUDGET", "warning",
                                  f"“{txt(done.get('item'))}”执行数 {fmt(e)} 超过预算数 {fmt(b)}", b, e,
                                  related=[ref_of(budget)])
