"""CODE_NAME_MISMATCH (info): a 科目 of the 说明 that no row of the tables has, its figure on a row of another name.

“法院（款）一般行政事务管理（项）支出6049.97万元” where the tables list 2040502 一般行政管理事务
6,049.97 under 法院: the 说明 misnames the 科目 (characters swapped, a word dropped). The figure is
not compared (NARRATIVE_MISMATCH needs the one row a name fits), so the slip would pass unseen.
Said as an info, naming both: only when no row of any table bears the 说明's name, and exactly one
row of that level under the 科目's named 类/款 holds its figure.
"""

from __future__ import annotations

from collections.abc import Iterator

from jixiao.normalize.fact_concepts import parse_subject, subject_name
from jixiao.validate.base import Context, Finding, rule
from jixiao.validate.findings import prose_finding
from jixiao.validate.publication import Table, bare, publications, rows_of, subject_rows, tables_of
from jixiao.validate.records import figure, fmt, num, txt
from jixiao.validate.refs import ref_of
from jixiao.validate.rules.narrative import SUBJECT_FAMILIES, candidates, this_years


@rule("CODE_NAME_MISMATCH")
def subject_named_otherwise(ctx: Context) -> Iterator[Finding]:
    for pub in publications(ctx):
        tables = [t for t in tables_of(ctx, pub.docs) if t.family in SUBJECT_FAMILIES]
        if not tables:
            continue
        for fact in rows_of(ctx, "facts", pub.docs):
            subject = parse_subject(txt(fact.get("concept")) or "")
            if subject is None or subject[0] not in ("款", "项") or not this_years(fact, pub):
                continue
            level, name, ancestors = subject
            if candidates(txt(fact.get("concept")) or "", tables) or \
                    any(subject_rows(t, level, name) for t in tables):
                continue  # a row of that name exists (perhaps under another 款): not a misnaming
            stated, raw = num(fact.get("value")), txt(fact.get("value_raw")) or fact.get("value")
            if stated is None or not ancestors:
                continue
            same = [(t, r) for t in tables for r in _level_rows(t, level, ancestors)
                    if abs(stated - num(r.get("value"))) <= ctx.slack.of(raw, figure(r))]  # type: ignore[operator]
            names = {subject_name(bare(r.get("item"))) for _, r in same}
            if len(names) != 1:
                continue
            if ctx.extra.get("pairs_only") and all(t.doc_id == fact.get("doc_id") for t, _ in same):
                continue  # checked when the file was converted alone
            t, row = same[0]
            code = txt(row.get("code")) or ""
            yield prose_finding(fact, "CODE_NAME_MISMATCH", "info",
                                f"说明中的“{name}（{level}）”{fmt(stated)}万元在表中没有这一科目；“{t.where(row)}”"
                                f"（{code} {txt(row.get('item'))}）为同一数额 (the 说明 names the 科目 otherwise)",
                                num(row.get("value")), stated, [ref_of(row)])


def _level_rows(t: Table, level: str, ancestors: list[tuple[str | None, str]]) -> list[dict]:
    """Whole-column rows of this level under the ancestors the 说明 names (any name)."""
    out = []
    for r in t.rows:
        if txt(r.get("row_level")) != level or num(r.get("value")) is None or not txt(r.get("item_parent")):
            continue
        if r in subject_rows(t, level, subject_name(bare(r.get("item"))), ancestors):
            out.append(r)
    return out
