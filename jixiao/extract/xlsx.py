"""Excel .xlsx: each visible sheet's used range becomes a table with its merged cells.

Rows above a table that hold a single text cell (a title, 单位：万元, a note) and are
set off by a blank row or merged across the sheet are prose; a sheet of nothing but
single-cell rows is all prose. Cached formula values are read (data_only), hidden sheets
skipped, numbers written back as published (3546.3, not 3546.3000000000002).
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

from jixiao.extract.base import ExtractionError, ExtractOptions
from jixiao.extract.office_common import open_office_zip
from jixiao.extract.txt import heading_level
from jixiao.model import Cell, Document, Paragraph, Table
from jixiao.normalize.text import clean


def cell_text(value: object) -> str:
    """A cell value as the published text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(round(value, 10))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    return clean(str(value))


def grid_to_blocks(grid: list[list[str]], merges: list[tuple[int, int, int, int]]) -> list:
    """A sheet (texts + merged ranges as 0-based (r0, c0, r1, c1)) -> Paragraphs and one Table."""
    while grid and not any(grid[-1]):
        grid.pop()
    if not grid:
        return []
    width = max(len(r) for r in grid)
    merged_width = {(r0, c0): c1 - c0 + 1 for r0, c0, r1, c1 in merges}
    blocks: list = []
    start = 0
    while start < len(grid):
        filled = [c for c in grid[start] if c]
        if not filled:
            start += 1
            continue
        lone = len(filled) == 1 and grid[start][0] == filled[0]
        wide = merged_width.get((start, 0), 1) >= max(2, width // 2)
        if lone and (wide or _blank_follows(grid, start)):
            blocks.append(Paragraph(text=filled[0], heading_level=heading_level(filled[0])))
            start += 1
            continue
        break
    body = grid[start:]
    if not any(sum(1 for c in row if c) > 1 for row in body):
        blocks.extend(Paragraph(text=c, heading_level=heading_level(c)) for row in body for c in row if c)
        return blocks
    covered = set()
    cells = []
    spans = {(r0, c0): (r1 - r0 + 1, c1 - c0 + 1) for r0, c0, r1, c1 in merges}
    for (r0, c0), (rs, cs) in spans.items():
        for rr in range(r0, r0 + rs):
            for cc in range(c0, c0 + cs):
                if (rr, cc) != (r0, c0):
                    covered.add((rr, cc))
    for r in range(start, len(grid)):
        for c in range(width):
            if (r, c) in covered:
                continue
            rs, cs = spans.get((r, c), (1, 1))
            rs = min(rs, len(grid) - r)
            cells.append(Cell(row=r - start, col=c, text=grid[r][c] if c < len(grid[r]) else "", rowspan=rs, colspan=cs))
    title = blocks[-1].text if blocks and len(blocks[-1].text) <= 80 else ""
    blocks.append(Table(cells=cells, n_rows=len(grid) - start, n_cols=width, title=title))
    return blocks


def _blank_follows(grid: list[list[str]], r: int) -> bool:
    """The next row is empty, or is another lone cell (a block of prose lines)."""
    if r + 1 >= len(grid):
        return True
    nxt = [c for c in grid[r + 1] if c]
    return not nxt or (len(nxt) == 1 and grid[r + 1].index(nxt[0]) == 0 and _blank_follows(grid, r + 1))


def extract(path: Path, options: ExtractOptions) -> Document:
    """Read an .xlsx into the document model (one table per visible sheet)."""
    import openpyxl

    open_office_zip(path, options, "Excel").close()
    try:
        wb = openpyxl.load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise ExtractionError(f"corrupt Excel file: {e}") from e
    blocks: list = []
    for ws in wb.worksheets:
        if ws.sheet_state != "visible" or ws.max_row is None:
            continue
        r0, c0 = ws.min_row, ws.min_column
        grid = [[cell_text(v) for v in row] for row in ws.iter_rows(min_row=r0, max_row=ws.max_row,
                                                                    min_col=c0, max_col=ws.max_column, values_only=True)]
        merges = [(m.min_row - r0, m.min_col - c0, m.max_row - r0, m.max_col - c0) for m in ws.merged_cells.ranges]
        blocks.extend(grid_to_blocks(grid, merges))
    return Document(blocks=blocks, source_format="xlsx")
