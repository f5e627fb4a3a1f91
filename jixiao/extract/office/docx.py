"""Word .docx: body paragraphs and tables in order, tables with their true spans.

The XML is read directly (python-docx hides vMerge and gridBefore): w:gridSpan gives
column spans, w:vMerge restart/continue gives row spans, w:gridBefore/w:gridAfter leave
grid columns without a cell. Text comes from every w:t in a paragraph, so runs inside
hyperlinks, fields (w:fldSimple) and content controls (w:sdt) are all kept; list labels
Word draws from numbering.xml (一、 1.) are put back in front. Nested tables are emitted
as their own Table right after the table holding them.

Positions: a cell's ref is `t2 r5 c4` (the body's second table, its fifth w:tr, fourth grid
column; what python-docx's `document.tables[1].cell(4, 3)` opens); a nested table's cells
carry the ref of the cell holding it. A paragraph's ref is `para12`, its place among the
body's paragraphs.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import replace
from pathlib import Path

from lxml import etree

from jixiao.extract.base import ExtractOptions
from jixiao.extract.office.container import open_office_zip, read_xml
from jixiao.extract.office.numbering import Numbering
from jixiao.extract.outline import heading_level
from jixiao.model import Cell, Document, Paragraph, Table, word_ref
from jixiao.text import clean

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


def _q(tag: str) -> str:
    return f"{{{W}}}{tag}"


# Clark-notation tag names, computed once (lxml compares tags as strings)
TAG_body = _q("body")
TAG_br = _q("br")
TAG_cr = _q("cr")
TAG_delText = _q("delText")
TAG_gridAfter = _q("gridAfter")
TAG_gridBefore = _q("gridBefore")
TAG_gridSpan = _q("gridSpan")
TAG_instrText = _q("instrText")
TAG_name = _q("name")
TAG_outlineLvl = _q("outlineLvl")
TAG_p = _q("p")
TAG_pPr = _q("pPr")
TAG_pStyle = _q("pStyle")
TAG_sdt = _q("sdt")
TAG_sdtContent = _q("sdtContent")
TAG_style = _q("style")
TAG_styleId = _q("styleId")
TAG_t = _q("t")
TAG_tab = _q("tab")
TAG_tbl = _q("tbl")
TAG_tc = _q("tc")
TAG_tcPr = _q("tcPr")
TAG_tr = _q("tr")
TAG_trPr = _q("trPr")
TAG_vMerge = _q("vMerge")
TAG_val = _q("val")


def _val(el: etree._Element | None, default: str | None = None) -> str | None:
    if el is None:
        return default
    return el.get(TAG_val, default)


MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
SKIP = {TAG_delText, TAG_instrText, MC_FALLBACK}  # deleted text, field codes, duplicate fallbacks


def paragraph_text(p: etree._Element, fallbacks: bool = True) -> str:
    """Text of a w:p: every w:t, tabs as spaces, breaks as new lines.

    A text box is stored twice (mc:Choice and its VML mc:Fallback); only the first counts.
    Deleted text and field codes have tags of their own (w:delText, w:instrText), so
    without a fallback (``fallbacks=False``: the document has none) a flat lxml iteration
    over the four text tags is enough.
    """
    if not fallbacks or p.find(f".//{MC_FALLBACK}") is None:
        return "".join(_PIECE.get(el.tag, el.text or "") for el in p.iter(TAG_t, TAG_tab, TAG_br, TAG_cr))
    parts: list[str] = []

    def walk(el: etree._Element) -> None:
        for child in el:
            tag = child.tag
            if tag in SKIP:
                continue
            if tag == TAG_t:
                parts.append(child.text or "")
            elif tag in _PIECE:
                parts.append(_PIECE[tag])
            else:
                walk(child)

    walk(p)
    return "".join(parts)


_PIECE = {TAG_tab: " ", TAG_br: "\n", TAG_cr: "\n"}


def _style_levels(root: etree._Element | None) -> dict[str, int]:
    """styleId -> heading level from styles.xml (Heading 1 / 标题 1 / outline level)."""
    levels: dict[str, int] = {}
    if root is None:
        return levels
    for st in root.iter(TAG_style):
        sid = st.get(TAG_styleId) or ""
        name = _val(st.find(TAG_name), "") or ""
        m = re.match(r"(?i)^(heading|标题)\s*(\d)$", name.strip())
        outline = st.find(f"{TAG_pPr}/{TAG_outlineLvl}")
        if m:
            levels[sid] = int(m.group(2))
        elif outline is not None and (_val(outline) or "").isdigit() and int(_val(outline)) < 9:
            levels[sid] = int(_val(outline)) + 1
    return levels


class _Reader:
    def __init__(self, levels: dict[str, int], numbering: Numbering, fallbacks: bool = True):
        self.levels = levels
        self.numbering = numbering
        self.fallbacks = fallbacks  # the document has mc:Fallback copies somewhere
        self.blocks: list = []
        self.n_tables = 0  # body tables so far (nested ones are not counted: python-docx does not)
        self.n_paragraphs = 0

    def text(self, p: etree._Element) -> str:
        """A paragraph's text with its list label (一、 1. ...) in front, as Word shows it."""
        label = self.numbering.label(p)  # Word counts an empty numbered paragraph too
        body = paragraph_text(p, self.fallbacks)
        return label + body if body.strip() else body

    def body(self, parent: etree._Element) -> None:
        for child in parent:
            if child.tag == TAG_p:
                self.paragraph(child)
            elif child.tag == TAG_tbl:
                self.table(child)
            elif child.tag == TAG_sdt:
                content = child.find(TAG_sdtContent)
                if content is not None:
                    self.body(content)

    def paragraph(self, p: etree._Element) -> None:
        self.n_paragraphs += 1
        text = clean(self.text(p))
        if not text:
            return
        ppr = _first(p, TAG_pPr)
        style = _val(ppr.find(TAG_pStyle)) if ppr is not None else None
        outline = _val(ppr.find(TAG_outlineLvl)) if ppr is not None else None
        level = self.levels.get(style or "")
        if level is None and outline and outline.isdigit() and int(outline) < 9:
            level = int(outline) + 1
        if level is None:
            level = heading_level(text)
        self.blocks.append(Paragraph(text=text, heading_level=level, ref=f"para{self.n_paragraphs}"))

    def table(self, tbl: etree._Element, host: str | None = None) -> None:
        """A w:tbl; `host` is the ref of the cell a nested table sits in."""
        if host is None:
            self.n_tables += 1
        cells: list[Cell] = []
        nested: list[etree._Element] = []
        hosts: list[str | None] = []
        n_nested = 0
        open_at: dict[int, Cell] = {}  # grid column -> cell a vMerge may continue
        n_cols = 0
        rows = [tr for tr in tbl if tr.tag == TAG_tr]
        for r, tr in enumerate(rows):
            trpr = tr.find(TAG_trPr)  # not always first: w:tblPrEx may precede it
            col = _grid_skip(trpr, TAG_gridBefore)
            for tc in _row_cells(tr):
                span, vm = _cell_props(_first(tc, TAG_tcPr))
                if vm is not None and _val(vm, "continue") != "restart" and col in open_at:
                    open_at[col].rowspan = r - open_at[col].row + 1
                else:
                    cell = Cell(row=r, col=col, text=self.cell_text(tc, nested), colspan=span,
                                ref=host or word_ref(self.n_tables, r + 1, col + 1))
                    if len(nested) > n_nested:
                        hosts.extend([cell.ref] * (len(nested) - n_nested))
                        n_nested = len(nested)
                    cells.append(cell)
                    for k in range(col, col + span):
                        open_at.pop(k, None)
                    open_at[col] = cell
                col += span
            col += _grid_skip(trpr, TAG_gridAfter)
            n_cols = max(n_cols, col)
        if cells:
            self.blocks.append(Table(cells=cells, n_rows=len(rows), n_cols=n_cols, title=self._title()))
        for inner, where in zip(nested, hosts, strict=False):
            self.table(inner, where)

    def cell_text(self, tc: etree._Element, nested: list) -> str:
        """Paragraphs of a cell joined by new lines; a nested table adds its rows' text."""
        lines: list[str] = []
        for child in _flatten_sdt(tc):
            if child.tag == TAG_p:
                lines.append(self.text(child))
            elif child.tag == TAG_tbl:
                nested.append(child)
                for tr in child.iter(TAG_tr):
                    lines.append(" ".join(clean(paragraph_text(p, self.fallbacks)) for p in tr.iter(TAG_p)).strip())
        return clean("\n".join(lines))

    def _title(self) -> str:
        if self.blocks and isinstance(self.blocks[-1], Paragraph) and len(self.blocks[-1].text) <= 80:
            return self.blocks[-1].text
        return ""


def _first(el: etree._Element, tag: str) -> etree._Element | None:
    """The properties child (w:pPr, w:tcPr), which the schema puts first: no search needed."""
    return el[0] if len(el) and el[0].tag == tag else None


def _cell_props(pr: etree._Element | None) -> tuple[int, etree._Element | None]:
    """(w:gridSpan, the w:vMerge element) of a cell, read in one pass over w:tcPr."""
    span, vmerge = 1, None
    if pr is not None:
        for child in pr:
            if child.tag == TAG_gridSpan:
                span = int(_val(child, "1") or 1)
            elif child.tag == TAG_vMerge:
                vmerge = child
    return span, vmerge


def _grid_skip(trpr: etree._Element | None, tag: str) -> int:
    """w:gridBefore / w:gridAfter of a row: grid columns left without a cell."""
    if trpr is None:
        return 0
    return int(_val(trpr.find(tag), "0") or 0)


def _flatten_sdt(parent: etree._Element) -> list[etree._Element]:
    out = []
    for child in parent:
        if child.tag == TAG_sdt:
            content = child.find(TAG_sdtContent)
            if content is not None:
                out.extend(_flatten_sdt(content))
        else:
            out.append(child)
    return out


def _row_cells(tr: etree._Element) -> list[etree._Element]:
    """w:tc of a row, including cells wrapped in content controls."""
    out = []
    for child in tr:
        if child.tag == TAG_tc:
            out.append(child)
        elif child.tag == TAG_sdt:
            content = child.find(TAG_sdtContent)
            if content is not None:
                out.extend(c for c in content if c.tag == TAG_tc)
    return out


def extract(path: Path, options: ExtractOptions) -> Document:
    """Read a .docx into the document model."""
    with open_office_zip(path, options, "Word") as z:
        root = read_xml(z, "word/document.xml", "Word")
        if root is None:
            from jixiao.extract.base import ExtractionError

            raise ExtractionError("not a Word document: the zip has no word/document.xml")
        levels, numbering = _definitions(z)
        reader = _Reader(levels, numbering, fallbacks=root.find(f".//{MC_FALLBACK}") is not None)
        body = root.find(TAG_body)
        if body is not None:
            reader.body(body)
    return Document(blocks=reader.blocks, source_format="docx")


_DEFINITIONS: dict[tuple, tuple[dict[str, int], Numbering]] = {}


def _definitions(z: zipfile.ZipFile) -> tuple[dict[str, int], Numbering]:
    """Heading levels of the styles and the list definitions, with fresh list counters.

    styles.xml is often larger than the text itself (Word's and python-docx's templates
    carry ~350 KB of latent styles), and documents of one publisher share it: the parsed
    definitions are kept per (CRC, size) of the two parts, so a batch parses each template once.
    """
    key = (_part_key(z, "word/styles.xml"), _part_key(z, "word/numbering.xml"))
    if key not in _DEFINITIONS:
        styles = read_xml(z, "word/styles.xml", "Word")
        numbering = Numbering.read(read_xml(z, "word/numbering.xml", "Word"), styles)
        if len(_DEFINITIONS) >= 64:
            _DEFINITIONS.pop(next(iter(_DEFINITIONS)))
        _DEFINITIONS[key] = (_style_levels(styles), numbering)
    levels, numbering = _DEFINITIONS[key]
    return levels, replace(numbering, counters={})


def _part_key(z: zipfile.ZipFile, name: str) -> tuple[int, int] | None:
    try:
        info = z.getinfo(name)
    except KeyError:
        return None
    return info.CRC, info.file_size
