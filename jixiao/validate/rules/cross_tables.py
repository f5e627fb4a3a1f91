"""The tables of one 预算/决算 publication against each other (BUDGET_RULES rules 4, 5, 7).

- BALANCE_MISMATCH: the two sides of a 收支总表 / 财政拨款收支总表 — 收入总计 (合计) = 支出总计 (合计).
- CROSS_TABLE_MISMATCH: one figure in two tables of the same 口径 — the 收入表's 合计 is one of the
  收支总表's income totals (收入合计 / 本年收入合计 / 当年收入小计), the 支出表's likewise; the
  财政拨款支出表 and the 一般公共预算支出表 against the 财政拨款收支总表; the 一般公共预算支出表's
  基本支出 against the 基本支出表; the 收入表's 财政拨款 against the 财政拨款收支总表's income;
  机关运行经费 against 公用经费 (a warning, silent when the 说明 explains its 口径).
- EXECUTION_OVER_BUDGET: a 三公 item whose 决算数 exceeds its 预算数.
- SUM_MISMATCH across a row: a 支出表 row's 合计 = 基本 + 项目 (+ …) where the table model does not link the columns.

Cells are picked by family, side, column role and row level (never by position, never a row's
maximum); a figure is a mismatch only when it equals none of the cells it may mean.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from jixiao.validate.base import Context, Finding, rule
from jixiao.validate.cells import Cell, cell_finding, close, combined, differs
from jixiao.validate.publication import (
    BUDGET_MEASURES,
    Table,
    bare,
    is_total_row,
    publications,
    rows_of,
    tables_of,
    whole_column,
)
from jixiao.validate.records import figure, fmt, num, page_of, txt
from jixiao.validate.refs import join_refs, ref_of


def _grand_totals(t: Table, side: int | None = None) -> list[dict]:
    """The total rows (of one side) in whole columns; when some are parts of another (本年收入合计 of
    总计), only the outermost."""
    rows = [r for r in t.rows if is_total_row(r) and whole_column(r) and (side is None or num(r.get("side")) == side)]
    top = [r for r in rows if not txt(r.get("item_parent"))]
    return top or rows


def _side_totals(t: Table, word: str) -> list[dict]:
    """Total and subtotal rows of a 收支总表 side whose label names 收入 (or 支出), whole columns."""
    return [r for r in t.rows if txt(r.get("row_level")) in ("total", "subtotal") and whole_column(r)
            and word in bare(r.get("item"))]


def _same_column_kind(a: dict, b: dict) -> bool:
    """Never a 预算数 against a 决算数 (a 决算 table may carry both)."""
    def budget(r: dict) -> bool:
        return txt(r.get("measure")) in BUDGET_MEASURES

    def final(r: dict) -> bool:
        return txt(r.get("measure")) in ("final", "executed")

    return not (final(a) and budget(b) or final(b) and budget(a))


@rule("BALANCE_MISMATCH")
def summary_sides_balance(ctx: Context) -> Iterator[Finding]:
    """收入总计 = 支出总计 on every side of a 收支总表 / 财政拨款收支总表 (per whole column)."""
    for pub in publications(ctx):
        for t in tables_of(ctx, pub.docs):
            if t.family not in ("summary", "fiscal_summary"):
                continue
            sides = sorted({int(num(r.get("side")) or 1) for r in t.rows})
            per_side = {s: _grand_totals(t, s) for s in sides}
            if len(sides) < 2 or any(len(v) != 1 for v in per_side.values()):
                continue  # one grand total per side, or the reading is not sure enough to accuse
            first = per_side[sides[0]][0]
            for s in sides[1:]:
                other = per_side[s][0]
                if not close(ctx, first, other):
                    yield cell_finding("BALANCE_MISMATCH", "error", (t, other), [(t, first)],
                                   f"“{bare(other.get('item'))}”{fmt(num(other.get('value')))} 与 "
                                   f"“{bare(first.get('item'))}”{fmt(num(first.get('value')))} 不等 "
                                   f"(the two sides of the summary table do not balance)")


def _pairs(tables: list[Table]) -> Iterator[tuple[list[Cell], list[Cell], str]]:
    """(cells that must each equal one of, these cells, what) for every cross-table identity."""
    def fam(*names: str) -> list[Table]:
        return [t for t in tables if t.family in names]

    summary_in = [(t, r) for t in fam("summary") for r in _side_totals(t, "收入")]
    summary_out = [(t, r) for t in fam("summary") for r in _side_totals(t, "支出")]
    fiscal_in = [(t, r) for t in fam("fiscal_summary") for r in _side_totals(t, "收入")]
    fiscal_out = [(t, r) for t in fam("fiscal_summary") for r in _side_totals(t, "支出")]
    general_in_summary = [(t, r) for t in fam("fiscal_summary") for r in _general_spending(t)]
    yield [(t, r) for t in fam("income") for r in _grand_totals(t)], summary_in, "本年收入"
    yield [(t, r) for t in fam("expenditure") for r in _grand_totals(t)], summary_out, "本年支出"
    yield [(t, r) for t in fam("fiscal_expenditure") for r in _grand_totals(t)], fiscal_out, "财政拨款支出"
    yield [(t, r) for t in fam("general_expenditure") for r in _grand_totals(t)], general_in_summary, "一般公共预算支出"
    yield ([(t, r) for t in fam("income") for r in t.rows if is_total_row(r) and txt(r.get("column_role")) == "fiscal"],
           fiscal_in, "财政拨款收入")
    yield ([(t, r) for t in fam("general_expenditure") for r in t.rows
            if is_total_row(r) and txt(r.get("column_role")) == "basic"],
           [c for t in fam("basic_expenditure") for c in _basic_totals(t)], "基本支出")


def _general_spending(t: Table) -> list[dict]:
    """The 一般公共预算 spending of a 财政拨款收支总表: its 本年支出合计 row's 一般公共预算 cell (决算 T4, whose 总计
    row adds the 年末结转和结余), else its total rows' 一般公共预算 cells or its 一般公共预算 row."""
    spent = [r for r in t.rows if txt(r.get("column_role")) == "general_budget"
             and re.fullmatch(r"(本年|当年)支出(合计|小计)?", bare(r.get("item")))]
    return spent or [r for r in t.rows if (is_total_row(r) and txt(r.get("column_role")) == "general_budget")
                     or (re.fullmatch(r"一般公共预算(资金|拨款)?", bare(r.get("item"))) and whole_column(r))]


def _basic_totals(t: Table) -> list[Cell]:
    """The 基本支出 figure of a 基本支出表: its grand total, or — when it prints 人员经费合计 and 公用经费合计
    side by side with no total of both (决算 基本支出表) — their sum."""
    cells: list[Cell] = [(t, r) for r in _grand_totals(t)]
    sides = sorted({int(num(r.get("side")) or 1) for r in t.rows})
    per_side = [_grand_totals(t, s) for s in sides]
    if len(sides) >= 2 and all(len(v) == 1 for v in per_side):
        cells.append((t, combined([v[0] for v in per_side])))
    return cells


@rule("CROSS_TABLE_MISMATCH")
def same_figure_in_two_tables(ctx: Context) -> Iterator[Finding]:
    for pub in publications(ctx):
        tables = tables_of(ctx, pub.docs)
        if ctx.extra.get("pairs_only"):
            continue  # the tables of a pair are all in one file, checked when it was converted
        for cells, options, what in _pairs(tables):
            for seen in cells:
                same = [o for o in options if _same_column_kind(seen[1], o[1])]
                other = differs(ctx, seen, same)
                if other is not None:
                    yield cell_finding("CROSS_TABLE_MISMATCH", "error", seen, [other],
                                   f"{what}：“{seen[0].where(seen[1])}”为 {fmt(num(seen[1].get('value')))}，"
                                   f"“{other[0].where(other[1])}”为 {fmt(num(other[1].get('value')))} "
                                   f"(one figure, two tables, two values)")
        yield from _admin_operating(ctx, pub.docs, tables)


_EXPLAINED = re.compile(r"机关运行经费[^。]{0,80}(口径|范围|包括|包含|含|不含|不包括)")


def _admin_operating(ctx: Context, docs: list[str], tables: list[Table]) -> Iterator[Finding]:
    """机关运行经费 = 公用经费 of the 基本支出表 (302 商品和服务支出, with 310 where the table counts it):
    a warning, and none when the 说明 explains the 口径 it uses."""
    cells = [(t, r) for t in tables if t.family == "admin_operating" for r in _grand_totals(t)]
    cells += [(t, r) for t in tables if t.family == "three_public" for r in t.rows if "机关运行经费" in bare(r.get("item"))]
    if not cells:
        return
    if any(_EXPLAINED.search(re.sub(r"\s+", "", txt(p.get("text")) or "")) for p in rows_of(ctx, "narrative", docs)):
        return
    options: list[Cell] = []
    for t in tables:
        if t.family != "basic_expenditure":
            continue
        options += [(t, r) for r in t.rows if is_total_row(r) and txt(r.get("column_role")) == "public"]
        classes = {txt(r.get("code")): r for r in t.rows if txt(r.get("row_level")) == "类" and whole_column(r)}
        for codes in (("302",), ("302", "310")):
            if all(c in classes for c in codes):
                options.append((t, combined([classes[c] for c in codes],
                                            "+".join(f"{c} {bare(classes[c].get('item'))}" for c in codes))))
    for seen in cells:
        other = differs(ctx, seen, options)
        if other is not None:
            yield cell_finding("CROSS_TABLE_MISMATCH", "warning", seen, [other],
                           f"机关运行经费“{seen[0].where(seen[1])}”{fmt(num(seen[1].get('value')))} 与基本支出表公用经费"
                           f"“{other[0].where(other[1])}”{fmt(num(other[1].get('value')))} 不等，说明中未解释口径 "
                           f"(机关运行经费 should equal 公用经费 unless its 口径 is explained)")


@rule("EXECUTION_OVER_BUDGET")
def three_public_over_budget(ctx: Context) -> Iterator[Finding]:
    """A 三公 item (one row, or one column of a transposed table) whose 决算数 exceeds its 预算数."""
    for pub in publications(ctx):
        if ctx.extra.get("pairs_only"):
            continue
        for t in tables_of(ctx, pub.docs):
            if t.family != "three_public":
                continue
            by_item: dict[tuple, dict[str, dict]] = {}
            for r in t.rows:
                m = txt(r.get("measure"))
                kind = "budget" if m in BUDGET_MEASURES else "final" if m in ("final", "executed") else None
                if not kind:
                    continue
                item = bare(r.get("item"))
                if txt(r.get("measure_raw")):  # items are rows, 预算数 | 决算数 columns
                    key: tuple = (num(r.get("side")), num(r.get("row_no")), item)
                else:  # items are columns under a 预算数 block and a 决算数 block
                    name = "合计" if re.fullmatch(r"(预算|决算)数?|合计", item) else item
                    key = (num(r.get("side")), num(r.get("col_no")), name, txt(r.get("item_parent")) not in (None, "预算数", "决算数"))
                by_item.setdefault(key, {}).setdefault(kind, r)
            for cells in by_item.values():
                b, f = cells.get("budget"), cells.get("final")
                if b is None or f is None:
                    continue
                vb, vf = num(b.get("value")), num(f.get("value"))
                if vb is not None and vf is not None and vf > vb + ctx.slack.of(figure(b), figure(f)):
                    name = bare(f.get("item"))
                    name = "合计" if re.fullmatch(r"(预算|决算)数?", name) else name
                    yield cell_finding("EXECUTION_OVER_BUDGET", "warning", (t, f), [(t, b)],
                                   f"“{name}”决算数 {fmt(vf)} 超过预算数 {fmt(vb)} "
                                   f"(the 三公 item was spent beyond its budget)")


_ROW_PARTS = ("project", "reserve", "upper", "operating")
_ROW_FAMILIES = ("summary", "expenditure", "general_expenditure", "fiscal_expenditure", "gov_fund", "state_capital")


@rule("SUM_MISMATCH")
def row_total_of_parts(ctx: Context) -> Iterator[Finding]:
    """On each row of a 支出表: 合计 = 基本支出 (or 人员经费 + 公用经费) + 项目支出 (+ 机动经费, 上缴上级,
    经营支出, 对附属单位补助), an empty cell of a part column counting 0. Rows whose columns the table
    model already links (measure_parent) are summed there."""
    for pub in publications(ctx):
        if ctx.extra.get("pairs_only"):
            continue
        for t in tables_of(ctx, pub.docs):
            if t.family not in _ROW_FAMILIES:
                continue
            roles = {txt(r.get("column_role")) for r in t.rows}
            basic = ("basic",) if "basic" in roles else ("personnel", "public") if {"personnel", "public"} <= roles else ()
            part_roles = (*basic, *(r for r in _ROW_PARTS if r in roles))
            if not basic or "project" not in roles:
                continue
            rows: dict[tuple, list[dict]] = {}
            for r in t.rows:
                rows.setdefault((num(r.get("side")), num(r.get("row_no"))), []).append(r)
            for cells in rows.values():
                totals = [r for r in cells if txt(r.get("column_role")) == "total"]
                parts = [r for r in cells if txt(r.get("column_role")) in part_roles]
                if len(totals) != 1 or not parts or any(txt(p.get("measure_parent")) for p in parts):
                    continue
                total = totals[0]
                s = sum(num(p.get("value")) or 0.0 for p in parts)
                v = num(total.get("value")) or 0.0
                if abs(s - v) > ctx.slack.of(figure(total), *(figure(p) for p in parts)):
                    yield Finding(doc_id=t.doc_id, form_id=total.get("form_id"), rule="SUM_MISMATCH", severity="error",
                                  location=t.where(total), message=f"“{bare(total.get('item'))}”合计 {fmt(v)} 与本行"
                                  f"{'、'.join(txt(p.get('measure_raw')) or '' for p in parts)}之和 {fmt(s)} 不符 "
                                  f"(a row's 合计 ≠ its parts)", expected=s, observed=v, page=page_of(total),
                                  table=t.title or t.family, row_label=txt(total.get("item")), indicator=None,
                                  source_ref=ref_of(total), related_refs=join_refs(ref_of(p) for p in parts))
