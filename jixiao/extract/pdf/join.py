"""Tables that run over a page break become one Table.

A table continues on the next page when it is the last thing on its page, the next
page starts with a table (page numbers and running headers aside) and the column rules
line up. A repeated header row is dropped; a row Word split at the break (its text cut,
its numbers left on the first part) is merged back into one row. Every row keeps the
page it was printed on (Table.row_pages).
"""

from __future__ import annotations

import re

from jixiao.model import Block, Cell, Paragraph, Table
from jixiao.text import squash

X_TOL = 4.0  # points: column rules of a continued table line up within this


def _column_xs(t: Table) -> list[float]:
    xs = {round(c.bbox[0], 0) for c in t.cells if c.bbox} | {round(c.bbox[2], 0) for c in t.cells if c.bbox}
    return sorted(xs)


def _aligned(a: Table, b: Table) -> bool:
    """Same outer width and every column rule of the narrower set found in the other."""
    if not (a.bbox and b.bbox):
        return a.n_cols == b.n_cols
    if abs(a.bbox[0] - b.bbox[0]) > X_TOL or abs(a.bbox[2] - b.bbox[2]) > X_TOL:
        return False
    xa, xb = _column_xs(a), _column_xs(b)
    small, big = (xa, xb) if len(xa) <= len(xb) else (xb, xa)
    return all(any(abs(x - y) <= X_TOL for y in big) for x in small)


def _is_furniture(b: Block) -> bool:
    return isinstance(b, Paragraph) and len(squash(b.text)) <= 12 and not b.text.strip().endswith("表")


def join_tables(blocks: list[Block]) -> list[Block]:
    """Merge each table with its continuation on the following page."""
    out: list[Block] = []
    reach: dict[int, int] = {}  # id(table) -> last page it reaches (a merged split row adds no row)
    for b in blocks:
        if isinstance(b, Table) and out:
            prev_i = _previous_table(out, b, reach)
            if prev_i is not None:
                joined = concatenate(out[prev_i], b)  # type: ignore[arg-type]
                reach[id(joined)] = b.page or 0
                out[prev_i] = joined
                del out[prev_i + 1:]  # furniture between the parts
                continue
        out.append(b)
    return out


def _previous_table(out: list[Block], b: Table, reach: dict[int, int]) -> int | None:
    """Index of the table ``b`` continues, when only page furniture sits between them."""
    i = len(out) - 1
    while i >= 0 and _is_furniture(out[i]):
        i -= 1
    if i < 0 or not isinstance(out[i], Table):
        return None
    a = out[i]
    pages = [p for p in (a.row_pages or [a.page]) if p is not None] + [reach.get(id(a), 0)]
    if b.page is None or b.page != max(pages) + 1:
        return None
    return i if _aligned(a, b) else None


def _rows_of(t: Table) -> list[list[Cell]]:
    rows: list[list[Cell]] = [[] for _ in range(t.n_rows)]
    for c in t.cells:
        rows[c.row].append(c)
    for r in rows:
        r.sort(key=lambda c: c.col)
    return rows


def _row_key(cells: list[Cell]) -> list[str]:
    return [squash(c.text) for c in cells]


def concatenate(a: Table, b: Table) -> Table:
    """``b`` appended under ``a``: b's columns re-gridded onto a's, header repeat dropped, split row merged."""
    a, b = common_grid(a, b)
    rows_a, rows_b = _rows_of(a), _rows_of(b)
    skip = _repeated_header(rows_a, rows_b)
    if skip:
        b = _drop_rows(b, skip)
        rows_b = _rows_of(b)
    cells = list(a.cells)
    row_pages = list(a.row_pages or [a.page] * a.n_rows)
    b_pages = list(b.row_pages or [b.page] * b.n_rows)
    offset = a.n_rows
    start = 0
    if rows_a and rows_b and _split_row(rows_a[-1], rows_b[0]):
        by_col = {c.col: c for c in rows_a[-1]}
        for c in rows_b[0]:
            if c.text and c.col in by_col:
                by_col[c.col].text += c.text
        start = 1
        offset -= 1
    for c in b.cells:
        row, rowspan, text = c.row, c.rowspan, c.text
        if row < start:  # merged into a's last row; what it spans below carries on, empty
            if rowspan <= start - row:
                continue
            row, rowspan, text = start, rowspan - (start - row), ""
        cells.append(Cell(row=row + offset, col=c.col, text=text, rowspan=rowspan,
                          colspan=c.colspan, bbox=c.bbox, page=c.page))
    row_pages += b_pages[start:]
    n_rows = offset + b.n_rows
    return Table(cells=cells, n_rows=n_rows, n_cols=a.n_cols, page=a.page, bbox=a.bbox, title=a.title or b.title,
                 row_pages=row_pages[:n_rows])


def _repeated_header(rows_a: list[list[Cell]], rows_b: list[list[Cell]]) -> int:
    """How many of b's first rows repeat a's first rows (Word's 'repeat header row')."""
    n = 0
    while n < min(len(rows_a), len(rows_b), 4) and _row_key(rows_a[n]) == _row_key(rows_b[n]) and any(
            _row_key(rows_b[n])):
        n += 1
    return n


_NUMBERED = re.compile(r"^\s*([（(]?[一二三四五六七八九十\d]{1,3}[)）、.．:：]|指标\s*\d*\s*[:：]|其中)")
_VALUE = re.compile(r"^[\s\d.,，%％≥≤<>=＞＜+\-－/年月日元万个次人卷份]*$")
_CLOSED = re.compile(r"[。；;!！?？]$")
_FIGURE = re.compile(r"^[-－]?\d[\d,，]*(\.\d+)?%?$")


def _header_like(row: list[Cell], min_cells: int = 3) -> bool:
    """Three or more short labels and no values: a header row (a table cut right after it)."""
    texts = [squash(c.text) for c in row if squash(c.text)]
    return len(texts) >= min_cells and all(len(t) <= 10 and not re.search(r"\d", t) for t in texts)


def _split_row(last: list[Cell], first: list[Cell]) -> bool:
    """A row cut by the page break, judged from the text (LibreOffice and Word draw rules at the
    break, so geometry does not tell). Its continuation only adds text to columns that had
    some, and either left value columns to the right of its first text empty (the numbers
    stayed on the first part: a 持续改善 left behind is a new row's empty target) or carries
    on unfinished, unnumbered text."""
    filled_last = {c.col for c in last if squash(c.text)}
    filled_first = {c.col for c in first if squash(c.text)}
    if not filled_first or not filled_first <= filled_last:
        return False
    left_behind = filled_last - filled_first
    text_a = {c.col: squash(c.text) for c in last}
    text_b = {c.col: squash(c.text) for c in first}
    if any(_FIGURE.match(text_a[col]) and _FIGURE.match(text_b[col]) for col in filled_first):
        return False  # a figure under a figure: the next row of a money table, not the rest of a cut one
    if _header_like(last):  # a header row cut in two carries on with more labels, not data
        return _header_like(first, min_cells=1)
    if any(col > min(filled_first) and _VALUE.match(text_a[col]) for col in left_behind):
        return True
    if not left_behind and len(filled_first) >= 3:
        return False  # every column carries on: a new full row (a cut row goes on only where its text overflowed)
    if left_behind and len(filled_first) > 2:
        return False  # only the label columns empty and a full row: a vertically merged label
    return all(not _CLOSED.search(text_a[col]) and not _VALUE.match(text_b[col]) and not _NUMBERED.match(text_b[col])
               for col in filled_first)


def _drop_rows(t: Table, n: int) -> Table:
    cells = [Cell(row=c.row - n, col=c.col, text=c.text, rowspan=c.rowspan, colspan=c.colspan, bbox=c.bbox,
                  page=c.page) for c in t.cells if c.row >= n]
    return Table(cells=cells, n_rows=t.n_rows - n, n_cols=t.n_cols, page=t.page, bbox=t.bbox, title=t.title,
                 row_pages=(t.row_pages or [t.page] * t.n_rows)[n:])


def _union_xs(a: Table, b: Table) -> list[float]:
    xs = sorted({x for t in (a, b) for c in t.cells if c.bbox for x in (c.bbox[0], c.bbox[2])})
    merged: list[float] = []
    for x in xs:
        if not merged or x - merged[-1] > X_TOL:
            merged.append(x)
    return merged


def regrid(t: Table, xs: list[float]) -> Table:
    """Express a table's cells in a column grid given by rule positions ``xs``."""
    def col_at(x: float) -> int:
        return min(range(len(xs)), key=lambda i: abs(xs[i] - x))

    cells = []
    for c in t.cells:
        c0, c1 = col_at(c.bbox[0]), col_at(c.bbox[2])  # type: ignore[index]
        cells.append(Cell(row=c.row, col=c0, text=c.text, rowspan=c.rowspan, colspan=max(1, c1 - c0),
                          bbox=c.bbox, page=c.page))
    return Table(cells=cells, n_rows=t.n_rows, n_cols=len(xs) - 1, page=t.page, bbox=t.bbox, title=t.title,
                 row_pages=t.row_pages)


def common_grid(a: Table, b: Table) -> tuple[Table, Table]:
    """Both parts on one column grid (a continuation may have more or fewer column rules)."""
    if all(c.bbox for c in a.cells) and all(c.bbox for c in b.cells) and a.cells and b.cells:
        xs = _union_xs(a, b)
        if len(xs) - 1 != a.n_cols or len(xs) - 1 != b.n_cols:
            return regrid(a, xs), regrid(b, xs)
    return a, b
