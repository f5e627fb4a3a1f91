"""Plain text as published: Word's "save as text" and PDF-to-text output.

Two table encodings occur (see ../shared/seeds):

* cell per line (Word): every cell starts a line with one TAB; a cell's further
  paragraphs continue on lines without a TAB (empty paragraphs are blank lines); rows are
  separated by blank lines. Blank lines therefore also occur inside cells, so a row break
  is "blank line(s) then a TAB line", repaired afterwards where a cell merely ended in an
  empty paragraph (two short rows that together have the width of the row before).
* row per line (PDF): cells of a row separated by TABs on one line, `$\\geq 90\\%$` math
  and `**bold**` markers in the text.

Prose is every other line. The encoding is read from the bytes (encoding.py); extensions
and libmagic are never trusted. Headings and table titles are told by outline.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from jixiao.extract.base import ExtractionError, ExtractOptions, NotADocument
from jixiao.extract.encoding import decode_text, drop_zero_runs
from jixiao.extract.fragments import join_fragments, join_tables
from jixiao.extract.markup import looks_like_markdown, markup_segments
from jixiao.extract.outline import heading_level, is_title
from jixiao.model import Cell, Document, Paragraph, Table
from jixiao.text import clean

MAX_TEXT_BYTES = 200 * 1024 * 1024

_ENDERS = re.compile(r"^\s*(备注|注[:：])")


@dataclass
class _Builder:
    """Accumulates blocks while scanning lines; every block and cell keeps its first line."""

    blocks: list = field(default_factory=list)
    rows: list[list[list[str]]] = field(default_factory=list)  # rows -> cells -> lines
    lines: list[list[int]] = field(default_factory=list)  # rows -> each cell's first line
    mode: str = "prose"  # prose | cells | rows
    pending_blank: bool = False

    def flush(self) -> None:
        if self.mode == "cells" and self.rows:
            rows = [[clean("\n".join(cell)) for cell in row] for row in self.rows]
            self._emit_table(*_repair_rows(rows, self.lines))
        elif self.mode == "rows" and self.rows:
            self._emit_table([[clean(c) for c in row[0]] for row in self.rows],
                             [[n] * len(row[0]) for row, (n,) in zip(self.rows, self.lines, strict=True)])
        self.rows = []
        self.lines = []
        self.mode = "prose"

    def _emit_table(self, rows: list[list[str]], lines: list[list[int]]) -> None:
        kept = [(r, n) for r, n in zip(rows, lines, strict=True) if r]
        while kept and not any(kept[-1][0]):
            kept.pop()
        while kept and not any(kept[0][0]):
            kept.pop(0)
        if not kept:
            return
        rows = [r for r, _ in kept]
        if max(len(r) for r in rows) == 1 or sum(1 for r in rows if sum(bool(c) for c in r) > 1) == 0:
            # one cell a row is indented prose, not a table
            for r, ns in kept:
                for c, n in zip(r, ns, strict=True):
                    for k, line in enumerate(c.split("\n")):
                        if line.strip():
                            self.paragraph(line, n + k)
            return
        cells = [Cell(row=i, col=j, text=t, line=n) for i, (r, ns) in enumerate(kept)
                 for j, (t, n) in enumerate(zip(r, ns, strict=True))]
        self.table(Table(cells=cells, n_rows=len(rows), n_cols=max(len(r) for r in rows), ragged=True,
                         line=kept[0][1][0] if kept[0][1] else None))

    def table(self, table: Table) -> None:
        """Append a table, titled by the short paragraph right before it."""
        if not table.title and self.blocks and isinstance(self.blocks[-1], Paragraph) and len(self.blocks[-1].text) <= 80:
            table.title = self.blocks[-1].text
        self.blocks.append(table)

    def paragraph(self, line: str, number: int | None = None) -> None:
        m = _MD_HEADING.match(line)
        text = clean(m.group(2) if m else line)
        if not text:
            return
        level = heading_level(text)
        if m and level is None and not is_title(text) and not _CAPTION.match(text):
            level = len(m.group(1))  # a Markdown heading without numbering: the number of #s
        self.blocks.append(Paragraph(text=text, heading_level=level, line=number))


# `# 标题` (ATX heading); a caption written as a heading (`# 表2-1：…`) is no heading of the text
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_CAPTION = re.compile(r"^(附?表|附件|图)\s*[\d一二三四五六七八九十]")


def _repair_rows(rows: list[list[str]], lines: list[list[int]]) -> tuple[list[list[str]], list[list[int]]]:
    """Join two short rows that are really one row split by a cell's trailing empty paragraph."""
    out: list[list[str]] = []
    out_lines: list[list[int]] = []
    i = 0
    while i < len(rows):
        row = rows[i]
        if out and i + 1 < len(rows):
            width = len(out[-1])
            nxt = rows[i + 1]
            if len(row) < width and len(nxt) < width and len(row) + len(nxt) == width:
                out.append(row + nxt)
                out_lines.append(lines[i] + lines[i + 1])
                i += 2
                continue
        out.append(row)
        out_lines.append(lines[i])
        i += 1
    return out, out_lines


def _row_complete(rows: list[list[list[str]]]) -> bool:
    """The current row is as wide as the one before it and its last cell has text."""
    if len(rows) < 2 or not rows[-1]:
        return False
    last_cell = "".join(rows[-1][-1]).strip()
    return len(rows[-1]) >= len(rows[-2]) and bool(last_cell)


def parse_text(text: str) -> list:
    """Split published text into Paragraph and Table blocks in reading order.

    Tables written as markup (inline HTML `<table>`, Markdown pipe tables) are read wherever
    they stand; the pieces of one table cut by page breaks are joined."""
    b = _Builder()
    for seg in markup_segments(text.replace("\r\n", "\n").replace("\r", "\n")):
        if seg.table is not None:
            b.flush()
            b.table(seg.table)
            b.pending_blank = False
        else:
            _scan_lines(b, seg.text, seg.line)
    b.flush()
    return join_continued_tables(join_fragments(b.blocks))


def _scan_lines(b: _Builder, text: str, first: int) -> None:
    """Feed prose lines and TAB-encoded tables (lines numbered from ``first``) to the builder."""
    for number, raw in enumerate(text.split("\n"), start=first):
        line = raw.rstrip("\n")
        tabs = line.count("\t")
        if not line.strip(" \u3000\u00a0\ufeff") and tabs == 0:
            b.pending_blank = True
            if b.mode == "cells" and b.rows and b.rows[-1]:
                b.rows[-1][-1].append("")
            continue
        if tabs and not (tabs == 1 and line.startswith("\t")):
            if b.mode != "rows":
                b.flush()
                b.mode = "rows"
            cells = line.split("\t")
            b.rows.append([cells])
            b.lines.append([number])
        elif tabs == 1 and line.startswith("\t"):
            if b.mode != "cells":
                b.flush()
                b.mode = "cells"
                b.rows.append([])
                b.lines.append([])
            elif b.pending_blank and b.rows[-1]:
                b.rows.append([])
                b.lines.append([])
            b.rows[-1].append([line[1:]])
            b.lines[-1].append(number)
        else:
            level = heading_level(line)
            ends_table = (level is not None and (b.mode != "cells" or level <= 1)) or is_title(line) or (
                b.pending_blank and _ENDERS.match(line) is not None)
            if b.mode == "cells" and b.pending_blank and _row_complete(b.rows):
                ends_table = True  # prose after a finished row, not a cell's next paragraph
            if b.mode == "cells" and b.rows and b.rows[-1] and not ends_table:
                b.rows[-1][-1].append(line)
            else:
                b.flush()
                b.paragraph(line, number)
        b.pending_blank = False


def join_continued_tables(blocks: list) -> list:
    """Append a table titled `…（续）` to the table it continues, dropping a repeated header."""
    out: list = []
    for blk in blocks:
        if isinstance(blk, Table) and re.search(r"[（(]续[)）]\s*$", blk.title or ""):
            prev_i = next((i for i in range(len(out) - 1, -1, -1) if isinstance(out[i], Table)), None)
            if prev_i is not None:
                if out and isinstance(out[-1], Paragraph) and out[-1].text == blk.title:
                    out.pop()
                    prev_i = next(i for i in range(len(out) - 1, -1, -1) if isinstance(out[i], Table))
                out[prev_i] = append_rows(out[prev_i], blk)
                continue
        out.append(blk)
    return out


def append_rows(first: Table, second: Table) -> Table:
    """One table from two, skipping the second's first row when it repeats the first's header."""
    if not first.ragged and not second.ragged:
        return join_tables(first, second)  # grids with spans (markup): spans and cut rows kept right
    a, b = first.logical_rows(), second.logical_rows()
    skip = 1 if b and a and [clean(x) for x in b[0]] == [clean(x) for x in a[0]] else 0
    lines = {(c.row, c.col): c.line for c in first.cells} if first.ragged else {}
    lines.update({(c.row - skip + len(a), c.col): c.line for c in second.cells} if second.ragged else {})
    rows = a + b[skip:]
    cells = [Cell(row=i, col=j, text=t, line=lines.get((i, j))) for i, r in enumerate(rows) for j, t in enumerate(r)]
    return Table(cells=cells, n_rows=len(rows), n_cols=max(len(r) for r in rows), ragged=True,
                 title=first.title, page=first.page, line=first.line)


def extract(path: Path, options: ExtractOptions) -> Document:
    """Read a text file (any common Chinese encoding) into the document model."""
    size = path.stat().st_size
    if size > MAX_TEXT_BYTES:
        raise ExtractionError(f"text file is {size // 1_000_000} MB, over the {MAX_TEXT_BYTES // 1_000_000} MB limit; split it")
    data = path.read_bytes()
    try:
        data, warnings = drop_zero_runs(data)
    except NotADocument as e:
        raise NotADocument(f"{_named_as(path)}{e}") from None
    decoded = decode_text(data)
    if decoded.binary:
        raise NotADocument(f"{_named_as(path)}the bytes are neither text in a Chinese or Western encoding nor a "
                           "known document format (binary data, or a file damaged beyond reading); check what this file is")
    text = decoded.text
    if not text.strip():
        raise ExtractionError("the file holds no text")
    blocks = parse_text(text)
    fmt = "md" if path.suffix.lower() in (".md", ".markdown") or looks_like_markdown(text) else "txt"
    doc = Document(blocks=blocks, source_format=fmt, warnings=warnings + decoded.warnings)
    doc.partial = bool(warnings) or decoded.damaged
    return doc


_KINDS = {".pdf": "a PDF", ".docx": "a Word document", ".doc": "a Word document", ".xlsx": "an Excel workbook",
          ".xls": "an Excel workbook", ".wps": "a WPS document", ".et": "a WPS workbook"}


def _named_as(path: Path) -> str:
    """`this file is named .xlsx but is no Excel workbook: ` when its name promises a format."""
    kind = _KINDS.get(path.suffix.lower())
    return f"this file is named {path.suffix} but is not {kind}: " if kind else ""
