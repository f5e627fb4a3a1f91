"""The 财政拨款 tables by fund: 一般公共预算, 政府性基金, 国有资本经营 (BUDGET_RULES rules 4 and 5).

- BALANCE_MISMATCH (error): in a 财政拨款收支总表 (决算 T4), per fund, 年初结转和结余 + 本年收入 =
  本年支出 + 年末结转和结余.
- CROSS_TABLE_MISMATCH (error): the 总表's 政府性基金 (国有资本经营) money is zero exactly when the
  fund's own table (决算 T8 / T9, 预算 政府性基金支出表) is empty, or says it has none; and, in a 决算,
  the 收入表's (T2) fund columns equal the 总表's 本年收入 of that fund.

A fund's figure is read two ways, by meaning only: the fund's column in the row (本年支出合计 |
一般公共预算财政拨款 | 政府性基金预算财政拨款 …), or the fund's row listed under the row
(年初财政拨款结转和结余, then 一般公共预算财政拨款 3.00, 政府性基金预算财政拨款 4.00). A row split by fund
whose fund cell is blank counts 0; a row not split by fund at all leaves that fund unknown, and
nothing is said about it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from jixiao.normalize.budget_tables import table_family
from jixiao.text import squash
from jixiao.validate.base import Context, Finding, rule
from jixiao.validate.cells import Cell, cell_finding, combined, differs, figures, value
from jixiao.validate.money import checked, gate
from jixiao.validate.publication import Table, bare, publications, rows_of, tables_of, whole_column
from jixiao.validate.records import fmt, num, txt, understood
from jixiao.validate.refs import join_refs, ref_of

FUNDS = {"general_budget": "一般公共预算", "gov_fund": "政府性基金", "state_capital": "国有资本经营"}
FUND_ROW = {role: re.compile(rf"^{word}(预算)?(财政)?(拨款|资金)?(收入)?$") for role, word in FUNDS.items()}
OPENING = re.compile(r"年初.{0,8}结转|上年结转")
CLOSING = re.compile(r"年末.{0,8}结转|结转下年")
INCOME = re.compile(r"^(本年|当年)收入(合计|小计)?$")
SPENT = re.compile(r"^(本年|当年)支出(合计|小计)?$")
STAGES = (("年初结转和结余", OPENING), ("本年收入", INCOME), ("本年支出", SPENT), ("年末结转和结余", CLOSING))


@dataclass
class FundFigure:
    """One stage's figure of one fund: its cells (none: a blank cell, 0) and whether it could be read."""

    known: bool
    cells: list[dict] = field(default_factory=list)

    @property
    def value(self) -> float:
        return sum(value(c) for c in self.cells)


def _fund_of_row(r: dict) -> str | None:
    label = bare(r.get("item"))
    return next((role for role, rx in FUND_ROW.items() if rx.match(label)), None)


def _stage_rows(t: Table, stage: re.Pattern[str]) -> list[dict]:
    """The cells of the one row a stage names (none when no row, or several rows, name it)."""
    cells = [r for r in t.rows if stage.search(bare(r.get("item"))) and txt(r.get("row_level")) != "其中"]
    rows = {(num(r.get("side")), num(r.get("row_no"))) for r in cells}
    return cells if len(rows) == 1 else []


def fund_figure(t: Table, stage: re.Pattern[str], fund: str) -> FundFigure:
    """A stage's figure (本年收入, 年末结转…) of one fund in a 财政拨款收支总表, by its column or its row."""
    cells = _stage_rows(t, stage)
    by_column = [c for c in cells if txt(c.get("column_role")) in FUNDS]
    if by_column:
        return FundFigure(True, [c for c in by_column if txt(c.get("column_role")) == fund])
    by_row = [r for r in t.rows if whole_column(r) and _fund_of_row(r)
              and stage.search(bare(r.get("item_parent")))]
    if by_row:
        return FundFigure(True, [r for r in by_row if _fund_of_row(r) == fund])
    if all(value(c) == 0 for c in cells):  # no such row, or nothing in it: nothing to split
        return FundFigure(True)
    return FundFigure(False)


def _by_fund(t: Table) -> bool:
    """The table splits its money by fund (fund columns, or fund rows under a stage row)."""
    return any(txt(r.get("column_role")) in FUNDS for r in t.rows) or any(
        _fund_of_row(r) and any(rx.search(bare(r.get("item_parent"))) for _, rx in STAGES) for r in t.rows)


def _fiscal_summaries(ctx: Context, docs: list[str]) -> list[Table]:
    """The publication's 财政拨款收支总表 that split their money by fund, with 本年收入 and 本年支出 rows."""
    return [t for t in tables_of(ctx, docs) if t.family == "fiscal_summary" and _by_fund(t)
            and _stage_rows(t, INCOME) and _stage_rows(t, SPENT)]


def _spent_row(t: Table) -> list[dict]:
    """The cells of the row of the year's spending: 本年支出合计, else the 支出 side's 支出总计 / 支出合计."""
    return _stage_rows(t, SPENT) or _stage_rows(t, re.compile(r"^支出(总计|合计)$"))


@rule("BALANCE_MISMATCH")
def fund_columns_balance(ctx: Context) -> Iterator[Finding]:
    """Per fund of a 财政拨款收支总表: 年初结转和结余 + 本年收入 = 本年支出 + 年末结转和结余."""
    for pub in publications(ctx):
        if ctx.extra.get("pairs_only"):
            continue
        for t in _fiscal_summaries(ctx, pub.docs):
            for fund, name in FUNDS.items():
                opening, income, spent, closing = (fund_figure(t, rx, fund) for _, rx in STAGES)
                stages = (opening, income, spent, closing)
                if not all(s.known for s in stages) or not any(s.cells for s in stages):
                    continue
                came, went = opening.value + income.value, spent.value + closing.value
                cells = [c for s in stages for c in s.cells]
                if abs(came - went) <= ctx.slack.of(*(f for c in cells for f in figures(c))):
                    continue
                seen = next(c for s in (spent, closing, income, opening) for c in s.cells)
                labels = [_stage_label(t, rx, label) for label, rx in STAGES]
                parts = "，".join(f"{label} {fmt(s.value)}" for label, s in zip(labels, stages, strict=True))
                yield cell_finding("BALANCE_MISMATCH", "error", (t, seen), [(t, c) for c in cells if c is not seen],
                                   f"{name}财政拨款：{parts}；{labels[0]} + {labels[1]} = {fmt(came)}，"
                                   f"{labels[2]} + {labels[3]} = {fmt(went)} (a fund column does not balance)",
                                   expected=came, observed=went)


def _stage_label(t: Table, stage: re.Pattern[str], default: str) -> str:
    """How the table names a stage (年初财政拨款结转和结余, 上年结转 …)."""
    cells = _stage_rows(t, stage)
    return bare(cells[0].get("item")) if cells else default


_COLUMNS = (("年初结转和结余", re.compile(r"^(年初|上年).{0,8}结转")), ("本年收入", re.compile(r"^(本年|当年)收入")),
            ("本年支出", re.compile(r"^(本年|当年)支出(合计|小计)?$")), ("年末结转和结余", re.compile(r"^年末.{0,8}结转|^结转下年")))


def _stage_columns(t: Table) -> list[int] | None:
    """The columns (col_no) of 年初结转和结余, 本年收入, 本年支出 and 年末结转和结余 of a fund table (决算 T8), the
    本年支出 one being the whole of its 基本支出 | 项目支出 columns when its header says only 小计 / 合计."""
    found: list[int] = []
    parents = {txt(c.get("measure_parent")) for c in t.rows if txt(c.get("column_role")) in ("basic", "project")} - {None}
    for label, rx in _COLUMNS:
        cols = {num(c.get("col_no")) for c in t.rows if rx.search(txt(c.get("measure_raw")) or "")
                or (label == "本年支出" and len(parents) == 1 and txt(c.get("measure_raw")) in parents)}
        if len(cols) != 1:
            return None
        found.append(int(next(iter(cols)) or 0))
    return found


@rule("BALANCE_MISMATCH")
def fund_table_rows_balance(ctx: Context) -> Iterator[Finding]:
    """Each row of a fund's 收入支出表 (决算 T8): 年初结转和结余 + 本年收入 = 本年支出 + 年末结转和结余."""
    found: list[tuple[dict, Finding]] = []
    checks: dict[tuple, set] = {}
    for pub in publications(ctx):
        if ctx.extra.get("pairs_only"):
            continue
        for t in tables_of(ctx, pub.docs):
            cols = _stage_columns(t) if t.family in ("gov_fund", "state_capital") else None
            if cols is None:
                continue
            rows: dict[tuple, dict[int, dict]] = {}
            for c in t.rows:
                rows.setdefault((num(c.get("side")), num(c.get("row_no"))), {})[int(num(c.get("col_no")) or 0)] = c
            for by_col in rows.values():
                opening, income, spent, closing = (by_col.get(j) for j in cols)
                cells = [c for c in (opening, income, spent, closing) if c is not None]
                if not cells:
                    continue
                came, went = value(opening) + value(income), value(spent) + value(closing)
                checked(checks, cells[0])
                if abs(came - went) <= ctx.slack.of(*(f for c in cells for f in figures(c))):
                    continue
                seen = next(c for c in (spent, closing, income, opening) if c is not None)
                parts = "，".join(f"{label} {fmt(value(c))}" for (label, _), c in
                                  zip(_COLUMNS, (opening, income, spent, closing), strict=True))
                found.append((seen, cell_finding(
                    "BALANCE_MISMATCH", "error", (t, seen), [(t, c) for c in cells if c is not seen],
                    f"“{bare(seen.get('item'))}”：{parts}；年初 + 本年收入 = {fmt(came)}，本年支出 + 年末 = {fmt(went)} "
                    f"(a row of the fund's table does not balance)", expected=came, observed=went)))
    yield from gate(ctx, found, checks, "年初结转和结余 + 本年收入 = 本年支出 + 年末结转和结余")


# ------------------------------------------------------------ the fund's own table

_NOTE_NONE = re.compile(r"^(?:注|说明|备注)[:：]?.{0,40}(?:无|没有|未安排|不涉及|空表|无数据)")


@dataclass
class FundTable:
    """The fund's own table (决算 T8/T9, 预算 政府性基金支出表): its form, figures, title and note lines."""

    form: dict
    cells: list[dict]
    understood: bool
    title_line: dict | None
    note: dict | None

    @property
    def spending_only(self) -> bool:
        """A 支出表 shows spending only (国有资本经营预算财政拨款支出决算表); a 收入支出表 every stage."""
        return "收入" not in squash(txt(self.form.get("title")) or "")

    @property
    def figures(self) -> list[dict]:
        return [c for c in self.cells if value(c) != 0]

    @property
    def table(self) -> Table:
        return Table((self.form.get("doc_id"), self.form.get("form_id"), None), table_family(txt(self.form.get("title")) or ""),
                     txt(self.form.get("title")) or "", self.understood, self.cells)

    def spending(self) -> dict | None:
        """The 本年支出 figure of its total row: the whole of its 基本支出 | 项目支出 cells (小计 under 本年支出 in
        T8, 合计 in T9); None when the table does not say which cell that is."""
        totals = [c for c in self.cells if txt(c.get("row_level")) == "total" and not txt(c.get("item_parent"))]
        parents = {txt(c.get("measure_parent")) for c in totals if txt(c.get("column_role")) in ("basic", "project")}
        if len(parents) == 1 and None not in parents:
            found = [c for c in totals if txt(c.get("measure_raw")) == next(iter(parents))]
            return found[0] if len(found) == 1 else None
        return None


def _fund_tables(ctx: Context, docs: list[str], fund: str) -> list[FundTable]:
    narrative = rows_of(ctx, "narrative", docs)
    amounts = rows_of(ctx, "amounts", docs)
    out = []
    for f in rows_of(ctx, "forms", docs):
        title = txt(f.get("title")) or ""
        if f.get("form_type") != "budget_summary" or table_family(title) != fund:
            continue
        cells = [a for a in amounts if a.get("form_id") == f.get("form_id")]
        lines = [p for p in narrative if p.get("doc_id") == f.get("doc_id")]
        at = max((i for i, p in enumerate(lines) if squash(txt(p.get("text")) or "") == squash(title)), default=None)
        note = None
        if at is not None:  # a note under the title, before the next table's title
            for p in lines[at + 1:at + 8]:
                text = squash(txt(p.get("text")) or "")
                if text.endswith("表") and table_family(text) != "other":
                    break
                if _NOTE_NONE.search(text):
                    note = p
                    break
        out.append(FundTable(f, cells, all(understood(c) for c in cells), lines[at] if at is not None else None, note))
    return out


def _summary_fund_cells(t: Table, fund: str, spending_only: bool) -> list[dict]:
    """The fund's non-zero figures in a 财政拨款收支总表 (only its 本年支出 when the fund table shows spending only)."""
    if spending_only:
        return [c for c in _spent_row(t) if value(c) != 0 and txt(c.get("column_role")) == fund]
    return [r for r in t.rows if value(r) != 0 and (txt(r.get("column_role")) == fund or _fund_of_row(r) == fund)]


def _zero_in_summary(ctx: Context, t: Table, fund: str) -> dict | None:
    """A cell of a 总表 that accounts for all its money by fund with none of it this fund's: the 本年支出合计
    whose fund columns add up to its 合计, or a total row whose fund rows (一、一般公共预算 …) add up to it.
    None when that cannot be told."""
    if [r for r in t.rows if value(r) != 0 and (txt(r.get("column_role")) == fund or _fund_of_row(r) == fund)]:
        return None
    cells = _spent_row(t)
    whole = [c for c in cells if whole_column(c)]
    funds = [c for c in cells if txt(c.get("column_role")) in FUNDS]
    if len(whole) == 1 and funds and _adds_up(ctx, whole[0], funds):
        return next((c for c in funds if txt(c.get("column_role")) == fund), whole[0])
    for total in (r for r in t.rows if txt(r.get("row_level")) == "total" and whole_column(r)):
        rows = [r for r in t.rows if whole_column(r) and _fund_of_row(r) and num(r.get("side")) == num(total.get("side"))
                and txt(r.get("item_parent")) == txt(total.get("item"))]
        if rows and _adds_up(ctx, total, rows):
            return total
    return None


def _adds_up(ctx: Context, whole: dict, parts: list[dict]) -> bool:
    slack = ctx.slack.of(*figures(whole), *(f for c in parts for f in figures(c)))
    return abs(sum(value(c) for c in parts) - value(whole)) <= slack


def _empty_table_finding(t: Table, seen: dict, ft: FundTable, name: str) -> Finding:
    title = txt(ft.form.get("title")) or ""
    said = f"，注明“{txt(ft.note.get('text'))}”" if ft.note else ""
    found = cell_finding("CROSS_TABLE_MISMATCH", "error", (t, seen), [],
                         f"{name}：“{t.where(seen)}”为 {fmt(value(seen))}，而“{title}”是空表{said} "
                         f"(the summary table has this fund's money, its own table is empty)", expected=0.0)
    return replace(found, related_refs=join_refs([ref_of(ft.title_line), ref_of(ft.note)]))


@rule("CROSS_TABLE_MISMATCH")
def fund_table_agrees_with_column(ctx: Context) -> Iterator[Finding]:
    """政府性基金 / 国有资本经营: the 总表's money of the fund is zero iff the fund's own table is empty; when
    both have figures, the fund table's 本年支出 equals the 总表's."""
    for pub in publications(ctx):
        if ctx.extra.get("pairs_only"):
            continue
        summaries = [t for t in tables_of(ctx, pub.docs) if t.family == "fiscal_summary"]
        if len(summaries) != 1:
            continue
        (t,) = summaries
        for fund in ("gov_fund", "state_capital"):
            name = FUNDS[fund]
            for ft in _fund_tables(ctx, pub.docs, fund):
                money = _summary_fund_cells(t, fund, ft.spending_only)
                if money and not ft.figures and (ft.cells or ft.note is not None):
                    # empty by what was read (its cells are 0) or by its own note; a grid of which no
                    # cell was read at all may hold figures we could not read: not accused
                    spent = [c for c in _spent_row(t) if value(c) != 0 and txt(c.get("column_role")) == fund]
                    seen = spent[0] if spent else max(money, key=value)
                    yield _empty_table_finding(t, seen, ft, name)
                elif ft.figures and ft.understood and money:
                    yield from _same_spending(ctx, t, ft, fund)
                elif ft.figures and ft.understood and not money:
                    zero = _zero_in_summary(ctx, t, fund)
                    if zero is None:
                        continue
                    fund_table = ft.table
                    seen = max(ft.figures, key=value)
                    yield cell_finding("CROSS_TABLE_MISMATCH", "error", (fund_table, seen), [(t, zero)],
                                       f"{name}：“{fund_table.where(seen)}”为 {fmt(value(seen))}，而“{t.title}”中"
                                       f"{name}的资金为 0（“{t.where(zero)}”{fmt(value(zero))}）"
                                       f" (the fund's table has figures, the summary table has none of its money)",
                                       expected=0.0)


def _same_spending(ctx: Context, t: Table, ft: FundTable, fund: str) -> Iterator[Finding]:
    """The fund table's 本年支出 合计 = the 总表's 本年支出合计 in the fund's column."""
    seen = ft.spending()
    options = [(t, c) for c in _spent_row(t) if txt(c.get("column_role")) == fund]
    if seen is None or not options:
        return
    other = differs(ctx, (ft.table, seen), options)
    if other is not None:
        yield cell_finding("CROSS_TABLE_MISMATCH", "error", (ft.table, seen), [other],
                           f"{FUNDS[fund]}本年支出：“{ft.table.where(seen)}”为 {fmt(value(seen))}，"
                           f"“{t.where(other[1])}”为 {fmt(value(other[1]))} (one figure, two tables, two values)")


@rule("CROSS_TABLE_MISMATCH")
def income_table_funds(ctx: Context) -> Iterator[Finding]:
    """决算: the 收入表's (T2) 合计 in a fund's column = that fund's 本年收入 in the 财政拨款收支总表 (T4)."""
    for pub in publications(ctx):
        if ctx.extra.get("pairs_only") or pub.kind != "决算":
            continue
        tables = tables_of(ctx, pub.docs)
        summaries = _fiscal_summaries(ctx, pub.docs)
        for t2 in (t for t in tables if t.family == "income"):
            for c in t2.rows:
                fund = txt(c.get("column_role"))
                if fund not in FUNDS or txt(c.get("row_level")) != "total" or txt(c.get("item_parent")):
                    continue
                options: list[Cell] = []
                for t4 in summaries:
                    income = fund_figure(t4, INCOME, fund)
                    if income.known and income.cells:
                        options.append((t4, income.cells[0] if len(income.cells) == 1 else combined(income.cells)))
                other = differs(ctx, (t2, c), options)
                if other is not None:
                    yield cell_finding("CROSS_TABLE_MISMATCH", "error", (t2, c), [other],
                                       f"{FUNDS[fund]}财政拨款收入：“{t2.where(c)}”为 {fmt(value(c))}，"
                                       f"“{other[0].where(other[1])}”为 {fmt(value(other[1]))} "
                                       f"(one figure, two tables, two values)")
