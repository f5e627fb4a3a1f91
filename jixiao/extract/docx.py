"""Word .docx: body paragraphs and tables in order, tables with their true spans.

The XML is read directly (python-docx hides vMerge and gridBefore): w:gridSpan gives
column spans, w:vMerge restart/continue gives row spans, w:gridBefore/w:gridAfter leave
grid columns without a cell. Text comes from every w:t in a paragraph, so runs inside
hyperlinks, fields (w:fldSimple) and content controls (w:sdt) are all kept; list labels
Word draws from numbering.xml (一、 1.) are put back in front. Nested tables are emitted
as their own Table right after the table holding them.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from jixiao.extract.base import ExtractOptions
from jixiao.extract.docx_numbering import Numbering
from jixiao.extract.office_common import open_office_zip, read_xml
from jixiao.extract.txt import heading_level
from jixiao.model import Cell, Document, Paragraph, Table
from jixiao.normalize.text import clean

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


def _q(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _val(el: etree._Element | None, default: str | None = None) -> str | None:
    if el is None:
        return default
    return el.get(_q("val"), default)


MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
SKIP = {_q("delText"), _q("instrText"), MC_FALLBACK}  # deleted text, field codes, duplicate fallbacks


def paragraph_text(p: etree._Element) -> str:
    """Text of a w:p: every w:t, tabs as spaces, breaks as new lines.

    A text box is stored twice (mc:Choice and its VML mc:Fallback); only the first counts.
    """
    parts: list[str] = []

    def walk(el: etree._Element) -> None:
        for child in el:
            tag = child.tag
            if tag in SKIP:
                continue
            if tag == _q("t"):
                parts.append(child.text or "")
            elif tag == _q("tab"):
                parts.append(" ")
            elif tag in (_q("br"), _q("cr")):
                parts.append("\n")
            else:
                walk(child)

    walk(p)
    return "".join(parts)


def _style_levels(root: etree._Element | None) -> dict[str, int]:
    """styleId -> heading level from styles.xml (Heading 1 / 标题 1 / outline level)."""
    levels: dict[str, int] = {}
    if root is None:
        return levels
    for st in root.iter(_q("style")):
        sid = st.get(_q("styleId")) or ""
        name = _val(st.find("w:name", NS), "") or ""
        m = re.match(r"(?i)^(heading|标题)\s*(\d)$", name.strip())
        outline = st.find("w:pPr/w:outlineLvl", NS)
        if m:
            levels[sid] = int(m.group(2))
        elif outline is not None and (_val(outline) or "").isdigit() and int(_val(outline)) < 9:
            levels[sid] = int(_val(outline)) + 1
    return levels


class _Reader:
    def __init__(self, levels: dict[str, int], numbering: Numbering):
        self.levels = levels
        self.numbering = numbering
        self.blocks: list = []

    def text(self, p: etree._Element) -> str:
        """A paragraph's text with its list label (一、 1. ...) in front, as Word shows it."""
        label = self.numbering.label(p)  # Word counts an empty numbered paragraph too
        body = paragraph_text(p)
        return label + body if body.strip() else body

    def body(self, parent: etree._Element) -> None:
        for child in parent:
            if child.tag == _q("p"):
                self.paragraph(child)
            elif child.tag == _q("tbl"):
                self.table(child)
            elif child.tag == _q("sdt"):
                content = child.find("w:sdtContent", NS)
                if content is not None:
                    self.body(content)

    def paragraph(self, p: etree._Element) -> None:
        text = clean(self.text(p))
        if not text:
            return
        style = _val(p.find("w:pPr/w:pStyle", NS))
        outline = _val(p.find("w:pPr/w:outlineLvl", NS))
        level = self.levels.get(style or "")
        if level is None and outline and outline.isdigit() and int(outline) < 9:
            level = int(outline) + 1
        if level is None:
            level = heading_level(text)
        self.blocks.append(Paragraph(text=text, heading_level=level))

    def table(self, tbl: etree._Element) -> None:
        cells: list[Cell] = []
        nested: list[etree._Element] = []
        open_at: dict[int, Cell] = {}  # grid column -> cell a vMerge may continue
        n_cols = 0
        rows = [tr for tr in tbl if tr.tag == _q("tr")]
        for r, tr in enumerate(rows):
            col = int(_val(tr.find("w:trPr/w:gridBefore", NS), "0") or 0)
            for tc in _row_cells(tr):
                pr = tc.find("w:tcPr", NS)
                span = int(_val(pr.find("w:gridSpan", NS), "1") or 1) if pr is not None else 1
                vm = pr.find("w:vMerge", NS) if pr is not None else None
                if vm is not None and _val(vm, "continue") != "restart" and col in open_at:
                    open_at[col].rowspan = r - open_at[col].row + 1
                else:
                    cell = Cell(row=r, col=col, text=self.cell_text(tc, nested), colspan=span)
                    cells.append(cell)
                    for k in range(col, col + span):
                        open_at.pop(k, None)
                    open_at[col] = cell
                col += span
            col += int(_val(tr.find("w:trPr/w:gridAfter", NS), "0") or 0)
            n_cols = max(n_cols, col)
        if cells:
            self.blocks.append(Table(cells=cells, n_rows=len(rows), n_cols=n_cols, title=self._title()))
        for inner in nested:
            self.table(inner)

    def cell_text(self, tc: etree._Element, nested: list) -> str:
        """Paragraphs of a cell joined by new lines; a nested table adds its rows' text."""
        lines: list[str] = []
        for child in _flatten_sdt(tc):
            if child.tag == _q("p"):
                lines.append(self.text(child))
            elif child.tag == _q("tbl"):
                nested.append(child)
                for tr in child.iter(_q("tr")):
                    lines.append(" ".join(clean(paragraph_text(p)) for p in tr.iter(_q("p"))).strip())
        return clean("\n".join(lines))

    def _title(self) -> str:
        if self.blocks and isinstance(self.blocks[-1], Paragraph) and len(self.blocks[-1].text) <= 80:
            return self.blocks[-1].text
        return ""


def _flatten_sdt(parent: etree._Element) -> list[etree._Element]:
    out = []
    for child in parent:
        if child.tag == _q("sdt"):
            content = child.find("w:sdtContent", NS)
            if content is not None:
                out.extend(_flatten_sdt(content))
        else:
            out.append(child)
    return out


def _row_cells(tr: etree._Element) -> list[etree._Element]:
    """w:tc of a row, including cells wrapped in content controls."""
    out = []
    for child in tr:
        if child.tag == _q("tc"):
            out.append(child)
        elif child.tag == _q("sdt"):
            content = child.find("w:sdtContent", NS)
            if content is not None:
                out.extend(c for c in content if c.tag == _q("tc"))
    return out


def extract(path: Path, options: ExtractOptions) -> Document:
    """Read a .docx into the document model."""
    with open_office_zip(path, options, "Word") as z:
        root = read_xml(z, "word/document.xml", "Word")
        if root is None:
            from jixiao.extract.base import ExtractionError

            raise ExtractionError("not a Word document: the zip has no word/document.xml")
        styles = read_xml(z, "word/styles.xml", "Word")
        reader = _Reader(_style_levels(styles), Numbering.read(read_xml(z, "word/numbering.xml", "Word"), styles))
        body = root.find("w:body", NS)
        if body is not None:
            reader.body(body)
    return Document(blocks=reader.blocks, source_format="docx")
