"""PDF extractor: born-digital pages from the text layer and vector rules, scans by OCR.

Each page is parsed once by pdfium (page.py): characters, ruling edges and images.
Ruled tables come from the edges (grid.py), prose from the remaining characters
(lines.py), tables continued over page breaks are joined (join.py). A page without a
text layer, or with one that cannot be decoded (fonts without ToUnicode, quality.py),
is rendered and OCR'd (image.py, ocr.py). What was done to which page goes to
Document.warnings; a page whose text could not be recovered makes the document partial.

Pages beyond options.max_pages are not read: the document is marked partial with a
warning saying how many pages were skipped (the first pages still give usable rows).
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium

from jixiao.extract.base import ExtractionError, ExtractOptions
from jixiao.extract.pdf.grid import grids_from_edges
from jixiao.extract.pdf.join import join_tables
from jixiao.extract.pdf.layout import layout_page
from jixiao.extract.pdf.lines import open_ending
from jixiao.extract.pdf.page import PageContent, read_page
from jixiao.extract.pdf.quality import assess
from jixiao.model import Block, Document, Paragraph

MIN_TEXT_CHARS = 5  # fewer characters than this on an image-covered page: a scan
SCAN_COVER = 0.5  # share of the page area covered by images


def open_pdf(path: Path) -> pdfium.PdfDocument:
    """Open with an empty password (owner-password-only files open); a user password is an error."""
    try:
        return pdfium.PdfDocument(str(path), password=None)
    except pdfium.PdfiumError as e:
        msg = str(e).lower()
        if "password" in msg:
            raise ExtractionError(
                f"password-protected PDF: {path.name} needs a password to open; ask the publisher for an "
                "unprotected copy") from e
        if "format" in msg or "not found" in msg or "header" in msg:
            raise ExtractionError(f"damaged PDF: {path.name} cannot be parsed ({e}); download it again") from e
        raise ExtractionError(f"cannot open PDF {path.name}: {e}") from e


def is_scanned(page: PageContent) -> bool:
    area = page.width * page.height
    return len(page.chars) < MIN_TEXT_CHARS and page.n_images > 0 and page.image_area >= SCAN_COVER * area


def extract(path: Path, options: ExtractOptions) -> Document:
    """Read a PDF into the document model (see the module docstring).

    A damaged file PDFium cannot open (cut off, its cross-reference table gone) is rebuilt by
    qpdf, which recovers the objects still there: the pages it finds are read, the file is partial."""
    rebuilt = False
    try:
        pdf = open_pdf(path)
    except ExtractionError as e:
        from jixiao.extract.damage import qpdf_rebuilt

        data = None if "password" in str(e) else qpdf_rebuilt(path)
        if data is None:
            raise
        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError:
            raise e from None
        rebuilt = True
    try:
        document = _extract(pdf, path, options)
    finally:
        pdf.close()
    if rebuilt:
        document.partial = True
        document.warnings.append(f"PDFium could not open the damaged file; qpdf rebuilt it from what is left and "
                                 f"{document.n_pages} page{'s' if document.n_pages != 1 else ''} were recovered "
                                 "(the pages after the damage are missing)")
    return document


def _extract(pdf: pdfium.PdfDocument, path: Path, options: ExtractOptions) -> Document:
    n_pages = len(pdf)
    if n_pages == 0:
        raise ExtractionError(f"the PDF {path.name} has no pages")
    warnings: list[str] = []
    partial = False
    n_read = min(n_pages, options.max_pages)
    if n_read < n_pages:
        warnings.append(f"only the first {n_read} of {n_pages} pages were read (max_pages={options.max_pages})")
        partial = True
    blocks: list[Block] = []
    n_ocr = n_scanned = n_layered = 0
    hows: list[str] = []
    for index in range(n_read):
        try:
            page = read_page(pdf, index)
        except pdfium.PdfiumError as e:  # one damaged page: say so, keep the others
            warnings.append(f"page {index + 1}: cannot be parsed ({e}); its text is missing")
            partial = True
            continue
        page_blocks, flush_start, how = _page_blocks(pdf, page, options)
        hows.append(how)
        if how == "ocr":
            n_ocr += 1
            n_scanned += is_scanned(page)
        elif how == "image-rules":
            n_layered += 1
        elif how.startswith("unreadable"):
            partial = True
        if how not in ("text", "ocr", "empty", "image-rules") or (how == "ocr" and page.chars):
            warnings.append(f"page {page.number}: {_describe(how)}")
        _append_page(blocks, page_blocks, flush_start)
    source_format = "pdf_scanned" if (n_scanned + n_layered) * 2 >= n_read > 0 else "pdf"
    if n_scanned:
        warnings.append(f"scanned pages: {n_scanned} of {n_read} read by OCR")
    if n_layered:
        warnings.append(f"scanned pages with a text layer: {n_layered} of {n_read}; their text layer was used "
                        "and table rules were found on the page image")
    if not any(b.text if isinstance(b, Paragraph) else b.cells for b in blocks):
        if "unreadable-scan-no-ocr" in hows:
            raise ExtractionError(f"scanned PDF: OCR disabled; {path.name} has no text layer, convert it with OCR on")
        if "unreadable-no-ocr" in hows:
            raise ExtractionError(f"undecodable fonts (no ToUnicode map) in {path.name} and OCR is disabled; "
                                  "convert it with OCR on")
        partial = True
        warnings.append("no text found on any page")
    return Document(blocks=join_tables(blocks), source_format=source_format, n_pages=n_pages,
                    warnings=warnings, partial=partial, n_pages_ocr=n_ocr)


def _describe(how: str) -> str:
    return {
        "guessed": "font without a ToUnicode map; text taken from pypdfium2's fallback mapping of the font",
        "ocr": "undecodable text layer (fonts without ToUnicode: cid / private-use glyphs); page read by OCR",
        "unreadable-no-ocr": "undecodable text layer (fonts without ToUnicode) and OCR is off; page text missing",
        "unreadable-scan-no-ocr": "page is a scanned image and OCR is off; page text missing",
        "unreadable-ocr-failed": "page could not be OCR'd; page text missing",
    }.get(how, how)


def _page_blocks(pdf: pdfium.PdfDocument, page: PageContent,
                 options: ExtractOptions) -> tuple[list[Block], bool, str]:
    """Blocks of one page and how they were obtained: text, guessed, ocr, empty or unreadable-…"""
    quality = assess(page.chars, page.n_map_errors)
    scanned = is_scanned(page)
    if scanned or quality.unreadable:
        if not options.ocr:
            return [], False, "unreadable-scan-no-ocr" if scanned else "unreadable-no-ocr"
        from jixiao.extract.pdf.ocr import ocr_page

        try:
            return ocr_page(pdf, page, options.ocr_det_side), False, "ocr"
        except Exception as e:  # OCR runtime missing or failing: keep the rest of the document
            return [], False, f"unreadable-ocr-failed ({type(e).__name__}: {e})"
    if not page.chars:
        return [], False, "empty"
    grids = grids_from_edges(page.edges) if page.edges else []
    how = "guessed" if quality.guessed else "text"
    if not grids and page.image_area >= SCAN_COVER * page.width * page.height:
        grids, how = _image_grids(pdf, page, how)
    page_blocks, flush_start = layout_page(page.chars, grids, page.number, page.height, width=page.width)
    return page_blocks, flush_start, how


def _image_grids(pdf: pdfium.PdfDocument, page: PageContent, how: str) -> tuple[list, str]:
    """A text layer over a scanned image: the table rules are only in the image."""
    try:
        from jixiao.extract.pdf.image import image_rule_edges

        grids = grids_from_edges(image_rule_edges(pdf, page))
    except Exception as e:  # OpenCV missing or failing: the text is still there
        return [], f"image-rules-failed ({type(e).__name__}: {e})"
    return grids, ("image-rules" if grids else how)


def _append_page(blocks: list[Block], page_blocks: list[Block], flush_start: bool) -> None:
    """Add a page's blocks, gluing a paragraph cut by the page break back together."""
    if (flush_start and blocks and page_blocks and isinstance(blocks[-1], Paragraph)
            and isinstance(page_blocks[0], Paragraph) and open_ending(blocks[-1])):
        blocks[-1].text += page_blocks[0].text
        page_blocks = page_blocks[1:]
    blocks.extend(page_blocks)
