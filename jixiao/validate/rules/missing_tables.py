"""MISSING_TABLE: a table the disclosure must contain is absent, or empty without a word why (rule 8).

The required set depends on the publication's kind: a 预算 publishes 收支总表, 收入表, 支出表,
财政拨款收支总表, 一般公共预算支出表, 一般公共预算基本支出表, 三公经费表 and 政府性基金表; a
决算 also 国有资本经营预算财政拨款支出决算表. A publication is checked as a whole (a …公开文件
and its …公开表 are one), and only when it publishes tables at all: a 说明 that says its tables
are published separately (公开表附后, 见附件) is not accused of missing them. A table is present
when its title or its figures are; it is empty when only its title is, and then it needs a note
on its page (注：本部门无该项目…) or a 说明 sentence saying its amount is 0 or that there is no such
item. A note saying there is no such item on the page of a table with figures is a warning too. A blank template (no figure anywhere) is TEMPLATE_LEFTOVER's one finding, not this rule's.

A 说明 converted without any of its tables (a …公开文件 whose …公开表 is not in the batch) is a
warning when it lists the tables as its own part and says nothing of where they are, an info when
it says they are attached or published separately (附后, 详见附表, 见附件, 另行公开): decided by the
batch step (`pipeline.check_unpaired`) or `jixiao validate` over the folder, never per file.
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
    "fiscal_summary": ("财政拨款收支总表", r"财政拨款收入?支出?.{0,6}总表", r"财政拨款"),
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


def _contents_rows(rows: list[dict]) -> set[int]:
    """Positions of the rows of a table of contents. Paged: the pages headed 目录. Without pages
    (Markdown, HTML, text): the run after 目录 up to the first line the contents already listed
    (the body repeats its entries) or the first paragraph-length line."""
    paged = {(r.get("doc_id"), num(r.get("page"))) for r in rows
             if num(r.get("page")) is not None and _CONTENTS.match(norm(r.get("text")))}
    inside = {i for i, r in enumerate(rows) if (r.get("doc_id"), num(r.get("page"))) in paged}
    for i, r in enumerate(rows):
        if num(r.get("page")) is not None or not _CONTENTS.match(norm(r.get("text"))):
            continue
        listed: set[str] = set()
        for j in range(i + 1, len(rows)):
            t = _ENTRY.sub("", norm(rows[j].get("text")))
            if rows[j].get("doc_id") != r.get("doc_id") or t in listed or len(t) > 48:
                break
            listed.add(t)
            inside.add(j)
    return inside


_ENTRY = re.compile(r"[.…·\s]*\d*$")  # a contents entry's leader dots and page number


def _title_lines(ctx: Context, docs: list[str]) -> list[dict]:
    """Short lines ending in 表 outside a table of contents: the tables' own titles."""
    rows = rows_of(ctx, "narrative", docs)
    contents = _contents_rows(rows)
    lines = [r for i, r in enumerate(rows) if i not in contents
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
    """A 注/说明 …无… on the title's page; without pages, between the title and the next title."""
    rows = rows_of(ctx, "narrative", [line.get("doc_id")])
    page = num(line.get("page"))
    if page is not None:
        return any(num(r.get("page")) == page and _NOTE.search(norm(r.get("text"))) for r in rows)
    start = next((i for i, r in enumerate(rows) if r is line or r.get("text") == line.get("text")), None)
    if start is None:
        return False
    for r in rows[start + 1:]:
        t = norm(r.get("text"))
        if _NOTE.search(t):
            return True
        if len(t) <= 48 and _TITLE.search(t) and _family_of_title(t, {**REQUIRED, **FINAL_ONLY}):
            return False  # the next table's title
    return False


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
    if ctx.extra.get("unpaired"):
        return  # the batch step for a 说明 alone: each file's own tables were checked when it was converted
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



# ---------------------------------------------------------------- a 说明 without its tables

_PART = re.compile(r"^第[一二三四五六七八九十]+部分.{0,24}(?:预算|决算)(?:公开)?表")
# the genre's ways of saying the tables are published beside the 说明: 公开表附后, 表样附后, 详见附表,
# 见附件, 另行公开, 单独公开, 另附, 以附件形式
_ELSEWHERE = re.compile(r"附后|另附|附件|附表|另行公开|单独公开|另文公开|另册|单独成册|(?:详|参)见[^。;]{0,24}表")
_MIN_CONCEPTS = 4  # distinct table concepts in its prose: a 说明 restating a table set, not a report quoting one figure


def table_listing(ctx: Context, docs: list[str], required: dict[str, tuple[str, str, str]]) -> dict | None:
    """The line by which a document lists the tables as its own part: a part heading (第二部分 …预算表)
    or the third distinct required table title of a contents or part listing. None when it names none."""
    families: set[str] = set()
    for r in rows_of(ctx, "narrative", docs):
        t = norm(r.get("text"))
        if len(t) > 48:
            continue
        if _PART.search(t):
            return r
        fam = _family_of_title(t, required) if _TITLE.search(t) else None
        if fam:
            families.add(fam)
            if len(families) >= 3:
                return r
    return None


def _elsewhere(ctx: Context, docs: list[str]) -> tuple[dict, str] | None:
    """The line saying the tables are published beside this 说明 (公开表附后, 详见附表, 见附件…), and
    its words around the saying."""
    for r in rows_of(ctx, "narrative", docs):
        t = norm(r.get("text"))
        m = _ELSEWHERE.search(t)
        if m:
            return r, t[max(0, m.start() - 16):m.end() + 8]
    return None


@rule("MISSING_TABLE")
def a_说明_without_its_tables(ctx: Context) -> Iterator[Finding]:
    """A …公开文件 with the 说明 but none of the tables, and no …公开表 of its unit and year beside it.

    Whether the tables are in another file of the batch is known only once the batch is read: a
    file converted alone is left to the batch step (or to `jixiao validate` over the folder). A
    document that lists the tables as its part (第二部分 …预算表, a contents of table titles) and
    says nothing of them being elsewhere is a warning; one that says they are attached or published
    separately is an info (its figures were not checked against them); one that never names its
    tables (a 情况说明 alone) is not accused.
    """
    if ctx.extra.get("one_file") or ctx.extra.get("pairs_only"):
        return
    for pub in publications(ctx):
        if pub.paired or pub.kind not in ("预算", "决算"):
            continue
        if any(f.get("form_type") == "budget_summary" for f in rows_of(ctx, "forms", pub.docs)) or \
                any(txt(a.get("table_family")) for a in rows_of(ctx, "amounts", pub.docs)):
            continue  # it has tables: missing_tables checks them
        concepts = {txt(f.get("concept")) for f in rows_of(ctx, "facts", pub.docs) if txt(f.get("concept"))}
        if len(concepts) < _MIN_CONCEPTS:
            continue
        required = {**REQUIRED, **(FINAL_ONLY if pub.kind == "决算" else {})}
        listing = table_listing(ctx, pub.docs, required)
        if listing is None:
            continue
        doc_id = txt(listing.get("doc_id")) or pub.docs[0]
        what = f"{pub.kind}公开表"
        said = _elsewhere(ctx, pub.docs)
        if said is not None:
            row, words = said
            yield Finding(doc_id=doc_id, form_id=None, rule="MISSING_TABLE", severity="info", location=what,
                          message=f"说明写“{words}”，但本批次中没有同一单位、同一年度的{what}："
                                  f"说明中的数字未与表核对 (the tables are published separately and are not in this batch)",
                          page=_page(row), table=what, row_label=words, indicator=None, source_ref=ref_of(row))
            continue
        yield Finding(doc_id=doc_id, form_id=None, rule="MISSING_TABLE", severity="warning", location=what,
                      message=f"文件列出了{pub.kind}表（“{txt(listing.get('text'))}”），文件中却没有这些表，也未说明表另行公开；"
                              f"本批次中没有同一单位、同一年度的{what} (the 说明's tables are neither in the file nor beside it)",
                      page=_page(listing), table=what, row_label=txt(listing.get("text")), indicator=None,
                      source_ref=ref_of(listing))


def _page(row: dict) -> int | None:
    page = num(row.get("page"))
    return int(page) if page is not None else None
