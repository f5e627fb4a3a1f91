"""One page's words and ruling lines into Tables and Paragraphs in reading order.

Engine-free: the born-digital path passes pdfplumber words and edges in points, the
scanned path passes OCR boxes and OpenCV line segments in pixels (with ``scale`` to turn
them back into points).
"""

from __future__ import annotations

import re
from dataclasses import replace

from jixiao.extract.pdf_grid import Grid, Seg, find_grids
from jixiao.extract.pdf_text import Line, Word, cell_text, group_lines, is_page_number, paragraphs, words_in
from jixiao.extract.txt import heading_level
from jixiao.model import Block, Cell, Paragraph, Table


def grid_table(grid: Grid, words: list[Word], page: int) -> Table:
    """Fill a ruled grid with the words whose centres fall in each cell."""
    cells = []
    for gc in grid.cells:
        inside = words_in(words, gc.bbox)
        cells.append(Cell(row=gc.row, col=gc.col, text=cell_text(inside, gc.bbox[2]) if inside else "",
                          rowspan=gc.rowspan, colspan=gc.colspan, bbox=gc.bbox, page=page))
    n_rows = len(grid.ys) - 1
    return Table(cells=cells, n_rows=n_rows, n_cols=len(grid.xs) - 1, page=page, bbox=grid.bbox,
                 row_pages=[page] * n_rows)


def _is_table(table: Table) -> bool:
    """A ruled box around prose (one column, or a single cell) is not a table."""
    return table.n_cols >= 2 and len(table.cells) >= 2 and any(c.text for c in table.cells)


def page_blocks(words: list[Word], h_segs: list[Seg], v_segs: list[Seg], page: int,
                width: float, height: float, tol: float = 3.0) -> list[Block]:
    """Tables from the ruling lines, everything else as paragraphs, top to bottom."""
    tables: list[Table] = []
    for grid in find_grids(h_segs, v_segs, tol=tol):
        if grid.bbox[2] - grid.bbox[0] > 0.97 * width and grid.bbox[3] - grid.bbox[1] > 0.97 * height:
            continue  # a page frame, not a table
        table = grid_table(grid, words, page)
        if _is_table(table):
            tables.append(table)
    free = [w for w in words if not any(words_in([w], t.bbox) for t in tables if t.bbox)]
    lines = [ln for ln in group_lines(free) if not is_page_number(ln, height)]
    right = max((ln.x1 for ln in lines), default=width)
    blocks: list[tuple[float, Block]] = []
    # prose between tables: split lines at each table so paragraphs never straddle one
    bounds = [t.bbox[1] for t in tables if t.bbox] + [float("inf")]
    start = 0.0
    for stop in bounds:
        chunk = [ln for ln in lines if start <= (ln.top + ln.bottom) / 2 < stop]
        for p in paragraphs(chunk, page, right):
            blocks.append((p.bbox[1] if p.bbox else 0.0, p))
        start = stop
    for t in tables:
        t.title = _title_above(t, lines)
        top = t.bbox[1] if t.bbox else 0.0
        for i, text in enumerate(peel_caption_rows(t)):
            if _is_caption(text) and not t.title:
                t.title = text
            blocks.append((top - 1 + i * 0.01, Paragraph(text=text, page=page, heading_level=heading_level(text))))
        blocks.append((top, t))
    blocks.sort(key=lambda b: b[0])
    return [b for _, b in blocks]


def _title_above(table: Table, lines: list[Line]) -> str:
    """The nearest short line just above the table (its caption), or ""."""
    if table.bbox is None:
        return ""
    above = [ln for ln in lines if ln.bottom <= table.bbox[1] + 1]
    if not above:
        return ""
    ln = max(above, key=lambda ln: ln.bottom)
    if table.bbox[1] - ln.bottom > 4 * ln.height:
        return ""
    text = ln.text.strip()
    if len(text) > 60:
        return ""
    # a unit line such as "单位：万元" sits between title and table: look one line further up
    if text.startswith(("单位", "金额单位", "编制单位")) or text.endswith(("万元", "元")) and len(text) < 20:
        higher = [o for o in above if o.bottom <= ln.top + 1]
        if higher:
            up = max(higher, key=lambda o: o.bottom)
            if ln.top - up.bottom < 4 * up.height and len(up.text.strip()) <= 60:
                return up.text.strip()
    return text



_SHEET_LABEL = re.compile(r"^\s*(公开|附)?\s*\d{1,3}\s*表\s*$|^公开\s*\d+\s*表")


def _is_caption(text: str) -> bool:
    return len(text) <= 60 and "表" in text and not _SHEET_LABEL.match(text) \
        and not text.startswith(("单位", "部门", "金额单位", "编制单位"))


def peel_caption_rows(table: Table) -> list[str]:
    """Take the caption rows Excel prints inside a table's frame out of the table.

    A top row with a single filled cell spanning (nearly) the whole width, or holding only
    a sheet label like `公开12表`, is a caption. Returns its lines; the table is shortened.
    """
    lines: list[str] = []
    while table.n_rows > 2:
        row = [c for c in table.cells if c.row == 0]
        filled = [c for c in row if c.text]
        if len(filled) != 1 or any(c.rowspan > 1 for c in row):
            break
        cell = filled[0]
        if not (cell.colspan >= table.n_cols - 1 or _SHEET_LABEL.match(cell.text)):
            break
        lines.extend(t.strip() for t in cell.text.split("\n") if t.strip())
        table.cells = [replace(c, row=c.row - 1) for c in table.cells if c.row > 0]
        table.n_rows -= 1
        table.row_pages = table.row_pages[1:]
        top = min(c.bbox[1] for c in table.cells if c.bbox)
        if table.bbox:
            table.bbox = (table.bbox[0], top, table.bbox[2], table.bbox[3])
    return lines
