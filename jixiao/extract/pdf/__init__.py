"""PDF: pdfium reads each page's characters and rules; tables come from the rules (lattice),
text from the characters, scans from OCR. The entry point is `extract` (reader.py)."""

from jixiao.extract.pdf.reader import extract

__all__ = ["extract"]
