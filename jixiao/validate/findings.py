"""Where a finding points: the one place that builds a Finding from the row it is about.

A rule decides *whether* something is wrong; these builders say *where* a person looks
(form, table, row label, indicator, page), the same way for every rule of a kind of row.
They also say where the figures sit in the file (refs.py): `source_ref` is the cell of the
observed figure — the row's cell holding it, found by its value when the rule does not name
the column (`at`) — and `related_refs` the cells the expected value comes from: the ones a
rule passes (`related`: the addends of a sum, the other table's cell), else the row's or
form's cell holding the expected figure. An observed figure the rule computed (a sum of
weights) has no cell: the finding points at its row and lists the addends.
"""

from __future__ import annotations

from collections.abc import Iterable

from jixiao.validate.base import Context, Finding
from jixiao.validate.prose_text import Para, sentence_at
from jixiao.validate.records import figure, fmt, num, page_of, txt, where
from jixiao.validate.refs import figure_ref, join_refs, ref_of

Refs = Iterable[str | None] | None


def _related(refs: Refs, source: str | None, *fallback: str | None) -> str | None:
    """The related refs a rule gave (all of them: the addends of a computed figure include the one it
    points at), else the fallback cells other than the observed one."""
    if refs is not None:
        return join_refs(refs)
    return join_refs(r for r in fallback if r != source)


def indicator_finding(form: dict | None, row: dict | None, code: str, severity: str, message: str,
             expected: float | None = None, observed: float | None = None, *parts: object,
             at: str | None = None, related: Refs = None) -> Finding:
    """A finding on an indicator row (or on the form when `row` is None).

    `at`: the cell_refs column of the observed figure (else found by value); `related`: refs of
    the figures `expected` comes from (else the row's or form's cell holding `expected`)."""
    indicator = txt(row.get("level3")) if row else None
    holder = row or form
    related = list(related) if related is not None else None
    source = (ref_of(holder, at) if at else None) or figure_ref(row, observed) or figure_ref(form, observed) \
        or ref_of(row) or (next((r for r in related or [] if r), None) if observed is not None else None)
    return Finding(
        doc_id=(form or row or {}).get("doc_id") or "", form_id=(form or row or {}).get("form_id"),
        rule=code, severity=severity, location=where(form, *parts, indicator), message=message,
        expected=expected, observed=observed, page=page_of(row) or page_of(form), table="indicators",
        row_label=txt(row.get("level2_raw")) or txt(row.get("level1_raw")) if row else None,
        indicator=indicator, source_ref=source,
        related_refs=_related(related, source, figure_ref(row, expected) or figure_ref(form, expected)),
    )


def amount_finding(ctx_form: dict | None, row: dict, code: str, severity: str, message: str,
                    expected: float | None, observed: float | None, related: Refs = None) -> Finding:
    """A finding on a row of an amounts table (its cell is the observed figure's place; `related`:
    refs of the cells `expected` comes from)."""
    source = ref_of(row)
    item = txt(row.get("item"))
    table = f"{txt(row.get('table_kind')) or 'table'} #{row.get('table_no')}" if row.get("table_no") is not None \
        else txt(row.get("table_kind"))
    return Finding(
        doc_id=row.get("doc_id") or "", form_id=row.get("form_id"), rule=code, severity=severity,
        location=where(ctx_form, table, item, txt(row.get("measure_raw")) or txt(row.get("measure"))),
        message=message, expected=expected, observed=observed, page=page_of(row), table=table,
        row_label=item, indicator=None, source_ref=source, related_refs=_related(related, source),
    )


def sum_finding(ctx: Context, form: dict | None, whole: dict, parts: list[dict], label: str,
                what: str) -> Finding | None:
    """SUM_MISMATCH when the parts' sum differs from the whole beyond the rounding of every figure
    (one place for the row and column sum checks); `what` names the sum in the message."""
    total, s = num(whole.get("value")), sum(num(p.get("value")) for p in parts)  # type: ignore[misc]
    if abs(s - total) <= ctx.slack.of(figure(whole), *map(figure, parts)):  # type: ignore[operator]
        return None
    return amount_finding(form, whole, "SUM_MISMATCH", "error", f"“{label}”{fmt(total)} 与 {what} {fmt(s)} 不符",
                          s, total, related=[ref_of(p) for p in parts])


def rate_finding(form: dict, row: dict | None, stated: float, computed: float, what: str) -> Finding:
    """RATE_MISMATCH: a stated execution rate (on the form, or an indicator row) against executed ÷ budget."""
    source = ref_of(row, "actual_raw") if row else ref_of(form, "execution_rate")
    return Finding(
        doc_id=form.get("doc_id") or "", form_id=form.get("form_id"), rule="RATE_MISMATCH", severity="error",
        location=where(form, what), message=f"{what} {fmt(stated)}% 与执行数/预算数计算的 {fmt(computed)}% 不符 "
        f"(stated rate contradicts executed ÷ budget)", expected=round(computed, 4), observed=stated,
        page=page_of(row) or page_of(form), table="indicators" if row else "forms",
        row_label=txt(row.get("level2_raw")) if row else "执行率", indicator=txt(row.get("level3")) if row else None,
        source_ref=source, related_refs=_related(None, source, ref_of(form, "executed_wan"), ref_of(form, "budget_wan")),
    )


def prose_finding(fact: dict, code: str, severity: str, message: str,
                   expected: float | None, observed: float | None, related: Refs = None) -> Finding:
    """A finding on a number stated in prose (a facts row): its sentence's place, and `related` refs
    (a table's cell, another paragraph) the expected value comes from."""
    sentence = txt(fact.get("sentence")) or ""
    source = ref_of(fact)
    return Finding(doc_id=fact.get("doc_id") or "", form_id=None, rule=code, severity=severity,
                   location=sentence[:160], message=message, expected=expected, observed=observed,
                   page=int(num(fact.get("page"))) if num(fact.get("page")) is not None else None,
                   table="narrative", row_label=txt(fact.get("label")), indicator=None,
                   source_ref=source, related_refs=_related(related, source))


def form_finding(form: dict, code: str, message: str, column: str, label: str, severity: str = "warning") -> Finding:
    """A finding (a warning unless said) on one text column of a form (its goals, its results)."""
    return Finding(doc_id=form.get("doc_id") or "", form_id=form.get("form_id"), rule=code, severity=severity,
                   location=where(form, label), message=message, page=page_of(form), table="forms",
                   row_label=label, indicator=None, source_ref=ref_of(form, column))


def paragraph_finding(p: Para, code: str, severity: str, message: str, pos: int | None = None, quote: str | None = None,
            expected: float | None = None, observed: float | None = None, row_label: str | None = None) -> Finding:
    """A prose finding: where a person looks is the sentence at `pos` (or the heading itself), on its page."""
    if quote is None:
        quote = sentence_at(p.text, pos) if pos is not None else p.text
    return Finding(doc_id=p.doc_id, form_id=None, rule=code, severity=severity,
                   location=quote[:160], message=message, expected=expected, observed=observed,
                   page=p.page_at(pos or 0), table="narrative", row_label=row_label, indicator=None,
                   source_ref=p.ref_at(pos or 0))


def column_refs(rows: Iterable[dict], column: str) -> list[str | None]:
    """The cells of one figure column of several rows (the addends of a sum)."""
    return [ref_of(r, column) for r in rows]
