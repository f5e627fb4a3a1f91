"""Is the file damaged? Checked with each format's own checksums and a maintained reader,
before the extractor reads it.

Interrupted downloads and bad disks truncate files, flip bytes, zero or repeat blocks. The
readers we extract with repair what they can and say nothing (PDFium rebuilds a broken
cross-reference table; a deflate stream with a flipped bit may still inflate), so a user
would take a damaged file's numbers for complete. Here:

* PDF: qpdf (pikepdf) opens the file and reports what it had to repair; every stream is
  decoded, and every Flate stream is also inflated by zlib, whose Adler-32 check catches a
  changed byte that still inflates. Damage is told per page where the damaged object
  belongs to pages (content, image, font).
* .docx/.xlsx: every zip member is read through its CRC-32. A damaged XML part cannot be
  read around (the file fails); a damaged picture or thumbnail is skipped (the file is partial).
* .doc/.xls: olefile parses the OLE container and reads every stream.

`check` returns what was repaired or skipped (the file is then `partial`, these are its
warnings) or raises ExtractionError when nothing can be read. Its messages name the
format the bytes are and say what to do.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from jixiao.extract.base import ExtractionError, ExtractOptions
from jixiao.model import Document

FORMAT_NAMES = {
    "pdf": "PDF", "docx": "Word file (.docx)", "doc": "Word file (.doc)", "xlsx": "Excel file (.xlsx)",
    "xls": "Excel file (.xls)", "html": "web page (HTML)", "md": "Markdown file", "txt": "text file",
}
AGAIN = "download it again or ask the publisher for a good copy"

# errors only a damaged file raises in the readers (never our own code)
DAMAGE_ERRORS: tuple[type[BaseException], ...] = (zlib.error, zipfile.BadZipFile, EOFError)


def named(fmt: str) -> str:
    return FORMAT_NAMES.get(fmt, f"{fmt} file")


def check(path: Path, fmt: str, options: ExtractOptions) -> list[str]:
    """What is damaged in the file (repaired or skipped); raises ExtractionError when it cannot be read."""
    if fmt == "pdf":
        return pdf_damage(path)
    if fmt in ("docx", "xlsx"):
        return zip_damage(path, fmt, options)
    if fmt in ("doc", "xls"):
        return ole_damage(path, fmt)
    return []


# --- PDF ---------------------------------------------------------------------------------

_GENERAL_FILTERS = {"/FlateDecode", "/LZWDecode", "/ASCII85Decode", "/ASCIIHexDecode", "/RunLengthDecode"}
_OBJECT = re.compile(r"object (\d+)[ ,](\d+)")


def pdf_damage(path: Path) -> list[str]:
    """Repairs qpdf made on opening and streams that do not decode, told by page."""
    import pikepdf

    cut = _pdf_cut_off(path)
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError:
        return cut  # encryption is the PDF reader's to report (an owner password alone still opens)
    except pikepdf.PdfError as e:
        return cut or [f"the PDF is damaged ({_qpdf_reason(str(e))}); {AGAIN}"]
    with pdf:
        opened = [str(w) for w in pdf.get_warnings()]
        bad: dict[tuple[int, int], str] = {}
        try:
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Stream):
                    problem = _stream_problem(obj)
                    if problem:
                        bad[obj.objgen] = problem
        except pikepdf.PdfError as e:
            opened.append(str(e))
        broken: dict[tuple[int, int], str] = {}
        for w in pdf.get_warnings():  # qpdf warns (not raises) on data it decodes in part, objects it parses in part
            m = _OBJECT.search(str(w))
            if m and ("decod" in str(w) or "inflate" in str(w) or "endstream" in str(w)):
                bad.setdefault((int(m.group(1)), int(m.group(2))), "data cut short or overwritten")
            elif m:
                broken.setdefault((int(m.group(1)), int(m.group(2))), "overwritten: qpdf read them in part")
            elif not opened:
                opened.append(str(w))
        out = list(cut)
        if opened and not cut:
            out.append(f"the PDF is damaged ({_qpdf_reason(opened[0])}"
                       f"{f', and {len(opened) - 1} more problems' if len(opened) > 1 else ''}) and was repaired on "
                       f"reading: pages may be missing or incomplete; {AGAIN}")
        if bad:
            out.append(_describe_streams(pdf, bad))
        if broken:
            out.append(_describe_streams(pdf, broken, "object"))
    return out


def _pdf_cut_off(path: Path) -> list[str]:
    """A PDF ends with %%EOF; without it the end of the file is missing."""
    with open(path, "rb") as fh:
        fh.seek(0, 2)
        fh.seek(max(0, fh.tell() - 2048))
        tail = fh.read()
    if b"%%EOF" in tail:
        return []
    return [f"the PDF is cut off (its end is missing, as after an interrupted download): pages may be missing "
            f"or incomplete; {AGAIN}"]


def qpdf_rebuilt(path: Path) -> bytes | None:
    """The PDF rewritten by qpdf from the objects it can recover, or None when it finds no pages."""
    import io

    import pikepdf

    try:
        with pikepdf.open(path) as pdf:
            if len(pdf.pages) == 0:
                return None
            out = io.BytesIO()
            pdf.save(out)
            return out.getvalue()
    except (pikepdf.PdfError, ValueError, RuntimeError):
        return None


def cannot_read(damaged: list[str], error: BaseException) -> str:
    """The message of a damaged file its reader gave up on: what is damaged, then the reader's words."""
    first = damaged[0].removesuffix(f"; {AGAIN}")
    first = re.sub(r" and was repaired on reading.*$|: (?:pages may be|text there may be|what could be read).*$", "", first)
    reason = re.sub(r"\s+", " ", str(error)).strip()
    reason = re.sub(r";\s*download it again.*$", "", reason)
    reason = re.sub(r"^damaged PDF: .*? cannot be parsed \((.*)\)$", r"\1", reason)
    reason = re.sub(r"^the [^()]*? is damaged(?: \([^)]*\))?:?\s*", "", reason)[:160]
    return f"{first}, and cannot be read ({reason}); {AGAIN}"


def _stream_problem(stream) -> str | None:
    """Why a stream's data cannot be trusted, or None."""
    import pikepdf

    filters = stream.get("/Filter")
    names = [str(filters)] if isinstance(filters, pikepdf.Name) else [str(f) for f in (filters or [])]
    try:
        if all(n in _GENERAL_FILTERS for n in names):
            stream.read_bytes()
        elif names and names[-1] == "/DCTDecode" and all(n in _GENERAL_FILTERS for n in names[:-1]):
            jpeg = stream.read_bytes(pikepdf.StreamDecodeLevel.generalized) if len(names) > 1 else stream.read_raw_bytes()
            problem = jpeg_problem(jpeg) or jpeg_decoder_problem(jpeg)
            if problem:
                return problem
        if names and names[0] == "/FlateDecode":
            inflater = zlib.decompressobj()
            inflater.decompress(stream.read_raw_bytes())
            if not inflater.eof:
                return "compressed data cut short"
    except zlib.error as e:
        return "compressed data fails its checksum" if "check" in str(e) else "compressed data is corrupt"
    except pikepdf.PdfError:
        return "data cannot be decoded"
    return None


def jpeg_problem(data: bytes) -> str | None:
    """What is wrong with a JPEG's bytes, when it shows: a missing start or end, a run of zero
    bytes in its compressed scan (4 KB zeroed by a bad disk), or a marker that cannot stand there.

    JPEG carries no checksum and decoders paint over damage, so a flipped bit inside the scan
    data stays unseen."""
    if not data.startswith(b"\xff\xd8"):
        return "picture data does not start as a JPEG"
    sos = data.find(b"\xff\xda")
    end = data.rfind(b"\xff\xd9")
    if sos < 0 or end < 0 or sos + 4 > end:
        return "picture data cut short"
    scan = data[sos + 2 + int.from_bytes(data[sos + 2:sos + 4], "big"):end]
    if b"\x00" * 256 in scan:
        return "picture data overwritten with zeros"
    for m in re.finditer(rb"\xff(?![\x00\xd0-\xd7\xda\xc4\xdd\xff])", scan):
        return f"picture data broken (marker FF{scan[m.end():m.end() + 1].hex().upper()} inside the image)"
    return None


def jpeg_decoder_problem(data: bytes) -> str | None:
    """What libjpeg says decoding the whole picture: a flipped byte in the compressed scan puts the
    decoder out of step, and it runs out of data before the last block ("premature end of data
    segment") or finds bytes left over ("extraneous bytes before marker"). libjpeg only prints
    these warnings (OpenCV passes them to standard error), so they are read from there."""
    import os
    import sys
    import tempfile

    import cv2
    import numpy as np

    with tempfile.TemporaryFile() as sink:
        sys.stderr.flush()
        saved = os.dup(2)
        os.dup2(sink.fileno(), 2)
        try:
            image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        sink.seek(0)
        said = sink.read().decode("utf-8", "replace")
    m = re.search(r"Corrupt JPEG data: ([^\n]+)", said)
    if m:
        return f"picture data broken, the JPEG decoder says “{m.group(1).strip()}”"
    return "picture data cannot be decoded" if image is None else None


def _describe_streams(pdf, bad: dict[tuple[int, int], str], noun: str = "data stream") -> str:
    """One sentence: which pages hold damaged content, fonts or images (streams, or other objects)."""
    import pikepdf

    pages: dict[tuple[int, int], set[int]] = {}
    try:
        for number, page in enumerate(pdf.pages, start=1):
            for og in _page_objects(page.obj):
                pages.setdefault(og, set()).add(number)
    except (pikepdf.PdfError, AttributeError, TypeError, ValueError, KeyError):
        pass  # the page tree itself is damaged: the pages cannot be named
    on_pages = sorted({n for og in bad for n in pages.get(og, ())})
    structure = [og for og in bad if _type_of(pdf, og) in ("/ObjStm", "/XRef")]
    reason = next(iter(bad.values()))
    where = (f"used on page{'s' if len(on_pages) > 1 else ''} {_ranges(on_pages)}" if on_pages
             else "holding the PDF's objects (pages, fonts)" if structure else "not drawn on any page")
    return (f"the PDF is damaged: {len(bad)} {noun}{'s' if len(bad) > 1 else ''} {where} "
            f"{'are' if len(bad) > 1 else 'is'} corrupt ({reason}); text there may be missing or wrong; {AGAIN}")


def _type_of(pdf, og: tuple[int, int]) -> str:
    try:
        obj = pdf.get_object(og)
        return str(obj.get("/Type")) if obj is not None and hasattr(obj, "get") else ""
    except Exception:  # noqa: BLE001 - a damaged object is of no known type
        return ""


def _page_objects(page, depth: int = 0, seen: set | None = None) -> set[tuple[int, int]]:
    """Indirect objects a page draws with: its contents, and the XObjects and fonts of its resources."""
    import pikepdf

    seen = set() if seen is None else seen
    out: set[tuple[int, int]] = set()

    def add(obj) -> None:
        if isinstance(obj, pikepdf.Object) and obj.is_indirect and obj.objgen not in seen:
            seen.add(obj.objgen)
            out.add(obj.objgen)
            if depth < 3 and isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
                if obj.get("/Resources") is not None or obj.get("/FontDescriptor") is not None:
                    out.update(_page_objects(obj, depth + 1, seen))

    contents = page.get("/Contents")
    for c in (contents if isinstance(contents, pikepdf.Array) else [contents] if contents is not None else []):
        add(c)
    resources = page.get("/Resources") or {}
    for kind in ("/XObject", "/Font"):
        group = resources.get(kind) if hasattr(resources, "get") else None
        for key in (group.keys() if group is not None else []):
            item = group.get(key)
            add(item)
            for sub in ("/FontDescriptor", "/ToUnicode", "/DescendantFonts"):
                part = item.get(sub) if hasattr(item, "get") else None
                for p in (part if isinstance(part, pikepdf.Array) else [part] if part is not None else []):
                    add(p)
                    descriptor = p.get("/FontDescriptor") if hasattr(p, "get") else None
                    if descriptor is not None:
                        add(descriptor)
                        for f in ("/FontFile", "/FontFile2", "/FontFile3"):
                            if descriptor.get(f) is not None:
                                add(descriptor.get(f))
                    for f in ("/FontFile", "/FontFile2", "/FontFile3"):
                        if hasattr(p, "get") and p.get(f) is not None:
                            add(p.get(f))
    return out


def _ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 7] -> '1-3, 7'."""
    parts: list[str] = []
    for n in numbers:
        if parts and "-" not in parts[-1] and int(parts[-1]) == n - 1:
            parts[-1] = f"{parts[-1]}-{n}"
        elif parts and "-" in parts[-1] and int(parts[-1].split("-")[1]) == n - 1:
            parts[-1] = f"{parts[-1].split('-')[0]}-{n}"
        else:
            parts.append(str(n))
    return ", ".join(parts[:12]) + (" …" if len(parts) > 12 else "")


def _qpdf_reason(message: str) -> str:
    """qpdf's message without the file name and offsets, in words."""
    text = re.sub(r"^.*?\.pdf(?: \([^)]*\))?:\s*", "", message).strip()
    if "file is damaged" in text or "xref" in text or "cross-reference" in text:
        return "its cross-reference table is broken"
    return text[:120] or "unreadable structure"


# --- zip-based Office --------------------------------------------------------------------

class NoZipDirectory(ExtractionError):
    """The zip directory at the end of the file is gone (cut off): its parts may be salvaged."""


@dataclass
class Salvaged:
    data: bytes
    note: str


# the parts a reader cannot do without
_ESSENTIAL = {"docx": ("word/document.xml",), "xlsx": ("xl/workbook.xml", "xl/worksheets/")}


def zip_salvage(path: Path, fmt: str) -> Salvaged | None:
    """A new zip of the parts found whole (CRC checked) from the start of a cut-off file, when
    the parts the reader needs are among them."""
    data = path.read_bytes()
    out = io.BytesIO()
    names: list[str] = []
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        at = data.find(b"PK\x03\x04")
        while at != -1 and at + 30 <= len(data):
            _, _, flags, method, _, _, crc, csize, _, nlen, xlen = struct.unpack("<IHHHHHIIIHH", data[at:at + 30])
            start = at + 30 + nlen + xlen
            name = data[at + 30:at + 30 + nlen].decode("utf-8" if flags & 0x800 else "cp437", "replace")
            body = data[start:start + csize]
            if flags & 0x08 or len(body) < csize:
                break  # sizes after the data, or the cut: nothing further can be trusted
            try:
                content = body if method == 0 else zlib.decompress(body, -15) if method == 8 else None
            except zlib.error:
                content = None
            if content is not None and zlib.crc32(content) == crc and name not in names:
                z.writestr(name, content)
                names.append(name)
            at = data.find(b"PK\x03\x04", start + csize)
    if not all(any(n.startswith(e) for n in names) for e in _ESSENTIAL.get(fmt, ("\0",))):
        return None
    parts = [n for n in names if n.startswith(("word/document", "xl/worksheets/"))]
    return Salvaged(out.getvalue(), f"the {named(fmt)} is cut off (its end is missing, as after an interrupted "
                                    f"download): {len(names)} parts before the cut were recovered and read "
                                    f"({', '.join(parts[:4])}{' …' if len(parts) > 4 else ''}); what followed is "
                                    f"missing; {AGAIN}")


def zip_damage(path: Path, fmt: str, options: ExtractOptions) -> list[str]:
    """Every member read through its CRC-32: damaged XML is fatal, damaged pictures are skipped."""
    from jixiao.extract.office.container import zip_problem

    with open(path, "rb") as fh:
        if fh.read(4) != b"PK\x03\x04":
            return []  # an encrypted Office file (OLE) or no zip: the extractor says what it is
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise NoZipDirectory(f"the {named(fmt)} is damaged (its zip directory is missing or broken: the file "
                             f"was cut off or overwritten); {AGAIN}") from e
    with z:
        try:
            if zip_problem(z, options) is not None:
                return []  # a bomb or XXE: the extractor refuses it with its own message
        except DAMAGE_ERRORS:
            pass  # a damaged part: read below, member by member
        damaged: list[tuple[str, str]] = []
        for info in z.infolist():
            try:
                with z.open(info) as member:
                    while member.read(1 << 20):
                        pass
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as e:
                damaged.append((_printable(info.filename), _zip_reason(e)))
    fatal = [(n, r) for n, r in damaged if not _SKIPPABLE.search(n)]
    if fatal:
        name, reason = fatal[0]
        more = f" and {len(fatal) - 1} more parts" if len(fatal) > 1 else ""
        raise ExtractionError(f"the {named(fmt)} is damaged ({reason}: part {name}{more}); {AGAIN}")
    return [f"the {named(fmt)} is damaged: {n} ({r}) was skipped; {AGAIN}" for n, r in damaged]


# parts no extractor reads: pictures, embedded objects, printer settings, thumbnails
_SKIPPABLE = re.compile(r"(?:/media/|/embeddings/|printerSettings|thumbnail)[^/]*$|\.(?:png|jpe?g|gif|emf|wmf|bmp|tiff?|bin)$",
                        re.I)


def _printable(name: str) -> str:
    """A member name as it can be shown: a damaged directory makes names of garbage."""
    clean = "".join(c if c.isprintable() else "?" for c in name)
    return clean if len(clean) <= 60 else clean[:57] + "…"


def _zip_reason(e: BaseException) -> str:
    text = str(e)
    if "CRC" in text:
        return "data does not match its checksum"
    if isinstance(e, zlib.error) or "decompress" in text:
        return "compressed data is corrupt"
    if "magic" in text.lower() or "header" in text.lower() or "differ" in text:
        return "its directory entry is overwritten"
    return "data cut short" if isinstance(e, EOFError) else "unreadable data"


# --- text without a checksum (.doc, .xls) ----------------------------------------------------

def garbled_text(document: Document, fmt: str) -> list[str]:
    """The text of a .doc or .xls read whole, where characters show bytes changed in place (a
    flipped byte inside a string: no checksum and no structure tells it; garble.py)."""
    from jixiao.extract.garble import describe, garbled_document

    if fmt not in ("doc", "xls"):
        return []
    found = garbled_document(document)
    if not found:
        return []
    return [f"the {named(fmt)} is damaged: {describe(found)}; bytes of its text were changed in place, so text "
            f"there is wrong; {AGAIN}"]


# --- OLE (.doc, .xls) ----------------------------------------------------------------------

def ole_damage(path: Path, fmt: str) -> list[str]:
    """The OLE container parses and every stream reads to its end."""
    import olefile

    if not olefile.isOleFile(str(path)):
        return []  # RTF or HTML under a .doc name: not OLE
    try:
        ole = olefile.OleFileIO(str(path))
    except Exception as e:  # olefile raises OSError, ValueError, IndexError, struct.error on broken files
        words = str(e) if 0 < len(str(e)) <= 80 else type(e).__name__
        raise ExtractionError(f"the {named(fmt)} is damaged (its OLE container cannot be parsed: {words}); {AGAIN}") from e
    with ole:
        problems = [f"{m}" for _, m in getattr(ole, "parsing_issues", [])]
        if fmt == "doc" and ole.exists("WordDocument"):
            problems += _zeroed_word_text(ole.openstream("WordDocument").read())
        for entry in ole.listdir(streams=True, storages=False):
            try:
                data = ole.openstream(entry).read()
            except Exception as e:  # noqa: BLE001 - any failure to read a stream is damage
                problems.append(f"stream {'/'.join(entry)} cannot be read ({e})")
                continue
            if entry[0] not in _PICTURE_STREAMS and b"\x00" * 2048 in data:
                problems.append(f"a block of its {'/'.join(entry)} stream is overwritten with zeros")
        if fmt == "doc" and not problems and ole.exists("WordDocument"):
            problems += _word_structures(ole)
    if problems:
        more = f" and {len(problems) - 1} more problems" if len(problems) > 1 else ""
        return [f"the {named(fmt)} is damaged ({problems[0]}{more}): what could be read is shown; {AGAIN}"]
    return []


def _word_structures(ole) -> list[str]:
    """What disagrees among a Word 97 file's header, piece table and formatting (office/word97.py)."""
    from jixiao.extract.office import word97

    word = ole.openstream("WordDocument").read()
    table_name = word97.table_stream_name(word)
    if not ole.exists(table_name):
        return [f"its {table_name} stream is missing"]
    data = ole.openstream("Data").read() if ole.exists("Data") else b""
    return word97.problems(word, ole.openstream(table_name).read(), data)


# streams holding pictures and embedded objects (an uncompressed bitmap has long zero runs); the
# table layouts a .doc keeps in its Data stream are checked by office/word97.py instead
_PICTURE_STREAMS = {"Data", "ObjectPool", "Pictures", "MsoDataStore", "_VBA_PROJECT_CUR"}


def _zeroed_word_text(stream: bytes) -> list[str]:
    """A Word document's text (fcMin..fcMac of the FIB) never holds a run of zero bytes; a block
    overwritten with zeros there is text lost."""
    if len(stream) < 0x20 or stream[:2] != b"\xec\xa5":
        return []
    fc_min, fc_mac = int.from_bytes(stream[0x18:0x1C], "little"), int.from_bytes(stream[0x1C:0x20], "little")
    if 0 < fc_min < fc_mac <= len(stream) and b"\x00" * 512 in stream[fc_min:fc_mac]:
        return ["part of the document's text is overwritten with zeros"]
    return []
