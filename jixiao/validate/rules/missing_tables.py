"""MISSING_TABLE: a table the disclosure must contain is absent, or empty without a word why (rule 8).

The required set depends on the publication's kind: a 预算 publishes 收支总表, 收入表, 支出表,
财政拨款收支总表, 一般公共预算支出表, 一般公共预算基本支出表, 三公经费表 and 政府性基金表; a
决算 also 国有资本经营预算财政拨款支出决算表. A publication is checked as a whole (a …公开文件
and its …公开表 are one), and only when it publishes tables at all: a 说明 that says its tables
are published separately (公开表附后, 见附件) is not accused of missing them. A table is present
when its title or its figures are; it is empty when only its title is, and then it needs a note
on its page (注：本部门无该项目…) or a 说明 sentence saying its amount is 0 or that there is no such
item. A note saying there is no such item on the page of a table with figures is a warning too. A blank template (no figure anywhere) is TEMPLATE_LEFTOVER's one finding, not this rule's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from jixiao.validate.base import Context, Finding, rule
from jixiao.validate.prose_text import norm
from jixiao.validate.publication import Publication, publications, rows_of, tables_of
from jixiao.validate.records import num, txt
from jixiao.validate.refs import join_refs, ref_of

# family -> (what a reader calls it, words of its title, words of a 说明 sentence about its amount)
REQUIRED: dict[str, tuple[str, str, str]] = {
    "summary": ("收支总表", r"收支.{0,8}总表|收入支出.{0,6}总表", r"收支总"),
    "income": ("收入表", r"收入(?:预算|决算)?总?表$", r"收入"),
    "expenditure": ("支出表", r"支出(?:预算|决算)?总?表$", r"支出"),
    "fiscal_summary": ("财政拨款收支总表", r"财政拨款收支.{0,6}总表", r"财政拨款"),
    "general_expenditure": ("一般公共预算支出表", r"一般公共预算(?:财政拨款)?(?:支出|.{0,4}功能分类)", r"一般公共预算"),
    "basic_expenditure": ("一般公共预算基本支出表", r"基本支出", r"基本支出"),
    "three_public": ("“三公”经费支出表", r"三公", r"三公"),
    "gov_fund": ("政府性基金预算支出表", r"政府性基金", r"政府性基金"),
}
FINAL_ONLY = {"state_capital": ("国有资本经营预算财政拨款支出表", r"国有资本经营", r"国有资本经营")}

_TITLE = re.compile(r"表(?:[(（][^()（）]{1,10}[)）])?$")
_CONTENTS = re.compile(r"^目录$")
_NOTE = re.compile(r"(?:注|说明|备注)[:：]?[^。]{0,30}(?:无|没有|未安排|不涉及|为0|为零|空表|无数据)")
_NOTE_NONE = re.compile(r"^(?:注|备注)[:：]?[^。]{0,12}(?:无|没有)(?:相关|该|此)?(?:收支|项目|支出|收入|数据|经费)")
_NONE_SAID = re.compile(r"(?:(?<![\d.])0(?:\.0+)?万元|为0(?![.\d])|为零|无此项|没有|无相关|未安排|不涉及|无该项)")


def _title_lines(ctx: Context, docs: list[str]) -> list[dict]:
    """Short lines ending in 表 outside a table of contents: the tables' own titles."""
    rows = rows_of(ctx, "narrative", docs)
    contents = {(r.get("doc_id"), num(r.get("page"))) for r in rows if _CONTENTS.match(norm(r.get("text")))}
    lines = [r for r in rows if (r.get("doc_id"), num(r.get("page"))) not in contents
             and len(norm(r.get("text"))) <= 48 and _TITLE.search(norm(r.get("text")))]
    # the tables the model found (an empty one is a budget_summary form without amounts rows)
    lines += [{"doc_id": f.get("doc_id"), "form_id": f.get("form_id"), "text": f.get("title"),
               "page": f.get("page_start")} for f in rows_of(ctx, "forms", docs)
              if f.get("form_type") == "budget_summary" and txt(f.get("title"))]
    return lines


_OTHER_TABLES = re.compile(r"财政拨款|一般公共预算|基本支出|项目支出|政府性基金|国有资本|三公|机关运行|政府采购|收支")


def _family_of_title(text: str, required: dict[str, tuple[str, str, str]]) -> str | None:
    t = re.sub(r"^(?:公开\d+表)", "", norm(text))
    if _OTHER_TABLES.search(t):
        required = {k: v for k, v in required.items() if k not in ("income", "expenditure")}
    for fam in ("three_public", "gov_fund", "state_capital", "fiscal_summary", "summary", "basic_expenditure",
                "general_expenditure", "income", "expenditure"):
        if fam in required and re.search(required[fam][1], t):
            return fam
    return None


def _said_in_prose(ctx: Context, docs: list[str], words: str) -> bool:
    """A 说明 sentence on this table's subject saying its amount is 0 or that there is no such item."""
    rx = re.compile(words)
    for r in rows_of(ctx, "narrative", docs):
        for sentence in re.split(r"[。;；]", norm(r.get("text"))):
            m = rx.search(sentence)
            if m and _NONE_SAID.search(sentence, m.start()):
                return True
    return False


def _note_on_page(ctx: Context, line: dict) -> bool:
    page = num(line.get("page"))
    return any(num(r.get("page")) == page and _NOTE.search(norm(r.get("text")))
               for r in rows_of(ctx, "narrative", [line.get("doc_id")]))


def _finding(pub: Publication, doc_id: str, what: str, message: str, line: dict | None = None) -> Finding:
    page = int(num(line.get("page"))) if line and num(line.get("page")) is not None else None
    return Finding(doc_id=doc_id, form_id=(line or {}).get("form_id"), rule="MISSING_TABLE", severity="warning",
                   location=what, message=message, page=page, table=what, row_label=what, indicator=None,
                   source_ref=ref_of(line))


def _notes_against_figures(ctx: Context, pub: Publication) -> Iterator[Finding]:
    """A note 注：本部门无该项目 on the page of a table that has figures (the only table on that page)."""
    forms = [f for f in rows_of(ctx, "forms", pub.docs) if f.get("form_type") == "budget_summary"]
    amounts = rows_of(ctx, "amounts", pub.docs)
    for f in forms:
        page = num(f.get("page_start"))
        if page is None or num(f.get("page_end")) not in (None, page):
            continue
        if sum(1 for g in forms if g.get("doc_id") == f.get("doc_id") and num(g.get("page_start")) == page) != 1:
            continue  # two tables on one page: the note may be the other's
        figures = [a for a in amounts if a.get("form_id") == f.get("form_id") and (num(a.get("value")) or 0) != 0]
        notes = [r for r in rows_of(ctx, "narrative", [f.get("doc_id")])
                 if num(r.get("page")) == page and _NOTE_NONE.search(norm(r.get("text")))]
        if figures and notes:
            big = max(figures, key=lambda a: abs(num(a.get("value")) or 0))
            yield Finding(doc_id=f.get("doc_id") or "", form_id=f.get("form_id"), rule="MISSING_TABLE",
                          severity="warning", location=f"{txt(f.get('title'))} > {txt(notes[0].get('text'))}",
                          message=f"“{txt(f.get('title'))}”页上注明“{txt(notes[0].get('text'))}”，表中却有数字"
                                  f"（“{txt(big.get('item'))}”{num(big.get('value')):g}） (a note says 无, the table has figures)",
                          observed=num(big.get("value")), page=int(page), table=txt(f.get("title")),
                          row_label=txt(big.get("item")), indicator=None, source_ref=ref_of(notes[0]),
                          related_refs=join_refs([ref_of(big)]))


@rule("MISSING_TABLE")
def missing_tables(ctx: Context) -> Iterator[Finding]:
    for pub in publications(ctx):
        if pub.kind not in ("预算", "决算"):
            continue
        required = {**REQUIRED, **(FINAL_ONLY if pub.kind == "决算" else {})}
        all_rows = rows_of(ctx, "amounts", pub.docs)
        with_figures = {txt(r.get("table_family")) for r in all_rows}
        if not any((num(r.get("value")) or 0) != 0 for r in all_rows):
            continue  # no table, or a blank template: nothing this rule can say (TEMPLATE_LEFTOVER's)
        if not ctx.extra.get("pairs_only"):
            yield from _notes_against_figures(ctx, pub)
        if len(with_figures & set(required)) < 3:
            continue  # not the table set of a 预算/决算公开 (a 三公 table inside a report)
        if not any(f.get("concept") for f in rows_of(ctx, "facts", pub.docs)):
            continue  # tables without their 说明 (a 公开表 alone): whether a table is empty for a reason is said there
        titles = _title_lines(ctx, pub.docs)
        titled: dict[str, dict] = {}
        for line in titles:
            fam = _family_of_title(txt(line.get("text")) or "", required)
            if fam:
                titled.setdefault(fam, line)
        table_doc = sorted({r.get("doc_id") for r in all_rows})[0]
        understood = {t.family for t in tables_of(ctx, pub.docs)}
        for fam, (name, _title, words) in required.items():
            if fam in with_figures or fam in understood:
                continue
            line = titled.get(fam)
            if line is None:
                if not _said_in_prose(ctx, pub.docs, words):
                    yield _finding(pub, table_doc, name, f"公开的{pub.kind}表中没有{name} (a required table is absent)")
                continue
            if _note_on_page(ctx, line) or _said_in_prose(ctx, pub.docs, words):
                continue
            yield _finding(pub, txt(line.get("doc_id")) or table_doc, txt(line.get("text")) or name,
                           f"“{txt(line.get('text'))}”是空表，页上无注释、说明中也未说明为何无数据 "
                           f"(an empty table without a note)", line)

