"""Long-format exports: one row per indicator, the project's key repeated on every row.

Budget systems export their 绩效目标 as sheets keyed by a project code (项目编码): a project sheet
(one row per key: 名称, 申请单位, 金额, 年度目标), an indicator sheet (many rows per key), often a
review sheet (one row per key) and a denormalised `data` sheet (project ⋈ indicator). Read as one
form per sheet, indicators of different projects collide; read by key, each project is one form.
Detected by structure: an indicator header plus a column whose values repeat (the key), never by
file or sheet name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from jixiao.model import Cell, Table
from jixiao.normalize.form_header import HeaderValue, field_of, prefer
from jixiao.normalize.indicator_columns import column_roles, find_header_row
from jixiao.text import clean, squash

KEY_HEADER = re.compile(r"^(项目)?(编码|代码|编号|ID|id)$")
_PROJECT_COLUMN = re.compile(r"^(项目|资金|专项)(名称)?$")
_CODE_LIKE = re.compile(r"^[A-Za-z0-9_\-]{6,}$")


@dataclass
class LongTable:
    """An indicator table in long format: where its header is and which column keys the projects."""

    header_at: int
    key_col: int
    groups: dict[str, list[int]] = field(default_factory=dict)  # key -> row indices, in order


def _column(rows: list[list[str]], j: int) -> list[str]:
    return [squash(r[j]) if j < len(r) else "" for r in rows]


def find_long_table(rows: list[list[str]]) -> LongTable | None:
    """The long-format reading of an indicator table, or None when no column keys its rows.

    The key is a non-indicator column that is filled on every row and whose values repeat (each
    project has several indicators); a header named 项目编码/代码/编号 wins, else the column with the
    most distinct values (the finest grouping)."""
    h = find_header_row(rows)
    if h is None or len(rows) - h - 1 < 4:
        return None
    header, body = rows[h], rows[h + 1:]
    taken = set(column_roles(header).values())
    best: tuple[int, int, int] | None = None  # (named, distinct, -col)
    for j in range(len(header)):
        if j in taken:
            continue
        values = _column(body, j)
        distinct = len(set(values))
        if "" in values or distinct < 2 or distinct * 2 > len(values):
            continue
        named = bool(KEY_HEADER.match(squash(header[j])))
        if not named and not _PROJECT_COLUMN.match(squash(header[j])) and not all(_CODE_LIKE.match(v) for v in values):
            continue  # a repeating attribute (指标类型 定量/定性) is no project key
        cand = (1 if named else 0, distinct, -j)
        if best is None or cand > best:
            best = cand
    if best is None:
        return None
    key_col = -best[2]
    groups: dict[str, list[int]] = {}
    for i, v in enumerate(_column(body, key_col), start=h + 1):
        groups.setdefault(v, []).append(i)
    return LongTable(h, key_col, groups)


def record_keys(table: Table) -> tuple[int, dict[str, int]] | None:
    """(key column, key -> row) of a table with one row per project code (a project or review sheet)."""
    rows = table.logical_rows()
    if len(rows) < 3:
        return None
    header = rows[0]
    for j, cell in enumerate(header):
        if KEY_HEADER.match(squash(cell)):
            values = _column(rows[1:], j)
            filled = [v for v in values if v]
            if len(filled) >= 2 and len(set(filled)) == len(filled) and len(filled) * 10 >= len(values) * 9:
                return j, {v: i for i, v in enumerate(values, start=1) if v}
    return None


def record_fields(header: list[str], row: list[str], cells: list[Cell] | None = None) -> dict[str, HeaderValue]:
    """The form fields a keyed row states under its column headers (项目名称, 申请单位, 本年金额, 年度目标 …);
    `cells` (the row's, from Table.logical_cells) give each value its source_ref."""
    found: dict[str, HeaderValue] = {}
    for j, cell in enumerate(header):
        hit = field_of(cell)
        if hit is None or j >= len(row) or not squash(row[j]):
            continue
        name, _stem, unit = hit
        ref = cells[j].source_ref() if cells is not None and j < len(cells) else None
        prefer(found, name, HeaderValue(clean(cell), clean(row[j]), unit, ref=ref))
    return found


@dataclass
class LongPlan:
    """What the long-format tables of a document hold, decided before the forms are read."""

    long: dict[int, LongTable] = field(default_factory=dict)  # id(table) -> its long reading
    side: set[int] = field(default_factory=set)  # id(table) of project/review sheets joined by key
    fields: dict[str, dict[str, HeaderValue]] = field(default_factory=dict)  # key -> fields of its record rows


def plan_long_tables(tables: list[Table]) -> LongPlan:
    """Find long indicator tables and the keyed record tables that describe the same projects."""
    plan = LongPlan()
    keys: set[str] = set()
    for t in tables:
        lt = find_long_table(t.logical_rows())
        if lt is not None:
            plan.long[id(t)] = lt
            keys |= set(lt.groups)
    if not keys:
        return plan
    for t in tables:
        if id(t) in plan.long:
            continue
        rec = record_keys(t)
        if rec is None or len(set(rec[1]) & keys) * 2 < len(rec[1]):
            continue
        plan.side.add(id(t))
        rows = t.logical_rows()
        for key, i in rec[1].items():
            found = plan.fields.setdefault(key, {})
            for name, hv in record_fields(rows[0], rows[i], t.logical_cells()[i]).items():
                prefer(found, name, hv)
    return plan


def long_form_drafts(rows: list[list[str]], lt: LongTable, plan: LongPlan, seen: dict,
                     cells: list[list[Cell]] | None = None) -> list:
    """One form per key of a long table; a key already read (the same projects in a joined view)
    only fills fields still empty."""
    from jixiao.normalize.forms import FormDraft, apply_header, read_indicators

    header = rows[lt.header_at]
    roles = column_roles(header)
    kind = "target_table" if "actual" not in roles and "score" not in roles else "project_self_eval"
    out = []
    for key, idx in lt.groups.items():
        fields = dict(plan.fields.get(key, {}))
        for name, hv in record_fields(header, rows[idx[0]], cells[idx[0]] if cells is not None else None).items():
            prefer(fields, name, hv)
        fields.setdefault("project_code", HeaderValue("项目编码", key))
        if key in seen:
            apply_header(fields, seen[key])
            continue
        form = FormDraft(form_type=kind)
        apply_header(fields, form)
        read_indicators([header] + [rows[i] for i in idx], form)
        form.fields["source_rows"] = [lt.header_at, *idx]  # the table rows read, for their refs
        seen[key] = form
        out.append(form)
    return out
