"""The typed document model every extractor produces.

Normalizers and validators only ever see this model, so they never care whether a
table came from a .txt, a .docx, a born-digital or a scanned PDF (docling's idea, kept
small). Positions are kept where the format has them: 1-based page numbers and
bounding boxes in PDF points (x0, top, x1, bottom), origin at the page's top-left, and
1-based text lines for text files (`line`: where a paragraph, table or cell starts).

Every cell and paragraph also knows where it sits in its file, so a number in the output
leads back to the spot it was read from (docling's provenance, kept small): PDF cells and
paragraphs have page and bbox, text formats their `line`, Word and spreadsheets set `ref`
when they are read — ``Sheet1!C7`` (spreadsheets), ``t2 r5 c4`` (Word: table, row, column,
1-based), ``para12`` (a Word body paragraph). ``source_ref()`` gives that place in the
contract's notation (SCHEMA.md): ``p3 x0,y0,x1,y1`` for a PDF box, ``L123`` for a text line;
`parse_ref` reads it back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

BBox = tuple[float, float, float, float]


def pdf_ref(page: int | None, bbox: BBox | None) -> str | None:
    """`p3 x0,y0,x1,y1`: a box on a PDF page in points, origin top-left, one decimal."""
    if page is None or bbox is None:
        return None
    return f"p{page} " + ",".join(f"{v:.1f}" for v in bbox)


def line_ref(line: int) -> str:
    """`L123`: a 1-based line of a text file (Markdown, HTML source and plain text alike)."""
    return f"L{line}"


def word_ref(table: int, row: int, col: int | None = None) -> str:
    """`t2 r5 c4`: a Word table cell, every number 1-based (`t2 r5` is the whole row)."""
    return f"t{table} r{row}" + (f" c{col}" if col is not None else "")


def sheet_ref(sheet: str, row: int, col: int) -> str:
    """`Sheet1!C7` from 0-based row and column; a sheet name with spaces or symbols is quoted."""
    name = sheet if re.fullmatch(r"[\w\u4e00-\u9fff]+", sheet) else "'" + sheet.replace("'", "''") + "'"
    return f"{name}!{column_letters(col)}{row + 1}"


def column_letters(col: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    out = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


@dataclass
class Cell:
    """One cell of a table grid; a merged cell is one Cell with spans > 1."""

    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    bbox: BBox | None = None
    page: int | None = None
    line: int | None = None
    ref: str | None = None  # Word / spreadsheet place (see module doc); PDF: page + bbox; text: line

    def source_ref(self) -> str | None:
        return self.ref or pdf_ref(self.page, self.bbox) or (line_ref(self.line) if self.line else None)


@dataclass
class Table:
    """A table as a grid of cells with true spans.

    ``n_cols`` is the grid width. Formats that do not know spans (plain text saved from
    Word) give rows of unequal length: each row lists its cells left to right and
    ``col`` is simply the position in that list. ``ragged=True`` marks such tables.
    """

    cells: list[Cell]
    n_rows: int
    n_cols: int
    page: int | None = None
    bbox: BBox | None = None
    ragged: bool = False
    title: str = ""
    row_pages: list[int | None] = field(default_factory=list)
    line: int | None = None
    _rows: list[list[str]] | None = field(default=None, init=False, repr=False, compare=False)

    def origin(self) -> dict[tuple[int, int], Cell]:
        """Map (row, col) of every cell's top-left corner to the cell."""
        return {(c.row, c.col): c for c in self.cells}

    def grid(self, fill: bool = False) -> list[list[str]]:
        """The full n_rows x n_cols grid of texts.

        Positions covered by a span hold "" or, with ``fill=True``, the spanning cell's
        text (what pdfplumber calls the merged value repeated).
        """
        out = [["" for _ in range(self.n_cols)] for _ in range(self.n_rows)]
        for c in self.cells:
            for r in range(c.row, min(c.row + c.rowspan, self.n_rows)):
                for k in range(c.col, min(c.col + c.colspan, self.n_cols)):
                    if (r, k) == (c.row, c.col) or fill:
                        out[r][k] = c.text
        return out

    def logical_rows(self) -> list[list[str]]:
        """Rows as Word writes them to text: one entry per distinct cell in the row.

        A horizontally merged cell appears once; a position covered by a vertical merge
        from above appears as "" (Word's vMerge continuation). Ragged tables are
        returned as they are. This is the view the form interpreters read, so every
        format yields the same rows.
        """
        if self._rows is not None:  # a frozen document's table: rows were computed once
            return [list(r) for r in self._rows]
        if self.ragged:
            rows: list[list[str]] = [[] for _ in range(self.n_rows)]
            for c in sorted(self.cells, key=lambda c: (c.row, c.col)):
                rows[c.row].append(c.text)
            return rows
        return [[c.text if c.row == r else "" for c in row] for r, row in enumerate(self.logical_cells())]

    def logical_cells(self) -> list[list[Cell]]:
        """The cells behind logical_rows, position for position (a vertical continuation gives the
        cell spanning it): what maps a row and column a normalizer read back to the file."""
        if self.ragged:
            rows: list[list[Cell]] = [[] for _ in range(self.n_rows)]
            for c in sorted(self.cells, key=lambda c: (c.row, c.col)):
                rows[c.row].append(c)
            return rows
        fast = self._cells_without_overlaps()
        return fast if fast is not None else self._cells_by_position()

    def grid_cells(self, fill: bool = False) -> list[list[Cell | None]]:
        """The cells behind grid(fill), position for position (None where grid gives "" for no cell)."""
        out: list[list[Cell | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for c in self.cells:
            for r in range(c.row, min(c.row + c.rowspan, self.n_rows)):
                for k in range(c.col, min(c.col + c.colspan, self.n_cols)):
                    if (r, k) == (c.row, c.col) or fill:
                        out[r][k] = c
        return out

    def _rows_by_position(self) -> list[list[str]]:
        return [[c.text if c.row == r else "" for c in row] for r, row in enumerate(self._cells_by_position())]

    def _rows_without_overlaps(self) -> list[list[str]] | None:
        rows = self._cells_without_overlaps()
        return None if rows is None else [[c.text if c.row == r else "" for c in row] for r, row in enumerate(rows)]

    def _cells_by_position(self) -> list[list[Cell]]:
        """logical_cells by walking every grid position (any spans, even overlapping ones)."""
        cover: dict[tuple[int, int], Cell] = {}
        for c in self.cells:
            for r in range(c.row, c.row + c.rowspan):
                for k in range(c.col, c.col + c.colspan):
                    cover[(r, k)] = c
        rows = []
        for r in range(self.n_rows):
            row: list[Cell] = []
            k = 0
            while k < self.n_cols:
                c = cover.get((r, k))
                if c is None:  # no cell here (Word's gridBefore/gridAfter): Word writes nothing
                    k += 1
                    continue
                row.append(c)
                k = c.col + c.colspan
            rows.append(row)
        return rows

    def _cells_without_overlaps(self) -> list[list[Cell]] | None:
        """logical_cells by sorting each row's cells: no per-position map (the hot path of every
        form). None when two cells overlap (broken spans); the position walk decides then."""
        per_row: list[list[Cell]] = [[] for _ in range(self.n_rows)]
        for c in self.cells:
            if c.col >= self.n_cols:
                continue
            for r in range(c.row, min(c.row + c.rowspan, self.n_rows)):
                per_row[r].append(c)
        for cells in per_row:
            cells.sort(key=lambda c: c.col)
            end = 0
            for c in cells:
                if c.col < end:
                    return None
                end = c.col + c.colspan
        return per_row

    def rows_around(self, marks: dict[str, str], context: int = 2, limit: int = 20) -> list[list[tuple[str, str]]]:
        """The rows holding cells that `marks` ({ref: mark}) names, with `context` rows around them: each
        row a list of (text, mark) with mark "" for an unmarked cell and "cont" for a position a merged
        cell above covers; an empty row stands for rows left out. What a finding's evidence shows."""
        grid = self.logical_cells()
        ranges = [(p, k) for ref, k in marks.items() if (p := parse_ref(ref)) is not None and p.kind in ("sheet", "word")
                  and (p.col is None or p.last_col is not None)]  # a row or a range names every cell in it

        def mark_of(c: Cell) -> str:
            hit = marks.get(c.source_ref() or "")
            if hit or not ranges or not c.ref:
                return hit or ""
            own = parse_ref(c.ref)
            return next((k for p, k in ranges if own is not None and ref_names(p, own)), "")

        marked = {i: [mark_of(c) if c.row == i else "cont" for c in row] for i, row in enumerate(grid)}
        hits = [i for i, ms in marked.items() if any(m not in ("", "cont") for m in ms)]
        lead = next(iter(marks.values()), None)
        first = [i for i in hits if lead in marked[i]]

        def near(rows: list[int]) -> set[int]:
            return {k for i in rows for k in range(max(0, i - context), min(len(grid), i + context + 1))}

        keep = sorted(near(hits))
        if len(keep) > limit:  # marked cells far apart: the first mark's neighbourhood, then the marked rows nearest it
            lead_rows = near(first[:1])
            rest = sorted(set(hits) - lead_rows, key=lambda i: abs(i - (first[0] if first else 0)))
            keep = sorted(lead_rows | set(rest[:max(0, limit - len(lead_rows))]))
        out: list[list[tuple[str, str]]] = []
        for n, i in enumerate(keep):
            if n and i > keep[n - 1] + 1:
                out.append([])
            out.append([(c.text if c.row == i else "", m) for c, m in zip(grid[i], marked[i], strict=True)])
        return out

    def page_of_row(self, r: int) -> int | None:
        """The page a row sits on (tables running over page breaks keep each row's page)."""
        if r < len(self.row_pages) and self.row_pages[r] is not None:
            return self.row_pages[r]
        return self.page


@dataclass
class Paragraph:
    """A paragraph of prose; ``heading_level`` is set when the source marks a heading."""

    text: str
    page: int | None = None
    bbox: BBox | None = None
    heading_level: int | None = None
    line: int | None = None
    ref: str | None = None  # `Sheet1!A1`, `para3` (Word body paragraph); PDF: page + bbox; text: line

    def source_ref(self) -> str | None:
        return self.ref or pdf_ref(self.page, self.bbox) or (line_ref(self.line) if self.line else None)


Block = Paragraph | Table


@dataclass
class Document:
    """What an extractor returns: blocks in reading order plus what went wrong."""

    blocks: list[Block]
    source_format: str
    n_pages: int | None = None
    n_pages_ocr: int | None = None  # pages whose text came from OCR (PDF only)
    warnings: list[str] = field(default_factory=list)
    partial: bool = False
    _text: str | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    def freeze(self) -> Document:
        """Mark the document finished (interpretation only reads it): its text and each table's
        rows are then computed once."""
        self._text = None
        for t in self.tables:
            t._rows = None
            t._rows = t.logical_rows()
        self._text = self.text()
        return self

    def context_of(self, source: str, related: Iterable[str] = (), context: int = 2) -> dict | None:
        """What a finding's refs show in this document: {"rows": Table.rows_around, the cell `source`
        names marked "obs" and the `related` ones "rel"} or {"paragraph": its text}; None when no
        cell or paragraph has that ref (PDF boxes are shown as page crops instead)."""
        marks = {source: "obs", **{r: "rel" for r in related if r != source}}
        main = parse_ref(source)
        whole_row = main is not None and main.kind in ("sheet", "word") and (main.col is None or main.last_col is not None)
        for block in self.blocks:
            if isinstance(block, Table):
                if any(c.source_ref() == source for c in block.cells) or whole_row and any(
                        c.ref and (own := parse_ref(c.ref)) is not None and ref_names(main, own)  # type: ignore[arg-type]
                        for c in block.cells):
                    return {"rows": block.rows_around(marks, context)}
            elif block.source_ref() == source:
                return {"paragraph": block.text}
        return None

    def text(self) -> str:
        """All text in reading order (tables row by row, cells TAB-joined)."""
        if self._text is not None:
            return self._text
        parts: list[str] = []
        for b in self.blocks:
            if isinstance(b, Paragraph):
                parts.append(b.text)
            else:
                parts.extend("\t".join(r) for r in b.logical_rows())
        return "\n".join(parts)


@dataclass
class Ref:
    """A `source_ref` read back: which fields are set depends on ``kind`` (pdf, sheet, word, line, para)."""

    kind: str
    page: int | None = None
    bbox: BBox | None = None
    sheet: str | None = None
    row: int | None = None  # 1-based (sheet row, Word row)
    col: int | None = None  # 1-based (sheet column, Word column); None for a whole row
    last_col: int | None = None  # a sheet range's last column
    table: int | None = None
    line: int | None = None


_PDF_REF = re.compile(r"^p(\d+) (-?[\d.]+),(-?[\d.]+),(-?[\d.]+),(-?[\d.]+)$")
_SHEET_REF = re.compile(r"^(?:'((?:[^']|'')+)'|([^!]+))!([A-Z]+)(\d+)(?::([A-Z]+)\d+)?$")
_WORD_REF = re.compile(r"^t(\d+) r(\d+)(?: c(\d+))?$")


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def parse_ref(ref: str | None) -> Ref | None:
    """The structured form of a source_ref (None for empty or unknown text)."""
    if not ref:
        return None
    ref = ref.strip()
    if m := _PDF_REF.match(ref):
        return Ref("pdf", page=int(m.group(1)), bbox=tuple(float(m.group(i)) for i in range(2, 6)))  # type: ignore[arg-type]
    if m := re.fullmatch(r"L(\d+)", ref):
        return Ref("line", line=int(m.group(1)))
    if m := re.fullmatch(r"para(\d+)", ref):
        return Ref("para", line=int(m.group(1)))
    if m := _WORD_REF.match(ref):
        return Ref("word", table=int(m.group(1)), row=int(m.group(2)), col=int(m.group(3)) if m.group(3) else None)
    if m := _SHEET_REF.match(ref):
        sheet = m.group(1).replace("''", "'") if m.group(1) else m.group(2)
        last = _column_number(m.group(5)) if m.group(5) else None
        return Ref("sheet", sheet=sheet, row=int(m.group(4)), col=_column_number(m.group(3)), last_col=last)
    return None


def ref_names(ref: Ref, cell: Ref) -> bool:
    """Whether `ref` names the cell at `cell`: the same place, or a row or range holding it."""
    if ref.kind != cell.kind:
        return False
    if ref.kind == "sheet":
        last = ref.last_col or ref.col
        return ref.sheet == cell.sheet and ref.row == cell.row and (ref.col or 0) <= (cell.col or 0) <= (last or 0)
    if ref.kind == "word":
        return ref.table == cell.table and ref.row == cell.row and ref.col in (None, cell.col)
    return ref == cell


def span_ref(cells: Iterable[Cell | Paragraph], page: int | None = None) -> str | None:
    """One ref for several cells of a row: the box around them on one PDF page, a sheet range
    (`Sheet1!A7:F7`), a Word row (`t2 r5`) or the first text line."""
    cells = [c for c in cells if c is not None]
    boxes = [c.bbox for c in cells if c.bbox and c.page and (page is None or c.page == page)]
    if boxes:
        page = page if page is not None else next(c.page for c in cells if c.bbox and c.page)
        return pdf_ref(page, (min(b[0] for b in boxes), min(b[1] for b in boxes),
                              max(b[2] for b in boxes), max(b[3] for b in boxes)))
    parsed = [(r, parse_ref(r)) for c in cells if (r := c.source_ref())]
    parsed = [(r, p) for r, p in parsed if p is not None]
    if not parsed:
        return None
    first = parsed[0][1]
    if first.kind == "sheet":
        same = [p for _, p in parsed if p.kind == "sheet" and p.sheet == first.sheet and p.row == first.row]
        lo, hi = min(p.col or 1 for p in same), max(p.last_col or p.col or 1 for p in same)
        head = sheet_ref(first.sheet or "", first.row - 1, lo - 1)  # type: ignore[operator]
        return head if lo == hi else f"{head}:{column_letters(hi - 1)}{first.row}"
    if first.kind == "word":
        return word_ref(first.table, first.row)  # type: ignore[arg-type]
    if first.kind == "line":
        return line_ref(min(p.line for _, p in parsed if p.kind == "line"))  # type: ignore[type-var]
    return parsed[0][0]
