"""Amount arithmetic of tables: totals vs parts, parts vs wholes, rates vs amounts, over-execution."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from jixiao.text import squash
from jixiao.validate.base import Context, Finding, rule
from jixiao.validate.findings import amount_finding, rate_finding, sum_finding
from jixiao.validate.money import additive, checked, gate, signed, understood
from jixiao.validate.records import (
    figure,
    fmt,
    forms_by_id,
    indicators_by_form,
    is_true,
    num,
    page_of,
    txt,
    where,
)
from jixiao.validate.refs import ref_of


def _key(r: dict) -> tuple:
    return (r.get("doc_id"), r.get("form_id"), r.get("table_no"), r.get("table_kind"))


def _col_key(r: dict) -> tuple:
    return (r.get("measure"), r.get("measure_raw"), r.get("col_no"))


def _clean_item(s: object) -> str:
    return _clean_label(str(s or ""))


@lru_cache(maxsize=1 << 14)
def _clean_label(s: str) -> str:
    return re.sub(r"^(其中[:：]?|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）])", "",
                  s).strip()


def parts_of(amounts: list[dict]) -> dict[tuple, list[dict]]:
    """(table key, parent item, column, parent row) -> the rows that declare that parent.

    Labels repeat inside a table (维修（护）费 under several purchase items), so a row's parent is
    the nearest row above it with that label in the same column, not the first one.
    """
    tables = _tables(amounts)
    out: dict[tuple, list[dict]] = {}
    for r in amounts:
        parent = txt(r.get("item_parent"))
        if parent and num(r.get("value")) is not None:
            whole = _parent_row(tables, _key(r), parent, _col_key(r), below=r)
            col = _col_key(r) if whole is None or num(r.get("parent_row")) is None else None
            out.setdefault((_key(r), parent, col, id(whole)), []).append(r)
    return out


def _parent_row(columns: dict[tuple, list[tuple]], key: tuple, parent: str, col: tuple,
                below: dict | None = None) -> dict | None:
    """The row named ``parent`` in column ``col``: the nearest one above ``below`` when given."""
    limit = num(below.get("row_no")) if below is not None else None
    at = num(below.get("parent_row")) if below is not None else None
    if at is not None:  # the reader knows the row (a 小计 may sit below its parts)
        own = next((r for r, _, _, row_no in columns.get((key, col), ()) if row_no == at), None)
        if own is not None or below is None:
            return own
        return next((r for r, _, _, row_no in columns.get((key, (below.get("side"), col[0])), ()) if row_no == at),
                    None)  # a list printed in two column blocks: its total sits in the last block
    wanted = _clean_item(parent)
    best, best_no = None, 0.0
    for r, label, clean_label, row_no in columns.get((key, col), ()):
        if label != parent and clean_label != wanted:
            continue
        if limit is None:
            return r
        if row_no is not None and row_no < limit and (best is None or row_no > best_no):
            best, best_no = r, row_no
    if best is None and limit is not None:
        return _parent_row(columns, key, parent, col)
    return best


def _tables(amounts: list[dict]) -> dict[tuple, list[tuple]]:
    """(table key, column key) -> (row, label, cleaned label, row_no) of the rows that hold a figure.

    Built once per rule so that finding a parent row is a scan of one column of one table."""
    out: dict[tuple, list[tuple]] = {}
    for r in amounts:
        if num(r.get("value")) is None:
            continue
        entry = (r, txt(r.get("item")), _clean_item(r.get("item")), num(r.get("row_no")))
        out.setdefault((_key(r), _col_key(r)), []).append(entry)
        out.setdefault((_key(r), (r.get("side"), r.get("measure"))), []).append(entry)
    return out


def _is_true(v: object) -> bool:
    return is_true(v)


def _same_level(kids: list[dict]) -> bool:
    """Siblings only: parts of one whole sit on one level — never 类 + 款 + 项, never 一、 + （一）.
    A subtotal beside plain rows is the designed chain (当年收入小计 + 上年结转 = 收入合计)."""
    levels = {txt(k.get("row_level")) for k in kids}
    return len(levels & {"类", "款", "项"}) <= 1 and len(levels & {"n1", "n2", "n3", "n4"}) <= 1


def _plain_side(rows: list[dict]) -> bool:
    """A table side with no codes and no numbering at all: only there may 合计 be compared with
    every row above it."""
    return all(txt(r.get("row_level")) in (None, "item", "total", "subtotal") and not txt(r.get("code")) for r in rows)


def _checked_amounts(ctx: Context) -> tuple[dict, list[dict], dict[tuple, list[tuple]]]:
    """The forms by id, the additive amounts of understood tables, and those amounts by table: what
    the sum and part checks both read."""
    amounts = [r for r in ctx.records("amounts") if understood(r) and additive(r)]
    return forms_by_id(ctx), amounts, _tables(amounts)


@rule("SUM_MISMATCH")
def table_sums(ctx: Context) -> Iterator[Finding]:
    """Each whole against its parts one level below (合计 = Σ类, 类 = Σ款, 款 = Σ项, per column);
    in tables without codes and numbering, a 合计 row against the rows above it. Understood tables only."""
    forms, amounts, tables = _checked_amounts(ctx)
    found: list[tuple[dict, Finding]] = []
    checks: dict[tuple, set] = {}
    for (key, parent, _col, _), kids in parts_of(amounts).items():
        kids = [k for k in kids if txt(k.get("relation")) in ("sum", "component", "addend")]
        single_code = len(kids) == 1 and bool(txt(kids[0].get("code")))  # a 类 with one 款 equals it
        if (len(kids) < 2 and not single_code) or not _same_level(kids):
            continue
        whole = _parent_row(tables, key, parent, _col_key(kids[0]), below=kids[0])
        if whole is None:
            continue
        total, values = num(whole.get("value")), [num(k.get("value")) for k in kids]
        s = sum(v for v in values if v is not None)
        checked(checks, whole)
        if abs(s - total) > ctx.slack.of(figure(whole), *map(figure, kids)):
            found.append((whole, amount_finding(forms.get(whole.get("form_id")), whole, "SUM_MISMATCH", "error",
                                                 f"“{parent}”{fmt(total)} 与各分项之和 {fmt(s)} 不符", s, total,
                                                 related=[ref_of(k) for k in kids])))
    by_side: dict[tuple, list[dict]] = {}
    for r in amounts:
        by_side.setdefault((*_key(r), r.get("side")), []).append(r)
    for side_rows in by_side.values():
        if not _plain_side(side_rows):
            continue
        cols: dict[tuple, list[dict]] = {}
        for r in side_rows:
            cols.setdefault(_col_key(r), []).append(r)
        for cells in cols.values():
            cells.sort(key=lambda r: num(r.get("row_no")) or 0)
            start = 0
            for i, r in enumerate(cells):
                if not _is_true(r.get("is_total")):
                    continue
                parts = [c for c in cells[start:i] if not _is_true(c.get("is_total"))
                         and not txt(c.get("item_parent")) and num(c.get("value")) is not None]
                start = i + 1
                total = num(r.get("value"))
                if total is None or len(parts) < 2:
                    continue
                checked(checks, r)
                finding = sum_finding(ctx, forms.get(r.get("form_id")), r, parts, txt(r.get("item")), "上方各行之和")
                if finding is not None:
                    found.append((r, finding))
    yield from gate(ctx, found, checks, "合计与分项之和")


@rule("PART_EXCEEDS_WHOLE")
def part_whole(ctx: Context) -> Iterator[Finding]:
    """An explicit part (其中 row, or the single part of a whole) above its whole; both non-negative,
    never on balance / carry-over figures. Addends of a total are SUM_MISMATCH's job."""
    forms, amounts, tables = _checked_amounts(ctx)
    found: list[tuple[dict, Finding]] = []
    checks: dict[tuple, set] = {}
    for (key, parent, _col, _), kids in parts_of(amounts).items():
        kids = [k for k in kids if txt(k.get("relation")) == "part" and not signed(k)]
        whole = _parent_row(tables, key, parent, _col_key(kids[0]), below=kids[0]) if kids else None
        if whole is None or signed(whole):
            continue
        total = num(whole.get("value"))
        if total is None or total < 0:
            continue
        for k in kids:
            v = num(k.get("value"))
            if v is None or v < 0:
                continue
            checked(checks, k)
            if v > total + ctx.slack.of(figure(whole), figure(k)):
                found.append((k, amount_finding(forms.get(k.get("form_id")), k, "PART_EXCEEDS_WHOLE", "error",
                                                 f"其中项“{txt(k.get('item'))}”{fmt(v)} 大于总额“{parent}”{fmt(total)}",
                                                 total, v, related=[ref_of(whole)])))
        values = [num(k.get("value")) for k in kids if (num(k.get("value")) or 0) >= 0]
        if _is_true(whole.get("is_total")) or len(values) < 2:
            continue  # a 合计 row against its items is SUM_MISMATCH's job, reported once
        if sum(values) > total + ctx.slack.of(total, *values):  # type: ignore[arg-type]
            found.append((whole, amount_finding(forms.get(whole.get("form_id")), whole, "PART_EXCEEDS_WHOLE", "error",
                                                 f"“{parent}”的其中项合计 {fmt(sum(values))} 大于总额 {fmt(total)}",  # type: ignore[arg-type]
                                                 total, sum(values),  # type: ignore[arg-type]
                                                 related=[ref_of(k) for k in kids if (num(k.get("value")) or 0) >= 0])))
    yield from gate(ctx, found, checks, "其中项大于总额")


_EXEC_RATE = re.compile(r"执行率|执行进度|执行金额占预算|支出进度|资金执行")
# named for the form's own budget ÷ execution whatever heading it sits under (not 支出/支付进度: a date's share)
_BUDGET_RATE = re.compile(r"^(?:部门|单位|年度|项目)?预算(?:完成|执行)率$")


@rule("RATE_MISMATCH")
def rates(ctx: Context) -> Iterator[Finding]:
    forms = forms_by_id(ctx)
    for form in forms.values():
        b, e, r = num(form.get("budget_wan")), num(form.get("executed_wan")), num(form.get("execution_rate"))
        if b and e is not None and r is not None:
            computed = e / b * 100
            if abs(computed - r) > ctx.slack.rate(e, b, r):
                yield rate_finding(form, None, r, computed, "执行率")
    for fid, rows in indicators_by_form(ctx):
        form = forms.get(fid)
        if not form:
            continue
        b, e, a = num(form.get("budget_wan")), num(form.get("executed_wan")), num(form.get("arrived_wan"))
        if not b or e is None:
            continue
        for row in rows:
            label = " ".join(filter(None, (txt(row.get("level2_raw")), txt(row.get("level3")), txt(row.get("target_raw")))))
            named = _BUDGET_RATE.search(squash(txt(row.get("level3"))))  # 预算完成率 of a 资金投入 block is the same rate
            if not named and ("budget_execution" not in (row.get("category"), row.get("level2"), row.get("level1"))
                              or not _EXEC_RATE.search(label)) or "调整" in label:
                continue
            v = num(row.get("actual_value"))
            if v is None or txt(row.get("actual_unit")) != "%":
                continue
            candidates = [e / d * 100 for d in (b, a) if d]
            if all(abs(c - v) > ctx.slack.rate(e, d, v) for c, d in zip(candidates, (b, a), strict=False)):
                yield rate_finding(form, row, v, candidates[0], txt(row.get("level3")) or "预算执行率")


@rule("EXECUTION_OVER_BUDGET")
def over_budget(ctx: Context) -> Iterator[Finding]:
    for form in forms_by_id(ctx).values():
        b, e = num(form.get("budget_wan")), num(form.get("executed_wan"))
        if b is not None and e is not None and e > b + ctx.slack.of(b, e):
            yield Finding(
                doc_id=form.get("doc_id") or "", form_id=form.get("form_id"), rule="EXECUTION_OVER_BUDGET",
                severity="warning", location=where(form, "执行数"),
                message=f"执行数 {fmt(e)} 万元超过预算数 {fmt(b)} 万元 (executed exceeds budget)",
                expected=b, observed=e, page=page_of(form), table="forms", row_label="执行数",
                source_ref=ref_of(form, "executed_wan"), related_refs=ref_of(form, "budget_wan"),
            )
