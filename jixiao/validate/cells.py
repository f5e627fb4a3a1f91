"""Cells of a publication's tables as the cross-table rules compare them.

A `Cell` is a table and one of its amounts rows. A figure a table prints as two cells (人员经费合计
beside 公用经费合计 in a 决算 基本支出表; 302 + 310) is one `combined` cell: its value the sum, its
place the places of its parts, its rounding slack every part's. `cell_finding` builds the finding
that names both places and both figures, the same way for every cross-table rule.
"""

from __future__ import annotations

from jixiao.validate.base import Context, Finding
from jixiao.validate.publication import Table, bare
from jixiao.validate.records import figure, num, page_of, txt
from jixiao.validate.refs import join_refs, ref_of

Cell = tuple[Table, dict]


def combined(cells: list[dict], label: str | None = None) -> dict:
    """One cell standing for the sum of several of one table (their refs joined, their figures kept
    for the rounding slack)."""
    out = dict(cells[0])
    out["value"] = sum(num(c.get("value")) or 0.0 for c in cells)
    out["value_raw"] = None
    out["item"] = label or "+".join(bare(c.get("item")) for c in cells)
    out["source_ref"] = join_refs(ref_of(c) for c in cells)
    out["parts"] = cells
    return out


def figures(cell: dict) -> list[object]:
    """The published figures a cell's value carries the rounding of (a combined cell: its parts')."""
    parts = cell.get("parts")
    return [figure(p) for p in parts] if parts else [figure(cell)]


def value(cell: dict | None) -> float:
    """The cell's figure in 万元; an absent or empty cell is 0 (BUDGET_RULES: empty cells count as 0)."""
    return (num(cell.get("value")) or 0.0) if cell else 0.0


def close(ctx: Context, a: dict, b: dict) -> bool:
    """Equal within the rounding of every figure involved."""
    return abs(value(a) - value(b)) <= ctx.slack.of(*figures(a), *figures(b))


def differs(ctx: Context, seen: Cell, options: list[Cell]) -> Cell | None:
    """The nearest of `options` when `seen` equals none of them (None when it equals one, or none exist)."""
    if not options or any(close(ctx, seen[1], o[1]) for o in options):
        return None
    v = value(seen[1])
    return min(options, key=lambda o: abs(v - value(o[1])))


def cell_finding(code: str, severity: str, seen: Cell, others: list[Cell], message: str,
                 expected: float | None = None, observed: float | None = None) -> Finding:
    """A finding on the cell `seen` (its observed figure) whose expected figure comes from `others`
    (another table's cell, or the cells of a sum); expected defaults to the first other's value."""
    t, c = seen
    return Finding(doc_id=t.doc_id, form_id=c.get("form_id"), rule=code, severity=severity, location=t.where(c),
                   message=message, expected=expected if expected is not None else num(others[0][1].get("value")),
                   observed=observed if observed is not None else num(c.get("value")),
                   page=page_of(c), table=t.title or t.family, row_label=txt(c.get("item")), indicator=None,
                   source_ref=ref_of(c), related_refs=join_refs(ref_of(o[1]) for o in others))
