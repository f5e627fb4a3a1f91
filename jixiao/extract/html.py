"""HTML and MHT, including the ones WPS and Word save under a .doc or .xls name.

An MHT file is a MIME message: its text/html part is taken, decoded from
quoted-printable or base64 in its declared charset (GB2312/GBK read as GB18030). Tables
keep rowspan/colspan; p, div, li and h1-h6 become paragraphs (h1-h6 as headings).
"""

from __future__ import annotations

import email
import email.policy
import re
from pathlib import Path

from lxml import etree

from jixiao.extract.base import ExtractionError, ExtractOptions
from jixiao.extract.encoding import decode_bytes
from jixiao.extract.outline import heading_level
from jixiao.model import Cell, Document, Paragraph, Table
from jixiao.text import clean

BLOCK_TAGS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "td", "th"}


def html_text(data: bytes) -> str:
    """The HTML of an .html file or of the text/html part of an .mht file, as text."""
    head = data[:4000].lower()
    if b"mime-version:" in head or b"content-type: multipart" in head:
        msg = email.message_from_bytes(data, policy=email.policy.compat32)
        for part in msg.walk():
            if part.get_content_type() == "text/html":
                payload = part.get_payload(decode=True) or b""
                charset = (part.get_content_charset() or "").lower()
                if charset in ("gb2312", "gbk", "gb18030", "cp936"):
                    return payload.decode("gb18030", errors="replace")
                if charset:
                    try:
                        return payload.decode(charset, errors="replace")
                    except LookupError:
                        pass
                return decode_bytes(payload)[0]
        raise ExtractionError("MHT file without an HTML part")
    m = re.search(rb"charset=[\"']?([\w-]+)", head)
    if m and m.group(1).lower() in (b"gb2312", b"gbk", b"gb18030"):
        return data.decode("gb18030", errors="replace")
    return decode_bytes(data)[0]


_SPACE = re.compile(r"[ \t\r\n\f]+")


def _text(el: etree._Element) -> str:
    """Rendered text: source white space collapses to one space (as a browser shows it),
    <br> and block boundaries (p, div, li) are line breaks."""
    parts: list[str] = []

    def add(text: str | None, pre: bool) -> None:
        if text:
            parts.append(text if pre else _SPACE.sub(" ", text))

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


def _table(tbl: etree._Element) -> Table:
    cells: list[Cell] = []
    taken: set[tuple[int, int]] = set()
    rows = [tr for tr in tbl.iter("tr") if _owner(tr) is tbl]
    n_cols = 0
    for r, tr in enumerate(rows):
        c = 0
        for td in tr:
            if td.tag not in ("td", "th"):
                continue
            while (r, c) in taken:
                c += 1
            rs = max(1, int(re.sub(r"\D", "", td.get("rowspan", "1")) or 1))
            cs = max(1, int(re.sub(r"\D", "", td.get("colspan", "1")) or 1))
            rs = min(rs, len(rows) - r)
            cells.append(Cell(row=r, col=c, text=_text(td), rowspan=rs, colspan=cs))
            for rr in range(r, r + rs):
                for cc in range(c, c + cs):
                    taken.add((rr, cc))
            c += cs
        n_cols = max(n_cols, c)
    return Table(cells=cells, n_rows=len(rows), n_cols=n_cols)


def _drop(el: etree._Element) -> None:
    """Remove an element and its content, keeping the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _owner(tr: etree._Element) -> etree._Element | None:
    for a in tr.iterancestors():
        if a.tag == "table":
            return a
    return None


def extract(path: Path, options: ExtractOptions) -> Document:
    """Read HTML/MHT into the document model."""
    text = html_text(path.read_bytes())
    if not text.strip():
        raise ExtractionError("the HTML file is empty")
    try:
        # plain lxml elements: lxml.html's element classes cost a Python lookup per node
        root = etree.fromstring(text, etree.HTMLParser(remove_comments=True, remove_pis=True))
    except (etree.ParserError, ValueError) as e:
        raise ExtractionError(f"cannot parse HTML: {e}") from e
    if root is None:
        raise ExtractionError("the HTML file holds no elements")
    for bad in list(root.iter("script", "style", "head")):
        _drop(bad)
    blocks: list = []
    for el in root.iter():
        if el.tag == "table":
            if any(a.tag == "table" for a in el.iterancestors()):
                continue
            t = _table(el)
            if t.cells:
                if blocks and isinstance(blocks[-1], Paragraph) and len(blocks[-1].text) <= 80:
                    t.title = blocks[-1].text
                blocks.append(t)
            # nested tables follow the table holding them (their text also stays in its cell)
            blocks.extend(n for n in (_table(inner) for inner in el.iter("table") if inner is not el) if n.cells)
        elif el.tag in BLOCK_TAGS - {"td", "th"} and not any(a.tag in ("table", "p", "li") for a in el.iterancestors()):
            if el.tag == "div" and any(ch.tag in ("p", "div", "table", "li") for ch in el):
                continue
            t = _text(el)
            if t:
                level = int(el.tag[1]) if re.fullmatch(r"h[1-6]", el.tag) else heading_level(t)
                blocks.append(Paragraph(text=t, heading_level=level))
    return Document(blocks=blocks, source_format="html")
