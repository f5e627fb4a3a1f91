"""Tables that run over a page break become one table.

A page's first table continues the previous page's last table when nothing but page
furniture lies between them and its columns sit at the same x positions. A repeated
header row is dropped; a row that the page break cut in two is merged back, but only
when that is clearly what happened (the continuation has an empty first cell and fewer
filled cells than the row it continues, all under filled cells of that row).
"""

from __future__ import annotations

import re
from dataclasses import replace

from jixiao.model import Block, Cell, Paragraph, Table
from jixiao.normalize.text import clean

_CONTINUED = re.compile(r"[（(]\s*续\s*[)）]")


def column_edges(table: Table) -> list[float]:
    """x of every column boundary, from cells that span one column."""
    edges: dict[int, float] = {}
    for c in table.cells:
        if c.bbox is None:
            continue
        edges.setdefault(c.col, c.bbox[0])
        edges.setdefault(c.col + c.colspan, c.bbox[2])
    return [edges[k] for k in sorted(edges)]


def same_columns(a: Table, b: Table, tol: float = 4.0) -> bool:
    if a.n_cols != b.n_cols or a.ragged or b.ragged:
        return False
    ea, eb = column_edges(a), column_edges(b)
    if len(ea) != len(eb) or not ea:
        return False
    return all(abs(x - y) <= tol for x, y in zip(ea, eb, strict=True))


def _last_page(t: Table) -> int | None:
    return t.row_pages[-1] if t.row_pages else t.page


def join_across_pages(blocks: list[Block]) -> list[Block]:
    """Join each table with its continuation on the next page."""
    out: list[Block] = []
    last_table: int | None = None  # index into out
    between: list[Paragraph] = []
    for blk in blocks:
        if isinstance(blk, Paragraph):
            out.append(blk)
            between.append(blk)
            continue
        if last_table is not None and _continues(out[last_table], blk, between):  # type: ignore[arg-type]
            out[last_table] = append_table(out[last_table], blk)  # type: ignore[arg-type]
            # page furniture between the parts ("（续）" captions) goes with the join
            for p in between:
                if _CONTINUED.search(p.text) and p in out:
                    out.remove(p)
            between = []
            continue
        out.append(blk)
        last_table = len(out) - 1
        between = []
    return out


def _continues(prev: Table, nxt: Table, between: list[Paragraph]) -> bool:
    lp = _last_page(prev)
    if lp is None or nxt.page != lp + 1 or not same_columns(prev, nxt):
        return False
    for p in between:
        if p.page == nxt.page and not _CONTINUED.search(p.text):
            return False  # a caption or prose above the new table: a new table
        if p.page == lp and (p.heading_level is not None or len(p.text) > 60):
            return False  # the first table ended and prose followed
    return True


def _rows_of(t: Table) -> list[list[Cell]]:
    rows: list[list[Cell]] = [[] for _ in range(t.n_rows)]
    for c in t.cells:
        rows[c.row].append(c)
    return rows


def _row_texts(t: Table, r: int) -> list[str]:
    return [clean(x) for x in t.logical_rows()[r]]


def append_table(first: Table, second: Table) -> Table:
    """``first`` followed by the rows of ``second``, minus a repeated header, split row merged."""
    skip = 0
    for k in (2, 1):
        if first.n_rows >= k and second.n_rows > k and all(
                _row_texts(first, r) == _row_texts(second, r) for r in range(k)):
            skip = k
            break
    cells = [replace(c) for c in first.cells]
    row_pages = list(first.row_pages) or [first.page] * first.n_rows
    second_rows = _rows_of(second)[skip:]
    offset = first.n_rows - skip
    if second_rows and _is_split_row(first, second, skip):
        by_pos = {(c.row, c.col): c for c in cells}
        for c in second_rows[0]:
            if c.text:
                target = _cell_covering(cells, first.n_rows - 1, c.col) or by_pos.get((first.n_rows - 1, c.col))
                if target is not None:
                    target.text = clean(target.text + c.text)
        second_rows = second_rows[1:]
        skip += 1
        offset = first.n_rows - skip
    for row in second_rows:
        for c in row:
            cells.append(replace(c, row=c.row + offset))
    rows_kept = second.n_rows - skip
    second_pages = (second.row_pages or [second.page] * second.n_rows)[skip:]
    return Table(cells=cells, n_rows=first.n_rows + rows_kept, n_cols=first.n_cols, page=first.page,
                 bbox=first.bbox, title=first.title, row_pages=row_pages + second_pages)


def _cell_covering(cells: list[Cell], r: int, k: int) -> Cell | None:
    for c in cells:
        if c.row <= r < c.row + c.rowspan and c.col <= k < c.col + c.colspan:
            return c
    return None


def _is_split_row(first: Table, second: Table, skip: int) -> bool:
    if second.n_rows <= skip:
        return False
    nxt = [clean(x) for x in second.grid()[skip]]
    prev = [clean(x) for x in first.grid(fill=True)[first.n_rows - 1]]
    if len(nxt) != len(prev) or nxt[0] or not any(nxt):
        return False
    filled_next = [i for i, t in enumerate(nxt) if t]
    filled_prev = [i for i, t in enumerate(prev) if t]
    return all(prev[i] for i in filled_next) and len(filled_next) < len(filled_prev)
