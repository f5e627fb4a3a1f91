"""Ruled tables from ruling edges: a cell grid with true row and column spans.

The lattice idea (camelot, Tabula): every distinct x of a vertical rule and y of a
horizontal rule is a grid line; two neighbouring grid cells belong to one merged cell
when the rule between them is missing. The same code serves born-digital pages (edges
from vector paths) and scans (edges found on the image with OpenCV).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from jixiao.extract.pdf.page import Edge

SNAP = 2.5  # rules closer than this (points) are one rule (double lines, thick borders)
JOIN = 3.0  # collinear pieces with a gap smaller than this are one rule
COVER = 0.6  # a boundary exists when rules cover this share of it


@dataclass
class GridCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    bbox: tuple[float, float, float, float]


@dataclass
class Grid:
    xs: list[float]
    ys: list[float]
    cells: list[GridCell]

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]

    def locate(self, x: float, y: float) -> GridCell | None:
        """The cell holding a point (character centres are assigned this way)."""
        from bisect import bisect_right

        if not (self.xs[0] <= x <= self.xs[-1] and self.ys[0] <= y <= self.ys[-1]):
            return None
        c = min(bisect_right(self.xs, x) - 1, len(self.xs) - 2)
        r = min(bisect_right(self.ys, y) - 1, len(self.ys) - 2)
        return self._owner.get((r, c))

    def owners(self, points: Sequence[tuple[float, float]]) -> list[GridCell | None]:
        """`locate` for many points at once (every glyph centre of a page: one loop, no call per glyph)."""
        from bisect import bisect_right

        xs, ys, owner = self.xs, self.ys, self._owner
        x0, x1, y0, y1 = xs[0], xs[-1], ys[0], ys[-1]
        last_c, last_r = len(xs) - 2, len(ys) - 2
        out: list[GridCell | None] = []
        for x, y in points:
            if x0 <= x <= x1 and y0 <= y <= y1:
                c = bisect_right(xs, x) - 1
                r = bisect_right(ys, y) - 1
                out.append(owner.get((r if r < last_r else last_r, c if c < last_c else last_c)))
            else:
                out.append(None)
        return out

    def __post_init__(self) -> None:
        self._owner = {}
        for cell in self.cells:
            for r in range(cell.row, cell.row + cell.rowspan):
                for c in range(cell.col, cell.col + cell.colspan):
                    self._owner.setdefault((r, c), cell)


def _cluster(values: Sequence[float], snap: float) -> list[list[int]]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    groups: list[list[int]] = []
    for i in order:
        if groups and values[i] - values[groups[-1][-1]] <= snap:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def merge_edges(edges: Sequence[Edge]) -> list[Edge]:
    """Snap near-equal positions together and join collinear overlapping pieces."""
    out: list[Edge] = []
    for horizontal in (True, False):
        same = [e for e in edges if e.horizontal == horizontal]
        for group in _cluster([e.pos for e in same], SNAP):
            pos = sum(same[i].pos for i in group) / len(group)
            spans = sorted((same[i].lo, same[i].hi) for i in group)
            lo, hi = spans[0]
            for a, b in spans[1:]:
                if a <= hi + JOIN:
                    hi = max(hi, b)
                else:
                    out.append(Edge(horizontal, pos, lo, hi))
                    lo, hi = a, b
            out.append(Edge(horizontal, pos, lo, hi))
    return out


def _components(hs: list[Edge], vs: list[Edge], tol: float = SNAP) -> list[tuple[list[Edge], list[Edge]]]:
    """Groups of rules that touch each other: one group per table on the page."""
    parent = list(range(len(hs) + len(vs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, h in enumerate(hs):
        for j, v in enumerate(vs):
            if h.lo - tol <= v.pos <= h.hi + tol and v.lo - tol <= h.pos <= v.hi + tol:
                parent[find(i)] = find(len(hs) + j)
    groups: dict[int, tuple[list[Edge], list[Edge]]] = {}
    for i, h in enumerate(hs):
        groups.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        groups.setdefault(find(len(hs) + j), ([], []))[1].append(v)
    return list(groups.values())


def _positions(rules: list[Edge], cross: list[Edge]) -> list[float]:
    """Grid lines: rule positions, plus the far ends of crossing rules for open-sided tables."""
    pos = sorted({round(e.pos, 2) for e in rules})
    merged: list[float] = []
    for p in pos:
        if merged and p - merged[-1] <= SNAP:
            continue
        merged.append(p)
    lo, hi = min(e.lo for e in cross), max(e.hi for e in cross)
    if merged and lo < merged[0] - 3 * SNAP:
        merged.insert(0, lo)
    if merged and hi > merged[-1] + 3 * SNAP:
        merged.append(hi)
    return merged


def _covered(rules: list[Edge], pos: float, lo: float, hi: float) -> bool:
    """Whether rules at ``pos`` cover most of the interval [lo, hi]."""
    need = (hi - lo) * COVER
    got = 0.0
    for e in rules:
        if abs(e.pos - pos) <= SNAP:
            got += max(0.0, min(hi, e.hi) - max(lo, e.lo))
    return got >= need


def grids_from_edges(edges: Sequence[Edge], min_cells: int = 2) -> list[Grid]:
    """Every ruled table on a page, top to bottom."""
    merged = merge_edges(edges)
    hs = [e for e in merged if e.horizontal]
    vs = [e for e in merged if not e.horizontal]
    grids: list[Grid] = []
    for ghs, gvs in _components(hs, vs):
        if len(ghs) < 2 or len(gvs) < 2:
            continue
        xs, ys = _positions(gvs, ghs), _positions(ghs, gvs)
        if len(xs) < 2 or len(ys) < 2:
            continue
        grid = _build(xs, ys, ghs, gvs)
        if len(grid.cells) >= min_cells:
            grids.append(grid)
    grids.sort(key=lambda g: (g.ys[0], g.xs[0]))
    return grids


def _build(xs: list[float], ys: list[float], hs: list[Edge], vs: list[Edge]) -> Grid:
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    parent = list(range(n_rows * n_cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(n_rows):
        for c in range(n_cols):
            if c + 1 < n_cols and not _covered(vs, xs[c + 1], ys[r], ys[r + 1]):
                parent[find(r * n_cols + c)] = find(r * n_cols + c + 1)
            if r + 1 < n_rows and not _covered(hs, ys[r + 1], xs[c], xs[c + 1]):
                parent[find(r * n_cols + c)] = find((r + 1) * n_cols + c)
    spans: dict[int, list[int]] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            root = find(r * n_cols + c)
            box = spans.setdefault(root, [r, c, r, c])
            box[0], box[1] = min(box[0], r), min(box[1], c)
            box[2], box[3] = max(box[2], r), max(box[3], c)
    cells = [
        GridCell(r0, c0, r1 - r0 + 1, c1 - c0 + 1, (xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1]))
        for r0, c0, r1, c1 in sorted(spans.values())
    ]
    return Grid(xs, ys, cells)
