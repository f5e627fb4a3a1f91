"""The 预算/决算 publications of a converted folder, each as its tables with the findings about each.

A reader of a 部门预算/决算公开 thinks in its tables (收支总表, 三公经费表 …): this module groups a
folder's findings that way. A publication is one file or a …公开文件 and its …公开表 (paired as
the batch pairs them: validate/publication.py). Each table (a `budget_summary` form) gets the
findings of its form, and the findings of the 说明 that compare a sentence with one of its cells
(NARRATIVE_MISMATCH, MAGNITUDE_MISMATCH: their related_refs name the cell); a table the
publication lacks (MISSING_TABLE without a form) is listed as missing; the rest is the 说明's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jixiao.report.finding_rows import Tables, records
from jixiao.validate.publication import DISCLOSURE_FAMILIES, pair_groups, publication_key


@dataclass
class TableView:
    """One table of a publication and the findings about it."""

    form_id: str | None
    title: str
    doc_id: str
    page: object = None
    findings: list[dict] = field(default_factory=list)
    missing: bool = False  # a required table the publication lacks (a MISSING_TABLE finding names it)


@dataclass
class PublicationView:
    """A 预算/决算 publication: its files, its tables in reading order, and the 说明's other findings."""

    docs: list[str]
    unit: str
    year: object
    kind: str
    tables: list[TableView] = field(default_factory=list)
    prose: list[dict] = field(default_factory=list)


def _by_doc(rows: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for r in rows:
        out.setdefault(str(r.get("doc_id")), []).append(r)
    return out


def budget_publications(frames: Tables) -> list[PublicationView]:
    """The folder's 预算/决算 publications (those with tables, or a 说明 whose findings name missing ones)."""
    docs = {str(d.get("doc_id")): d for d in records(frames.get("documents"))}
    forms, findings = _by_doc(records(frames.get("forms"))), _by_doc(records(frames.get("findings")))
    facts, narrative = _by_doc(records(frames.get("facts"))), _by_doc(records(frames.get("narrative")))
    keys = {d: publication_key({"documents": [docs[d]], "forms": forms.get(d, []), "facts": facts.get(d, []),
                                "narrative": narrative.get(d, [])}) for d in docs}
    groups = pair_groups(keys)
    paired = {d for g in groups for d in g}
    groups += [[d] for d in docs if d not in paired and keys[d] is not None and keys[d][2] is not None]  # type: ignore[index]
    refs: dict[str, list[tuple[str, str]]] = {}  # doc -> (source_ref, form_id) of its table cells
    families: dict[str, set[str]] = {}  # doc -> the table families it holds
    for a in records(frames.get("amounts")):
        if a.get("source_ref") and a.get("form_id"):
            refs.setdefault(str(a.get("doc_id")), []).append((str(a["source_ref"]), str(a["form_id"])))
        if a.get("table_family"):
            families.setdefault(str(a.get("doc_id")), set()).add(str(a["table_family"]))
    out = []
    for group in groups:
        tables = [TableView(str(f["form_id"]), str(f.get("title") or f["form_id"]), d, f.get("page_start"))
                  for d in group for f in forms.get(d, []) if f.get("form_type") == "budget_summary"]
        found = [f for d in group for f in findings.get(d, [])]
        held = set().union(*(families.get(d, set()) for d in group)) & DISCLOSURE_FAMILIES
        if len(held) < 3 and not any(f.get("rule") == "MISSING_TABLE" for f in found):
            continue  # not the table set of a 预算/决算公开 (a report with a money table or two), nor a 说明 missing it
        key = keys[group[0]]
        view = PublicationView(group, str(docs[group[0]].get("unit_name") or ""), key[1] if key else None,
                               key[2] if key else "")  # type: ignore[index]
        view.tables = tables
        _assign(view, found, {r: fid for d in group for r, fid in refs.get(d, [])})
        out.append(view)
    return out


def _assign(view: PublicationView, found: list[dict], cell_form: dict[str, str]) -> None:
    by_form = {t.form_id: t for t in view.tables}
    for f in found:
        table = by_form.get(str(f.get("form_id") or ""))
        if table is None and f.get("rule") in ("NARRATIVE_MISMATCH", "MAGNITUDE_MISMATCH"):
            related = [r for r in str(f.get("related_refs") or "").split(";") if r]
            table = next((by_form[cell_form[r]] for r in related if cell_form.get(r) in by_form), None)
        if table is None and f.get("rule") == "MISSING_TABLE" and not f.get("form_id"):
            table = TableView(None, str(f.get("location") or f.get("table") or "?"), str(f.get("doc_id")),
                              f.get("page"), missing=True)
            view.tables.append(table)
        if table is not None:
            table.findings.append(f)
        else:
            view.prose.append(f)
