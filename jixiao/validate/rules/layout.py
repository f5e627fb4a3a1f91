"""LAYOUT_NOT_UNDERSTOOD: one info finding per table (money or indicators) that was not understood.

A table is not understood when the reader could not tell its family, the role of a value
column or the level of its rows (amounts.layout_ok / indicators.layout_ok false, the reason in
layout_reason), or when one check failed on most of its rows (the rules record that doubt in
Context.extra instead of reporting every row). Nothing in such a table is accused.
"""

from __future__ import annotations

from collections.abc import Iterator

from jixiao.validate.base import Context, Finding, rule
from jixiao.validate.money import table_of
from jixiao.validate.records import forms_by_id, is_true, page_of, txt, understood, where
from jixiao.validate.refs import ref_of


def _finding(form: dict | None, row: dict, reason: str) -> Finding:
    title = txt(row.get("table_title"))
    table = title or f"{txt(row.get('table_kind')) or 'table'} #{row.get('table_no')}"
    return Finding(
        doc_id=row.get("doc_id") or "", form_id=row.get("form_id"), rule="LAYOUT_NOT_UNDERSTOOD", severity="info",
        location=title or where(form, table),
        message=f"表的结构未能识别，未作核对：{reason}", page=page_of(row), table=table, source_ref=ref_of(row),
    )


@rule("LAYOUT_NOT_UNDERSTOOD")
def layouts(ctx: Context) -> Iterator[Finding]:
    forms = forms_by_id(ctx)
    seen: set[tuple] = set()
    for r in ctx.records("amounts"):
        key = table_of(r)
        v = r.get("layout_ok")
        if key in seen or v is None or is_true(v):
            continue
        seen.add(key)
        yield _finding(forms.get(r.get("form_id")), r, txt(r.get("layout_reason")) or "未说明")
    for key, (row, reason) in (ctx.extra.get("layout_doubts") or {}).items():
        if key not in seen and not _of_indicators(key):
            seen.add(key)
            yield _finding(forms.get(row.get("form_id")), row, reason)


def _of_indicators(key: object) -> bool:
    return isinstance(key, tuple) and bool(key) and key[0] == "indicators"


@rule("LAYOUT_NOT_UNDERSTOOD")
def indicator_layouts(ctx: Context) -> Iterator[Finding]:
    """Indicator tables: rows with layout_ok false, and tables a score rule doubted (records.doubt_indicators)."""
    forms = forms_by_id(ctx)
    doubts = [(r, txt(r.get("layout_reason"))) for r in ctx.records("indicators") if not understood(r)]
    doubts += [v for k, v in (ctx.extra.get("layout_doubts") or {}).items() if _of_indicators(k)]
    seen: set[tuple] = set()
    for row, reason in doubts:
        key = (row.get("doc_id"), row.get("form_id"), row.get("table_no"))
        if key in seen:
            continue
        seen.add(key)
        form = forms.get(row.get("form_id"))
        yield Finding(
            doc_id=row.get("doc_id") or "", form_id=row.get("form_id"), rule="LAYOUT_NOT_UNDERSTOOD", severity="info",
            location=where(form, "绩效指标表"), message=f"绩效指标表的结构未能识别，未作核对：{reason or '未说明'}",
            page=page_of(row) or page_of(form), table="indicators", source_ref=ref_of(row))
