"""One interface in front of every format's extractor, and format sniffing from bytes.

The format is read from the bytes, never from the extension or libmagic (seed 000 is
called a DOS executable by `file`). Each extractor module exposes
``extract(path, options) -> Document`` and raises ExtractionError with a message a
person can act on.
"""

from __future__ import annotations

import importlib
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from jixiao.model import Document

# format -> "module:function"; modules are imported only when a file of that format shows up.
EXTRACTORS: dict[str, str] = {
    "txt": "jixiao.extract.txt:extract",
    "md": "jixiao.extract.txt:extract",
    "pdf": "jixiao.extract.pdf:extract",
    "docx": "jixiao.extract.office.docx:extract",
    "doc": "jixiao.extract.office.doc:extract",
    "xlsx": "jixiao.extract.office.xlsx:extract",
    "xls": "jixiao.extract.office.xls:extract",
    "html": "jixiao.extract.html:extract",
}


class ExtractionError(Exception):
    """A file cannot be read; the message says what is wrong and what to do."""


@dataclass
class ExtractOptions:
    """Limits and switches shared by all extractors: each default is written here only (the CLI reads it)."""

    max_pages: int = 1000
    ocr: bool = True
    # px, long side of the page copy text is detected on (2000: thin strokes safer, ~2x slower);
    # a worker's OCR peak memory grows with its square (1152: ~440 MB, 1280: ~490 MB)
    ocr_det_side: int = 1152
    max_unzipped_bytes: int = 512 * 1024 * 1024
    max_zip_members: int = 10_000
    timeout: float = 120.0


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff_format(path: Path, head: bytes | None = None) -> str:
    """What the bytes are: pdf, docx, xlsx, doc, xls, html, md or txt."""
    if head is None:
        with open(path, "rb") as fh:
            head = fh.read(8192)
    if head.lstrip(b"\x00\t\r\n ")[:5] == b"%PDF-" or b"%PDF-" in head[:1024]:
        return "pdf"
    if head[:4] == b"PK\x03\x04":
        return _sniff_zip(path)
    if head[:8] == OLE_MAGIC:
        return _sniff_ole(path, head)
    if head.lstrip()[:5] == b"{\\rtf":  # RTF saved under a .doc name: a Word format LibreOffice reads
        return "doc"
    text = _decode_head(head)
    if is_html(text):
        return "html"
    from jixiao.extract.markup import looks_like_markdown

    if path.suffix.lower() in (".md", ".markdown") or looks_like_markdown(text):
        return "md"
    return "txt"


_HTML_DOC = re.compile(r"<(?:!doctype\s+html|html|head|body|meta|p|div|h[1-6]|span|br|style)\b", re.I)


def is_html(text: str) -> bool:
    """An HTML document or MHT message (what a browser or Word saved), as against text that
    merely holds `<table>` elements between its lines (Markdown from a PDF converter)."""
    low = text.lstrip("\ufeff \t\r\n").lower()
    if "mime-version:" in low[:2000]:
        return True
    if "<html" in low[:1024] or "<!doctype html" in low[:1024]:
        return True
    return low.startswith("<") and bool(_HTML_DOC.search(low[:4000]))


def _decode_head(head: bytes) -> str:
    for enc in ("utf-8", "gb18030", "utf-16"):
        try:
            return head.decode(enc, errors="ignore")
        except LookupError:  # pragma: no cover
            continue
    return ""


def _sniff_zip(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError):
        suffix = path.suffix.lower().lstrip(".")
        return suffix if suffix in ("docx", "xlsx") else "docx"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    suffix = path.suffix.lower().lstrip(".")
    return suffix if suffix in ("docx", "xlsx") else "docx"


def _sniff_ole(path: Path, head: bytes) -> str:
    """Old binary Office: a Word file holds a 'WordDocument' stream, Excel a 'Workbook'."""
    with open(path, "rb") as fh:
        data = fh.read(2_000_000)
    if "EncryptedPackage".encode("utf-16-le") in data:  # an encrypted .docx/.xlsx is an OLE file
        return "xlsx" if path.suffix.lower() in (".xlsx", ".xls") else "docx"
    if "WordDocument".encode("utf-16-le") in data:
        return "doc"
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return "xls"
    return "xls" if path.suffix.lower() == ".xls" else "doc"


def extract(path: Path, fmt: str | None = None, options: ExtractOptions | None = None) -> Document:
    """Extract a file into the document model, dispatching on the sniffed format."""
    options = options or ExtractOptions()
    fmt = fmt or sniff_format(path)
    target = EXTRACTORS.get(fmt)
    if target is None:
        raise ExtractionError(f"no extractor for format {fmt!r}")
    module_name, func_name = target.split(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        raise ExtractionError(f"{fmt} files are not supported in this installation ({e.name} missing)") from e
    return getattr(module, func_name)(path, options)
