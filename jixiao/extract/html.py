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
from jixiao.extract.encoding import decode_bytes, drop_zero_runs
from jixiao.extract.fragments import continues, join_tables
from jixiao.extract.markup import element_table, element_text
from jixiao.extract.outline import heading_level
from jixiao.model import Document, Paragraph, Table

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


def extract(path: Path, options: ExtractOptions) -> Document:
    """Read HTML/MHT into the document model."""
    data, damage = drop_zero_runs(path.read_bytes())
    text = html_text(data)
    damage += html_damage(text)
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
            t = element_table(el, line0=el.sourceline)  # cells keep their source line (L123 refs)
            if t.cells:
                if _follows_table(el) and blocks and isinstance(blocks[-1], Table) and continues(blocks[-1], t):
                    blocks[-1] = join_tables(blocks[-1], t)  # one table cut by a page (HTML written from a PDF)
                else:
                    if blocks and isinstance(blocks[-1], Paragraph) and len(blocks[-1].text) <= 80:
                        t.title = blocks[-1].text
                    blocks.append(t)
            # nested tables follow the table holding them (their text also stays in its cell)
            blocks.extend(n for n in (element_table(inner, line0=inner.sourceline) for inner in el.iter("table") if inner is not el) if n.cells)
        elif el.tag in BLOCK_TAGS - {"td", "th"} and not any(a.tag in ("table", "p", "li") for a in el.iterancestors()):
            if el.tag == "div" and any(ch.tag in ("p", "div", "table", "li") for ch in el):
                continue
            t = element_text(el)
            if t:
                level = int(el.tag[1]) if re.fullmatch(r"h[1-6]", el.tag) else heading_level(t)
                blocks.append(Paragraph(text=t, heading_level=level, line=el.sourceline))
    return Document(blocks=blocks, source_format="html", warnings=damage, partial=bool(damage))


def html_damage(text: str) -> list[str]:
    """Bytes that are no characters, and a page cut off before its end (no `</html>`)."""
    out = []
    bad = text.count("\ufffd")
    if bad:
        line = text.count("\n", 0, text.find("\ufffd")) + 1
        out.append(f"the web page is damaged: {bad} byte{'s' if bad > 1 else ''} from line {line} on are not text "
                   "and were replaced by \ufffd")
    low = text.lower()
    if "<html" in low[:8192] and "</html>" not in low[-8192:]:
        out.append("the web page is cut off (it does not end with </html>, as after an interrupted download): "
                   "the end of the document is missing")
    return out


def _follows_table(el: etree._Element) -> bool:
    """The element comes right after a table without nested tables, with only white space between."""
    prev = el.getprevious()
    return (prev is not None and prev.tag == "table" and not (prev.tail or "").strip()
            and next(prev.iter("table"), None) is prev and len(list(prev.iter("table"))) == 1)
