"""Cutting one big Word table into its sections.

A 部门整体绩效自评表 is typically one Word table holding a header block, the income and
expenditure block, the key-task table, the indicator table and the conclusion. The
sections start at title rows (few cells, a caption like 年度收入情况（万元）) or at
header rows (机构名称 / 收入科目 / 年度主要任务 / 一级指标 …).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from jixiao.normalize.indicator_columns import is_indicator_header
from jixiao.text import clean, squash

_TITLE_CELL = re.compile(r"(（万元）|\(万元\)|情况|表)$|^[一二三四五六七八九十]+、")
_HEADER_START = re.compile(r"^(机构名称|收入科目|支出科目|年度主要任务|项目名称|科目名称|项目|单位名称|功能分类科目|科目编码)$")


@dataclass
class Segment:
    """Rows of one section of a table, with its caption."""

    title: str
    rows: list[list[str]] = field(default_factory=list)
    start: int = 0  # index of the first row in the source table
    indices: list[int] = field(default_factory=list)  # source row index of each row


def is_title_row(row: list[str]) -> bool:
    cells = [clean(c) for c in row if squash(c)]
    return 0 < len(cells) <= 3 and len(row) <= 3 and any(_TITLE_CELL.search(squash(c)) for c in cells)


def is_header_start(row: list[str]) -> bool:
    first = next((squash(c) for c in row if squash(c)), "")
    return bool(_HEADER_START.match(first))


def split_segments(rows: list[list[str]]) -> list[Segment]:
    """Split logical rows into sections at title and header rows."""
    segments: list[Segment] = [Segment(title="", start=0)]
    after_title = False
    for i, row in enumerate(rows):
        if is_title_row(row):
            cells = [clean(c) for c in row if squash(c)]
            segments.append(Segment(title=" ".join(cells), start=i))
            after_title = True
            continue
        if (is_header_start(row) or is_indicator_header(row)) and not after_title and segments[-1].rows:
            segments.append(Segment(title="", start=i))
        segments[-1].rows.append(row)
        segments[-1].indices.append(i)
        after_title = False
    return [s for s in segments if s.rows or s.title]
