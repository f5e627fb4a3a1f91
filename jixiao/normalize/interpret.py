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

from jixiao.model import Cell, Document, Paragraph, Table, span_ref
from jixiao.normalize import forms as F
from jixiao.normalize.amounts import classify_table as classify_amounts
from jixiao.normalize.amounts import header_rows
from jixiao.normalize.facts import extract_facts
from jixiao.normalize.form_header import read_header
from jixiao.normalize.long_forms import long_form_drafts, plan_long_tables
from jixiao.normalize.rows import amount_rows, form_row, indicator_rows
from jixiao.normalize.score_tables import code_scores, repair_from_restatement
from jixiao.normalize.segments import split_segments
from jixiao.text import clean, one_line, squash


@dataclass
class Interpretation:
    """Rows for every table plus the document row's metadata fields."""

    tables: dict[str, list[dict]] = field(default_factory=dict)
    metadata: dict = field(default_factory=dict)


REPORTING = re.compile(r"^(?:填报|申报|申请|项目)单位[(（]?(?:盖章)?[)）]?\s*[:：]\s*(.+)$")
_REPORTING_END = re.compile(r"\s+(?=[\u4e00-\u9fff]{1,6}\s*[:：])|\s{2,}")


def reporting_unit_in(text: str) -> str | None:
    """`填报单位（盖章）：X   金额单位：万元` -> X (the value stops at the next label)."""
    for line in (text or "").split("\n"):
        m = REPORTING.match(line.strip())
        if m:
            value = one_line(_REPORTING_END.split(m.group(1), maxsplit=1)[0])
            value = re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff（）()])", "", value)  # 保障 局: a name has no spaces
            return value or None
    return None


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


def _furniture(text: str) -> bool:
    """Page furniture between two parts of a table: a page number, a unit line, a short running head."""
    t = squash(text)
    return len(t) <= 12 and not t.endswith("表") or bool(UNIT_ONLY.match(t))


def _continued(prev: tuple, block: Table, table: tuple) -> tuple | None:
    """``prev`` (a money table entry) with ``table`` appended when ``table`` is its continuation on the
    next page: no title of its own, the same width, and either the header repeated or no header at all.
    Extractors join most such parts; this catches the ones they left apart. Entries are (title, grid,
    row pages, unit caption, covered positions, cell refs); every per-row list is joined alike."""
    title, grid, pages, hint, covered, refs = (tuple(prev) + (None,) * 6)[:6]
    _, more, more_pages, _, more_covered, more_refs = (tuple(table) + (None,) * 6)[:6]
    own = one_line(block.title)
    if (own and own != title and not UNIT_ONLY.match(squash(own))) or not grid or not more:
        return None
    if max(len(r) for r in grid) != max(len(r) for r in more):
        return None
    known = [p for p in pages if p is not None] if pages else []
    if block.page is not None and known and block.page != max(known) + 1:
        return None
    n = 0
    while n < min(len(grid), len(more), 4) and [squash(c) for c in more[n]] == [squash(c) for c in grid[n]]:
        n += 1
    if n == 0 and header_rows(more) > 0:
        return None  # a header of its own: another table

    def joined(a: list | None, b: list | None) -> list | None:
        return list(a) + list(b[n:]) if a is not None and b is not None else None

    return (title, grid + more[n:], joined(pages, more_pages) or [], hint, joined(covered, more_covered),
            joined(refs, more_refs))[:len(prev)]


# a table's caption line, never its title: 单位：万元, 编制单位：…, 部门：…, the template's number 公开01表
UNIT_ONLY = re.compile(r"^((金额)?单位[:：]\s*(万元|元)|(编制(单位|部门)|部门|填报单位)[:：].{0,30}?|公开\d{1,2}表)+$")
UNIT_CAPTION = re.compile(r"(金额)?单位[:：]\s*(万元|元)")


def _unit_caption(recent: list[str]) -> str:
    """The unit line printed between a table's title and its grid (编制单位：X 单位：元)."""
    for text in reversed(recent):
        m = UNIT_CAPTION.search(squash(text))
        if m:
            return m.group(0)
    return ""


class _Places:
    """Where the rows a normalizer read sit in the file: (row, column) of a table's logical rows
    -> the cell's source_ref, a row -> the ref spanning it (its own page for a joined PDF table)."""

    def __init__(self, table: Table):
        self.table = table
        self._cells: list[list[Cell]] | None = None

    @property
    def cells(self) -> list[list[Cell]]:
        if self._cells is None:
            self._cells = self.table.logical_cells()
        return self._cells

    def cell(self, i: int, j: int) -> str | None:
        row = self.cells[i] if 0 <= i < len(self.cells) else []
        return row[j].source_ref() if 0 <= j < len(row) else None

    def row(self, i: int) -> str | None:
        if not 0 <= i < len(self.cells):
            return None
        own = [c for c in self.cells[i] if c.row == i and (c.text or c.source_ref())] or self.cells[i]
        return span_ref(own, page=self.table.page_of_row(i) if any(c.bbox and c.page for c in own) else None)

    def money_grid(self, rows: list[list[str]]) -> list[list[str | None]]:
        """Refs parallel to _money_grid's rows."""
        cells = self.cells if self.table.ragged else self.table.grid_cells(fill=True)
        return [[c.source_ref() if c is not None else None for c in row] for row in cells]

    def resolve(self, form: F.FormDraft, index: list[int] | None = None) -> None:
        """Turn the (row, column) marks the readers left on a form into refs (`index`: segment row -> table row)."""
        for column, (i, j) in form.fields.pop("at", {}).items():
            ref = self.cell(index[i] if index is not None else i, j)
            if ref:
                form.fields.setdefault("cell_refs", {})[column] = ref

    def indicators(self, tables: list, index: list[int] | None = None) -> None:
        """source_ref and cell_refs of indicator rows (and the stated totals) read from these rows."""
        for t in tables:
            for r in t.rows:
                i = index[r["row_index"]] if index is not None else r["row_index"]
                r["source_ref"] = self.row(i)
                r["cell_refs"] = {k: ref for k, j in r.pop("at", {}).items() if (ref := self.cell(i, j))}
            t.total_refs = {k: ref for k, (i, j) in t.total_at.items()
                            if (ref := self.cell(index[i] if index is not None else i, j))}


def segment_forms(document: Document) -> list[F.FormDraft]:
    """Walk the blocks in reading order and assemble forms from their tables."""
    drafts: list[F.FormDraft] = []
    recent: list[str] = []
    last_money: F.FormDraft | None = None  # the budget_summary form of the table just read
    open_dept: F.FormDraft | None = None
    plan = plan_long_tables(document.tables)
    by_key: dict[str, F.FormDraft] = {}
    restated: dict[str, tuple[str, str]] = {}
    doc_title = document_title(document)
    for block in document.blocks:
        if isinstance(block, Table):
            found = code_scores(block.logical_rows())
            if found:  # a score table restating the 评分表 by code: it repairs that form, it is no form
                restated.update(found)
                continue
        if not isinstance(block, Paragraph) and (id(block) in plan.long or id(block) in plan.side):
            if id(block) in plan.long:  # one form per project key; a project sheet only lends its fields
                places = _Places(block)
                longs = long_form_drafts(block.logical_rows(), plan.long[id(block)], plan, by_key, places.cells)
                for form in longs:
                    form.fields.pop("at", None)  # header fields of keyed record sheets: other tables
                    places.indicators(form.indicator_tables, form.fields.pop("source_rows", None))
                drafts.extend(longs)
            recent, open_dept = [], None
            continue
        if isinstance(block, Paragraph):
            recent = (recent + [block.text])[-8:]
            if open_dept is not None:
                F.read_conclusion(block.text, open_dept)
            continue
        rows = block.logical_rows()
        places = _Places(block)
        last_money, money_before = None, last_money
        # money tables want the true grid (spans filled) when the format knows spans
        title = _title_of(block, recent)
        kind = F.classify_table(rows, title, doc_title)
        pages = _table_pages(block)
        row_pages = [block.page_of_row(i) for i in range(len(rows))]
        if kind in ("project_self_eval", "target_table"):
            form = F.FormDraft(form_type=kind, title=title, pages=pages)
            for text in recent:
                unit = reporting_unit_in(text)
                if unit:
                    form.reporting_unit = unit
                y = YEAR_PAREN.search(text)
                if y:
                    form.fiscal_year = int(y.group(1))
            if kind == "project_self_eval":
                F.read_project_block(rows, form)
                F.read_national_funds(rows, form)
            else:
                goal = F.value_after(rows, F.TARGET_GOAL)
                if goal:
                    form.fields["goal_text"] = goal
            F.apply_header(read_header(rows), form)
            if kind == "target_table" and not form.subject:
                form.subject = F.subject_from_title(block.title or title)
            F.read_indicators(rows, form)
            places.resolve(form)
            places.indicators(form.indicator_tables)
            form.fields["row_pages"] = row_pages
            drafts.append(form)
            open_dept = None
        elif kind == "dept_self_eval":
            if open_dept is None:
                open_dept = F.FormDraft(form_type=kind, title=title, pages=pages)
                drafts.append(open_dept)
                for text in recent:
                    F.read_conclusion(text, open_dept)
            else:
                open_dept.pages = sorted(set(open_dept.pages + pages))
                if FORM_TITLE.search(squash(title)) and not FORM_TITLE.search(squash(open_dept.title)):
                    open_dept.title = title
            F.read_dept_fields(rows, open_dept)
            if not open_dept.reporting_unit:
                open_dept.reporting_unit = next((u for u in map(reporting_unit_in, recent) if u), None)
                if open_dept.reporting_unit and not open_dept.subject:
                    open_dept.subject = open_dept.reporting_unit
            places.resolve(open_dept)
            grid: list[list[str]] | None = None
            refs: list[list[str | None]] | None = None
            for seg in split_segments(rows):
                if F.find_indicator_header(seg.rows) is not None:
                    before = len(open_dept.indicator_tables)
                    F.read_indicators(seg.rows, open_dept)
                    places.indicators(open_dept.indicator_tables[before:], seg.indices)
                    for t in open_dept.indicator_tables[before:]:  # pages of the segment's rows
                        for r in t.rows:
                            r["page"] = row_pages[seg.indices[r["row_index"]]]
                else:
                    kind_a = classify_amounts(seg.title, seg.rows)
                    if kind_a:
                        grid = grid if grid is not None else _money_grid(block, rows)
                        covered = _covered(block)
                        refs = refs if refs is not None else places.money_grid(rows)
                        open_dept.amount_tables.append((seg.title, [grid[i] for i in seg.indices],
                                                        [row_pages[i] for i in seg.indices], _unit_caption(recent),
                                                        [covered[i] for i in seg.indices] if covered else None,
                                                        [refs[i] for i in seg.indices]))
        elif classify_amounts(one_line(block.title), rows):
            t_title = _caption_title(rows) or _money_title(block, recent) or title
            table = (t_title, _money_grid(block, rows), row_pages, _unit_caption(recent), _covered(block),
                     places.money_grid(rows))
            if open_dept is not None:  # the 收支/重点项目 tables of a 部门整体自评 are that form's amounts
                open_dept.amount_tables.append(table)
                open_dept.pages = sorted(set(open_dept.pages + pages))
            else:
                prev = drafts[-1] if drafts and money_before is not None and drafts[-1] is money_before else None
                joined = _continued(prev.amount_tables[-1], block, table) if prev and prev.amount_tables \
                    and all(_furniture(t) for t in recent) else None
                if prev is not None and joined is not None:  # the rest of the table on the next page
                    prev.amount_tables[-1] = joined
                    prev.pages = sorted(set(prev.pages + pages))
                else:
                    form = F.FormDraft(form_type="budget_summary", title=t_title, pages=pages)
                    form.amount_tables.append(table)
                    drafts.append(form)
                last_money = drafts[-1]
                recent = []
                continue
        recent = []
    conclude(document, drafts)
    for d in drafts:
        if d.form_type == "project_self_eval" and not d.subject:
            d.subject = project_of_title(doc_title)
    if restated:
        for d in drafts:
            for t in d.indicator_tables:
                repair_from_restatement(t.rows, restated)
    return drafts


def document_title(document: Document) -> str:
    """The document's own title: the first short paragraph that names a 绩效 document."""
    for p in document.paragraphs[:12]:
        t = one_line(p.text)
        if len(t) <= 60 and re.search(r"绩效|自评|评价", t):
            return t
    return ""


def project_of_title(title: str) -> str | None:
    """`2021-2024年省级职业技能竞赛经费项目绩效评价报告` -> 省级职业技能竞赛经费 (a report on one project)."""
    t = re.sub(r"^\s*(?:20\d{2}\s*(?:[-—–~至]\s*20\d{2})?\s*年度?)", "", squash(title))
    m = re.match(r"^(.{2,40}?)项目(?:支出)?绩效(?:评价|自评)(?:报告)?$", t)
    return m.group(1) if m else None


def conclude(document: Document, drafts: list[F.FormDraft]) -> None:
    """A report's conclusion sentence ("项目总体评价得65.00分，评价等级为“中”") gives the grade of its one
    evaluation form, when the score it states is the form's own total."""
    forms = [d for d in drafts if d.form_type in ("project_self_eval", "dept_self_eval") and not d.grade_text]
    if len(forms) != 1 or len([d for d in drafts if d.form_type in ("project_self_eval", "dept_self_eval")]) != 1:
        return
    form = forms[0]
    total = next((t.total_score_raw for t in form.indicator_tables if t.total_score_raw), None)
    stated = re.fullmatch(r"\d+(?:\.\d+)?", squash(total))
    for p in document.paragraphs:
        m = F.CONCLUSION.search(squash(p.text))
        if m and stated and abs(float(m.group(1)) - float(stated.group(0))) < 1e-6:
            form.grade_text = m.group(2)
            return


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
        out.append({"doc_id": doc_id, "seq": len(out) + 1, "section": section, "text": text, "page": block.page,
                    "source_ref": block.source_ref()})
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
    units = Counter(d.implementing_unit for d in drafts if d.implementing_unit and ORG.search(d.implementing_unit))
    if units:
        return units.most_common(1)[0][0]
    for p in document.paragraphs[:15]:  # 项目单位：X  委托单位：Y  评价机构：Z under a report's title
        unit = reporting_unit_in(p.text)
        if unit and ORG.search(unit):
            return unit
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
        t = squash(text)
        for m in ORG.finditer(t):
            name = _longest_org(t, m)
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


_ORG_TAIL = re.compile(r"[\u4e00-\u9fff]{0,8}?(?:组织部|宣传部|统战部|办公厅|办公室|委员会|活动中心|服务中心|中心|局|厅|部|院|处|站|所|馆)")


def _longest_org(text: str, m: re.Match[str]) -> str:
    """An ORG match stops at the first suffix (中共X县委|组织部, X老干部|活动中心): extend it over the
    suffix chain that follows, as long as the text goes on with another unit suffix."""
    name, end = m.group(1), m.end(1)
    while True:
        nxt = _ORG_TAIL.match(text, end)
        if not nxt or len(nxt.group(0)) < 3 or re.search(r"[，。、；：:,;和与及的在对为]", nxt.group(0)):
            return name
        name, end = name + nxt.group(0), nxt.end()


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
    for n, d in enumerate(drafts, start=1):
        code = str(d.fields.get("project_code") or "")
        if re.fullmatch(r"\d(\.\d+)?[eE]\+\d+", code):  # a long code typed as a number: its last digits are gone
            document.warnings.append(f"表 {n}（{d.subject or d.title}）的项目编码 {code} 以数字存储，位数已丢失，无法还原")
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
