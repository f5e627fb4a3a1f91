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
    layout_ok: bool = True  # column roles and row levels recognised: its rows may be accused
    layout_reason: str | None = None
    total_at: dict[str, tuple[int, int]] = field(default_factory=dict)  # score/weight -> (row, column) of the total
    total_refs: dict[str, str] = field(default_factory=dict)  # the same as source_refs (set by interpret)


ROLE_COLUMNS = {"level1": "level1_raw", "level2": "level2_raw", "level3": "level3", "target": "target_raw", "actual": "actual_raw", "weight": "weight",
                "score": "score", "note": "note", "rule_text": "rule_text"}  # role -> the output column its cell fills


def _positions(raw: list[str], width: int, roles: dict[str, int]) -> dict[str, int]:
    """Output column -> index in the row as read (rows shorter than the header were right-aligned)."""
    pad = max(0, width - len(raw))
    out = {}
    for role, column in ROLE_COLUMNS.items():
        j = roles.get(role)
        if j is not None and 0 <= j - pad < len(raw) and squash(raw[j - pad]):
            out[column] = j - pad
    return out


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


def _sum_of(rows: list[dict], key: str) -> float | None:
    values = [_number(r.get(key)) for r in rows]
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def _number(text: str | None) -> float | None:
    t = squash(text).rstrip(".")
    return float(t) if t and re.fullmatch(r"-?\d+(\.\d+)?", t) else None


def _total_at(raw: list[str], i: int, width: int, roles: dict[str, int],
              out: IndicatorTable) -> dict[str, tuple[int, int]]:
    """Where the total row's figures sit: (row, column) of the weight and of the score _read_total took
    (under its column, else the last cell holding that number)."""
    at = _positions(raw, width, roles)
    total = squash(out.total_score_raw or "").rstrip(".")
    if total and ("score" not in at or squash(raw[at["score"]]).rstrip(".") != total):
        shifted = [j for j, c in enumerate(raw) if squash(c).rstrip(".") == total]
        if shifted:
            at["score"] = shifted[-1]
        else:
            at.pop("score", None)
    return {k: (i, j) for k, j in at.items() if k in ("score", "weight")}


def _read_total(row: list[str], roles: dict[str, int], out: IndicatorTable) -> None:
    """The 总分 row: score and weight under their columns; when the row holds one number that is not
    under the score column, the rows above tell which total it is (a blank 总分 with 分值 100 beside
    it is a blank score, not a score of 100)."""
    score, weight = _get(row, roles, "score"), _get(row, roles, "weight")
    if _number(score) is not None:
        out.total_score_raw = score
        return
    numbers = [squash(c).rstrip(".") for c in row if _number(c) is not None]
    if len(numbers) >= 2 and "score" in roles and "weight" in roles:
        out.total_score_raw = numbers[-1]
        return
    if len(numbers) != 1:
        out.total_score_raw = _last_number(row)
        return
    n = float(numbers[0])
    if _number(weight) == n:
        return  # the one number sits under 分值: the score cell is blank
    scores, weights = _sum_of(out.rows, "score_raw"), _sum_of(out.rows, "weight_raw")
    if weights is not None and abs(weights - n) < 1e-6 and (scores is None or abs(scores - n) > 1e-6):
        return  # the weights' total: the score cell is blank
    out.total_score_raw = numbers[0]


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
            _read_total(row, roles, out)
            out.total_at = _total_at(raw, i, width, roles, out)
            i += 1
            break
        if len(raw) < width - 2 and not any(squash(c) for c in row[: roles.get("level3", 0)]):
            break  # a different, narrower block follows
        l1, l2, l3 = (one_line(_get(row, roles, r)) for r in ("level1", "level2", "level3"))
        if out.rows and _continues(out.rows[-1], l1, l2, l3, row, roles):
            _merge_into(out.rows[-1], l2, l3, row, roles)
            level2 = out.rows[-1]["level2_raw"]
            i += 1
            continue
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
            "row_index": i, "at": _positions(raw, width, roles),
        })
        i += 1
    out.end = i
    out.layout_reason = layout_problem(roles, out.rows)
    out.layout_ok = out.layout_reason is None
    return out


_VALUES = ("target", "actual", "weight", "score", "note", "rule_text", "description", "basis")
_BARE_CODE = re.compile(r"^[A-Z]\d{1,4}$")
_CODED = re.compile(r"^[A-Z]\d{1,4}")


def _continues(prev: dict, l1: str, l2: str, l3: str, row: list[str], roles: dict[str, int]) -> bool:
    """The row is the rest of the row above, cut by a page break: either it holds only figures the
    row above lacks (B101's score on the next page), or the row above holds a bare code (D401) whose
    name and figures follow here."""
    filled = [r for r in _VALUES if _get(row, roles, r)]
    if not l1 and not l2 and not l3:
        return bool(filled) and all(not prev.get(f"{r}_raw" if r in ("target", "actual", "weight", "score") else r)
                                    for r in filled)
    return (bool(_BARE_CODE.match(squash(prev["level3"]))) and bool(l3) and not _CODED.match(squash(l3))
            and not l1)


def _merge_into(prev: dict, l2: str, l3: str, row: list[str], roles: dict[str, int]) -> None:
    if l3:
        prev["level3"] = prev["level3"] + l3
    if l2 and _BARE_CODE.match(squash(prev["level2_raw"])):
        prev["level2_raw"] = prev["level2_raw"] + l2
    for r in _VALUES:
        key = f"{r}_raw" if r in ("target", "actual", "weight", "score") else r
        value = _get(row, roles, r)
        if value and not prev.get(key):
            prev[key] = value


def layout_problem(roles: dict[str, int], rows: list[dict]) -> str | None:
    """Why an indicator table cannot be checked, or None when it was understood.

    It needs a value column (指标值, 完成值 or 得分) and a first-level heading on every row; a rule
    that needs another column (分值 for a score range) finds it empty and stays silent."""
    if not rows:
        return None
    if not {"score", "target", "actual"} & set(roles):
        return "未找到指标值、完成值或得分列 (no target, actual or score column)"
    if any(not squash(r["level1_raw"]) for r in rows):
        return "部分指标行没有一级指标 (rows without a first-level heading)"
    return None
