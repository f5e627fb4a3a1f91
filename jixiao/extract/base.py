"""One interface in front of every format's extractor, and format sniffing from bytes.

The format is read from the bytes, never from the extension or libmagic (seed 000 is
called a DOS executable by `file`). Each extractor module exposes
``extract(path, options) -> Document`` and raises ExtractionError with a message a
person can act on.
"""

from __future__ import annotations

import importlib
import re
import tempfile
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


class NotADocument(ExtractionError):
    """The bytes are no document format at all (a resource fork, an image, random data): the
    file has no source format."""


# magic numbers of files that turn up among documents but are none
_NOT_DOCUMENTS: tuple[tuple[bytes, str], ...] = (
    (b"\x00\x05\x16\x07", "a macOS resource fork (an AppleDouble `._` file that a Mac writes next to the real file "
                          "when copying to a USB stick or network drive), not a document; convert the file without "
                          "`._` in its name and skip these"),
    (b"\x00\x05\x16\x00", "a macOS AppleSingle file, not a document; export the file itself from the Mac"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image, not a document; convert the document the picture was taken from"),
    (b"\xff\xd8\xff", "a JPEG image, not a document; convert the document the picture was taken from"),
    (b"GIF8", "a GIF image, not a document"),
    (b"\x1f\x8b", "a gzip archive, not a document; unpack it first"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive, not a document; unpack it first"),
    (b"Rar!\x1a\x07", "a RAR archive, not a document; unpack it first"),
    (b"\x7fELF", "a program (ELF), not a document"),
)


def not_a_document(head: bytes) -> str | None:
    """Why the bytes are no document at all, from their first bytes; None when they may be one."""
    for magic, what in _NOT_DOCUMENTS:
        if head.startswith(magic):
            return f"this is {what}"
    return None


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
    """Old binary Office: a Word file holds a 'WordDocument' stream, Excel a 'Workbook' ('Book').

    The names are read from the OLE directory; when that is damaged, from directory entries
    found in the bytes (a name starts a 128-byte entry), never from a name inside the text."""
    names = _ole_names(path)
    if names is None:
        with open(path, "rb") as fh:
            data = fh.read(8_000_000)
        names = {n for n in ("EncryptedPackage", "WordDocument", "1Table", "0Table", "Workbook", "Book")
                 if _entry_named(data, n)}
    if "EncryptedPackage" in names:  # an encrypted .docx/.xlsx is an OLE file
        return "xlsx" if path.suffix.lower() in (".xlsx", ".xls") else "docx"
    if names & {"WordDocument", "1Table", "0Table"}:
        return "doc"
    if names & {"Workbook", "Book"}:
        return "xls"
    return "xls" if path.suffix.lower() == ".xls" else "doc"


def _ole_names(path: Path) -> set[str] | None:
    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            return {e[-1] for e in ole.listdir(streams=True, storages=True)}
    except Exception:  # a damaged container: olefile raises many kinds
        return None


def _entry_named(data: bytes, name: str) -> bool:
    key = name.encode("utf-16-le") + b"\x00\x00"
    at = data.find(key)
    while at != -1:
        if at % 128 == 0:
            return True
        at = data.find(key, at + 1)
    return False


def extract(path: Path, fmt: str | None = None, options: ExtractOptions | None = None) -> Document:
    """Extract a file into the document model, dispatching on the sniffed format."""
    options = options or ExtractOptions()
    with open(path, "rb") as fh:
        reason = not_a_document(fh.read(16))
    if reason is not None:
        raise NotADocument(reason)
    fmt = fmt or sniff_format(path)
    target = EXTRACTORS.get(fmt)
    if target is None:
        raise ExtractionError(f"no extractor for format {fmt!r}")
    module_name, func_name = target.split(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        raise ExtractionError(f"{fmt} files are not supported in this installation ({e.name} missing)") from e
    from jixiao.extract import damage

    reader = getattr(module, func_name)
    try:
        damaged = damage.check(path, fmt, options)
    except damage.NoZipDirectory as e:  # cut off: rebuild the zip from the parts before the cut
        salvaged = damage.zip_salvage(path, fmt)
        if salvaged is None:
            raise
        with tempfile.TemporaryDirectory(prefix="jixiao-salvage-") as tmp:
            rebuilt = Path(tmp) / f"salvaged.{fmt}"
            rebuilt.write_bytes(salvaged.data)
            document = _read(reader, rebuilt, fmt, options, [str(e)])
        document.partial = True
        document.warnings[:0] = [salvaged.note]
        return document
    document = _read(reader, path, fmt, options, damaged)
    damaged += damage.garbled_text(document, fmt)
    if damaged:
        document.partial = True
        document.warnings[:0] = damaged
    return document


def _read(reader, path: Path, fmt: str, options: ExtractOptions, damaged: list[str]) -> Document:
    """Run a format's reader; what a damaged file makes it raise becomes a message in words."""
    from jixiao.extract import damage

    try:
        return reader(path, options)
    except ExtractionError as e:
        if damaged and not isinstance(e, NotADocument):  # the reader's words, after what is damaged
            raise ExtractionError(damage.cannot_read(damaged, e)) from e
        raise
    except damage.DAMAGE_ERRORS as e:  # raised only by data: the file is damaged, not our code
        raise ExtractionError(f"the {damage.named(fmt)} is damaged ({type(e).__name__}: {e}); {damage.AGAIN}") from e
    except Exception as e:
        if damaged:  # a reader tripping over a file known to be damaged
            raise ExtractionError(damage.cannot_read(damaged, e)) from e
        raise
