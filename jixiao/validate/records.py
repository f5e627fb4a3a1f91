"""NA-safe helpers the rules share: numbers, text, records and walks over them, locations.

Rounding allowances are in slack.py, finding builders in findings.py."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

from jixiao.normalize.values import is_placeholder
from jixiao.validate.base import Context, is_na


def num(x: object) -> float | None:
    """A finite float or None (pandas NA, NaN, '', text that is no number)."""
    if type(x) is float:  # the common case: a figure already read back as a float
        return x if math.isfinite(x) else None
    if isinstance(x, bool) or is_na(x):
        return None
    try:
        v = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def txt(x: object) -> str | None:
    """Stripped text or None for NA/blank."""
    if is_na(x):
        return None
    s = str(x).strip()
    return s or None


def figure(row: dict) -> object:
    """A table cell's figure as published: its raw text when that is the same number, else the value.

    555.60 read back as a float is 555.6 and would claim one decimal; value_raw keeps the two."""
    value = num(row.get("value"))
    raw = txt(row.get("value_raw"))
    m = re.search(r"[-+]?\d[\d,]*(?:\.\d+)?", raw or "")
    if value is None or not m:
        return row.get("value")
    text = m.group().replace(",", "")
    if txt(row.get("unit_raw")) == "元" and abs(float(text) / 1e4 - value) <= 1e-9 * max(1.0, abs(value)):
        places = len(text.split(".", 1)[1]) if "." in text else 0  # 370,000 元 = 37.0000 万元: 4 more decimals
        return f"{value:.{places + 4}f}"
    return text if abs(float(text) - value) <= 1e-9 * max(1.0, abs(value)) else row.get("value")


def forms_by_id(ctx: Context) -> dict[str, dict]:
    return {r["form_id"]: r for r in ctx.records("forms") if r.get("form_id")}


def understood(row: dict) -> bool:
    """The row's table (indicators or amounts) was understood (column roles, row levels): it may be accused.

    Rows written before the table-reading model existed (no layout_ok) count as understood."""
    v = row.get("layout_ok")
    return is_na(v) or is_true(v)


def doubt_indicators(ctx: Context, row: dict, reason: str) -> None:
    """Record that one check failed on most rows of an indicator table: the reading is what is wrong,
    and LAYOUT_NOT_UNDERSTOOD reports the table once instead of the failures."""
    key = ("indicators", row.get("doc_id"), row.get("form_id"), row.get("table_no"))
    ctx.extra.setdefault("layout_doubts", {}).setdefault(key, (row, reason))


def indicators_by_form(ctx: Context) -> Iterator[tuple[str, list[dict]]]:
    """(form_id, rows sorted by row_no) for every form with indicators; rows of indicator tables
    that were not understood are left out (LAYOUT_NOT_UNDERSTOOD reports those tables once)."""
    groups: dict[str, list[dict]] = {}
    for r in ctx.records("indicators"):
        if r.get("form_id") and understood(r):
            groups.setdefault(r["form_id"], []).append(r)
    for fid, rows in groups.items():
        rows.sort(key=lambda r: num(r.get("row_no")) or 0)
        yield fid, rows


def form_label(form: dict | None) -> str:
    if not form:
        return ""
    return txt(form.get("subject")) or txt(form.get("title")) or str(form.get("form_id") or "")


def where(form: dict | None, *parts: object) -> str:
    """'subject > part > part' — what a person searches for."""
    bits = [form_label(form)] + [str(p) for p in parts if txt(p)]
    return " > ".join(b for b in bits if b)


def page_of(row: dict | None) -> int | None:
    if not row:
        return None
    for k in ("page", "page_start"):
        v = num(row.get(k))
        if v is not None:
            return int(v)
    return None


def fmt(v: float | None) -> str:
    if v is None:
        return "—"
    return f"{v:.4f}".rstrip("0").rstrip(".")


def level1_groups(rows: list[dict]) -> list[list[dict]]:
    """Consecutive rows sharing a level1 (headings group indicators in order)."""
    groups: list[list[dict]] = []
    key = object()
    for r in rows:
        k = (r.get("level1"), r.get("level1_raw"))
        if k != key:
            groups.append([])
            key = k
        groups[-1].append(r)
    return groups


def effective_weight(row: dict, group: list[dict]) -> float | None:
    """The row's weight, or the heading's weight when the row is alone under its heading."""
    w = num(row.get("weight"))
    if w is not None:
        return w
    if len(group) == 1 and all(num(g.get("weight")) is None for g in group):
        return num(row.get("level1_weight"))
    return None


def each_form(ctx: Context) -> Iterator[tuple[dict | None, list[dict]]]:
    """(form row, its indicator rows in row order) for every form with indicators."""
    forms = forms_by_id(ctx)
    for fid, rows in indicators_by_form(ctx):
        yield forms.get(fid), rows


def each_group(ctx: Context) -> Iterator[tuple[dict | None, list[dict]]]:
    """(form, indicator rows of one level-1 heading) for every heading group, in order."""
    for form, rows in each_form(ctx):
        for group in level1_groups(rows):
            yield form, group


def bigrams(s: str) -> set[str]:
    """The pairs of adjacent Chinese characters of a text: its words, roughly, for overlap tests."""
    s = re.sub(r"[^\u4e00-\u9fff]", "", s)
    return {s[i:i + 2] for i in range(len(s) - 1)}


_NOT_APPLICABLE = ("不适用", "不适应", "不涉及", "无此项")


def not_applicable(row: dict) -> bool:
    """A 不适用 row (name or target says so): it drops out of every score and weight check (DOMAIN.md)."""
    l3, target = txt(row.get("level3")), txt(row.get("target_raw"))
    return is_placeholder(l3) or bool(target and re.sub(r"\s+", "", target) in _NOT_APPLICABLE)


def each_indicator(ctx: Context) -> Iterator[tuple[dict | None, list[dict], dict]]:
    """(form, the row's level-1 group, row) for every applicable indicator row: the walk row-level score
    rules share."""
    for form, group in each_group(ctx):
        for r in group:
            if not not_applicable(r):
                yield form, group, r


def is_true(v: object) -> bool:
    """A boolean column read back from CSV/Parquet ("true", 1, True)."""
    return v is True or str(v).lower() in ("true", "1")
