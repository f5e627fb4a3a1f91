"""One table from the pieces a page break cut it into (Markdown and HTML written from PDFs).

A PDF-to-Markdown converter writes a table that runs over a page as several `<table>`
elements one after another, each usually repeating the header row. The pieces are one
table when nothing stands between them and they have the same number of columns. Where
the page cut a row, the next piece starts with the rest of that row: its first cell is
empty, it holds no figure, and it leaves a column empty that the cut row filled, or puts
text into a column that holds figures. That rest is appended to the cut row's cells. A
group cell (rowspan) cut by the page continues over the next piece's empty cell.
"""

from __future__ import annotations

import re
from dataclasses import replace

from jixiao.model import Cell, Table
from jixiao.text import squash

_NUMBER = re.compile(r"^[-+]?\d[\d,]*(?:\.\d+)?%?$")
_NEW_LINE_AFTER = re.compile(r"[。；;：:！？!?]$")
_NEW_LINE_BEFORE = re.compile(r"^(?:[①-⑳]|\d{1,2}[、.．)）]|[（(]\d{1,2}[)）]|[一二三四五六七八九十]、)")


def is_number(text: str) -> bool:
    """A bare figure: 2, 3.34, 13,534.70, 65.00%."""
    return bool(_NUMBER.match(squash(text)))


def continues(first: Table, second: Table) -> bool:
    """The second table can continue the first: both from markup (not ragged), same width."""
    return not first.ragged and not second.ragged and first.n_cols == second.n_cols and second.n_rows > 0


def _covering(cells: list[Cell], row: int, col: int) -> Cell | None:
    for c in cells:
        if c.row <= row < c.row + c.rowspan and c.col <= col < c.col + c.colspan:
            return c
    return None


def _numeric_columns(table: Table) -> set[int]:
    """Columns whose body cells (below the first row) are mostly figures."""
    texts: dict[int, list[str]] = {}
    for c in table.cells:
        if c.row > 0 and squash(c.text):
            texts.setdefault(c.col, []).append(c.text)
    return {col for col, ts in texts.items() if len(ts) >= 2 and sum(map(is_number, ts)) * 3 >= len(ts) * 2}


def _is_carry_over(first: Table, row: list[Cell]) -> bool:
    """Is this first row of a continuation the rest of the first table's last (cut) row?"""
    if first.n_rows < 2 or not row:
        return False
    by_col = {c.col: c for c in row}
    texts = {col: squash(c.text) for col, c in by_col.items()}
    if texts.get(0) or not any(texts.values()) or any(is_number(t) for t in texts.values() if t):
        return False
    last = first.n_rows - 1
    numeric = _numeric_columns(first)
    if any(texts.get(col) and not is_number(texts[col]) for col in numeric):
        return True  # words in a column of figures: the cut row's text, shifted
    own = [c for c in first.cells if c.row == last and c.col > 0 and squash(c.text)]
    if any(not texts.get(c.col) for c in own):
        return True  # leaves empty what the cut row filled
    first_col = [c for c in first.cells if c.col == 0 and c.row > 0]
    return bool(first_col) and all(c.rowspan == 1 and squash(c.text) for c in first_col) and \
        len(first_col) == first.n_rows - 1  # every row names itself in column 1: an unnamed row is a rest


def _joined_text(before: str, after: str) -> str:
    if not before:
        return after
    if before == after:
        return before
    sep = "\n" if _NEW_LINE_AFTER.search(before) or _NEW_LINE_BEFORE.match(after) else ""
    return before + sep + after


def _header_rows(first: Table, second: Table) -> int:
    """How many leading rows of the second table repeat the first table's leading rows."""
    a, b = first.grid(), second.grid()
    n = 0
    while n < min(len(a), len(b)) and [squash(x) for x in a[n]] == [squash(x) for x in b[n]]:
        n += 1
    return n


def _drop_rows(cells: list[Cell], n: int) -> list[Cell]:
    """The cells below the first n rows, moved up n rows (a span reaching below keeps its rest, empty)."""
    out = []
    for c in cells:
        if c.row + c.rowspan <= n:
            continue
        if c.row < n:
            out.append(replace(c, row=0, rowspan=c.row + c.rowspan - n, text=""))
        else:
            out.append(replace(c, row=c.row - n))
    return out


def _merge_rest(cells: list[Cell], last: int, n_cols: int, rest: list[Cell]) -> None:
    """Append the rest of a cut row to the row's cells. Words never go into a figure's cell
    (a converter that lost a figure shifts the words left): they go to the next cell on the right."""
    for c in rest:
        if not squash(c.text):
            continue
        col = c.col
        target = _covering(cells, last, col)
        while target is not None and is_number(target.text) and not is_number(c.text) and col + 1 < n_cols:
            col = target.col + target.colspan
            target = _covering(cells, last, col)
        if target is None:
            cells.append(replace(c, row=last, col=col, rowspan=1, colspan=1))
        else:
            if not squash(target.text):
                target.line = c.line  # the text starts where the rest stands
            target.text = _joined_text(target.text, c.text)


def _continue_groups(cells: list[Cell], last: int, rest: list[Cell]) -> list[Cell]:
    """A group cell (a label spanning rows) cut by the page spans on over the empty cells below
    it in the next piece, up to a row that starts a group of its own at that column or left of it."""
    spanning_cols = {c.col for c in cells if c.rowspan > 1}
    by_pos = {(c.row, c.col): c for c in rest}
    dropped: set[int] = set()
    for target in [c for c in cells if c.row + c.rowspan - 1 == last]:
        if not squash(target.text) or not (target.rowspan > 1 or target.col in spanning_cols and not is_number(target.text)):
            continue  # a group is a label spanning rows (a year too); a single figure is no group
        r = 0
        while (cell := by_pos.get((r, target.col))) is not None and cell.colspan == target.colspan \
                and not squash(cell.text) and not any(squash(o.text) for o in rest if o.row == r and o.col < target.col):
            target.rowspan += cell.rowspan
            dropped.add(id(cell))
            r += cell.rowspan
    return [c for c in rest if id(c) not in dropped]


def join_tables(first: Table, second: Table) -> Table:
    """The second table's rows appended to the first's: repeated header dropped, a cut row
    made whole again, group cells continued."""
    cells = [replace(c) for c in first.cells]
    n_rows = first.n_rows
    n_cols = max(first.n_cols, second.n_cols)
    skip = _header_rows(first, second)
    rest = _drop_rows(second.cells, skip)
    rest_rows = second.n_rows - skip
    top = sorted((c for c in rest if c.row == 0), key=lambda c: c.col)
    if rest_rows and _is_carry_over(first, top):
        _merge_rest(cells, n_rows - 1, n_cols, top)
        rest = _drop_rows(rest, 1)
        rest_rows -= 1
    rest = _continue_groups(cells, n_rows - 1, rest)
    kept = [replace(c, row=c.row + n_rows) for c in rest]
    return Table(cells=cells + kept, n_rows=n_rows + rest_rows, n_cols=n_cols,
                 page=first.page, bbox=first.bbox, title=first.title, line=first.line)


def join_fragments(blocks: list) -> list:
    """Join each table to the table right before it (nothing between) when it continues it."""
    out: list = []
    for blk in blocks:
        if isinstance(blk, Table) and out and isinstance(out[-1], Table) and continues(out[-1], blk):
            out[-1] = join_tables(out[-1], blk)
        else:
            out.append(blk)
    return out
