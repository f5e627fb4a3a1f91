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

from jixiao.extract.base import ExtractionError, ExtractOptions
from jixiao.extract.encoding import decode_bytes, looks_utf16
from jixiao.extract.outline import heading_level, is_title
from jixiao.model import Cell, Document, Paragraph, Table
from jixiao.text import clean

MAX_TEXT_BYTES = 200 * 1024 * 1024

_ENDERS = re.compile(r"^\s*(备注|注[:：])")


@dataclass
class _Builder:
    """Accumulates blocks while scanning lines."""

    blocks: list = field(default_factory=list)
    rows: list[list[list[str]]] = field(default_factory=list)  # rows -> cells -> lines
    mode: str = "prose"  # prose | cells | rows
    pending_blank: bool = False

    def flush(self) -> None:
        if self.mode == "cells" and self.rows:
            rows = [[clean("\n".join(cell)) for cell in row] for row in self.rows]
            self._emit_table(_repair_rows(rows))
        elif self.mode == "rows" and self.rows:
            self._emit_table([[clean(c) for c in row[0]] for row in self.rows])
        self.rows = []
        self.mode = "prose"

    def _emit_table(self, rows: list[list[str]]) -> None:
        rows = [r for r in rows if r]
        while rows and not any(rows[-1]):
            rows.pop()
        while rows and not any(rows[0]):
            rows.pop(0)
        if not rows:
            return
        if max(len(r) for r in rows) == 1 or sum(1 for r in rows if sum(bool(c) for c in r) > 1) == 0:
            # one cell a row is indented prose, not a table
            for r in rows:
                for c in r:
                    for line in c.split("\n"):
                        if line.strip():
                            self.paragraph(line)
            return
        title = ""
        if self.blocks and isinstance(self.blocks[-1], Paragraph) and len(self.blocks[-1].text) <= 80:
            title = self.blocks[-1].text
        cells = [Cell(row=i, col=j, text=t) for i, r in enumerate(rows) for j, t in enumerate(r)]
        self.blocks.append(Table(cells=cells, n_rows=len(rows), n_cols=max(len(r) for r in rows),
                                 ragged=True, title=title))

    def paragraph(self, line: str) -> None:
        text = clean(line)
        if text:
            self.blocks.append(Paragraph(text=text, heading_level=heading_level(text)))


def _repair_rows(rows: list[list[str]]) -> list[list[str]]:
    """Join two short rows that are really one row split by a cell's trailing empty paragraph."""
    out: list[list[str]] = []
    i = 0
    while i < len(rows):
        row = rows[i]
        if out and i + 1 < len(rows):
            width = len(out[-1])
            nxt = rows[i + 1]
            if len(row) < width and len(nxt) < width and len(row) + len(nxt) == width:
                out.append(row + nxt)
                i += 2
                continue
        out.append(row)
        i += 1
    return out


def _row_complete(rows: list[list[list[str]]]) -> bool:
    """The current row is as wide as the one before it and its last cell has text."""
    if len(rows) < 2 or not rows[-1]:
        return False
    last_cell = "".join(rows[-1][-1]).strip()
    return len(rows[-1]) >= len(rows[-2]) and bool(last_cell)


def parse_text(text: str) -> list:
    """Split published text into Paragraph and Table blocks in reading order."""
    b = _Builder()
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
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
        elif tabs == 1 and line.startswith("\t"):
            if b.mode != "cells":
                b.flush()
                b.mode = "cells"
                b.rows.append([])
            elif b.pending_blank and b.rows[-1]:
                b.rows.append([])
            b.rows[-1].append([line[1:]])
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
                b.paragraph(line)
        b.pending_blank = False
    b.flush()
    return join_continued_tables(b.blocks)


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
    a, b = first.logical_rows(), second.logical_rows()
    if b and a and [clean(x) for x in b[0]] == [clean(x) for x in a[0]]:
        b = b[1:]
    rows = a + b
    cells = [Cell(row=i, col=j, text=t) for i, r in enumerate(rows) for j, t in enumerate(r)]
    return Table(cells=cells, n_rows=len(rows), n_cols=max(len(r) for r in rows), ragged=True,
                 title=first.title, page=first.page)


def extract(path: Path, options: ExtractOptions) -> Document:
    """Read a text file (any common Chinese encoding) into the document model."""
    size = path.stat().st_size
    if size > MAX_TEXT_BYTES:
        raise ExtractionError(f"text file is {size // 1_000_000} MB, over the {MAX_TEXT_BYTES // 1_000_000} MB limit; split it")
    data = path.read_bytes()
    if b"\x00" in data[:4096] and not looks_utf16(data) and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ExtractionError("this is a binary file, not text or a known document format (check the file type)")
    text, encoding, warnings = decode_bytes(data)
    if not text.strip():
        raise ExtractionError("the file holds no text")
    blocks = parse_text(text)
    fmt = "md" if path.suffix.lower() in (".md", ".markdown") else "txt"
    doc = Document(blocks=blocks, source_format=fmt, warnings=warnings)
    if warnings and text.count("\ufffd") > max(20, len(text) // 50):
        doc.partial = True
    return doc
