"""The table rows a finding is about, so a reader sees the published figures without the source.

A finding names its form, table, row label and indicator; this module looks those rows up in
the converted tables: indicator rows (target, actual, weight, score, written rule), amounts
rows (every published column of the row), or the form's own figures for form-level findings.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

# a table as a pandas DataFrame (read_tables) or as rows (read_records: no pandas needed)
Tables = Mapping[str, Any]

INDICATOR_COLUMNS = [("level1_raw", "一级"), ("level2_raw", "二级"), ("level3", "三级指标"),
                     ("target_raw", "目标值"), ("actual_raw", "实际值"), ("weight", "权重"),
                     ("score", "得分"), ("rule_text", "评分规则")]
WHOLE_FORM_RULES = {"SCORE_TOTAL_MISMATCH", "WEIGHT_TOTAL_MISMATCH", "GROUP_SCORE_EXCEEDS_WEIGHT"}
FORM_COLUMNS = [("budget_wan", "预算数"), ("executed_wan", "执行数"), ("execution_rate", "执行率"),
                ("total_score", "总分"), ("grade", "等级")]


def is_missing(v: object) -> bool:
    """None, NaN or pandas' NA (checked by name: this module never imports pandas)."""
    return v is None or (isinstance(v, float) and math.isnan(v)) or type(v).__name__ == "NAType"


def records(table: Any) -> list[dict]:
    """A table's rows as dicts with missing values as None, from a DataFrame or a list of rows."""
    if table is None:
        return []
    rows = table.to_dict("records") if hasattr(table, "to_dict") else table
    return [{k: (None if is_missing(v) else v) for k, v in r.items()} for r in rows]


class RowIndex:
    """Rows of indicators, amounts and forms, grouped by form for quick lookup."""

    def __init__(self, frames: Tables) -> None:
        self.indicators = self._group(frames.get("indicators"))
        self.amounts = self._group(frames.get("amounts"))
        forms = self._group(frames.get("forms"))
        self.forms = {k: v[0] for k, v in forms.items() if v}

    @staticmethod
    def _group(table: Any) -> dict[str, list[dict]]:
        out: dict[str, list[dict]] = {}
        for r in records(table):
            if r.get("form_id"):
                out.setdefault(str(r["form_id"]), []).append(r)
        return out

    def concerned(self, finding: dict) -> tuple[list[str], list[list[object]]]:
        """(header, rows) of the data a finding is about; empty when it is about the prose."""
        fid = str(finding.get("form_id") or "")
        if not fid:
            return [], []
        indicator, label = finding.get("indicator"), finding.get("row_label")
        if finding.get("table") == "indicators" and indicator:
            rows = [r for r in self.indicators.get(fid, []) if r.get("level3") == indicator]
            if rows:
                return [h for _, h in INDICATOR_COLUMNS], [[r.get(c) for c, _ in INDICATOR_COLUMNS] for r in rows]
        if label and finding.get("table") not in ("indicators", "forms", "narrative"):
            table_no = _table_no(finding.get("table"))
            cells = [r for r in self.amounts.get(fid, []) if r.get("item") == label
                     and (table_no is None or _same(r.get("table_no"), table_no))]
            if cells:
                return _pivot(cells)
        if finding.get("rule") in WHOLE_FORM_RULES and self.indicators.get(fid):
            rows = self.indicators[fid]
            return [h for _, h in INDICATOR_COLUMNS[:-1]], [[r.get(c) for c, _ in INDICATOR_COLUMNS[:-1]] for r in rows]
        form = self.forms.get(fid)
        if form is None:
            return [], []
        return [h for _, h in FORM_COLUMNS], [[form.get(c) for c, _ in FORM_COLUMNS]]


def _table_no(table: object) -> int | None:
    m = re.search(r"#(\d+)", str(table or ""))
    return int(m.group(1)) if m else None


def _same(a: object, b: int) -> bool:
    try:
        return int(a) == b  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return False


def _pivot(cells: list[dict]) -> tuple[list[str], list[list[object]]]:
    """Amount cells of one row label as one line: item, then each column as published."""
    cells.sort(key=lambda r: (r.get("row_no") or 0, r.get("col_no") or 0))
    columns: dict[object, str] = {}
    by_row: dict[object, dict[object, object]] = {}
    for c in cells:
        key = (c.get("col_no"), c.get("measure_raw"))
        columns.setdefault(key, str(c.get("measure_raw") or c.get("measure") or ""))
        by_row.setdefault(c.get("row_no"), {"item": c.get("item")})[key] = c.get("value_raw") or c.get("value")
    header = ["项目 item"] + list(columns.values())
    return header, [[row.get("item")] + [row.get(k) for k in columns] for row in by_row.values()]
