"""What the rules know about money tables before they accuse one.

The table-reading model (normalize/budget_tables.py) marks each table understood or not
(amounts.layout_ok). Rules that read amounts check understood tables only; when one check
fails on most rows of a table, the reading is what is wrong: the failures are withheld and
the table is reported once by LAYOUT_NOT_UNDERSTOOD (rules/layout.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from jixiao.validate.base import Context, Finding
from jixiao.validate.records import txt, understood

__all__ = ["understood", "table_of", "doubt_table", "majority_failed", "checked", "gate", "signed"]


def table_of(row: dict) -> tuple:
    """The key of one money table: document, form, table number."""
    return (row.get("doc_id"), row.get("form_id"), row.get("table_no"))


def doubt_table(ctx: Context, row: dict, reason: str) -> None:
    """Record that a check failed on most rows of a table: the reading is what is wrong.

    The LAYOUT_NOT_UNDERSTOOD rule reports it once per table instead of the failures."""
    ctx.extra.setdefault("layout_doubts", {}).setdefault(table_of(row), (row, reason))


def majority_failed(checked_rows: dict[tuple, set], failed: dict[tuple, list[dict]]) -> set[tuple]:
    """Tables where one check failed on most of the rows it was run on: at least three failures
    on at least two rows, and more than half of the checked rows failing."""
    out = set()
    for key, rows in failed.items():
        bad = {r.get("row_no") for r in rows}
        if len(rows) >= 3 and len(bad) >= 2 and len(bad) * 2 > len(checked_rows.get(key, ())):
            out.add(key)
    return out


SIGNED = re.compile(r"结余|结转|差额|增减|调整|变动")


def signed(r: dict) -> bool:
    """A balance / carry-over / adjustment figure: negative values and mixed signs are normal there."""
    return r.get("measure") in ("balance", "carryover") or txt(r.get("column_role")) in ("balance", "carryover") \
        or bool(SIGNED.search(txt(r.get("measure_raw")) or "")) or bool(SIGNED.search(txt(r.get("item")) or ""))


def checked(checks: dict[tuple, set], row: dict) -> None:
    checks.setdefault(table_of(row), set()).add(row.get("row_no"))


def gate(ctx: Context, found: list[tuple[dict, Finding]], checks: dict[tuple, set], what: str) -> Iterator[Finding]:
    """The findings of one check, except in tables where it failed on most rows (doubted instead)."""
    failures: dict[tuple, list[dict]] = {}
    for row, _ in found:
        failures.setdefault(table_of(row), []).append(row)
    doubted = majority_failed(checks, failures)
    for key in doubted:
        bad = {r.get("row_no") for r in failures[key]}
        doubt_table(ctx, failures[key][0], f"{what}在本表 {len(bad)}/{len(checks[key])} 行不符，表的读法可能有误")
    for row, f in found:
        if table_of(row) not in doubted:
            yield f
