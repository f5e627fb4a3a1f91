"""One page's characters and ruled grids -> Tables and Paragraphs in reading order."""

from __future__ import annotations

import re
from collections.abc import Sequence

from jixiao.extract.outline import is_title
from jixiao.extract.pdf.grid import Grid
from jixiao.extract.pdf.lines import (
    Line,
    Margins,
    cell_text,
    continues_line,
    drop_page_furniture,
    make_lines,
    margins,
    paragraphs,
)
from jixiao.extract.pdf.page import Char
from jixiao.model import Block, Cell, Paragraph, Table


def centres(chars: Sequence[Char]) -> list[tuple[float, float]]:
    """Each glyph's centre: what places it in a table cell or outside every table."""
    return [((ch.x0 + ch.x1) / 2, (ch.top + ch.bottom) / 2) for ch in chars]


def table_from_grid(grid: Grid, chars: Sequence[Char], page: int,
                    points: Sequence[tuple[float, float]] | None = None) -> Table:
    """A Table whose cells hold the characters whose centres (`points`, if given) fall inside them."""
    owned: dict[tuple[int, int], list[Char]] = {}
    for ch, cell in zip(chars, grid.owners(centres(chars) if points is None else points), strict=True):
        if cell is not None:
            owned.setdefault((cell.row, cell.col), []).append(ch)
    cells = [
        Cell(row=g.row, col=g.col, text=cell_text(owned.get((g.row, g.col), []), g.bbox), rowspan=g.rowspan,
             colspan=g.colspan, bbox=g.bbox, page=page)
        for g in grid.cells
    ]
    n_rows, n_cols = len(grid.ys) - 1, len(grid.xs) - 1
    return Table(cells=cells, n_rows=n_rows, n_cols=n_cols, page=page, bbox=grid.bbox,
                 row_pages=[page] * n_rows)


def drop_empty_rows(table: Table) -> Table:
    """Rows with no text and no cell starting in them (hairline gaps between double rules)."""
    keep = [r for r in range(table.n_rows)
            if any(c.text for c in table.cells if c.row <= r < c.row + c.rowspan)
            or (table.bbox and _row_height(table, r) > 4.0)]
    if len(keep) == table.n_rows:
        return table
    index = {r: i for i, r in enumerate(keep)}
    cells = []
    for c in table.cells:
        rows = [index[r] for r in range(c.row, c.row + c.rowspan) if r in index]
        if rows:
            c.row, c.rowspan = rows[0], len(rows)
            cells.append(c)
    table.cells, table.n_rows = cells, len(keep)
    table.row_pages = [table.row_pages[r] for r in keep]
    return table


def _row_height(table: Table, r: int) -> float:
    heights = [(c.bbox[3] - c.bbox[1]) / c.rowspan for c in table.cells if c.row == r and c.bbox]
    return min(heights) if heights else 0.0


def layout_page(chars: Sequence[Char], grids: Sequence[Grid], page: int, height: float,
                m: Margins | None = None, width: float | None = None) -> tuple[list[Block], bool]:
    """Tables from grids, everything else as paragraphs, ordered top to bottom.

    Also says whether the page's first block is prose starting flush left, unnumbered:
    the tail of a paragraph the previous page cut.
    """
    points = centres(chars)
    tables = [drop_empty_rows(table_from_grid(g, chars, page, points)) for g in grids]
    boxes = [g.bbox for g in grids]
    free = [ch for ch, (x, y) in zip(chars, points, strict=True)
            if not any(x0 <= x <= x1 and y0 <= y <= y1 for x0, y0, x1, y1 in boxes)]
    lines = drop_page_furniture(make_lines(free), height)
    m = m or (margins(lines, width) if lines else None)
    blocks: list[tuple[float, Block]] = [(t.bbox[1], t) for t in tables if t.bbox]
    # prose between tables is paragraphed stretch by stretch so no paragraph straddles a table
    edges = sorted(t.bbox[1] for t in tables if t.bbox)
    stretches: list[list[Line]] = [[] for _ in range(len(edges) + 1)]
    for ln in lines:
        stretches[sum(1 for e in edges if ln.top >= e)].append(ln)
    for stretch in stretches:
        for p in paragraphs(stretch, page, m):
            blocks.append((p.bbox[1] if p.bbox else 0.0, p))
    blocks.sort(key=lambda x: x[0])
    ordered = [b for _, b in blocks]
    _title_tables(ordered)
    flush_start = bool(lines and m and ordered and isinstance(ordered[0], Paragraph)
                       and lines[0].top <= (ordered[0].bbox or (0, 0))[1] + 0.5
                       and continues_line(lines[0], m))
    return ordered, flush_start


_TABLE_NAME = re.compile(r"表\s*([（(][^（）()]{1,12}[)）])?\s*$")
_FORM_NUMBER = re.compile(r"^\s*公开\s*\d+\s*表\s*$|^\s*附表\s*\d*\s*$")


def _names_table(text: str) -> bool:
    """`收支预算总表`, `…支出预算表（功能科目）`; not the sheet number `公开05表`."""
    return (is_title(text) or bool(_TABLE_NAME.search(text)) and len(text) <= 60) and not _FORM_NUMBER.match(text)


def _title_tables(blocks: list[Block]) -> None:
    """A table's title is the nearest title-like paragraph just above it."""
    for i, b in enumerate(blocks):
        if isinstance(b, Table):
            for prev in reversed(blocks[max(0, i - 6):i]):
                if isinstance(prev, Table):
                    break
                if isinstance(prev, Paragraph) and _names_table(prev.text):
                    b.title = prev.text
                    break
