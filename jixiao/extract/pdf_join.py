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
    """Same frame, and one table's column rules are a subset of the other's.

    A header row left alone at the foot of a page has fewer rules than the body on the
    next page; it still belongs to it.
    """
    if a.ragged or b.ragged:
        return False
    ea, eb = column_edges(a), column_edges(b)
    if len(ea) < 2 or len(eb) < 2 or abs(ea[0] - eb[0]) > tol or abs(ea[-1] - eb[-1]) > tol:
        return False
    small, big = (ea, eb) if len(ea) <= len(eb) else (eb, ea)
    return all(any(abs(x - y) <= tol for y in big) for x in small)


def regrid(t: Table, edges: list[float], tol: float = 4.0) -> Table:
    """The table on a finer set of column edges (spans widen where it had no rule)."""
    own = column_edges(t)
    if len(own) == len(edges):
        return t

    def index(x: float) -> int:
        return min(range(len(edges)), key=lambda i: abs(edges[i] - x))

    cells = []
    for c in t.cells:
        start, stop = index(own[c.col]), index(own[c.col + c.colspan])
        cells.append(replace(c, col=start, colspan=max(1, stop - start)))
    return replace(t, cells=cells, n_cols=len(edges) - 1)


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
    ea, eb = column_edges(first), column_edges(second)
    edges = ea if len(ea) >= len(eb) else eb
    first, second = regrid(first, edges), regrid(second, edges)
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
    if len(nxt) != len(prev) or not any(nxt):
        return False
    if nxt[0]:
        return _cut_with_numbers_left(first, nxt)
    own_prev = [clean(x) for x in first.grid()[first.n_rows - 1]]
    filled_next = [i for i, t in enumerate(nxt) if t]
    filled_prev = [i for i, t in enumerate(own_prev) if t]
    # a new row under vertical merges still fills most of its cells; a split row's tail does not
    return all(prev[i] for i in filled_next) and 2 * len(filled_next) <= len(filled_prev)


_NUMBER = re.compile(r"^[-+]?\d[\d,.]*%?$")


def _cut_with_numbers_left(first: Table, nxt: list[str]) -> bool:
    """A row cut mid-text: its short numeric cells stayed on the first page, every text cell goes on."""
    own = [clean(x) for x in first.grid()[first.n_rows - 1]]
    if not all(own[i] for i, t in enumerate(nxt) if t):
        return False
    dropped = [own[i] for i, t in enumerate(nxt) if own[i] and not t]
    return bool(dropped) and all(_NUMBER.match(d) for d in dropped)
