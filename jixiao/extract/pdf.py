"""PDF, born-digital or scanned, into the document model.

Per page: pdfplumber gives words and ruling lines (with /Rotate applied), the ruled
grid gives tables with their merged cells (jixiao.extract.pdf_grid). A page whose text
layer is undecodable ((cid:N), private-use or U+FFFD characters from a font without a
usable ToUnicode map) is read again with pypdfium2, and OCR'd if that is no better; a
page without text is OCR'd (jixiao.extract.pdf_ocr). Tables that run over a page break
are joined afterwards (jixiao.extract.pdf_join). Every fallback is said in
Document.warnings.
"""

from __future__ import annotations

from pathlib import Path

from jixiao.extract.base import ExtractionError, ExtractOptions
from jixiao.extract.pdf_grid import Seg
from jixiao.extract.pdf_join import join_across_pages
from jixiao.extract.pdf_layout import page_blocks
from jixiao.extract.pdf_text import Word, is_bad_text
from jixiao.model import Block, Document

PASSWORD_MESSAGE = "password-protected PDF: ask the publisher for an unprotected copy"


def open_pdf(path: Path):
    """Open with the empty user password (owner-only protection is no obstacle to reading)."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(path, password="")
        _ = pdf.pages  # parse the page tree now so a broken file fails here
    except PDFPasswordIncorrect as e:
        raise ExtractionError(PASSWORD_MESSAGE) from e
    except Exception as e:  # pdfminer raises many unrelated types for damaged files
        chain = [e, e.__cause__, e.__context__, *[a for a in e.args if isinstance(a, BaseException)]]
        if any(isinstance(x, PDFPasswordIncorrect) or "password" in str(x).lower() for x in chain if x):
            raise ExtractionError(PASSWORD_MESSAGE) from e
        raise ExtractionError(f"damaged PDF, cannot be read ({type(e).__name__}): re-download or re-export it") from e
    if not pdf.pages:
        pdf.close()
        raise ExtractionError("PDF has no pages (truncated or empty file)")
    return pdf


def plumber_words(page) -> list[Word]:
    """pdfplumber words in rotated page space."""
    raw = page.extract_words(x_tolerance=1.5, y_tolerance=2, keep_blank_chars=False)
    return [Word(w["text"], w["x0"], w["top"], w["x1"], w["bottom"]) for w in raw]


def _is_white(color) -> bool:
    if color is None:
        return False
    vals = color if isinstance(color, (list, tuple)) else (color,)
    try:
        nums = [float(v) for v in vals]
    except (TypeError, ValueError):
        return False
    if len(nums) == 4:  # CMYK: white is no ink
        return all(v <= 0.05 for v in nums)
    return bool(nums) and all(v >= 0.95 for v in nums)


def ruling_segments(page) -> tuple[list[Seg], list[Seg]]:
    """Horizontal and vertical ruling lines: stroked lines and rects, thin dark filled rects.

    Word paints cell backgrounds and padding as white filled rectangles and Excel paints
    borders as thin filled ones; only ink that looks like a rule counts.
    """
    area = page.width * page.height
    hs: list[Seg] = []
    vs: list[Seg] = []
    for ln in page.lines:
        if _is_white(ln.get("stroking_color")):
            continue
        x0, x1, top, bottom = ln["x0"], ln["x1"], ln["top"], ln["bottom"]
        if bottom - top <= 1.5:
            hs.append(Seg((top + bottom) / 2, x0, x1))
        elif x1 - x0 <= 1.5:
            vs.append(Seg((x0 + x1) / 2, top, bottom))
    for r in page.rects:
        x0, x1, top, bottom = r["x0"], r["x1"], r["top"], r["bottom"]
        w, h = x1 - x0, bottom - top
        if w * h > 0.8 * area:
            continue  # page background or frame
        if r.get("fill") and not _is_white(r.get("non_stroking_color")) and min(w, h) <= 2.5:
            if h <= w:
                hs.append(Seg((top + bottom) / 2, x0, x1))
            else:
                vs.append(Seg((x0 + x1) / 2, top, bottom))
        elif r.get("stroke") and not _is_white(r.get("stroking_color")):
            hs += [Seg(top, x0, x1), Seg(bottom, x0, x1)]
            vs += [Seg(x0, top, bottom), Seg(x1, top, bottom)]
    return hs, vs


def pdfium_words(path: Path, index: int, width: float, height: float) -> list[Word]:
    """pypdfium2's text boxes for one page, the second opinion when pdfminer decodes garbage."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path), password="")
    try:
        page = doc[index]
        textpage = page.get_textpage()
        ph = page.get_height()
        words = []
        for i in range(textpage.count_rects()):
            left, bottom, right, top = textpage.get_rect(i)
            text = textpage.get_text_bounded(left, bottom, right, top).strip()
            if text:
                words.append(Word(text, left, ph - top, right, ph - bottom))
        return words
    finally:
        doc.close()


def _page_text(words: list[Word]) -> str:
    return "".join(w.text for w in words)


def extract(path: Path, options: ExtractOptions) -> Document:
    """Read a PDF; scanned or undecodable pages are OCR'd when options.ocr allows."""
    pdf = open_pdf(path)
    warnings: list[str] = []
    blocks: list[Block] = []
    ocr_pages: list[int] = []
    partial = False
    try:
        n_pages = len(pdf.pages)
        pages = pdf.pages
        if n_pages > options.max_pages:
            pages = pages[: options.max_pages]
            partial = True
            warnings.append(f"PDF has {n_pages} pages; only the first {options.max_pages} were read (max_pages)")
        for index, page in enumerate(pages):
            number = index + 1
            try:
                page_out, used_ocr, note = _read_page(path, page, index, options)
            except ExtractionError:
                raise
            except Exception as e:  # one damaged page must not lose the rest
                warnings.append(f"page {number}: unreadable ({type(e).__name__}), skipped")
                partial = True
                continue
            finally:
                page.flush_cache()
            if note:
                warnings.append(f"page {number}: {note}")
            if used_ocr:
                ocr_pages.append(number)
            blocks.extend(page_out)
    finally:
        pdf.close()
    text_pages = len(pages) - len(ocr_pages)
    if ocr_pages and text_pages == 0 and not any("text layer" in w for w in warnings):
        fmt = "pdf_scanned"
    elif ocr_pages and len(ocr_pages) * 2 > len(pages):
        fmt = "pdf_scanned"
    else:
        fmt = "pdf"
    return Document(blocks=join_across_pages(blocks), source_format=fmt, n_pages=n_pages,
                    warnings=warnings, partial=partial)


def _read_page(path: Path, page, index: int, options: ExtractOptions) -> tuple[list[Block], bool, str]:
    """One page's blocks, whether OCR was used, and what fallback happened (or "")."""
    number = index + 1
    words = plumber_words(page)
    hs, vs = ruling_segments(page)
    text = _page_text(words)
    if text.strip() and not is_bad_text(text):
        return page_blocks(words, hs, vs, number, page.width, page.height), False, ""
    if text.strip():
        # the font's ToUnicode map is missing or wrong: ask the other engine
        if (page.rotation or 0) % 360 == 0:
            alt = pdfium_words(path, index, page.width, page.height)
            if _page_text(alt).strip() and not is_bad_text(_page_text(alt)):
                note = "text layer undecodable by pdfminer ((cid:…)/private-use characters); read with pypdfium2"
                return page_blocks(alt, hs, vs, number, page.width, page.height), False, note
        if not options.ocr:
            raise ExtractionError(f"page {number}: text layer undecodable and OCR disabled")
        from jixiao.extract.pdf_ocr import ocr_page

        return ocr_page(path, index, page.width, page.height), True, \
            "text layer undecodable ((cid:…)/private-use characters, no ToUnicode map); page OCR'd"
    if not page.images and not page.curves and not page.rects:
        return [], False, ""  # a blank page
    if not options.ocr:
        raise ExtractionError("scanned PDF: OCR disabled")
    from jixiao.extract.pdf_ocr import ocr_page

    return ocr_page(path, index, page.width, page.height), True, ""
