"""Header fields of a form: `label：value` cells above its indicator table.

Forms write their header as label and value in one cell (`申请单位：X`), in the next cell
(`本年度项目金额（万元）：` | 517100, often a merged range) or in the cell below (a row of
labels over a row of values). Labels carry qualifiers and units in brackets
(`项目总金额（中期规划，万元）`); they are matched on their stem with the bracket read for
the unit. A value that is itself a label is never taken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from jixiao.normalize.indicator_columns import is_indicator_header
from jixiao.text import clean, one_line, squash

_BRACKET = re.compile(r"[(（]([^()（）]*)[)）]")
_COLON = re.compile(r"[:：]")

FIELD_LABELS: dict[str, re.Pattern[str]] = {
    "subject": re.compile(r"^项目名称$"),
    "reporting_unit": re.compile(r"^(申请|填报|申报|预算|项目)单位(名称)?$|^单位名称$|^部门[(（]?单位[)）]?名称$|^部门名称$"),
    "implementing_unit": re.compile(r"^实施(主管)?单位$|^主管(部门|单位)$|^一级预算单位$"),
    "budget": re.compile(r"^(本年度|本年|年度|当年)?(项目)?(资金总额|总金额|金额|资金|预算|预算数|预算金额|预算资金)$"),
    "goal_text": re.compile(r"^(本年度|年度)?(绩效|总体)?目标$|^年度(绩效|总体)目标$"),
    "basis_text": re.compile(r"^测算依据$"),
    "project_code": re.compile(r"^项目(编码|代码|编号)$"),
}
# an implementing unit named 实施单位 beats a 主管部门 / 一级预算单位; an annual amount beats a total
_PRIORITY = {"implementing_unit": re.compile(r"^实施"), "budget": re.compile(r"^(本年度|本年|年度|当年)")}
_NOT_BUDGET = re.compile(r"中期|多年|累计|总投资|长期")
_ANY_LABEL = re.compile(r"^[^:：]{2,24}[:：]$")
_LABEL_WORDS = re.compile(r"^(预期目标|实际完成情况|实际完成值|年初预算数|全年预算数|全年执行数|预算数|执行数|"
                          r"分值|得分|执行率|指标值|目标值)$")
_NEXT_PAIR = re.compile(r"\s{2,}(?=[\u4e00-\u9fff]{2,10}[:：])|\s+(?=(金额单位|单位|填报日期|填表日期|联系人|联系电话)[:：])")


@dataclass
class HeaderValue:
    """One header field: the label as written, the value as written and the unit the label states."""

    label: str
    value: str
    unit: str | None = None
    at: tuple[int, int] | None = None  # (row, column) of the value's cell in the rows read
    ref: str | None = None  # or its source_ref, when it was read from another table


def label_stem(cell: str) -> tuple[str, str | None]:
    """`项目总金额（中期规划，万元）：` -> ('项目总金额', '万元'); the bracket's unit, if any."""
    t = squash(cell)
    t = _COLON.sub("", t) if t.endswith(("：", ":")) else t
    unit = None
    for m in _BRACKET.finditer(t):
        u = re.search(r"(万元|千元|亿元|元)", m.group(1))
        if u:
            unit = u.group(1)
    return _BRACKET.sub("", t), unit


def field_of(cell: str) -> tuple[str, str, str | None] | None:
    stem, unit = label_stem(cell)
    for name, pat in FIELD_LABELS.items():
        if pat.match(stem):
            if name == "budget" and _NOT_BUDGET.search(squash(cell)):
                return None
            return name, stem, unit
    return None


def _is_label(text: str) -> bool:
    t = squash(text)
    return bool(t) and (field_of(t) is not None or bool(_LABEL_WORDS.match(t)) or bool(_ANY_LABEL.match(t)))


def _same_cell(cell: str) -> tuple[str, str] | None:
    """`申请单位：X` -> ('申请单位', 'X'), the value cut before a second `label：` on the line."""
    text = one_line(cell)
    m = re.match(r"^\s*([^:：]{2,24}?)\s*[:：]\s*(\S.*)$", text)
    if not m:
        return None
    value = _NEXT_PAIR.split(m.group(2), maxsplit=1)[0].strip()
    return m.group(1), value


def prefer(found: dict[str, HeaderValue], name: str, hv: HeaderValue) -> None:
    """Keep the first value of a field, unless a preferred label (实施单位, 本年度…金额) comes later."""
    if not squash(hv.value) or (name == "budget" and not re.search(r"\d", hv.value)):
        return
    old = found.get(name)
    pri = _PRIORITY.get(name)
    stem = label_stem(hv.label)[0]
    if old is None or (pri is not None and pri.search(stem) and not pri.search(label_stem(old.label)[0])):
        found[name] = hv


def read_header(rows: list[list[str]], stop_at_indicators: bool = True) -> dict[str, HeaderValue]:
    """Header fields found in these rows (above the first indicator header), first hit per field,
    a preferred label (实施单位, 本年度…金额) replacing a weaker one."""
    found: dict[str, HeaderValue] = {}
    for i, row in enumerate(rows):
        if stop_at_indicators and is_indicator_header(row):
            break
        for j, cell in enumerate(row):
            if not squash(cell):
                continue
            hit = field_of(cell)
            if hit is not None:
                name, _stem, unit = hit
                k = next((k for k in range(j + 1, len(row)) if squash(row[k])), None)
                value, at = (row[k], (i, k)) if k is not None else ("", None)
                if value and _is_label(value):
                    value = ""
                if not value and i + 1 < len(rows) and j < len(rows[i + 1]):
                    below = rows[i + 1][j]
                    if squash(below) and not _is_label(below) and not is_indicator_header(rows[i + 1]):
                        value, at = below, (i + 1, j)
                if value:
                    prefer(found, name, HeaderValue(one_line(cell), clean(value), unit, at))
                continue
            pair = _same_cell(cell)
            if pair is not None:
                hit = field_of(pair[0])
                if hit is not None:
                    prefer(found, hit[0], HeaderValue(pair[0], pair[1], hit[2], (i, j)))
    return found
