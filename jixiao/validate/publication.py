"""One 预算/决算 publication: its documents, its money tables, and the cells a concept names.

A department publishes its 预算 either in one file (说明 + tables) or in two (a `…公开文件`
with the 说明, "公开表附后", and a `…公开表` with the tables). Every cross-check (the 说明
against the tables, a required table missing) runs over the publication, never over one
file of a pair. Documents form one publication when they share the unit (as written, 中共
dropped), the fiscal year and the kind (预算 / 决算), and exactly one of them holds the
tables.

Tables are read by meaning only (the table-reading model's table_family, side, column_role,
code and row_level), never by position, and only when the model understood them (layout_ok).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from jixiao.normalize.fact_concepts import subject_name
from jixiao.validate.base import Context
from jixiao.validate.records import num, txt, understood

_NUMBERING = re.compile(r"^(?:其中[:：]?)?(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[、.．](?!\d))?")


def bare(item: object) -> str:
    """A row label without numbering, spaces or the 其中 opener."""
    s = re.sub(r"\s+", "", str(item or ""))
    return _NUMBERING.sub("", s).strip()


@dataclass
class Table:
    """One money table of a publication, as the table-reading model understood it."""

    key: tuple  # (doc_id, form_id, table_no)
    family: str
    title: str
    understood: bool
    rows: list[dict] = field(default_factory=list)

    @property
    def doc_id(self) -> str:
        return self.key[0] or ""

    def where(self, cell: dict) -> str:
        """Table > row > column: where a person finds a cell."""
        col = txt(cell.get("measure_raw")) or ""
        return " > ".join(p for p in (self.title or self.family, txt(cell.get("item")) or "", col) if p)


# the table families of a 预算/决算公开's set (收支总表 … 国有资本经营表): a document holding three or more
# of them publishes the set, not one money table inside a report
DISCLOSURE_FAMILIES = frozenset({"summary", "income", "expenditure", "fiscal_summary", "general_expenditure",
                                 "basic_expenditure", "three_public", "gov_fund", "state_capital"})
WHOLE_ROLES = {None, "", "amount", "total", "budget", "final", "budget_initial", "budget_adjusted", "executed"}
BUDGET_MEASURES = {"budget", "budget_initial", "budget_adjusted"}


def whole_column(cell: dict) -> bool:
    """The cell sits in the table's whole-amount column (合计 / 金额 / 预算数 / 决算数), not a part column."""
    return txt(cell.get("column_role")) in WHOLE_ROLES


def is_total_row(cell: dict) -> bool:
    return txt(cell.get("row_level")) == "total"


def rows_of(ctx: Context, name: str, doc_ids: list[str]) -> list[dict]:
    """The rows of one table that belong to these documents, from an index built once per run
    (a run may hold thousands of documents: no rule scans a whole table per publication)."""
    index = ctx.extra.setdefault("rows_by_doc", {})
    if name not in index:
        by_doc: dict[str, list[dict]] = {}
        for r in ctx.records(name):
            by_doc.setdefault(r.get("doc_id"), []).append(r)
        index[name] = by_doc
    return [r for d in doc_ids for r in index[name].get(d, [])]


def tables_of(ctx: Context, doc_ids: list[str]) -> list[Table]:
    """The understood money tables of these documents, in reading order."""
    index = ctx.extra.get("money_tables_by_doc")
    if index is None:
        index = ctx.extra["money_tables_by_doc"] = {}
        by_key: dict[tuple, Table] = {}
        for r in ctx.records("amounts"):
            key = (r.get("doc_id"), r.get("form_id"), r.get("table_no"))
            t = by_key.get(key)
            if t is None:
                t = by_key[key] = Table(key, txt(r.get("table_family")) or "other", txt(r.get("table_title")) or "",
                                        understood(r) and bool(txt(r.get("table_family"))))
                index.setdefault(r.get("doc_id"), []).append(t)
            t.rows.append(r)
    return [t for d in doc_ids for t in index.get(d, []) if t.understood and t.family != "other"]


@dataclass
class Publication:
    """The documents of one publication (sorted), its fiscal year and kind (预算 / 决算 / None)."""

    docs: list[str]
    fiscal_year: int | None
    kind: str | None

    @property
    def paired(self) -> bool:
        return len(self.docs) > 1


def unit_key(unit: object) -> str:
    """The unit as written, for pairing: spaces and the party prefix 中共 dropped."""
    s = re.sub(r"\s+", "", str(unit or ""))
    return re.sub(r"^中共", "", s)


def _kind_of(forms: list[dict], narrative: list[dict]) -> str | None:
    """预算 or 决算, by the table titles and the short lines (titles, headings) of one document."""
    words = " ".join(txt(f.get("title")) or "" for f in forms if f.get("form_type") == "budget_summary")
    words += " ".join(txt(p.get("text")) or "" for p in narrative if len(txt(p.get("text")) or "") <= 40)
    words = re.sub(r"一般公共预算|国有资本经营预算|预决算|预算单位|预算数|年初预算", "", words)
    b, f = words.count("预算"), words.count("决算")
    return "决算" if f > b else "预算" if b > f else None


def publication_key(tables: dict[str, list[dict]]) -> tuple | None:
    """(unit, fiscal year, kind, has tables) of one converted file, or None when it is no 预决算公开.

    Computed where a file is converted, so a batch can pair files without reading them again."""
    docs = tables.get("documents") or []
    if not docs:
        return None
    doc = docs[0]
    unit, fy = unit_key(doc.get("unit_name")), num(doc.get("fiscal_year"))
    forms = tables.get("forms") or []
    has_tables = any(f.get("form_type") == "budget_summary" for f in forms)
    has_prose = any(f.get("concept") for f in tables.get("facts") or [])
    if not unit or fy is None or not (has_tables or has_prose):
        return None
    return (unit, int(fy), _kind_of(forms, tables.get("narrative") or []), has_tables)


def pair_groups(keys: dict[str, tuple | None]) -> list[list[str]]:
    """Documents (by id) that form one publication of two or more files: same unit, year and kind,
    exactly one of them with the tables. Sorted, so a batch pairs the same way every time."""
    groups: dict[tuple, list[str]] = {}
    for doc_id, key in sorted(keys.items()):
        if key is not None and key[2] is not None:
            groups.setdefault(key[:3], []).append(doc_id)
    out = []
    for members in groups.values():
        with_tables = [d for d in members if keys[d][3]]  # type: ignore[index]
        if len(members) > 1 and len(with_tables) == 1:
            out.append(sorted(members))
    return sorted(out)


def publications(ctx: Context) -> Iterator[Publication]:
    """The publications of the documents in this run: pairs, then each other document on its own.

    With ctx.extra["pairs_only"] (the batch step after every file was checked alone) only the
    publications of two or more files."""
    cached = ctx.extra.get("publications")
    if cached is None:
        cached = ctx.extra["publications"] = list(_publications(ctx))
    for p in cached:
        if p.paired or not ctx.extra.get("pairs_only"):
            yield p


def _publications(ctx: Context) -> Iterator[Publication]:
    docs = {d.get("doc_id"): d for d in ctx.records("documents") if d.get("doc_id")}
    rows = {d: {name: rows_of(ctx, name, [d]) for name in ("forms", "facts", "narrative")} for d in docs}
    keys = {doc_id: publication_key({"documents": [d], **rows.get(doc_id, {})}) for doc_id, d in docs.items()}
    paired: set[str] = set()
    for group in pair_groups(keys):
        paired.update(group)
        key = keys[group[0]]
        yield Publication(group, key[1] if key else None, key[2] if key else None)  # type: ignore[index]
    for doc_id in sorted(docs):
        if doc_id in paired:
            continue
        fy = num(docs[doc_id].get("fiscal_year"))
        sub = rows.get(doc_id, {})
        yield Publication([doc_id], int(fy) if fy is not None else None,
                          _kind_of(sub.get("forms", []), sub.get("narrative", [])))


def _same_name(a: str, b: str) -> bool:
    """Two 科目 names alike, or one the other's end of at least 4 characters (a label cut at its start)."""
    return a == b or (min(len(a), len(b)) >= 4 and (a.endswith(b) or b.endswith(a)))


def _ancestors(t: Table, r: dict, names: dict[str, str]) -> dict[str, str]:
    """The 类 and 款 names above a 功能分类 row, from its code's head rows in the table, else its item_parent."""
    out: dict[str, str] = {}
    code, lvl = txt(r.get("code")) or "", txt(r.get("row_level"))
    for n, level in ((3, "类"), (5, "款")):
        if len(code) > n and code[:n] in names:
            out[level] = names[code[:n]]
    parent = subject_name(bare(r.get("item_parent")))
    up = {"款": "类", "项": "款"}.get(lvl or "")
    if up and up not in out and parent and not re.search(r"合计|总计|小计", parent):
        out[up] = parent
    return out


def subject_rows(t: Table, level: str, name: str, ancestors: list[tuple[str | None, str]] | None = None) -> list[dict]:
    """Whole-column cells of the 功能分类 rows named `name` at `level` (类/款/项, * for any) whose 类 and
    款 agree with the ancestors the prose names (an ancestor the table does not show is no contradiction)."""
    names = {txt(r.get("code")): subject_name(bare(r.get("item"))) for r in t.rows
             if txt(r.get("code")) and txt(r.get("code_scheme")) != "economic"}
    out = []
    for r in t.rows:
        if not whole_column(r):
            continue
        lvl = txt(r.get("row_level"))
        coded = lvl in ("类", "款", "项") and txt(r.get("code_scheme")) != "economic"
        numbered_class = lvl == "n1" and t.family in ("summary", "fiscal_summary") and "支出" in bare(r.get("item"))
        if not (coded or numbered_class):
            continue
        if level != "*" and lvl != level and not (numbered_class and level == "类"):
            continue
        if subject_name(bare(r.get("item"))) != name:
            continue
        above = _ancestors(t, r, names) if coded else {}
        if all(_fits(above, lv, n) for lv, n in ancestors or []):
            out.append(r)
    return out


def _fits(above: dict[str, str], level: str | None, name: str) -> bool:
    """The row's 类/款 agree with an ancestor of the prose (written with a wrong level, 行政事业单位离退休（类）,
    it still names the 款)."""
    if level is not None and (level not in above or _same_name(above[level], name)):
        return True
    return not above or any(_same_name(v, name) for v in above.values())


def subject_cells(tables: list[Table], level: str, name: str,
                  ancestors: list[tuple[str | None, str]] | None = None) -> list[tuple[Table, dict]]:
    """The cells of the one 科目 the prose names, across the publication's tables; none when the name
    fits rows of two different 科目 (行政运行 under 人大事务 and under 财政事务, the prose naming neither):
    a figure is compared only with the row it unambiguously restates."""
    cells = [(t, r) for t in tables for r in subject_rows(t, level, name, ancestors)]
    codes = {txt(r.get("code")) for _, r in cells if txt(r.get("code"))}
    if len(codes) > 1:
        return []
    if not codes:  # rows without codes: one 科目 when they all sit under one parent
        parents = {(txt(r.get("row_level")), subject_name(bare(r.get("item_parent")))) for _, r in cells
                   if txt(r.get("row_level")) in ("款", "项")}
        if len(parents) > 1:
            return []
    return cells
