"""What every table and column means, for codebook.md and datapackage.json.

The contract's meanings are taken from SCHEMA.md (kept here so a dataset can describe
itself without ../shared at run time; a test compares this with SCHEMA.md). Extra columns
and the panel's own tables are described here too, and coded columns list their codes.
"""

from __future__ import annotations

from jixiao.schema import (
    FORM_TYPES,
    LEVEL1_CODES,
    LEVEL2_CODES,
    MEASURES,
    RULES,
    SEVERITIES,
    SOURCE_FORMATS,
    STATUSES,
    TABLE_KINDS,
)

DOC_ID = "document id: first 16 hex digits of the SHA-256 of the file's bytes"
FORM_ID = "`{doc_id}-{n}`: the form within its document (empty when the row belongs to no form)"
PLACE = "from the unit name and text"

TABLE_DOCS: dict[str, str] = {
    "documents": "one row per input file",
    "forms": "one row per form instance found in a file",
    "indicators": "one row per 三级指标 (the finest indicator row)",
    "amounts": "every money figure of every amounts table, long format",
    "narrative": "the prose, in reading order",
    "facts": "numbers stated in prose",
    "findings": "the discrepancy report",
    "unit_year": "one row per reporting unit and fiscal year (the unit and year of its documents)",
    "indicator_panel": "every indicator row with its document's place and year and its form's type and subject",
}

CELL_REFS = "JSON {column: source_ref}: the cell each figure of the row was read from"

COLUMN_DOCS: dict[str, dict[str, str]] = {
    "documents": {
        "doc_id": "first 16 hex digits of the SHA-256 of the file's bytes (stable across runs and machines)",
        "source_path": "path relative to the input folder, `/`-separated",
        "source_format": "what the bytes are, not what the extension says",
        "status": "`ok`; `partial` when some parts could not be read; `failed`",
        "error": "why, when status is not `ok` (one line, human readable)",
        "unit_name": "the reporting department as written, e.g. 中共香河县委组织部",
        "province": f"province, e.g. 河北省; {PLACE}",
        "city": f"city (prefecture), e.g. 廊坊市; {PLACE}",
        "county": f"county or district, e.g. 香河县; {PLACE}; empty for a city-level unit",
        "admin_code": "6-digit 行政区划代码 of the most specific place known",
        "fiscal_year": "the year evaluated or budgeted (2019 for a 2019 self-evaluation published in 2020)",
        "n_pages": "pages (PDF), else empty",
        "n_forms": "count of this file's rows in forms",
        "n_indicators": "count of this file's rows in indicators",
        "n_findings": "count of this file's rows in findings",
        "file_size": "size of the file in bytes",
        "sha256": "full SHA-256 of the file's bytes",
        "warnings": "what the reader noticed while extracting (` | `-separated)",
        "n_pages_ocr": "pages read by OCR (scans, fonts without a text map); PDF only, else empty",
        "run": "the converted folder this document's rows were taken from (the first, in sorted order, that holds it)",
    },
    "forms": {
        "form_id": "`{doc_id}-{n}`, n counting from 1 in reading order",
        "doc_id": DOC_ID,
        "form_type": "项目支出绩效自评表, 部门整体（支出）绩效自评表 / 评分表, 绩效目标表, 收支/三公/资产 tables of a 预算/决算公开, other",
        "title": "the form's title as written",
        "subject": "project name for project forms and target tables, unit name for department forms",
        "reporting_unit": "填报单位 as written",
        "implementing_unit": "实施（主管）单位 as written",
        "fiscal_year": "the year the form evaluates or budgets",
        "budget_initial_wan": "年初预算数, 万元",
        "budget_wan": "全年预算数 / 调整后预算数 / 预算数, 万元",
        "executed_wan": "全年执行数 / 执行数 / 决算数, 万元",
        "execution_rate": "stated 执行率 / 预算执行进度, percent",
        "total_score": "stated 总分 / 自评得分 / 综合得分",
        "grade": "stated 评价等级, canonical (优秀 → 优)",
        "page_start": "first page, 1-based, PDF only",
        "page_end": "last page, 1-based, PDF only",
        "grade_raw": "评价等级 as written",
        "arrived_wan": "资金到位数, 万元",
        "fiscal_wan": "其中财政资金, 万元",
        "grade_bands": "grade bands the form defines for itself (JSON list of [grade, lowest score])",
        "goal_text": "年度总体目标 as written (a department form: 年度主要工作内容)",
        "actual_text": "实际完成情况 as written (a department form: 年度总体运行情况及取得的成绩)",
    },
    "indicators": {
        "form_id": FORM_ID,
        "doc_id": DOC_ID,
        "row_no": "1-based order within the form",
        "level1_raw": "一级指标 heading as written, merged cells filled down, weight in brackets kept, e.g. `产出指标(40)`",
        "level2_raw": "二级指标 heading as written, merged cells filled down, weight in brackets kept",
        "level1": "canonical code of the first-level heading",
        "level1_weight": "weight written in the heading (`产出指标(40)` → 40)",
        "level2": "canonical code of the second-level heading",
        "level3": "the indicator name as written",
        "category": "the finest canonical category that applies wherever it sits (a 满意度 row is `satisfaction` whether it sits at level 1, 2 or 3)",
        "target_raw": "the target cell as written",
        "actual_raw": "the actual-value cell as written",
        "target_op": "`>=`, `<=`, `>`, `<`, `=`, or empty for qualitative targets",
        "target_value": "number of the target (`≥90%` → 90; `48万人次以上` → 48)",
        "target_unit": "unit of the target (`≥90%` → `%`; `48万人次以上` → `万人次`; `100百分比` → `%`)",
        "actual_value": "number of the actual value; a fraction written against a percent target (`0.992` for `≥80%`) is converted to percent",
        "actual_unit": "unit of the actual value",
        "weight": "分值 / 权重",
        "score": "得分 / 自评得分",
        "note": "偏差原因 / 扣分原因 / 说明 as written",
        "page": "1-based, PDF only",
        "level2_weight": "weight written in the second-level heading",
        "rule_text": "评分规则 / 评分标准 as written",
        "description": "指标解释 / 指标说明 as written",
        "basis": "确定依据 / 数据来源 / 佐证 as written",
        "target_value_pct": "the target as a percent when it was written as a fraction",
        "source_ref": "where the row sits in the file: `p3 x0,y0,x1,y1` (PDF points, origin top-left), `Sheet1!A7:F7`, `t2 r5` (Word table, row), `L123` (text line)",
        "cell_refs": CELL_REFS,
    },
    "amounts": {
        "doc_id": DOC_ID,
        "form_id": FORM_ID,
        "table_kind": "kind of table the figure belongs to",
        "item": "the row label as written (项目名称, 收入科目, …)",
        "measure": "canonical column",
        "measure_raw": "the column header as written",
        "value": "number",
        "unit": "`万元` unless the table says otherwise (`平方米`, `台`, …)",
        "is_total": "true for 合计 / 总计 / 小计 rows",
        "table_no": "which table of the form, from 1",
        "row_no": "row within the table, from 1",
        "col_no": "column within the table, from 1",
        "item_parent": "the row this `其中` row is part of",
        "measure_parent": "the column this column is part of (a 其中 group or a spanning header)",
        "relation": "`sum` when the parts of measure_parent should add up to it, `part` for a single 其中 part",
        "value_raw": "the cell as written (before converting 元 to 万元)",
        "page": "1-based, PDF only",
        "side": "which side of a side-by-side table (收入 | 支出), from 1",
        "table_family": "finer kind of table: summary (收支总表), fiscal_summary, income, expenditure, "
                        "fiscal_expenditure, general_expenditure, basic_expenditure, three_public, gov_fund, "
                        "state_capital, admin_operating, procurement, projects, assets, balance, other",
        "table_title": "the table's title as written",
        "row_level": "row level: total, subtotal, 类, 款, 项 (by 科目编码 or (类)/(款)/(项)), 其中, n1-n4 (numbering "
                 "一、/（一）/1./（1）), item",
        "code": "科目编码 of the row (split 类|款|项 columns glued, or digits before the label)",
        "code_scheme": "function (功能分类, 2xx) or economic (经济分类, 3xx/5xx)",
        "column_role": "role of the column: total, budget, final, fiscal, basic, project, personnel, public, …",
        "unit_raw": "the unit the table states (元 or 万元); value is in 万元",
        "layout_ok": "the table's family, column roles and row levels were understood (only then is it checked)",
        "layout_reason": "why the table was not understood",
        "parent_row": "row_no of the row named in item_parent (the whole this row is part of)",
        "source_ref": "the cell holding the value: `p3 x0,y0,x1,y1` (PDF), `Sheet1!C7`, `t2 r5 c4` (Word), `L123` (text line)",
    },
    "narrative": {
        "doc_id": DOC_ID,
        "seq": "paragraph order within the document, from 1",
        "section": "heading path, ` > `-joined, e.g. `一、部门基本情况 > （一）部门概况`",
        "text": "one paragraph",
        "page": "1-based, PDF only",
        "source_ref": "where the paragraph sits: `p3 x0,y0,x1,y1` (PDF), `para12` (Word body paragraph), `Sheet1!A1`, `L123`",
    },
    "facts": {
        "doc_id": DOC_ID,
        "seq": "order of the fact within the document, from 1",
        "label": "what the number is, e.g. 年末总资产",
        "value": "the number stated",
        "unit": "its unit as stated (万元, %, 人, …)",
        "sentence": "the sentence it came from",
        "narrative_seq": "seq of the narrative paragraph holding the sentence",
        "parts_of": "seq of the fact this one belongs to (see relation)",
        "relation": "`part` (其中/包括 list), `main` (主要为 list), `share` (占…%), `change_up` / `change_down` "
                    "(比上年增加/减少, parts_of = this year's figure), `change_rate` (its 增长/下降 %, parts_of = the change)",
        "base_label": "for a share: what it is a share of (占X的…)",
        "value_raw": "the figure as written",
        "page": "1-based, PDF only",
        "source_ref": "where the sentence sits (its paragraph): `p3 x0,y0,x1,y1` (PDF), `para12` (Word), `L123` (text line)",
    },
    "findings": {
        "doc_id": DOC_ID,
        "form_id": "the form concerned; empty for findings about the prose",
        "rule": "rule code (see SCHEMA.md for when each fires)",
        "severity": "`error` (arithmetic that cannot be right), `warning` (very likely wrong), `info`",
        "location": "where a person looks: form subject, table, row label, indicator name, or the sentence",
        "message": "one sentence, Chinese or English, a person can act on",
        "expected": "the recomputed value or the value the rule implies",
        "observed": "the value as published",
        "page": "1-based, PDF only",
        "table": "the table concerned",
        "row_label": "the row label concerned",
        "indicator": "the indicator concerned",
        "source_ref": "where the observed value sits: `p3 x0,y0,x1,y1` (PDF points, origin top-left), `Sheet1!C7`, "
                      "`t2 r5 c4` (Word table, row, column, 1-based), `L123` (text line)",
        "related_refs": "`;`-joined refs of the figures the expected value comes from (the addends, the other table's "
                        "cell, the sentence)",
        "finding_id": "`{doc_id}-F{n}`: the finding's id within its document (`jixiao show OUT FINDING_ID`)",
        "context": "Office and text files: JSON of the table rows around the observed cell (cells marked obs / rel) "
                   "or the paragraph, read at conversion; what report.html shows",
    },
    "unit_year": {
        "unit_name": "the reporting department as written (documents.unit_name); empty when not recognised",
        "province": "province of the unit (most common among its documents)",
        "city": "city of the unit",
        "county": "county or district of the unit",
        "admin_code": "6-digit 行政区划代码 of the most specific place known",
        "fiscal_year": "documents.fiscal_year",
        "level": "from admin_code: xx0000 province, xxxx00 city, else county",
        "n_documents": "documents of this unit and year",
        "n_forms": "forms in them",
        "n_indicators": "indicator rows in them",
        "budget_wan": "sum of forms.budget_wan (万元); empty when no form states one",
        "executed_wan": "sum of forms.executed_wan (万元); empty when no form states one",
        "mean_score": "mean of forms.total_score over the forms that state one",
        "findings_error": "findings of severity error",
        "findings_warning": "findings of severity warning",
        "findings_info": "findings of severity info",
    },
    "indicator_panel": {
        "level": "from admin_code: province, city or county",
        "fiscal_year": "documents.fiscal_year",
        "form_type": "forms.form_type of the indicator's form",
        "subject": "forms.subject of the indicator's form (project or unit)",
    },
}

CODES: dict[str, tuple[str, ...]] = {
    "source_format": SOURCE_FORMATS,
    "status": STATUSES,
    "form_type": FORM_TYPES,
    "grade": ("优", "良", "中", "差"),
    "level1": LEVEL1_CODES,
    "level2": LEVEL2_CODES,
    "table_kind": TABLE_KINDS,
    "measure": MEASURES,
    "severity": SEVERITIES,
    "rule": RULES,
    "level": ("province", "city", "county"),
}


def describe(table: str, column: str) -> str:
    """The column's meaning in this table, else its meaning in the table it comes from."""
    text = COLUMN_DOCS.get(table, {}).get(column)
    if not text:
        origin = "documents" if table in ("unit_year", "indicator_panel") and column != "page" else "indicators"
        text = COLUMN_DOCS[origin].get(column) or next(
            (cols[column] for cols in COLUMN_DOCS.values() if cols.get(column)), "")
    return text or "extra column carried from the converted rows"
