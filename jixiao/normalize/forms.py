"""Recognizing forms in a document's tables and reading their header fields.

Three layouts are told apart by what their rows say, not by where they came from:
project self-evaluations (项目名称 + 预算执行 block + 年度绩效指标), department forms
(部门（单位）名称 / 整体支出 + 评分表) and target tables (绩效目标 + 指标值, no actuals).
Money tables that are none of these become `budget_summary` forms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from jixiao.normalize.indicator_columns import column_roles, is_indicator_header
from jixiao.normalize.indicators import IndicatorTable, read_indicator_table
from jixiao.text import clean, one_line, squash


@dataclass
class FormDraft:
    """A form being assembled from one or more tables."""

    form_type: str
    title: str = ""
    subject: str | None = None
    reporting_unit: str | None = None
    implementing_unit: str | None = None
    fiscal_year: int | None = None
    fields: dict = field(default_factory=dict)
    indicator_tables: list[IndicatorTable] = field(default_factory=list)
    # (title, grid, row pages[, unit caption, covered positions per row, source_ref of each cell]):
    # see amounts.amounts_from_rows
    amount_tables: list[tuple] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    grade_text: str = ""
    band_text: str = ""


def find_indicator_header(rows: list[list[str]], start: int = 0) -> int | None:
    for i in range(start, len(rows)):
        if is_indicator_header(rows[i]):
            return i
    return None


def _cells(row: list[str]) -> list[str]:
    return [clean(c) for c in row]


def find_after(rows: list[list[str]], label: re.Pattern[str]) -> tuple[int, int] | None:
    """(row, column) of the first non-empty cell to the right of a cell matching ``label``."""
    for i, row in enumerate(rows):
        for j, c in enumerate(row):
            if label.search(squash(c)):
                for k in range(j + 1, len(row)):
                    if squash(row[k]):
                        return i, k
                return None
    return None


def value_after(rows: list[list[str]], label: re.Pattern[str]) -> str | None:
    """The first non-empty cell to the right of a cell matching ``label``."""
    at = find_after(rows, label)
    return one_line(rows[at[0]][at[1]]) if at else None


def mark(form: FormDraft, column: str, at: tuple[int, int] | None) -> None:
    """Remember which cell of the rows being read gave a form column (interpret turns it into a ref)."""
    if at is not None:
        form.fields.setdefault("at", {})[column] = at


def has_cell(rows: list[list[str]], pattern: re.Pattern[str]) -> bool:
    return any(pattern.search(squash(c)) for row in rows for c in row)


PROJECT_NAME = re.compile(r"^项目名称[:：]?$")
IMPLEMENTING = re.compile(r"^(实施[（(]?主管[)）]?单位|主管部门|实施单位)[:：]?$")
IMPLEMENTING_FIRST = re.compile(r"^(实施[（(]主管[)）]单位|实施单位)[:：]?$")
DEPT_WORK = re.compile(r"^年度主要(工作)?(内容|任务)$|^年度(工作|绩效)目标$")  # a department's annual tasks
DEPT_RESULT = re.compile(r"^年度部门(（单位）|\(单位\))?总体运行情况")
COLUMN_HEADER = re.compile(r"(名称|情况|内容)$")
DEPT_NAME = re.compile(r"^部门[（(]单位[)）]名称$|^部门名称$")
TARGET_GOAL = re.compile(r"^(年度)?绩效目标$|^总体目标$")
DEPT_MARK = re.compile(r"^[一二三四五六七八九十、]*部门[（(]单位[)）](名称|基本概况)$|整体支出绩效|部门整体")


def classify_table(rows: list[list[str]], title: str, doc_title: str = "") -> str | None:
    """Which form layout a table holds, or None when it holds no indicator form.

    The indicator header decides first: targets without 完成值 and without 得分/评分 make a
    target table whatever header rows (项目名称, 项目资金) sit above it.
    """
    header = find_indicator_header(rows)
    if header is not None:
        roles = column_roles(rows[header])
        if "actual" not in roles and "score" not in roles:
            return "target_table"
        if has_cell(rows, PROJECT_NAME):
            return "project_self_eval"
        t = squash(title) or squash(doc_title)
        if "项目" not in t and "部门" not in t and "整体" not in t:
            t = squash(doc_title)  # 绩效评价指标体系评分表 of a 项目绩效评价报告 is the project's
        if "项目" in t and "部门整体" not in t and "整体支出" not in t:
            return "project_self_eval"
        return "dept_self_eval"
    if _project_label(rows) and has_cell(rows, re.compile(r"预算执行|项目资金")):
        return "project_self_eval"
    if has_cell(rows, DEPT_NAME) or has_cell(rows, DEPT_MARK):
        return "dept_self_eval"
    return None


def _project_label(rows: list[list[str]]) -> bool:
    """项目名称 as a form's label (its value beside it), not as the first header of a list of projects."""
    for row in rows:
        cells = [squash(c) for c in row if squash(c)]
        if any(PROJECT_NAME.match(c) for c in cells) and len(cells) <= 5:
            return True
    return False


_NUM = re.compile(r"-?\d+(?:\.\d+)?")


BLOCK_HEADERS = {"budget": re.compile(r"^预算安排情况"), "arrived": re.compile(r"^资金到位情况"),
                 "executed": re.compile(r"^资金执行情况")}


def read_project_block(rows: list[list[str]], form: FormDraft) -> None:
    """The budget block of a project form: 预算数/到位数/执行数 (+其中 财政资金) and 执行进度."""
    form.subject = form.subject or value_after(rows, PROJECT_NAME)
    form.implementing_unit = form.implementing_unit or value_after(rows, IMPLEMENTING_FIRST) or value_after(rows, IMPLEMENTING)
    labels = {"budget": re.compile(r"^(预算数|全年预算数|调整后预算数)[:：]?$"),
              "arrived": re.compile(r"^到位数[:：]?$"), "executed": re.compile(r"^(执行数|全年执行数)[:：]?$")}
    fiscal = re.compile(r"^其中[:：]?(当年)?(本年)?财政(资金|拨款)[:：]?$")
    block: dict[str, dict[str, str]] = {}
    for i, row in enumerate(rows):
        cells = _cells(row)
        hit = False
        for j, c in enumerate(cells):
            s = squash(c)
            for measure, pat in labels.items():
                if pat.match(s):
                    v = next((x for x in cells[j + 1:j + 2] if x), "")
                    block.setdefault("total", {})[measure] = v
                    mark(form, f"total.{measure}", (i, j + 1))
                    block.setdefault("labels", {})[f"total|{measure}"] = re.sub(r"[:：]$", "", one_line(c))
                    hit = True
            if fiscal.match(s) and j + 1 < len(cells):
                k = sum(1 for x in cells[:j] if fiscal.match(squash(x)))
                measure = ["budget", "arrived", "executed"][min(k, 2)]
                block.setdefault("fiscal", {})[measure] = cells[j + 1]
                mark(form, f"fiscal.{measure}", (i, j + 1))
                block.setdefault("labels", {})[f"fiscal|{measure}"] = one_line(c)
            for measure, pat in BLOCK_HEADERS.items():
                if pat.match(s):
                    block.setdefault("headers", {})[measure] = one_line(c)
        if hit:
            # 预算执行进度 sits in the last cell of the 预算数 row
            tail = [j for j in range(max(0, len(cells) - 2), len(cells)) if "%" in squash(cells[j])]  # NFKC: ％ too
            if tail:
                form.fields["execution_rate_raw"] = cells[tail[-1]]
                mark(form, "execution_rate", (i, tail[-1]))
        if any(squash(c) == "预算执行进度" or squash(c) == "执行率" for c in cells) and i + 1 < len(rows):
            form.fields.setdefault("has_rate_column", True)
    total = block.get("total", {})
    at = form.fields.get("at", {})
    for column, key in (("budget_wan", "total.budget"), ("arrived_wan", "total.arrived"),
                        ("executed_wan", "total.executed"), ("fiscal_wan", "fiscal.budget")):
        mark(form, column, at.get(key))
    form.fields["budget_raw"] = total.get("budget") or None
    form.fields["arrived_raw"] = total.get("arrived") or None
    form.fields["executed_raw"] = total.get("executed") or None
    form.fields["fiscal_raw"] = block.get("fiscal", {}).get("budget") or None
    form.fields["budget_block"] = block
    goal = value_after(rows, re.compile(r"^年度预期目标$|^预期目标$"))
    if goal is not None and re.match(r"^(具体|实际)?完成情况$|^实际完成|^总体完成率$", squash(goal)):
        goal = None  # the next header cell of the same row: the texts sit in the row below
    if goal is None:
        for i, row in enumerate(rows):
            if any(squash(c) in ("年度预期目标", "预期目标") for c in row) and i + 1 < len(rows):
                nxt = [clean(c) for c in rows[i + 1] if squash(c)]
                if nxt:
                    form.fields["goal_text"] = nxt[0]
                    if len(nxt) > 1:
                        form.fields["actual_text"] = nxt[1]
                break
    else:
        form.fields["goal_text"] = goal
    grade = value_after(rows, GRADE_LABEL)
    if grade and not form.grade_text:
        form.grade_text = grade.split("\n")[0]
        first = re.split(r"\s|填表人|填报人|联系", one_line(grade))[0]
        form.grade_text = first if first else form.grade_text


NATIONAL_ROW = re.compile(r"资金总额|财政拨款|财政资金|上年结转|结转资金|其他资金")


def read_national_funds(rows: list[list[str]], form: FormDraft) -> None:
    """The 2020 national layout: 项目资金 rows 年度资金总额/其中… under 年初预算数|全年预算数|全年执行数|分值|执行率|得分.

    The 年度资金总额 row's 分值 and 得分 are the 预算执行率 indicator of the form: they count in
    its total weight and score. Every row of the block is kept for the amounts table.
    """
    for i, row in enumerate(rows):
        names = [squash(c) for c in row]
        if "年初预算数" not in names or not ({"全年执行数", "执行数"} & set(names)):
            continue
        block: list[tuple[str, dict[str, str]]] = []
        for n, r in enumerate(rows[i + 1:i + 7], start=i + 1):
            cells = _align_right(_cells(r), len(row))
            label = next((one_line(c) for c in cells if NATIONAL_ROW.search(squash(c))), None)
            if label is None:
                if block:
                    break
                continue
            named = {n: v for n, v in zip(names, cells, strict=False) if n}
            block.append((label, named))
            pad = len(cells) - len(r)
            for k, head in enumerate(names):
                if head and k - pad >= 0 and squash(cells[k]):
                    mark(form, f"national.{label}.{head}", (n, k - pad))
        if not block:
            return
        form.fields["national_block"] = [(label, {n: v for n, v in named.items() if n in NATIONAL_MEASURES})
                                         for label, named in block]
        label, named = next(((lab, nm) for lab, nm in block if "资金总额" in squash(lab)), block[0])
        form.fields["budget_initial_raw"] = named.get("年初预算数") or None
        form.fields["budget_raw"] = named.get("全年预算数") or named.get("预算数") or None
        form.fields["executed_raw"] = named.get("全年执行数") or named.get("执行数") or None
        form.fields["execution_rate_raw"] = named.get("执行率") or None
        at = form.fields.get("at", {})
        for column, heads in (("budget_initial_wan", ("年初预算数",)), ("budget_wan", ("全年预算数", "预算数")),
                              ("executed_wan", ("全年执行数", "执行数")), ("execution_rate", ("执行率",))):
            mark(form, column, next((at[f"national.{label}.{h}"] for h in heads if f"national.{label}.{h}" in at), None))
        form.fields["execution_weight_raw"] = named.get("分值") or named.get("权重") or None
        form.fields["execution_score_raw"] = named.get("得分") or None
        return


NATIONAL_MEASURES = {"年初预算数": "budget_initial", "全年预算数": "budget", "预算数": "budget",
                     "全年执行数": "executed", "执行数": "executed"}


def _align_right(cells: list[str], width: int) -> list[str]:
    return cells if len(cells) >= width else [""] * (width - len(cells)) + cells


GRADE_LABEL = re.compile(r"^(评价等次|评价等级|绩效等级|自评等级|等级|评价结果)$")
SCORE_LABEL = re.compile(r"^(绩效自评综合得分|自评综合得分|综合得分|自评得分|总得分|自评总分)$")
GRADE_IN_TEXT = re.compile(r"(?:等级|等次|评价)(?:为|是|：|:)?[“\"']?(优秀|优|良好|良|中等|中|合格|及格|差|不合格)")


def read_dept_fields(rows: list[list[str]], form: FormDraft) -> None:
    """Department form header: unit name, stated score, grade, conclusion and band text."""
    form.subject = form.subject or value_after(rows, DEPT_NAME)
    for key, label in (("goal_text", DEPT_WORK), ("actual_text", DEPT_RESULT)):
        text = value_after(rows, label)
        if text and len(text) >= 10 and not COLUMN_HEADER.search(text) and key not in form.fields:
            form.fields[key] = text  # 000's 年度主要任务 heads a table instead: its neighbour is a header
    score = value_after(rows, SCORE_LABEL)
    if score and _NUM.search(score) and "total_score_raw" not in form.fields:
        form.fields["total_score_raw"] = score
        mark(form, "total_score", find_after(rows, SCORE_LABEL))
    grade = value_after(rows, GRADE_LABEL)
    if grade and not form.grade_text:
        form.grade_text = grade
        mark(form, "grade", find_after(rows, GRADE_LABEL))
    for row in rows:
        for c in row:
            s = squash(c)
            if not form.grade_text and ("评价结论" in s or "综合等级" in s or "等级为" in s):
                m = GRADE_IN_TEXT.search(s)
                if m:
                    form.grade_text = m.group(1)
            if "等次" in s and ("90分" in s or "90分（含）" in s) and "优" in s:
                form.band_text = clean(c)
    for row in rows:
        for j, c in enumerate(row):
            if squash(c).startswith("评价结论") and j + 1 < len(row):
                m = GRADE_IN_TEXT.search(squash(row[j + 1]))
                if m and not form.grade_text:
                    form.grade_text = m.group(1)
                sm = re.search(r"综合得分[^0-9]{0,6}(\d+(?:\.\d+)?)分", squash(row[j + 1]))
                if sm:
                    form.fields.setdefault("conclusion_score_raw", sm.group(1))


CONCLUSION = re.compile(r"得分?\s*(?:为)?\s*(\d+(?:\.\d+)?)\s*分[，,。；;]?\s*(?:综合)?(?:绩效)?(?:评价|自评)?"
                        r"(?:等级|等次|结果|级别)(?:为|是|：|:)\s*[“\"'‘]?(优秀|优|良好|良|中等|中|合格|及格|差|不合格)")


def read_conclusion(text: str, form: FormDraft) -> None:
    """The conclusion sentence of a department form: "最终得分95分，绩效评价等级为良好"."""
    m = CONCLUSION.search(squash(text))
    if m and not form.grade_text:
        form.grade_text = m.group(2)
        form.fields.setdefault("conclusion_score_raw", m.group(1))


def subject_from_title(title: str) -> str:
    """`1. 2020年度…考核工作绩效目标表` -> `2020年度…考核工作`."""
    t = one_line(title)
    t = re.sub(r"^\s*(\d{1,3}\s*[.、．]|[(（]\s*[一二三四五六七八九十\d]{1,3}\s*[)）]|[一二三四五六七八九十]{1,3}\s*、)\s*", "", t)
    t = re.sub(r"(项目)?(支出)?绩效(目标|自评)表$", "", t)
    return t.strip() or one_line(title)


def read_indicators(rows: list[list[str]], form: FormDraft) -> None:
    """All indicator tables inside these rows (a form may repeat its header after a page break)."""
    start = 0
    while True:
        h = find_indicator_header(rows, start)
        if h is None:
            return
        table = read_indicator_table(rows, h)
        form.indicator_tables.append(table)
        start = max(table.end, h + 1)


def apply_header(header: dict, form: FormDraft) -> None:
    """Fill the form's fields from its `label：value` header cells, never over a value already read."""
    def text(name: str) -> str | None:
        hv = header.get(name)
        return one_line(hv.value) if hv is not None else None

    form.subject = form.subject or text("subject")
    form.reporting_unit = form.reporting_unit or text("reporting_unit")
    form.implementing_unit = form.implementing_unit or text("implementing_unit")
    budget = header.get("budget")
    if budget is not None and not form.fields.get("budget_raw"):
        form.fields["budget_raw"] = one_line(budget.value)
        form.fields["budget_label"] = budget.label
        form.fields["budget_unit"] = budget.unit
        _place(form, "budget_wan", budget)
    for name in ("goal_text", "basis_text", "project_code"):
        hv = header.get(name)
        if hv is not None and not form.fields.get(name):
            form.fields[name] = clean(hv.value)
            _place(form, name, hv)


def _place(form: FormDraft, column: str, hv) -> None:
    """Where a header value sits: its ref when read from another table, else its (row, column) mark."""
    if hv.ref:
        form.fields.setdefault("cell_refs", {})[column] = hv.ref
    else:
        mark(form, column, hv.at)
