"""The picture of a finding: the spot in the original file, the observed figure outlined.

A finding's `source_ref` says where its observed figure sits and `related_refs` where the
figures it is compared with sit (SCHEMA.md's notation, `jixiao.model.parse_ref`). For a PDF
(born-digital or scanned) the page is rendered with pypdfium2 and cropped around those boxes:
the observed one outlined red, the related ones blue. For Word, Excel, HTML and text files
the file is read again and the table rows around the cell are shown as a small HTML table
with the same marks (a paragraph is shown as its text). Documents and pages are opened once,
only the band around the marks is rendered, crops written once as OUT/evidence/{finding_id}.png.

The original files are found through OUT/.jixiao/sources.json (written by `jixiao convert`:
each source_path -> the file it was read from) or under a folder given as `source_root`.
"""

from __future__ import annotations

import html
import json
import math
import os
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jixiao.model import Document, Ref, parse_ref

SOURCES = Path(".jixiao") / "sources.json"
SCALE = 2.0  # render at 144 dpi: small print stays legible in the crop
MARGIN_Y = 36.0  # points of context above and below the outlined boxes (the crop is as wide as the page)
OBSERVED, RELATED = (220, 38, 38), (37, 99, 235)
CONTEXT_ROWS = 2  # table rows shown above and below the marked ones


@dataclass
class Picture:
    """What a finding's evidence shows: a PNG crop of a page, or an HTML fragment of the source's rows."""

    image: Path | None = None
    rows: list[Marked] | None = None  # Office/text: the table rows around the cell, marked
    paragraph: str | None = None  # the paragraph a prose figure sits in
    observed: object = None
    page: int | None = None
    note: str = ""  # why there is no picture, or what it shows

    @property
    def html(self) -> str | None:
        if self.rows is not None:
            return table_fragment(self.rows, self.observed)
        if self.paragraph is not None:
            text = self.paragraph if len(self.paragraph) <= 600 else self.paragraph[:600] + "…"
            return f"<blockquote class='ev'>{_number_marked(text, self.observed)}</blockquote>"
        return None

    def text(self) -> str:
        """The evidence for a terminal."""
        if self.rows is not None:
            return table_text(self.rows)
        if self.paragraph is not None:
            return "  " + _number_marked(self.paragraph, self.observed, "»{}«", escape=False)
        return f"  picture: {self.image}" if self.image else (f"  {self.note}" if self.note else "")


def write_sources(out: Path, files: Iterable[tuple[str, Path]]) -> Path:
    """Remember where each converted file came from (source_path -> absolute path), for pictures later."""
    path = Path(out) / SOURCES
    path.parent.mkdir(parents=True, exist_ok=True)
    known = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    known.update({rel: os.path.abspath(p) for rel, p in files})  # abspath: a symlink loop cannot be resolved
    path.write_text(json.dumps(known, ensure_ascii=False, indent=0), encoding="utf-8")
    return path


def finding_refs(finding: dict) -> tuple[str | None, list[str]]:
    """(source_ref, related refs) of a findings row."""
    related = [r.strip() for r in str(finding.get("related_refs") or "").split(";") if r.strip()]
    return (str(finding["source_ref"]) if finding.get("source_ref") else None), related


class EvidenceBuilder:
    """Pictures for the findings of one converted folder; pages and documents are read once."""

    def __init__(self, out: Path, documents: list[dict], source_root: Path | None = None, max_pages: int = 8,
                 sources: dict[str, str] | None = None):
        self.out = Path(out)
        self.docs = {str(d.get("doc_id")): d for d in documents}
        self.source_root = Path(source_root) if source_root else None
        known = self.out / SOURCES
        self.sources: dict[str, str] = dict(sources) if sources else (
            json.loads(known.read_text(encoding="utf-8")) if known.exists() else {})
        self._pages: OrderedDict[tuple[str, int], Any] = OrderedDict()  # open pypdfium2 pages
        self._pdfs: dict[str, Any] = {}  # their open documents
        self._max_pages = max_pages
        self._documents: dict[str, Document | None] = {}
        written = [p.stat().st_mtime for p in (self.out / "findings.parquet", self.out / "findings.csv") if p.exists()]
        self._findings_written = max(written, default=float("inf"))  # pictures older than the findings are redrawn

    def source_of(self, doc_id: str) -> Path | None:
        """The original file of a document, when it can still be found."""
        doc = self.docs.get(str(doc_id)) or {}
        rel = str(doc.get("source_path") or "")
        candidates = []
        if self.source_root is not None and rel:
            candidates.append(self.source_root / rel)
        if rel in self.sources:
            candidates.append(Path(self.sources[rel]))
        return next((p for p in candidates if p.is_file()), None)

    def picture(self, finding: dict, write: bool = True) -> Picture:
        """The evidence of one finding (a PNG under OUT/evidence/ for PDF refs, else an HTML fragment)."""
        source, related = finding_refs(finding)
        if source is None and related:  # a blank figure (MISSING_VALUE): the figures it is computed from
            source, related = related[0], related[1:]
        main = parse_ref(source)
        if main is None:
            return Picture(note="the finding has no source_ref")
        stored = finding.get("context")
        if stored and main.kind != "pdf":  # rows read at conversion: no need to read the file again
            found = json.loads(stored)
            return Picture(rows=found.get("rows"), paragraph=found.get("paragraph"), observed=finding.get("observed"))
        path = self.source_of(str(finding.get("doc_id")))
        if path is None:
            return Picture(note="the original file was not found (convert again, or give the source folder)")
        try:
            if main.kind == "pdf":
                return self._pdf(finding, path, main, [r for r in map(parse_ref, related) if r], write)
            return self._rows(finding, path, source or "", related)
        except Exception as e:  # a moved, changed or unreadable file: the finding still shows, without picture
            return Picture(note=f"no picture: {type(e).__name__}: {e}")

    # --- PDF: a crop of the rendered page -------------------------------------------------------

    def _page(self, path: Path, page: int):
        """The open page (pypdfium2), documents and pages kept open for the findings that follow."""
        key = (str(path), page)
        if key in self._pages:
            self._pages.move_to_end(key)
            return self._pages[key]
        import pypdfium2 as pdfium

        pdf = self._pdfs.get(str(path))
        if pdf is None:
            pdf = self._pdfs[str(path)] = pdfium.PdfDocument(str(path))
        self._pages[key] = pdf[page - 1]
        while len(self._pages) > self._max_pages:
            (old_path, _), old = self._pages.popitem(last=False)
            old.close()
            if not any(p == old_path for p, _ in self._pages):
                self._pdfs.pop(old_path).close()
        return self._pages[key]

    def crop(self, path: Path, main: Ref, related: list[Ref]):
        """The page around the observed box (and related boxes on the same page), outlined.

        Only that band of the page is rendered (a tenth of the page's pixels, same pixels)."""
        from PIL import ImageDraw

        page = self._page(path, main.page)  # type: ignore[arg-type]
        same = [r for r in related if r.kind == "pdf" and r.page == main.page and r.bbox]
        boxes = [main.bbox] + [r.bbox for r in same]
        h = page.get_size()[1]
        x0 = 0.0  # the whole width: the row's label and the column's header stay in view
        y0 = max(0.0, min(b[1] for b in boxes) - MARGIN_Y)
        y1 = min(h, max(b[3] for b in boxes) + MARGIN_Y)
        top, bottom = round(y0 * SCALE), round(y1 * SCALE)  # pixel rows of the band
        full = math.ceil(h * SCALE)
        image = page.render(scale=SCALE, crop=(0, (full - bottom) / SCALE, 0, top / SCALE)).to_pil().convert("RGB")
        draw = ImageDraw.Draw(image)
        for box, colour, width in [(r.bbox, RELATED, 3) for r in same] + [(main.bbox, OBSERVED, 4)]:
            bx = [(box[0] - x0) * SCALE - 2, (box[1] - y0) * SCALE - 2, (box[2] - x0) * SCALE + 2,
                  (box[3] - y0) * SCALE + 2]
            draw.rectangle(bx, outline=colour, width=width)
        return image

    def _pdf(self, finding: dict, path: Path, main: Ref, related: list[Ref], write: bool) -> Picture:
        elsewhere = sorted({r.page for r in related if r.kind == "pdf" and r.page != main.page})
        note = f"related figures also on page {', '.join(map(str, elsewhere))}" if elsewhere else ""
        target = self.out / "evidence" / f"{_safe(finding)}.png"
        if write and target.exists() and target.stat().st_mtime >= self._findings_written:
            return Picture(image=target, page=main.page, note=note)  # drawn for these findings already
        image = self.crop(path, main, related)
        if not write:
            return Picture(page=main.page, note=note)
        target.parent.mkdir(parents=True, exist_ok=True)
        image.quantize(64, method=2).save(target)  # 64 colours (2 = FASTOCTREE): small files, fast
        return Picture(image=target, page=main.page, note=note)

    def pdf_line(self, path: Path, ref: Ref) -> tuple[str, str]:
        """(words inside the box, the whole line across the page at the box's height) from the text layer."""
        import pypdfium2 as pdfium

        from jixiao.extract.pdf.page import read_page

        pdf = pdfium.PdfDocument(str(path))
        try:
            chars = read_page(pdf, ref.page - 1, want_edges=False).chars  # type: ignore[operator]
        finally:
            pdf.close()
        x0, y0, x1, y1 = ref.bbox  # type: ignore[misc]

        def text(inside) -> str:
            picked = sorted((c for c in chars if inside((c.x0 + c.x1) / 2, (c.top + c.bottom) / 2)),
                            key=lambda c: (c.top + c.bottom) / 2)
            lines: list[list] = []
            for c in picked:  # a new line when the centre drops below the line's first glyph
                if lines and (c.top + c.bottom) / 2 <= lines[-1][0].bottom:
                    lines[-1].append(c)
                else:
                    lines.append([c])
            return " / ".join(" ".join("".join(c.text for c in sorted(ln, key=lambda c: c.x0)).split())
                              for ln in lines)

        return text(lambda x, y: x0 <= x <= x1 and y0 <= y <= y1), text(lambda x, y: y0 <= y <= y1)

    # --- Office and text: the rows around the cell -----------------------------------------------

    def _document(self, doc_id: str, path: Path) -> Document | None:
        if doc_id not in self._documents:
            from jixiao.extract.base import ExtractOptions, extract

            self._documents[doc_id] = extract(path, options=ExtractOptions(ocr=False))
        return self._documents[doc_id]

    def _rows(self, finding: dict, path: Path, source: str, related: list[str]) -> Picture:
        document = self._document(str(finding.get("doc_id")), path)
        if document is None:
            return Picture(note="the file could not be read again")
        found = document.context_of(source, related, CONTEXT_ROWS)
        if found is None:
            return Picture(note=f"{source} was not found in the file as read now")
        return Picture(rows=found.get("rows"), paragraph=found.get("paragraph"), observed=finding.get("observed"))


def _safe(finding: dict) -> str:
    fid = str(finding.get("finding_id") or f"{finding.get('doc_id')}-{abs(hash(str(finding))) % 10**8}")
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in fid)


def _number_marked(text: str, observed: object, mark: str = "<mark>{}</mark>", escape: bool = True) -> str:
    """Escaped text with the observed figure highlighted where it is written."""
    import re

    escaped = html.escape(text) if escape else text
    try:
        v = float(observed)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return escaped
    for m in re.finditer(r"-?\d[\d,]*(?:\.\d+)?", escaped):
        try:
            n = float(m.group().replace(",", ""))
        except ValueError:
            continue
        if abs(n - v) <= 1e-6 * max(1.0, abs(v)):
            return escaped[:m.start()] + mark.format(m.group()) + escaped[m.end():]
    return escaped


Marked = list[tuple[str, str]]  # a row of Table.rows_around: (cell text, "obs" / "rel" / "" / "cont"); [] = a gap


def table_fragment(rows: list[Marked], observed: object = None) -> str:
    """rows_around as a small HTML table: the observed cell outlined red, related cells blue."""
    out = ["<table class='ev'>"]
    for row in rows:
        if not row:
            out.append("<tr class='gap'><td colspan='99'>⋯</td></tr>")
            continue
        cells = []
        for text, kind in row:
            body = _number_marked(text, observed) if kind == "obs" else html.escape(text)
            cells.append(f"<td class='{kind}'>{body}</td>" if kind else f"<td>{body}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return "".join(out)


def table_text(rows: list[Marked], width: int = 18) -> str:
    """rows_around for a terminal: » « around the observed cell, [ ] around related ones."""
    lines = []
    for row in rows:
        if not row:
            lines.append("  ⋯")
            continue
        cells = []
        for text, kind in row:
            t = " ".join(text.split())
            t = t if len(t) <= width else t[:width - 1] + "…"
            cells.append(f"»{t}«" if kind == "obs" else f"[{t}]" if kind == "rel" else t)
        lines.append("  " + " | ".join(cells))
    return "\n".join(lines)


@dataclass
class EvidenceSet:
    """Pictures of many findings, by finding_id."""

    pictures: dict[str, Picture] = field(default_factory=dict)

    def get(self, finding_id: object) -> Picture | None:
        return self.pictures.get(str(finding_id))


def build_evidence(out: Path, documents: list[dict], findings: list[dict], source_root: Path | None = None,
                   limit: int = 5000) -> EvidenceSet:
    """Pictures of the findings (first `limit` of them), reading each document and page once."""
    builder = EvidenceBuilder(out, documents, source_root)
    result = EvidenceSet()
    order = sorted(findings[:limit], key=lambda f: (str(f.get("doc_id")), str(f.get("source_ref") or "")))
    for f in order:
        if f.get("finding_id") and (f.get("source_ref") or f.get("related_refs")):
            result.pictures[str(f["finding_id"])] = builder.picture(f)
    keep = {p.image.name for p in result.pictures.values() if p.image is not None}
    for old in (Path(out) / "evidence").glob("*.png"):
        if old.name not in keep:  # a finding of an earlier run
            old.unlink(missing_ok=True)
    return result
