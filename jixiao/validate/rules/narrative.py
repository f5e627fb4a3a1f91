"""NARRATIVE_MISMATCH: a figure of the 说明 against the table cell it restates (BUDGET_RULES rule 1).

A prose figure (万元, not a change, not last year's: its clause names no 上年 and no other
year) with a table concept (facts.concept) is compared with every cell of the publication
that concept can mean — 本年收入 is 收入合计 or 当年收入小计, 基本支出 is the 收支总表 row,
the 支出表's 基本支出 column or the 基本支出表's 合计 — in the 口径 of its clause (a 决算's
预算数 against 预算 columns, its 决算数 against the others). It is a mismatch only when it
equals none of them beyond rounding; a figure ×10^4 or ÷10^4 of its cell is MAGNITUDE_MISMATCH.
A concept whose cells the publication does not have is not compared.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from jixiao.normalize.fact_concepts import parse_subject, subject_name
from jixiao.validate.base import Context, Finding, rule
from jixiao.validate.findings import prose_finding
from jixiao.validate.publication import (
    BUDGET_MEASURES,
    Publication,
    Table,
    bare,
    is_total_row,
    publications,
    rows_of,
    subject_cells,
    tables_of,
    whole_column,
)
from jixiao.validate.records import figure, fmt, num, txt
from jixiao.validate.refs import ref_of

Cells = list[tuple[Table, dict]]


def _named(tables: list[Table], pattern: str, families: tuple[str, ...] | None = None, whole: bool = True) -> Cells:
    rx = re.compile(pattern)
    return [(t, r) for t in tables if families is None or t.family in families for r in t.rows
            if rx.search(bare(r.get("item"))) and (not whole or whole_column(r))]


def _totals(tables: list[Table], families: tuple[str, ...], roles: tuple[str | None, ...] | None = None,
            item: str | None = None) -> Cells:
    """Cells of the total rows of these families, in whole columns (or columns of these roles)."""
    out = []
    for t in tables:
        if t.family not in families:
            continue
        for r in t.rows:
            if not (is_total_row(r) or txt(r.get("row_level")) == "subtotal"):
                continue
            if item is not None and item not in bare(r.get("item")):
                continue
            if roles is None and whole_column(r) or roles is not None and txt(r.get("column_role")) in roles:
                out.append((t, r))
    return out


def _economic_sums(tables: list[Table], groups: list[tuple[str, ...]]) -> Cells:
    """人员经费 = 301 + 303, 公用经费 = 302 (+ 310 …): sums of 经济分类 类 rows of a 基本支出表, as
    pseudo cells (the first row of the sum carries the place)."""
    out: Cells = []
    for t in tables:
        if t.family != "basic_expenditure":
            continue
        rows = {txt(r.get("code")): r for r in t.rows if txt(r.get("row_level")) == "类" and whole_column(r)}
        for codes in groups:
            present = [rows[c] for c in codes if c in rows]
            if present and codes[0] in rows:
                cell = dict(present[0])
                cell["value"] = sum(num(r.get("value")) or 0.0 for r in present)
                cell["item"] = "+".join(f"{txt(r.get('code'))} {bare(r.get('item'))}" for r in present)
                cell["value_raw"] = None
                out.append((t, cell))
    return out


_THREE = ("three_public",)


def _three_public_totals(tables: list[Table]) -> Cells:
    """The grand totals of a 三公 table that holds nothing but the 三公 (no 会议费, 培训费, 机关运行经费)."""
    out: Cells = []
    for t in tables:
        if t.family == "three_public" and not any(re.search(r"会议费|培训费|机关运行", bare(r.get("item"))) for r in t.rows):
            out += [(t, r) for r in t.rows if is_total_row(r) and not txt(r.get("item_parent"))]
    return out
_SUMMARIES = ("summary", "fiscal_summary")
_SPENDING = ("expenditure", "fiscal_expenditure", "general_expenditure")


def _side_of(c: tuple[Table, dict], word: str, kind: str) -> bool:
    """A 收支总表 total on the 收入 (支出) side: by its label, or by the side's kind (a bare 总计)."""
    return word in bare(c[1].get("item")) or txt(c[1].get("table_kind")) == kind


def _income_total(ts: list[Table]) -> Cells:
    return [c for c in _totals(ts, ("summary",)) if _side_of(c, "收入", "income")] + _totals(ts, ("income",))


def _expenditure_total(ts: list[Table]) -> Cells:
    return [c for c in _totals(ts, ("summary",)) if _side_of(c, "支出", "expenditure")] + _totals(ts, ("expenditure",))


CANDIDATES: dict[str, Callable[[list[Table]], Cells]] = {
    "total": lambda ts: [c for c in _totals(ts, ("summary",)) if c[1].get("row_level") == "total"],
    "income_total": _income_total,
    "expenditure_total": _expenditure_total,
    "fiscal_income": lambda ts: _named(ts, r"^财政拨款(收入)?(资金)?$", (*_SUMMARIES, "income"))
    + _totals(ts, ("income",), ("fiscal",)) + [c for c in _totals(ts, ("fiscal_summary",)) if "收入" in bare(c[1].get("item"))],
    "general_income": lambda ts: _named(ts, r"^一般公共预算(资金|收入|拨款)?(收入|资金)?$", (*_SUMMARIES, "income"))
    + _totals(ts, ("income",), ("general_budget",)),
    "fiscal_expenditure": lambda ts: [c for c in _totals(ts, ("fiscal_summary",)) if "支出" in bare(c[1].get("item"))]
    + _totals(ts, ("fiscal_expenditure",)),
    "general_expenditure": lambda ts: _totals(ts, ("general_expenditure",))
    + _totals(ts, ("fiscal_summary",), ("general_budget",)) + _named(ts, r"^一般公共预算(资金|拨款)?$", ("fiscal_summary",)),
    "basic": lambda ts: _named(ts, r"^基本支出$") + _totals(ts, (*_SPENDING, *_SUMMARIES), ("basic",))
    + _totals(ts, ("basic_expenditure",)),
    "project": lambda ts: _named(ts, r"^项目支出$") + _totals(ts, (*_SPENDING, *_SUMMARIES), ("project",)),
    "reserve": lambda ts: _named(ts, r"^(单位)?预留机动经费$") + _totals(ts, (*_SPENDING, *_SUMMARIES), ("reserve",)),
    "personnel": lambda ts: _named(ts, r"^人员经费$") + _totals(ts, ("basic_expenditure", *_SUMMARIES), ("personnel",))
    + _economic_sums(ts, [("301", "303"), ("301", "303", "309")]),
    "public": lambda ts: _named(ts, r"^(日常)?公用经费$") + _totals(ts, ("basic_expenditure", *_SUMMARIES), ("public",))
    + _economic_sums(ts, [("302",), ("302", "310"), ("302", "307", "309", "310", "399")]),
    "three_public": lambda ts: _named(ts, r"三公", _THREE, whole=False) + _three_public_totals(ts),
    "abroad": lambda ts: _named(ts, r"因公出国", _THREE, whole=False),
    "vehicle": lambda ts: _named(ts, r"公务用车购置及运行", _THREE, whole=False),
    "vehicle_purchase": lambda ts: _named(ts, r"^(公务用车)?购置费?$", _THREE, whole=False),
    "vehicle_running": lambda ts: _named(ts, r"^(公务用车)?运行(维护|维持)?费$", _THREE, whole=False),
    "reception": lambda ts: _named(ts, r"公务接待", _THREE, whole=False),
    "meeting": lambda ts: _named(ts, r"^会议费$", _THREE, whole=False),
    "training": lambda ts: _named(ts, r"^培训费$", _THREE, whole=False),
    "admin_operating": lambda ts: _totals(ts, ("admin_operating",)) + _named(ts, r"机关运行经费", None, whole=False),
    "procurement": lambda ts: _totals(ts, ("procurement",)),
}


SUBJECT_FAMILIES = (*_SPENDING, *_SUMMARIES, "income")  # the tables that list 功能分类 科目 rows


def candidates(concept: str, tables: list[Table]) -> Cells:
    """Every cell of these tables the concept can mean."""
    subject = parse_subject(concept)
    if subject is not None:
        level, name, ancestors = subject
        return subject_cells([t for t in tables if t.family in SUBJECT_FAMILIES],
                             level, subject_name(name), ancestors)
    pick = CANDIDATES.get(concept)
    return pick(tables) if pick else []


def _same_basis(cell: dict, basis: str | None, kind: str | None) -> bool:
    """The cell is of the clause's 口径: in a 决算, a 预算数 is compared with 预算 columns only and
    every other figure with the 决算 columns."""
    if kind != "决算":
        return True
    budget_cell = txt(cell.get("measure")) in BUDGET_MEASURES or txt(cell.get("column_role")) in BUDGET_MEASURES
    return budget_cell if basis == "budget" else not budget_cell


def this_years(fact: dict, pub: Publication) -> bool:
    """A figure of this year's 口径: not a change, not last year's, not another year's, not a 决算 in a 预算."""
    if txt(fact.get("unit")) != "万元" or not txt(fact.get("concept")):
        return False
    if txt(fact.get("relation")) in ("change_up", "change_down", "change_rate", "share"):
        return False
    basis, year = txt(fact.get("basis")), num(fact.get("year"))
    if basis == "prior" or (year is not None and pub.fiscal_year is not None and int(year) != pub.fiscal_year):
        return False
    return not (pub.kind == "预算" and basis == "final")


@rule("NARRATIVE_MISMATCH")
def narrative_vs_tables(ctx: Context) -> Iterator[Finding]:
    paths = {d.get("doc_id"): txt(d.get("source_path")) or d.get("doc_id") for d in ctx.records("documents")}
    for pub in publications(ctx):
        tables = tables_of(ctx, pub.docs)
        if not tables:
            continue
        for fact in rows_of(ctx, "facts", pub.docs):
            if not this_years(fact, pub):
                continue
            cells = [(t, c) for t, c in candidates(txt(fact.get("concept")) or "", tables)
                     if num(c.get("value")) is not None and _same_basis(c, txt(fact.get("basis")), pub.kind)]
            if not cells:
                continue
            if ctx.extra.get("pairs_only") and all(t.doc_id == fact.get("doc_id") for t, _ in cells):
                continue  # checked when the file was converted alone
            yield from _compare(ctx, fact, cells, paths)


def _words_before(fact: dict) -> str:
    """The clause before the figure as written (本年支出合计为), without its verb: the row it names."""
    sentence = re.sub(r"\s+", "", txt(fact.get("sentence")) or "")
    raw = txt(fact.get("value_raw")) or ""
    head = sentence.split(raw)[0] if raw and raw in sentence else ""
    clause = re.split(r"[，,；;：:。]", head)[-1]
    return re.sub(r"(?:为|是|共计为?|达到|达|约)$", "", clause)


def _compare(ctx: Context, fact: dict, cells: Cells, paths: dict[str, str]) -> Iterator[Finding]:
    stated = num(fact.get("value"))
    if stated is None:
        return
    named = _words_before(fact)
    exact = [(t, c) for t, c in cells if len(bare(c.get("item"))) >= 3 and named.endswith(bare(c.get("item")))]
    cells = exact or cells  # “本年支出合计” is that row, not also 总计
    raw = txt(fact.get("value_raw")) or stated
    for _, c in cells:
        if abs(stated - num(c.get("value"))) <= ctx.slack.of(raw, figure(c)):  # type: ignore[operator]
            return
    t, cell = min(cells, key=lambda tc: abs(stated - num(tc[1].get("value"))))  # type: ignore[operator]
    value = num(cell.get("value"))
    label = txt(fact.get("label")) or ""
    place = t.where(cell) + (f"（{paths.get(t.doc_id) or t.doc_id}）" if t.doc_id != fact.get("doc_id") else "")
    for factor, words in ((1e4, "元误作万元"), (1e-4, "万元误作元")):
        if value and abs(stated - value * factor) <= ctx.slack.of(raw) + ctx.slack.of(figure(cell)) * factor:
            yield prose_finding(fact, "MAGNITUDE_MISMATCH", "error",
                                f"说明中“{label}”{fmt(stated)}万元是表中“{place}”{fmt(value)}万元的 "
                                f"{'10^4' if factor > 1 else '10^-4'} 倍（{words}）", value, stated, [ref_of(cell)])
            return
    yield prose_finding(fact, "NARRATIVE_MISMATCH", "error",
                        f"说明中“{label}”为 {fmt(stated)}万元，表中“{place}”为 {fmt(value)}万元 "
                        f"(the 说明 and the table disagree)", value, stated, [ref_of(cell)])
