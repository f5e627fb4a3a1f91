"""LAYOUT_NOT_UNDERSTOOD for indicator tables: one info finding per table whose columns or row levels
were not recognised (indicators.layout_ok false, the reason in layout_reason). The score and text
rules leave such rows alone (records.indicators_by_form), so the table is reported once instead."""

from __future__ import annotations

from collections.abc import Iterator

from jixiao.validate.base import Context, Finding, rule
from jixiao.validate.records import forms_by_id, page_of, txt, understood, where


@rule("LAYOUT_NOT_UNDERSTOOD")
def indicator_layouts(ctx: Context) -> Iterator[Finding]:
    forms = forms_by_id(ctx)
    seen: set[tuple] = set()
    doubts = [(r, txt(r.get("layout_reason"))) for r in ctx.records("indicators") if not understood(r)]
    doubts += [v for k, v in (ctx.extra.get("layout_doubts") or {}).items() if k and k[0] == "indicators"]
    for r, reason in doubts:
        key = (r.get("doc_id"), r.get("form_id"), r.get("table_no"))
        if key in seen:
            continue
        seen.add(key)
        form = forms.get(r.get("form_id"))
        yield Finding(
            doc_id=r.get("doc_id") or "", form_id=r.get("form_id"), rule="LAYOUT_NOT_UNDERSTOOD", severity="info",
            location=where(form, "绩效指标表"), message=f"绩效指标表的结构未能识别，未作核对：{reason or '未说明'}",
            page=page_of(r) or page_of(form), table="indicators")
