"""Document model -> contract rows: forms, indicators, amounts, narrative, facts, metadata.

Reading order is kept: paragraphs between tables give forms their titles, 填报单位 and
year; tables are classified by what their rows say (see forms.py); money tables go to
amounts.py; everything that is prose becomes `narrative` with its heading path.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field

from jixiao.model import Document, Paragraph, Table
from jixiao.normalize import forms as F
from jixiao.normalize.amounts import classify_table as classify_amounts
from jixiao.normalize.facts import extract_facts
from jixiao.normalize.rows import amount_rows, form_row, indicator_rows
from jixiao.normalize.segments import split_segments
from jixiao.text import clean, one_line, squash


@dataclass
class Interpretation:
    """Rows for every table plus the document row's metadata fields."""

    tables: dict[str, list[dict]] = field(default_factory=dict)
    metadata: dict = field(default_factory=dict)


REPORTING = re.compile(r"^填报单位[(（]?(?:盖章)?[)）]?\s*[:：]\s*(.+)$")
YEAR_PAREN = re.compile(r"[(（]\s*(20\d{2})\s*年度?\s*[)）]")
FORM_TITLE = re.compile(r"绩效(自评|评价)?(表|评分表)|绩效目标表|自评表")


def _title_of(table: Table, recent: list[str]) -> str:
    for text in reversed(recent):
        if FORM_TITLE.search(squash(text)):
            return one_line(text)
    return one_line(table.title)


def _table_pages(table: Table) -> list[int]:
    pages = [p for p in (table.row_pages or []) if p is not None]
    if table.page is not None:
        pages.append(table.page)
    return sorted(set(pages))


def _caption_title(rows: list[list[str]]) -> str:
    """A table's own title when its first rows are one-cell captions (…占用情况表)."""
    for row in rows[:3]:
        cells = [one_line(c) for c in row if squash(c)]
        if len(cells) == 1 and re.search(r"表$", cells[0]):
            return cells[0]
    return ""


def _money_grid(table: Table, rows: list[list[str]]) -> list[list[str]]:
    """Money tables read the true grid (spans filled) when the format knows spans."""
    return rows if table.ragged else table.grid(fill=True)


def _covered(table: Table) -> list[set[int]] | None:
    """Per grid row, the positions a merged cell covers from above or the left (None: spans unknown)."""
    if table.ragged:
        return None
    out: list[set[int]] = [set() for _ in range(table.n_rows)]
    for c in table.cells:
        for r in range(c.row, min(c.row + c.rowspan, table.n_rows)):
            for k in range(c.col, min(c.col + c.colspan, table.n_cols)):
                if (r, k) != (c.row, c.col):
                    out[r].add(k)
    return out


def _money_title(table: Table, recent: list[str]) -> str:
    """The title of a money table: the extractor's title unless that is only its unit line
    (单位：万元), else the nearest paragraph above that is not one."""
    for text in [table.title, *reversed(recent)]:
        t = one_line(text)
        if t and not UNIT_ONLY.match(squash(t)):
            return t if t == one_line(table.title) or len(t) <= 60 else ""
    return ""


UNIT_ONLY = re.compile(r"^((金额)?单位[:：]\s*(万元|元)|编制(单位|部门)[:：].{0,30})+$")
UNIT_CAPTION = re.compile(r"(金额)?单位[:：]\s*(万元|元)")


def _unit_caption(recent: list[str]) -> str:
    """The unit line printed between a table's title and its grid (编制单位：X 单位：元)."""
    for text in reversed(recent):
        m = UNIT_CAPTION.search(squash(text))
        if m:
            return m.group(0)
    return ""


def segment_forms(document: Document) -> list[F.FormDraft]:
    """Walk the blocks in reading order and assemble forms from their tables."""
    drafts: list[F.FormDraft] = []
    recent: list[str] = []
    open_dept: F.FormDraft | None = None
    for block in document.blocks:
        if isinstance(block, Paragraph):
            recent = (recent + [block.text])[-8:]
            continue
        rows = block.logical_rows()
        # money tables want the true grid (spans filled) when the format knows spans
        title = _title_of(block, recent)
        kind = F.classify_table(rows, title)
        pages = _table_pages(block)
        row_pages = [block.page_of_row(i) for i in range(len(rows))]
        if kind in ("project_self_eval", "target_table"):
            form = F.FormDraft(form_type=kind, title=title, pages=pages)
            for text in recent:
                m = REPORTING.match(one_line(text))
                if m:
                    form.reporting_unit = m.group(1).strip()
                y = YEAR_PAREN.search(text)
                if y:
                    form.fiscal_year = int(y.group(1))
            if kind == "project_self_eval":
                F.read_project_block(rows, form)
                F.read_national_funds(rows, form)
            else:
                form.subject = F.subject_from_title(block.title or title)
                goal = F.value_after(rows, F.TARGET_GOAL)
                if goal:
                    form.fields["goal_text"] = goal
            F.read_indicators(rows, form)
            form.fields["row_pages"] = row_pages
            drafts.append(form)
            open_dept = None
        elif kind == "dept_self_eval":
            if open_dept is None:
                open_dept = F.FormDraft(form_type=kind, title=title, pages=pages)
                drafts.append(open_dept)
            else:
                open_dept.pages = sorted(set(open_dept.pages + pages))
                if FORM_TITLE.search(squash(title)) and not FORM_TITLE.search(squash(open_dept.title)):
                    open_dept.title = title
            F.read_dept_fields(rows, open_dept)
            grid: list[list[str]] | None = None
            for seg in split_segments(rows):
                if F.find_indicator_header(seg.rows) is not None:
                    before = len(open_dept.indicator_tables)
                    F.read_indicators(seg.rows, open_dept)
                    for t in open_dept.indicator_tables[before:]:  # pages of the segment's rows
                        for r in t.rows:
                            r["page"] = row_pages[seg.indices[r["row_index"]]]
                else:
                    kind_a = classify_amounts(seg.title, seg.rows)
                    if kind_a:
                        grid = grid if grid is not None else _money_grid(block, rows)
                        covered = _covered(block)
                        open_dept.amount_tables.append((seg.title, [grid[i] for i in seg.indices],
                                                        [row_pages[i] for i in seg.indices], _unit_caption(recent),
                                                        [covered[i] for i in seg.indices] if covered else None))
        elif classify_amounts(one_line(block.title), rows):
            t_title = _caption_title(rows) or _money_title(block, recent) or title
            form = F.FormDraft(form_type="budget_summary", title=t_title, pages=pages)
            form.amount_tables.append((t_title, _money_grid(block, rows), row_pages, _unit_caption(recent),
                                       _covered(block)))
            drafts.append(form)
        recent = []
    return drafts


def narrative_rows(document: Document, doc_id: str) -> list[dict]:
    """Every paragraph with its heading path (` > `-joined)."""
    out: list[dict] = []
    path: list[tuple[int, str]] = []
    for block in document.blocks:
        if not isinstance(block, Paragraph):
            continue
        text = clean(block.text)
        if not text:
            continue
        level = block.heading_level
        if level is not None:
            path = [p for p in path if p[0] < level] + [(level, one_line(text))]
        section = " > ".join(t for _, t in path if t != one_line(text)) if level is not None else " > ".join(t for _, t in path)
        out.append({"doc_id": doc_id, "seq": len(out) + 1, "section": section, "text": text, "page": block.page})
    return out


DEPT_CAPTION = re.compile(r"部门[:：]((?:中共|中国共产党)?[\u4e00-\u9fff]{3,30}?(?:办公厅|办公室|委员会|常委会|法院|检察院|政府|局|厅|委|部|院|中心))(?=单位|金额|$|[^\u4e00-\u9fff])")
YEAR_TITLE = re.compile(r"20\d{2}年度?([\u4e00-\u9fff]{4,30}?)(?:部门)?(?:预算|决算)(?:公开|信息)")
ORG = re.compile(r"((?:中共|中国共产党)?[\u4e00-\u9fff]{2,24}?(?:委员会|组织部|宣传部|统战部|办公厅|办公室|常委会|人民法院|法院|检察院|政府|局|厅|委|部|院|中心|协会|政协))")


def unit_name_of(document: Document, drafts: list[F.FormDraft]) -> str | None:
    """The reporting department as written: form field first, then titles, then the most frequent name."""
    for d in drafts:
        if d.form_type == "dept_self_eval" and d.subject:
            return d.subject
    units = Counter(d.reporting_unit for d in drafts if d.reporting_unit)
    if units:
        return units.most_common(1)[0][0]
    head = squash(document.text()[:4000])
    m = DEPT_CAPTION.search(head)  # 部门：江苏省政协办公厅 above a 公开表
    if m:
        return m.group(1)
    m = YEAR_TITLE.search(head[:300])  # 2018年度江苏省高级人民法院预算公开
    if m and ORG.search(m.group(1)) and not m.group(1).startswith("第"):
        return m.group(1)
    paras = [p.text for p in document.paragraphs[:15]]
    for text in paras:
        t = one_line(text)
        m = re.match(r"^(.{4,30}?)(?:\s*20\d{2}\s*年)", t)
        if m and ORG.search(m.group(1)) and ("预算" in t or "决算" in t or "绩效" in t) and not t.startswith("第"):
            return _prefer_frequent_spelling(m.group(1).strip(), document)
    names: Counter[str] = Counter()
    for text in [p.text for p in document.paragraphs] + [c.text for t in document.tables for c in t.cells]:
        for m in ORG.finditer(squash(text)):
            name = m.group(1)
            name = re.sub(r"^第[一二三四五六七八九十]+部分", "", name)
            if len(name) >= 4 and (name.startswith(("中共", "中国共产党")) or re.search(r"[省市县区]", name)):
                names[name] += 1
    if names:
        top = names.most_common(1)[0][0]
        text = squash(document.text())
        longer = Counter(m.group(0) for m in re.finditer(re.escape(top) + r"(办公厅|办公室|委员会|机关)", text))
        if longer and longer.most_common(1)[0][1] * 2 >= text.count(top):
            return longer.most_common(1)[0][0]
        return top
    return None


def _prefer_frequent_spelling(name: str, document: Document) -> str:
    """A title's unit name with a typo (桥西区组织部) yields to the spelling the body repeats (桥西区委组织部).

    Variants are the strings that start like the name and end like it, a few characters longer or shorter.
    """
    text = squash(document.text())
    if len(name) < 6:
        return name
    head, tail = name[:4], name[-2:]
    variants: Counter[str] = Counter()
    for m in re.finditer(re.escape(head), text):
        window = text[m.start():m.start() + len(name) + 3]
        end = window.rfind(tail, len(name) - 4)
        if end != -1:
            variants[window[:end + len(tail)]] += 1
    best, n = variants.most_common(1)[0] if variants else (name, 0)
    return best if n > variants.get(name, 0) else name


def interpret_document(document: Document, doc_id: str) -> Interpretation:
    """Segment the document into forms and prose and map them to the contract."""
    from jixiao.normalize.meta import document_metadata

    document.freeze()
    drafts = segment_forms(document)
    forms, indicators, amounts = [], [], []
    unit_name = unit_name_of(document, drafts)
    meta = document_metadata(document, unit_name, drafts)
    for n, draft in enumerate(drafts, start=1):
        form_id = f"{doc_id}-{n}"
        if draft.form_type in ("dept_self_eval", "budget_summary") and not draft.subject:
            draft.subject = unit_name
        if draft.fiscal_year is None:
            draft.fiscal_year = meta.get("fiscal_year")
        form_amounts = amount_rows(draft, doc_id, form_id)
        amounts.extend(form_amounts)
        indicators.extend(indicator_rows(draft, doc_id, form_id))
        forms.append(form_row(draft, doc_id, form_id, form_amounts))
    for f in forms:
        if isinstance(f.get("grade_bands"), list):
            f["grade_bands"] = json.dumps(f["grade_bands"], ensure_ascii=False)
    narrative = narrative_rows(document, doc_id)
    tables = {"forms": forms, "indicators": indicators, "amounts": amounts, "narrative": narrative,
              "facts": extract_facts(narrative)}
    return Interpretation(tables=tables, metadata=meta)
