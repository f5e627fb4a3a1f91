"""The output contract of ../shared/SCHEMA.md as code: tables, required columns, extras.

Required columns come first and in the contract's order; extra columns (positions,
links between rows that the validators need) follow. `cell_refs` (forms, indicators) is
JSON {column: source_ref}: the cell each figure of the row was read from, which findings
about that figure point at. A test checks REQUIRED against
SCHEMA.md itself so the two cannot drift apart.
"""

from __future__ import annotations

REQUIRED: dict[str, list[str]] = {
    "documents": [
        "doc_id", "source_path", "source_format", "status", "error", "unit_name",
        "province", "city", "county", "admin_code", "fiscal_year", "n_pages",
        "n_forms", "n_indicators", "n_findings",
    ],
    "forms": [
        "form_id", "doc_id", "form_type", "title", "subject", "reporting_unit",
        "implementing_unit", "fiscal_year", "budget_initial_wan", "budget_wan",
        "executed_wan", "execution_rate", "total_score", "grade", "page_start", "page_end",
    ],
    "indicators": [
        "form_id", "doc_id", "row_no", "level1_raw", "level2_raw", "level1",
        "level1_weight", "level2", "level3", "category", "target_raw", "actual_raw",
        "target_op", "target_value", "target_unit", "actual_value", "actual_unit",
        "weight", "score", "note", "page", "source_ref",
    ],
    "amounts": [
        "doc_id", "form_id", "table_kind", "item", "measure", "measure_raw", "value",
        "unit", "is_total", "page", "source_ref",
    ],
    "narrative": ["doc_id", "seq", "section", "text"],
    "facts": ["doc_id", "seq", "label", "value", "unit", "sentence", "page", "source_ref"],
    "findings": [
        "doc_id", "form_id", "rule", "severity", "location", "message", "expected",
        "observed", "page", "source_ref",
    ],
}

EXTRA: dict[str, list[str]] = {
    "documents": ["file_size", "sha256", "warnings", "n_pages_ocr"],
    "forms": ["grade_raw", "arrived_wan", "fiscal_wan", "grade_bands", "goal_text", "actual_text",
              "execution_weight", "execution_score", "budget_raw", "budget_label", "basis_text",
              "project_code", "cell_refs"],
    "indicators": ["level2_weight", "rule_text", "description", "basis", "target_value_pct", "table_no",
                   "layout_ok", "layout_reason", "cell_refs"],
    "amounts": ["table_no", "row_no", "col_no", "item_parent", "measure_parent", "relation", "value_raw", "side",
                "table_family", "table_title", "row_level", "code", "code_scheme", "column_role", "unit_raw",
                "layout_ok", "layout_reason", "parent_row"],
    "narrative": ["page", "source_ref"],
    "facts": ["narrative_seq", "parts_of", "relation", "base_label", "value_raw"],
    "findings": ["table", "row_label", "indicator", "related_refs", "finding_id", "context"],
}

TABLES: list[str] = list(REQUIRED)


def columns(table: str) -> list[str]:
    """All columns of a table, required ones first."""
    return REQUIRED[table] + EXTRA.get(table, [])


# Column types for Parquet/DuckDB; anything not listed is a string.
NUMERIC: set[str] = {
    "n_pages", "n_pages_ocr", "n_forms", "n_indicators", "n_findings", "fiscal_year", "budget_initial_wan",
    "budget_wan", "executed_wan", "execution_rate", "total_score", "page_start", "page_end",
    "row_no", "level1_weight", "target_value", "actual_value", "weight", "score", "page",
    "value", "seq", "expected", "observed", "file_size", "arrived_wan", "fiscal_wan",
    "level2_weight", "target_value_pct", "table_no", "execution_weight", "execution_score", "col_no", "narrative_seq", "side",
    "parent_row",
}
INTEGER: set[str] = {
    "n_pages", "n_pages_ocr", "n_forms", "n_indicators", "n_findings", "fiscal_year", "page_start",
    "page_end", "row_no", "page", "seq", "file_size", "table_no", "col_no", "narrative_seq", "side",
    "parent_row",
}
BOOLEAN: set[str] = {"is_total", "layout_ok"}

FORM_TYPES = ("project_self_eval", "dept_self_eval", "target_table", "budget_summary", "other")
SOURCE_FORMATS = ("pdf", "pdf_scanned", "docx", "doc", "xlsx", "xls", "txt", "html", "md")
STATUSES = ("ok", "partial", "failed")
TABLE_KINDS = ("income", "expenditure", "projects", "three_public", "assets", "balance", "other")
MEASURES = (
    "budget_initial", "budget_adjusted", "budget", "arrived", "executed", "final", "fiscal",
    "carryover", "balance", "count", "value",
)
SEVERITIES = ("error", "warning", "info")
RULES = (
    "SUM_MISMATCH", "PART_EXCEEDS_WHOLE", "RATE_MISMATCH", "PERCENT_MISMATCH",
    "SCORE_OUT_OF_RANGE", "SCORE_TOTAL_MISMATCH", "WEIGHT_TOTAL_MISMATCH",
    "GROUP_SCORE_EXCEEDS_WEIGHT", "GRADE_MISMATCH", "SCORE_RULE_MISMATCH",
    "TARGET_MISSED_FULL_SCORE", "UNIT_MISMATCH", "EXECUTION_OVER_BUDGET",
    "NARRATIVE_MISMATCH", "MISSING_VALUE", "DUPLICATE_ENTRY", "TEXT_MISMATCH",
    "MAGNITUDE_MISMATCH", "BALANCE_MISMATCH", "CROSS_TABLE_MISMATCH", "COMPARISON_MISMATCH",
    "YEAR_MISMATCH", "TEMPLATE_LEFTOVER", "MISSING_TABLE", "CODE_NAME_MISMATCH", "TYPO",
    "VALUE_OUT_OF_RANGE", "LAYOUT_NOT_UNDERSTOOD",
)
LEVEL1_CODES = (
    "output", "outcome", "satisfaction", "cost", "budget_execution", "input", "process",
    "management", "other",
)
LEVEL2_CODES = (
    "quantity", "quality", "timeliness", "cost", "economic_benefit", "social_benefit",
    "ecological_benefit", "sustainability", "satisfaction", "budget_execution", "funds",
    "finance", "procurement", "assets", "personnel", "information",
    "performance_management", "duty", "other",
)
