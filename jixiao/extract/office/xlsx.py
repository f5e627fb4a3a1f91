"""Excel .xlsx: each visible sheet's used range becomes a table with its merged cells.

Lone text cells above or below a grid (a title, 单位：万元, a note) are prose; tables
stacked on one sheet are split at blank rows. Cached formula values are read
(data_only), hidden sheets skipped, numbers shown through their display format as
published (95%, 3546.30; never 3546.3000000000002). Every cell and lone-cell paragraph
keeps its address (`Sheet1!C7`, the sheet's own row and column).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from jixiao.extract.base import ExtractionError, ExtractOptions
from jixiao.extract.office.container import open_office_zip
from jixiao.extract.outline import heading_level
from jixiao.model import Cell, Document, Paragraph, Table, sheet_ref
from jixiao.text import clean

_DECIMALS = re.compile(r"0\.(0+)")


def format_number(value: float | int, number_format: str | None = None) -> str:
    """A spreadsheet number as the reader sees it: 95% not 0.95, 3546.3 not 3546.3000000000002.

    Only the number formats publishers use are honoured (General, 0, 0.00, #,##0.00,
    0%, 0.00%); anything else is shown like General, with Excel's 15 significant digits.
    """
    fmt = (number_format or "General").split(";")[0]
    fmt = re.sub(r'\[[^]]*\]|"[^"]*"|\\.|_.', "", fmt).strip()  # colours, literals, padding
    if fmt.lower() in ("general", "@", ""):
        return general_number(value)
    m = _DECIMALS.search(fmt)
    places = len(m.group(1)) if m else 0
    if "%" in fmt:
        return f"{value * 100:.{places}f}%"
    if re.fullmatch(r"[#,]*0(\.0+)?", fmt):
        return f"{value:,.{places}f}" if "," in fmt else f"{value:.{places}f}"
    return general_number(value)


def general_number(value: float | int) -> str:
    """Excel's General display: integers without .0, at most 15 significant digits."""
    if isinstance(value, int) or float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.15g}"
    if "e" in text and abs(value) < 2 ** 53:  # beyond, a float no longer holds every digit
        text = f"{value:.10f}".rstrip("0").rstrip(".")
    return text  # a float of 16+ digits (a 21-digit code typed as a number) keeps what it holds: 4.403062313915e+20


def cell_text(value: object, number_format: str | None = None) -> str:
    """A cell value as the published text (numbers through their display format)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        return format_number(value, number_format)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    return clean(str(value))


Merge = tuple[int, int, int, int]  # 0-based (first row, first col, last row, last col)


def grid_to_blocks(grid: list[list[str]], merges: list[Merge], sheet: str = "Sheet1",
                   origin: tuple[int, int] = (0, 0)) -> list:
    """A sheet's texts and merged ranges -> Paragraphs and Tables in reading order.

    Tables stacked on one sheet are told apart by blank rows that no merge crosses; in
    each band, lone text cells above or below the grid (a title, 单位：万元, 填报人：…)
    are prose, and a band of nothing but lone cells is all prose. ``origin`` is the sheet's
    0-based (row, column) of grid[0][0]: cells are addressed in the sheet's own terms.
    """
    width = max((len(r) for r in grid), default=0)
    grid = [r + [""] * (width - len(r)) for r in grid]
    blocks: list = []

    def at(r: int, c: int) -> str:
        return sheet_ref(sheet, origin[0] + r, origin[1] + c)

    for top, bottom in _bands(grid, merges):
        blocks.extend(_band_blocks(grid, merges, top, bottom, width, at))
    for before, block in zip(blocks, blocks[1:], strict=False):
        if isinstance(block, Table) and isinstance(before, Paragraph) and len(before.text) <= 80:
            block.title = before.text
    return blocks


def _bands(grid: list[list[str]], merges: list[Merge]) -> list[tuple[int, int]]:
    """(first, last+1) row ranges separated by blank rows that no merged range crosses."""
    crossed = {r for r0, _, r1, _ in merges for r in range(r0, r1 + 1)}
    bands, start = [], None
    for r, row in enumerate(grid):
        blank = not any(row) and r not in crossed
        if blank and start is not None:
            bands.append((start, r))
            start = None
        elif not blank and start is None:
            start = r
    if start is not None:
        bands.append((start, len(grid)))
    return bands


def _band_blocks(grid: list[list[str]], merges: list[Merge], top: int, bottom: int, width: int, at) -> list:
    spans = {(r0, c0): (r1 - r0 + 1, c1 - c0 + 1) for r0, c0, r1, c1 in merges}

    def lone(r: int) -> bool:
        filled = [c for c in grid[r] if c]
        if len(filled) != 1 or grid[r][0] != filled[0]:
            return False
        return spans.get((r, 0), (1, 1))[1] >= max(2, width // 2) or not any(spans.get((r, c)) for c in range(width))

    first, last = top, bottom
    while first < bottom and lone(first):
        first += 1
    while last > first and lone(last - 1) and spans.get((last - 1, 0), (1, 1))[1] < width:
        last -= 1
    if first < last and not any(sum(1 for c in grid[r] if c) > 1 for r in range(first, last)):
        first = last = bottom  # no row with two cells: prose only
    def first_filled(r: int) -> int:
        return next(c for c, t in enumerate(grid[r]) if t)

    blocks: list = [_prose(grid[r][first_filled(r)], at(r, first_filled(r))) for r in range(top, first)]
    if first < last:
        blocks.append(_table(grid, spans, first, last, width, at))
    blocks.extend(_prose(" ".join(c for c in grid[r] if c), at(r, first_filled(r)))
                  for r in range(max(last, first), bottom) if any(grid[r]))
    return blocks


def _prose(text: str, ref: str | None = None) -> Paragraph:
    return Paragraph(text=text, heading_level=heading_level(text), ref=ref)


def _table(grid: list[list[str]], spans: dict, first: int, last: int, width: int, at) -> Table:
    covered = set()
    for (r0, c0), (rs, cs) in spans.items():
        if r0 >= last or r0 + rs <= first:
            continue  # a merge of another band of the sheet
        for rr in range(r0, r0 + rs):
            for cc in range(c0, c0 + cs):
                if (rr, cc) != (r0, c0):
                    covered.add((rr, cc))
    # a table stacked under a wider one ends at its own last used column
    used = [c + spans.get((r, c), (1, 1))[1] for r in range(first, last) for c in range(width)
            if grid[r][c] or (r, c) in spans]
    width = max(used, default=width)
    cells = []
    for r in range(first, last):
        for c in range(width):
            if (r, c) in covered:
                continue
            rs, cs = spans.get((r, c), (1, 1))
            cells.append(Cell(row=r - first, col=c, text=grid[r][c], rowspan=min(rs, last - r), colspan=min(cs, width - c),
                              ref=at(r, c)))
    return Table(cells=cells, n_rows=last - first, n_cols=width)


def extract(path: Path, options: ExtractOptions) -> Document:
    """Read an .xlsx into the document model (one table per visible sheet)."""
    import openpyxl

    open_office_zip(path, options, "Excel").close()
    try:
        wb = openpyxl.load_workbook(path, data_only=True)
    except Exception as e:  # openpyxl raises KeyError, ValueError, TypeError... on broken parts
        raise ExtractionError(f"corrupt Excel file ({type(e).__name__}: {e}); open and save it again or download it again") from e
    blocks: list = []
    for ws in wb.worksheets:
        if ws.sheet_state != "visible" or ws.max_row is None:
            continue
        r0, c0 = ws.min_row, ws.min_column
        grid = [[cell_text(c.value, c.number_format) for c in row]
                for row in ws.iter_rows(min_row=r0, max_row=ws.max_row, min_col=c0, max_col=ws.max_column)]
        merges = [(m.min_row - r0, m.min_col - c0, m.max_row - r0, m.max_col - c0) for m in ws.merged_cells.ranges]
        blocks.extend(grid_to_blocks(grid, merges, ws.title, (r0 - 1, c0 - 1)))
    wb.close()
    return Document(blocks=blocks, source_format="xlsx")
