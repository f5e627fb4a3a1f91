"""Indicator-table rows -> contract `indicators` rows (one per 三级指标).

Merged heading cells arrive blank below their first row (Word's vMerge continuation,
PDF spans), so level 1 and level 2 are filled down. Rows shorter than the header
(horizontally merged cells) are aligned to the right, which is where the numbers are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from jixiao.normalize.indicator_columns import column_roles, is_total_label
from jixiao.text import clean, one_line, squash


@dataclass
class IndicatorTable:
    """What one indicator table yields: rows plus the stated total."""

    rows: list[dict] = field(default_factory=list)
    total_score_raw: str | None = None
    end: int = 0  # index of the first row after the table


def _align(row: list[str], width: int) -> list[str]:
    if len(row) >= width:
        return row
    return [""] * (width - len(row)) + row


def _get(row: list[str], roles: dict[str, int], role: str) -> str:
    i = roles.get(role)
    if i is None or i >= len(row):
        return ""
    return clean(row[i])


def _last_number(row: list[str]) -> str | None:
    """The total row's score when PDF text shifted it out of its column."""
    for c in reversed(row):
        t = squash(c)
        if t and re.fullmatch(r"\d+(\.\d+)?", t):
            return t
        if t:
            return None
    return None


SECTION_BREAK = ("五、", "六、", "评价结论", "绩效指标完成", "超标完成", "改进措施", "存在问题", "填表要求",
                 "填报人", "评价人员")


def read_indicator_table(rows: list[list[str]], header_at: int) -> IndicatorTable:
    """Read indicator rows below the header row at ``header_at`` until the table ends."""
    header = rows[header_at]
    roles = column_roles(header)
    width = len(header)
    out = IndicatorTable()
    level1 = level2 = ""
    i = header_at + 1
    while i < len(rows):
        raw = rows[i]
        texts = [squash(c) for c in raw]
        if not any(texts):
            i += 1
            continue
        first = next((t for t in texts if t), "")
        if first.startswith(SECTION_BREAK) or any(t.startswith(("四、", "五、")) for t in texts[:1]):
            break
        row = _align(raw, width)
        label = next((c for c in row if squash(c)), "")
        if is_total_label(label):
            out.total_score_raw = _get(row, roles, "score") or _last_number(row) or None
            i += 1
            break
        if len(raw) < width - 2 and not any(squash(c) for c in row[: roles.get("level3", 0)]):
            break  # a different, narrower block follows
        l1, l2, l3 = (one_line(_get(row, roles, r)) for r in ("level1", "level2", "level3"))
        if l1:
            level1, level2 = l1, ""
        if l2:
            level2 = l2
        if not l3 and not l2 and not l1:
            # a row carrying only numbers/text below merged headings
            if not any(_get(row, roles, r) for r in ("target", "actual", "score", "weight")):
                i += 1
                continue
        if not l3 and "level3" in roles and not any(_get(row, roles, r) for r in ("target", "actual", "score", "weight", "rule_text")):
            i += 1
            continue
        out.rows.append({
            "level1_raw": level1, "level2_raw": level2, "level3": l3 or (l2 if "level3" not in roles else ""),
            "target_raw": _get(row, roles, "target"), "actual_raw": _get(row, roles, "actual"),
            "weight_raw": _get(row, roles, "weight"), "score_raw": _get(row, roles, "score"),
            "note": _get(row, roles, "note"), "rule_text": _get(row, roles, "rule_text"),
            "description": _get(row, roles, "description"), "basis": _get(row, roles, "basis"),
            "op_raw": _get(row, roles, "op"), "unit_raw": _get(row, roles, "unit"),
            "row_index": i,
        })
        i += 1
    out.end = i
    return out
