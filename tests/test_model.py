"""Table.logical_rows: the per-row fast path gives what the position walk gives, on any spans."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.model import Cell, Table


@st.composite
def tables(draw) -> Table:
    """A grid cut into rectangles left to right, top to bottom, some positions left without a cell."""
    n_rows, n_cols = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    taken: set[tuple[int, int]] = set()
    cells = []
    for r in range(n_rows):
        for c in range(n_cols):
            if (r, c) in taken or draw(st.booleans()) and draw(st.booleans()):
                continue  # covered by a span, or a hole (Word's gridBefore/gridAfter)
            rs = draw(st.integers(1, n_rows - r))
            cs = 1
            while c + cs < n_cols and all((rr, c + cs) not in taken for rr in range(r, r + rs)) and draw(st.booleans()):
                cs += 1
            if any((rr, cc) in taken for rr in range(r, r + rs) for cc in range(c, c + cs)):
                rs = 1
            taken |= {(rr, cc) for rr in range(r, r + rs) for cc in range(c, c + cs)}
            cells.append(Cell(row=r, col=c, text=f"{r}.{c}", rowspan=rs, colspan=cs))
    return Table(cells=draw(st.permutations(cells)), n_rows=n_rows, n_cols=n_cols)


@settings(max_examples=500, deadline=None)
@given(tables())
def test_fast_rows_equal_the_position_walk(table):
    assert table._rows_without_overlaps() == table._rows_by_position()


def test_overlapping_spans_take_the_position_walk():
    broken = Table(cells=[Cell(0, 0, "a", colspan=2), Cell(0, 1, "b")], n_rows=1, n_cols=2)
    assert broken._rows_without_overlaps() is None
    assert broken.logical_rows() == [["a"]]  # the walk jumps over the span that b overlaps


def test_vertical_merge_continues_as_empty_and_holes_are_skipped():
    t = Table(cells=[Cell(0, 0, "一级", rowspan=2), Cell(0, 1, "x"), Cell(1, 1, "y"), Cell(2, 1, "z")], n_rows=3, n_cols=2)
    assert t.logical_rows() == [["一级", "x"], ["", "y"], ["z"]]
