"""Plain text as published: Word's "save as text" and PDF-to-text output.

Two table encodings occur (see ../shared/seeds):

* cell per line (Word): every cell starts a line with one TAB; a cell's further
  paragraphs continue on lines without a TAB (empty paragraphs are blank lines); rows are
  separated by blank lines. Blank lines therefore also occur inside cells, so a row break
  is "blank line(s) then a TAB line", repaired afterwards where a cell merely ended in an
  empty paragraph (two short rows that together have the width of the row before).
* row per line (PDF): cells of a row separated by TABs on one line, `$\\geq 90\\%$` math
  and `**bold**` markers in the text.

Prose is every other line. The encoding is detected with charset-normalizer after the
BOMs; extensions and libmagic are never trusted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from jixiao.extract.base import ExtractionError, ExtractOptions
from jixiao.model import Cell, Document, Paragraph, Table
from jixiao.text import clean

MAX_TEXT_BYTES = 200 * 1024 * 1024

# A numbered heading: 一、 （一） 1. 1、 （1） — short, no sentence inside.
_HEADING = [
    (1, re.compile(r"^\s*[一二三四五六七八九十]{1,3}\s*[、.．]\s*\S")),
    (1, re.compile(r"^\s*第[一二三四五六七八九十]{1,3}[部章]分?\s*\S")),
    (2, re.compile(r"^\s*[（(][一二三四五六七八九十]{1,3}[)）]\s*\S")),
    (3, re.compile(r"^\s*\d{1,2}\s*[、.．]\s*\D")),
    (4, re.compile(r"^\s*[（(]\d{1,2}[)）]\s*\S")),
]
_TITLE = re.compile(r"(表|情况表|明细表|评分表)\s*([（(]续[)）])?\s*$")
_ENDERS = re.compile(r"^\s*(备注|注[:：])")


def heading_level(text: str) -> int | None:
    """Numbering level of a short heading line, None for ordinary prose."""
    t = clean(text)
    if not t or len(t) > 40 or "\n" in t:
        return None
    body = t.rstrip("。.")
    for level, pat in _HEADING:
        if pat.match(t):
            # a numbered line with a sentence inside is prose, except short 一、/（一） headings with a comma
            if re.search(r"[。；;]", body) or ("，" in body and (level > 2 or len(t) > 32)):
                return None
            return level
    return None


def is_title(text: str) -> bool:
    """A table or form title line such as `2. …专项资金绩效目标表` or `…评分表（续）`."""
    t = clean(text)
    return bool(t) and len(t) <= 80 and "\n" not in t and bool(_TITLE.search(t)) and "。" not in t


def decode_bytes(data: bytes) -> tuple[str, str, list[str]]:
    """Decode published text: BOMs first, then strict UTF-8, then charset-normalizer.

    Returns (text, encoding, warnings).
    """
    warnings: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig", warnings
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16", warnings
    try:
        text = data.decode("utf-8")
        if _mostly_chinese(text) or not _gb_reading(data):
            return text, "utf-8", warnings
        return _gb_reading(data), "gb18030", warnings  # valid UTF-8 by accident (一 = Cyrillic һ), Chinese in GBK
    except UnicodeDecodeError:
        pass
    if _looks_utf16(data):
        enc = "utf-16-le" if data[1:200:2].count(0) > data[0:200:2].count(0) else "utf-16-be"
        return data.decode(enc, errors="replace"), enc, warnings
    try:  # the common case for Chinese files: GBK/GB18030, accepted when it reads as Chinese
        text = data.decode("gb18030")
        if _mostly_chinese(text):
            return text, "gb18030", warnings
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:2_000_000]).best()
    enc = best.encoding if best is not None else "gb18030"
    if enc in ("gb2312", "gbk", "hz", "cp936"):
        enc = "gb18030"  # superset: never lose a character GBK files use
    text = data.decode(enc, errors="replace")
    bad = text.count("\ufffd")
    if bad:
        warnings.append(f"{bad} undecodable bytes replaced (read as {enc})")
    return text, enc, warnings


def _gb_reading(data: bytes) -> str:
    """The bytes read as GB18030 when that gives Chinese text, else ""."""
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return ""
    return text if _mostly_chinese(text) and any(ord(c) > 127 for c in text) else ""


_CHINESE_CHARS = re.compile("[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef“”‘’…—·《》]")


def _mostly_chinese(text: str) -> bool:
    """Nine in ten non-ASCII characters are CJK ideographs, CJK punctuation or full-width forms.

    Counted by C-level calls (encode, findall): a per-character loop cost 60 ms on a 1 MB page."""
    wide = len(text) - len(text.encode("ascii", "ignore"))
    if not wide:
        return True
    return len(_CHINESE_CHARS.findall(text)) >= 0.9 * wide


def _looks_utf16(data: bytes) -> bool:
    head = data[:400]
    return len(head) >= 4 and head.count(0) >= len(head) // 4


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
    if b"\x00" in data[:4096] and not _looks_utf16(data) and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
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
