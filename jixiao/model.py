"""The typed document model every extractor produces.

Normalizers and validators only ever see this model, so they never care whether a
table came from a .txt, a .docx, a born-digital or a scanned PDF (docling's idea, kept
small). Positions are kept where the format has them: 1-based page numbers and
bounding boxes in PDF points (x0, top, x1, bottom), origin at the page's top-left, and
1-based text lines for text files (`line`: where a paragraph, table or cell starts).
"""

from __future__ import annotations

from dataclasses import dataclass, field

BBox = tuple[float, float, float, float]


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
        fast = self._rows_without_overlaps()
        return fast if fast is not None else self._rows_by_position()

    def _rows_by_position(self) -> list[list[str]]:
        """logical_rows by walking every grid position (any spans, even overlapping ones)."""
        cover: dict[tuple[int, int], Cell] = {}
        for c in self.cells:
            for r in range(c.row, c.row + c.rowspan):
                for k in range(c.col, c.col + c.colspan):
                    cover[(r, k)] = c
        rows = []
        for r in range(self.n_rows):
            row: list[str] = []
            k = 0
            while k < self.n_cols:
                c = cover.get((r, k))
                if c is None:  # no cell here (Word's gridBefore/gridAfter): Word writes nothing
                    k += 1
                    continue
                row.append(c.text if c.row == r else "")
                k = c.col + c.colspan
            rows.append(row)
        return rows

    def _rows_without_overlaps(self) -> list[list[str]] | None:
        """logical_rows by sorting each row's cells: no per-position map (the hot path of every
        form). None when two cells overlap (broken spans); the position walk decides then."""
        per_row: list[list[Cell]] = [[] for _ in range(self.n_rows)]
        for c in self.cells:
            if c.col >= self.n_cols:
                continue
            for r in range(c.row, min(c.row + c.rowspan, self.n_rows)):
                per_row[r].append(c)
        rows = []
        for r, cells in enumerate(per_row):
            cells.sort(key=lambda c: c.col)
            row: list[str] = []
            end = 0
            for c in cells:
                if c.col < end:
                    return None
                row.append(c.text if c.row == r else "")
                end = c.col + c.colspan
            rows.append(row)
        return rows

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
