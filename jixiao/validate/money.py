"""What the rules know about money tables before they accuse one.

The table-reading model (normalize/budget_tables.py) marks each table understood or not
(amounts.layout_ok). Rules that read amounts check understood tables only; when one check
fails on most rows of a table, the reading is what is wrong: the failures are withheld and
the table is reported once by LAYOUT_NOT_UNDERSTOOD (rules/layout.py).

`money_tables(ctx)` gives each table as a `MoneyTable` to query by meaning (family, side,
column role, code, row level) — the base for the cross-table 预决算 rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from jixiao.validate.base import Context, Finding
from jixiao.validate.records import num, txt, understood

__all__ = ["understood", "table_of", "doubt_table", "majority_failed", "checked", "gate", "signed", "additive", "MoneyTable",
           "money_tables"]


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


NOT_ADDITIVE = re.compile(r"[%％]|占比|比例|比重|执行率|完成率|增长率|单价")


def additive(r: dict) -> bool:
    """A figure that adds up with its column (money, counts); not a share, rate or unit price."""
    return txt(r.get("column_role")) not in ("share", "rate", "price") \
        and not NOT_ADDITIVE.search(txt(r.get("measure_raw")) or "")


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


@dataclass
class MoneyTable:
    """One money table as a rule sees it: what it is (family, unit, understood) and its cells.

    Built on the amounts rows and the table-reading model's columns (table_family, side,
    column_role, code, row_level, unit_raw, layout_ok), so cross-table rules ask for cells by
    meaning — ``t.value(role="basic", level="total")``, ``t.cell(code="2010601", role="total")`` —
    never by position."""

    key: tuple  # (doc_id, form_id, table_no)
    family: str
    title: str
    unit_raw: str
    understood: bool
    reason: str
    rows: list[dict] = field(default_factory=list)

    @property
    def sides(self) -> list[int]:
        return sorted({int(s) for s in (num(r.get("side")) for r in self.rows) if s is not None})

    def cells(self, *, item: str | None = None, code: str | None = None, role: str | None = None,
              measure: str | None = None, side: int | None = None, level: str | None = None,
              kind: str | None = None) -> list[dict]:
        """The cells matching every criterion given (item: exact label or label without numbering)."""
        out = []
        for r in self.rows:
            if item is not None and item not in (txt(r.get("item")), _bare(txt(r.get("item")) or "")):
                continue
            if code is not None and txt(r.get("code")) != code:
                continue
            if role is not None and txt(r.get("column_role")) != role:
                continue
            if measure is not None and txt(r.get("measure")) != measure:
                continue
            if side is not None and num(r.get("side")) != side:
                continue
            if level is not None and txt(r.get("row_level")) != level:
                continue
            if kind is not None and txt(r.get("table_kind")) != kind:
                continue
            out.append(r)
        return out

    def cell(self, **criteria: object) -> dict | None:
        """The one cell matching the criteria, None when there is none or more than one."""
        found = self.cells(**criteria)  # type: ignore[arg-type]
        return found[0] if len(found) == 1 else None

    def value(self, **criteria: object) -> float | None:
        """The figure (万元) of the one matching cell."""
        c = self.cell(**criteria)
        return num(c.get("value")) if c else None


def _bare(label: str) -> str:
    return re.sub(r"^(其中[:：]?|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[、.．]"
                  r"|\d{3}(?:\d{2}){0,2}\s*)", "", label).strip()


def money_tables(ctx: Context, doc_id: str | None = None) -> list[MoneyTable]:
    """Every money table of the run (or of one document), in reading order, with its model."""
    cache = ctx.extra.get("money_tables")
    if cache is None:
        by_key: dict[tuple, MoneyTable] = {}
        for r in ctx.records("amounts"):
            key = table_of(r)
            t = by_key.get(key)
            if t is None:
                t = by_key[key] = MoneyTable(
                    key, txt(r.get("table_family")) or "other", txt(r.get("table_title")) or "",
                    txt(r.get("unit_raw")) or "万元", understood(r), txt(r.get("layout_reason")) or "")
            t.rows.append(r)
        cache = ctx.extra["money_tables"] = list(by_key.values())
    return [t for t in cache if doc_id is None or t.key[0] == doc_id]
