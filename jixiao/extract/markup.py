"""Tables written as markup inside text: HTML `<table>` elements and Markdown pipe tables.

PDF-to-Markdown converters (MinerU, pandoc, marker) write the prose as Markdown and every
table as inline HTML with rowspan/colspan, one `<table>` a line or spread over several
lines (cells hold raw line breaks); pandoc and hand-written Markdown use pipe tables. Such
tables can occur anywhere in a text file, so the file's first line decides nothing: the
text is cut into prose runs and tables, each table keeping the line it starts on and
every cell the line its text starts on (1-based, for a `L123` source reference).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from jixiao.model import Cell, Table
from jixiao.text import clean

_SPACE = re.compile(r"[ \t\r\n\f]+")
_INLINE_SPACE = re.compile(r"[ \t\f]+")


def element_text(el: etree._Element, keep_newlines: bool = False) -> str:
    """Rendered text of an element: <br> and block boundaries (p, div, li) are line breaks.

    Source white space collapses to one space as a browser shows it; with ``keep_newlines``
    (tables inside Markdown, where a raw line break in a cell is the PDF's line wrap) a
    source line break stays a line break, as in the text and Word readers' cells."""
    parts: list[str] = []
    space = _INLINE_SPACE if keep_newlines else _SPACE

    def add(text: str | None, pre: bool) -> None:
        if text:
            parts.append(text if pre else space.sub(" ", text))

    def walk(node: etree._Element, pre: bool) -> None:
        if not isinstance(node.tag, str) or node.tag in ("script", "style"):
            return
        pre = pre or node.tag == "pre"
        block = node is not el and node.tag in ("p", "div", "li", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6")
        if node.tag == "br" or (block and parts and not parts[-1].endswith("\n")):
            parts.append("\n")
        elif node is not el and node.tag in ("td", "th") and parts and not parts[-1].endswith(("\n", " ")):
            parts.append(" ")  # cells of a nested table's row, as the .docx reader joins them
        add(node.text, pre)
        for child in node:
            walk(child, pre)
            add(child.tail, pre)
        if block:
            parts.append("\n")

    walk(el, False)
    return clean("\n".join(line.strip() for line in "".join(parts).split("\n")))


def _span(value: str | None) -> int:
    return max(1, int(re.sub(r"\D", "", value or "1")[:4] or 1))


def owner_table(tr: etree._Element) -> etree._Element | None:
    """The nearest <table> holding a row (a nested table's rows are not the outer table's)."""
    for a in tr.iterancestors():
        if a.tag == "table":
            return a
    return None


def element_table(tbl: etree._Element, keep_newlines: bool = False, line0: int | None = None) -> Table:
    """A <table> element as a grid with true spans; ``line0`` is the text line the element's
    source starts on, giving each cell its line."""
    cells: list[Cell] = []
    taken: set[tuple[int, int]] = set()
    rows = [tr for tr in tbl.iter("tr") if owner_table(tr) is tbl]
    n_cols = 0
    base = tbl.sourceline or 1
    for r, tr in enumerate(rows):
        c = 0
        for td in tr:
            if td.tag not in ("td", "th"):
                continue
            while (r, c) in taken:
                c += 1
            rs = min(_span(td.get("rowspan")), len(rows) - r)
            cs = _span(td.get("colspan"))
            line = None if line0 is None or td.sourceline is None else line0 + td.sourceline - base
            cells.append(Cell(row=r, col=c, text=element_text(td, keep_newlines), rowspan=rs, colspan=cs, line=line))
            for rr in range(r, r + rs):
                for cc in range(c, c + cs):
                    taken.add((rr, cc))
            c += cs
        n_cols = max(n_cols, c)
    return Table(cells=cells, n_rows=len(rows), n_cols=n_cols, line=line0)


@dataclass
class Segment:
    """A run of prose lines (``text``) or one table, starting on text line ``line`` (1-based)."""

    line: int
    text: str = ""
    table: Table | None = None


_TABLE_TAG = re.compile(r"<(/?)table\b[^>]*>", re.I)


def _html_tables(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the outermost <table>…</table> elements (nested ones stay inside)."""
    spans: list[tuple[int, int]] = []
    depth, start = 0, 0
    for m in _TABLE_TAG.finditer(text):
        if not m.group(1):
            if depth == 0:
                start = m.start()
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                spans.append((start, m.end()))
    if depth:  # an unclosed table runs to the end of the text (a truncated file)
        spans.append((start, len(text)))
    return spans


def _parse_html_table(fragment: str, line0: int) -> Table | None:
    try:
        root = etree.fromstring(fragment, etree.HTMLParser(remove_comments=True, remove_pis=True))
    except (etree.ParserError, ValueError):
        return None
    tbl = None if root is None else next(root.iter("table"), None)
    if tbl is None:
        return None
    table = element_table(tbl, keep_newlines=True, line0=line0)
    return table if table.cells else None


_DELIM_CELL = re.compile(r"^\s*:?-{2,}:?\s*$")


def split_pipe_row(line: str) -> list[str]:
    """Cells of a Markdown pipe-table row: outer pipes dropped, `\\|` kept as a pipe."""
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    return [c.replace("\\|", "|").strip() for c in re.split(r"(?<!\\)\|", s)]


def is_delimiter_row(line: str) -> bool:
    """`| --- | :---: |`: the line under a pipe table's header."""
    if "-" not in line or ("|" not in line and not line.strip().startswith("-")):
        return False
    cells = split_pipe_row(line)
    return len(cells) >= 1 and "|" in line and all(_DELIM_CELL.match(c) for c in cells)


def _pipe_cell_text(text: str) -> str:
    return clean(re.sub(r"<br\s*/?>", "\n", text, flags=re.I))


def _pipe_table(lines: list[str], line0: int) -> Table:
    header = split_pipe_row(lines[0])
    width = len(header)
    cells: list[Cell] = []
    rows = [header] + [split_pipe_row(ln) for ln in lines[2:]]
    numbers = [line0] + list(range(line0 + 2, line0 + len(lines)))
    for r, (row, line) in enumerate(zip(rows, numbers, strict=True)):
        row = (row + [""] * width)[:width]  # GFM: extra cells dropped, missing ones empty
        cells.extend(Cell(row=r, col=c, text=_pipe_cell_text(t), line=line) for c, t in enumerate(row))
    return Table(cells=cells, n_rows=len(rows), n_cols=width, line=line0)


def _pipe_segments(text: str, line0: int) -> list[Segment]:
    """Prose lines with GFM pipe tables (header row, delimiter row, body rows) cut out."""
    lines = text.split("\n")
    out: list[Segment] = []
    prose_start, i = 0, 0
    while i < len(lines):
        ln = lines[i]
        if ("|" in ln and i + 1 < len(lines) and is_delimiter_row(lines[i + 1])
                and len(split_pipe_row(ln)) == len(split_pipe_row(lines[i + 1]))):
            j = i + 2
            while j < len(lines) and "|" in lines[j] and lines[j].strip():
                j += 1
            if i > prose_start:
                out.append(Segment(line=line0 + prose_start, text="\n".join(lines[prose_start:i])))
            out.append(Segment(line=line0 + i, table=_pipe_table(lines[i:j], line0 + i)))
            prose_start = i = j
            continue
        i += 1
    if prose_start < len(lines):
        out.append(Segment(line=line0 + prose_start, text="\n".join(lines[prose_start:])))
    return out


def markup_segments(text: str) -> list[Segment]:
    """Cut text (line breaks already `\\n`) into prose runs and markup tables, in reading order.

    Text before a `<table>` on its line and after `</table>` on its line is prose of its own."""
    if "<" not in text and "|" not in text:
        return [Segment(line=1, text=text)]
    out: list[Segment] = []
    pos, line = 0, 1  # line: the text line `pos` is on (counted as we go: no quadratic recount)
    for start, end in _html_tables(text) if "<" in text else []:
        start_line = line + text.count("\n", pos, start)
        table = _parse_html_table(text[start:end], start_line)
        if table is None:
            continue
        if start > pos:
            out.extend(_pipe_segments(text[pos:start], line))
        out.append(Segment(line=start_line, table=table))
        line = start_line + text.count("\n", start, end)
        pos = end
    if pos < len(text) or not out:
        out.extend(_pipe_segments(text[pos:], line))
    return out


_ATX = re.compile(r"^\s{0,3}#{1,6}\s+\S", re.M)
_DELIM_LINE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)+\|?\s*$", re.M)


def looks_like_markdown(text: str) -> bool:
    """Markdown by its marks: inline `<table>`s between prose lines, a pipe table's delimiter
    row, or `#` headings."""
    return bool(_TABLE_TAG.search(text) or _DELIM_LINE.search(text) or len(_ATX.findall(text, 0, 200_000)) >= 2)
