"""Where a finding's figures sit: refs taken from the rows a rule compares.

Rows carry `source_ref` (where the row or the value sits) and, for forms and indicators,
`cell_refs` (JSON {column: ref}: the cell each figure was read from). A finding points at
its observed figure (`source_ref`) and lists the figures its expected value comes from
(`related_refs`, `;`-joined); these helpers read both from the rows, the same way for
every rule.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache

from jixiao.validate.records import num, txt

# the figure columns of a row and the cell_refs key of the cell each is read from
INDICATOR_FIGURES = (("score", "score"), ("weight", "weight"), ("actual_value", "actual_raw"),
                     ("target_value", "target_raw"))
FORM_FIGURES = (("total_score", "total_score"), ("execution_rate", "execution_rate"), ("executed_wan", "executed_wan"),
                ("budget_wan", "budget_wan"), ("budget_initial_wan", "budget_initial_wan"),
                ("arrived_wan", "arrived_wan"), ("fiscal_wan", "fiscal_wan"))


@lru_cache(maxsize=4096)
def _parse(raw: str) -> dict[str, str]:
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def cell_refs(row: dict | None) -> dict[str, str]:
    raw = txt(row.get("cell_refs")) if row else None
    return _parse(raw) if raw else {}


def ref_of(row: dict | None, column: str | None = None) -> str | None:
    """The ref of one figure of a row (its cell when the row records it), else where the row sits."""
    if not row:
        return None
    if column:
        ref = cell_refs(row).get(column)
        if ref:
            return ref
        if "form_type" in row:  # a form has no place of its own: only its cells have one
            return None
    return txt(row.get("source_ref"))


def figure_ref(row: dict | None, value: float | None) -> str | None:
    """The ref of the cell of `row` that holds `value` (a score, a weight, a total…), None when none does."""
    if not row or value is None:
        return None
    figures = FORM_FIGURES if "form_type" in row else INDICATOR_FIGURES
    for column, key in figures:
        v = num(row.get(column))
        if v is not None and abs(v - value) <= 1e-9 * max(1.0, abs(value)):
            return ref_of(row, key)
    return None


def join_refs(refs: Iterable[str | None]) -> str | None:
    """`;`-joined, in order, each once; None when there is none."""
    out: list[str] = []
    for r in refs:
        if r and r not in out:
            out.append(r)
    return ";".join(out) or None
