"""Table grids from ruling lines (camelot lattice's idea, engine-free).

Input is a set of horizontal and vertical segments in top-left-origin coordinates (PDF
points from pdfplumber, or pixels from OpenCV on a scan). Segments that touch form one
table; the distinct x of its vertical lines and y of its horizontal lines make the grid,
and a grid cell spans into its neighbour wherever the ruling line between them is
missing. Both the born-digital and the scanned path use this, so merged cells behave
the same whatever the source.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jixiao.model import BBox


@dataclass
class Seg:
    """A ruling line: horizontal (y fixed, a..b along x) or vertical (x fixed, a..b along y)."""

    pos: float
    a: float
    b: float


@dataclass
class GridCell:
    """A cell of a ruled grid, before text is assigned."""

    row: int
    col: int
    rowspan: int
    colspan: int
    bbox: BBox


@dataclass
class Grid:
    """One ruled table: grid coordinates and its (possibly spanning) cells."""

    xs: list[float]
    ys: list[float]
    cells: list[GridCell] = field(default_factory=list)

    @property
    def bbox(self) -> BBox:
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])


def cluster(values: list[float], tol: float) -> list[float]:
    """Distinct positions: values closer than ``tol`` collapse to their mean."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(g) / len(g) for g in out]


def merge_segments(segs: list[Seg], tol: float) -> list[Seg]:
    """Join collinear segments that overlap or nearly touch (dashes, cell-by-cell borders)."""
    rows: dict[float, list[Seg]] = {}
    for pos in cluster([s.pos for s in segs], tol):
        rows[pos] = []
    keys = sorted(rows)
    for s in segs:
        k = min(keys, key=lambda p: abs(p - s.pos))
        rows[k].append(Seg(k, min(s.a, s.b), max(s.a, s.b)))
    out: list[Seg] = []
    for pos, group in rows.items():
        group.sort(key=lambda s: s.a)
        cur = group[0]
        for s in group[1:]:
            if s.a <= cur.b + tol:
                cur = Seg(pos, cur.a, max(cur.b, s.b))
            else:
                out.append(cur)
                cur = s
        out.append(cur)
    return out


def _touch(h: Seg, v: Seg, tol: float) -> bool:
    return h.a - tol <= v.pos <= h.b + tol and v.a - tol <= h.pos <= v.b + tol


def _components(hs: list[Seg], vs: list[Seg], tol: float) -> list[tuple[list[Seg], list[Seg]]]:
    """Groups of segments connected through crossings: one group per table."""
    parent = list(range(len(hs) + len(vs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, h in enumerate(hs):
        for j, v in enumerate(vs):
            if _touch(h, v, tol):
                parent[find(i)] = find(len(hs) + j)
    groups: dict[int, tuple[list[Seg], list[Seg]]] = {}
    for i, h in enumerate(hs):
        groups.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        groups.setdefault(find(len(hs) + j), ([], []))[1].append(v)
    return list(groups.values())


def _covered(segs: list[Seg], pos: float, a: float, b: float, tol: float) -> bool:
    """Is the stretch a..b at ``pos`` drawn (mostly) by some segment?"""
    need = (b - a) * 0.6
    got = 0.0
    for s in segs:
        if abs(s.pos - pos) <= tol:
            got += max(0.0, min(b, s.b) - max(a, s.a))
    return got >= need


def find_grids(h_segs: list[Seg], v_segs: list[Seg], tol: float = 3.0, min_size: float = 4.0) -> list[Grid]:
    """Every ruled table among the segments, top to bottom."""
    hs = merge_segments([s for s in h_segs if s.b - s.a >= min_size], tol) if h_segs else []
    vs = merge_segments([s for s in v_segs if s.b - s.a >= min_size], tol) if v_segs else []
    grids: list[Grid] = []
    for ghs, gvs in _components(hs, vs, tol):
        if len(ghs) < 2 or len(gvs) < 2:
            continue
        grid = _build_grid(ghs, gvs, tol)
        if grid is not None:
            grids.append(grid)
    grids.sort(key=lambda g: (g.ys[0], g.xs[0]))
    return grids


def _build_grid(hs: list[Seg], vs: list[Seg], tol: float) -> Grid | None:
    # the frame reaches as far as the rules do: Word leaves the top rule off a table's
    # continuation on a new page, but its vertical rules still start there
    x0 = min(min(v.pos for v in vs), min(h.a for h in hs))
    x1 = max(max(v.pos for v in vs), max(h.b for h in hs))
    y0 = min(min(h.pos for h in hs), min(v.a for v in vs))
    y1 = max(max(h.pos for h in hs), max(v.b for v in vs))
    if x1 - x0 < 4 * tol or y1 - y0 < 2 * tol:
        return None
    # inner lines only count inside the frame; the frame itself is always there
    xs = cluster([v.pos for v in vs] + [x0, x1], tol)
    ys = cluster([h.pos for h in hs] + [y0, y1], tol)
    nr, nc = len(ys) - 1, len(xs) - 1
    if nr < 1 or nc < 1:
        return None
    # right[r][c]: a line between (r,c) and (r,c+1); below[r][c]: between (r,c) and (r+1,c)
    right = [[_covered(vs, xs[c + 1], ys[r], ys[r + 1], tol) for c in range(nc - 1)] for r in range(nr)]
    below = [[_covered(hs, ys[r + 1], xs[c], xs[c + 1], tol) for c in range(nc)] for r in range(nr - 1)]
    owner: dict[tuple[int, int], int] = {}
    grid = Grid(xs=xs, ys=ys)
    for r in range(nr):
        for c in range(nc):
            if (r, c) in owner:
                continue
            # grow right while no line, then down while the whole width has no line
            cs = 1
            while c + cs < nc and not right[r][c + cs - 1] and (r, c + cs) not in owner:
                cs += 1
            rs = 1
            while r + rs < nr and all(not below[r + rs - 1][k] for k in range(c, c + cs)) \
                    and all((r + rs, k) not in owner for k in range(c, c + cs)):
                rs += 1
            idx = len(grid.cells)
            for rr in range(r, r + rs):
                for cc in range(c, c + cs):
                    owner[(rr, cc)] = idx
            grid.cells.append(GridCell(r, c, rs, cs, (xs[c], ys[r], xs[c + cs], ys[r + rs])))
    return _drop_empty_lines(grid)


def _drop_empty_lines(grid: Grid) -> Grid:
    """Remove grid columns/rows that no cell starts in (a stray tick makes a phantom line)."""
    col_used = sorted({c.col for c in grid.cells})
    row_used = sorted({c.row for c in grid.cells})
    if len(col_used) == len(grid.xs) - 1 and len(row_used) == len(grid.ys) - 1:
        return grid
    cmap = {c: i for i, c in enumerate(col_used)}
    rmap = {r: i for i, r in enumerate(row_used)}

    def span(start: int, n: int, used: list[int]) -> int:
        return sum(1 for u in used if start <= u < start + n)

    cells = [GridCell(rmap[c.row], cmap[c.col], span(c.row, c.rowspan, row_used),
                      span(c.col, c.colspan, col_used), c.bbox) for c in grid.cells]
    xs = [grid.xs[c] for c in col_used] + [grid.xs[-1]]
    ys = [grid.ys[r] for r in row_used] + [grid.ys[-1]]
    return Grid(xs=xs, ys=ys, cells=cells)
