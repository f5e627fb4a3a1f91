"""Safety checks shared by the zip-based Office formats (.docx, .xlsx).

A published file is untrusted input: a zip member may inflate to gigabytes, an XML part
may declare entities (billion laughs, XXE), and an "encrypted .docx" is not a zip at all
but an OLE container. Each case becomes an ExtractionError a person can act on.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from lxml import etree

from jixiao.extract.base import OLE_MAGIC, ExtractionError, ExtractOptions


def encrypted_ole(path: Path) -> bool:
    """Whether an OLE (old Office) file is password-protected.

    An encrypted .docx/.xlsx is an OLE file with an EncryptedPackage stream; an encrypted
    binary .doc sets fEncrypted (bit 8 of the flags at 0x0A) in its WordDocument stream's
    FIB. (Encrypted .xls is told by xlrd.)
    """
    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            if ole.exists("EncryptedPackage"):
                return True
            if ole.exists("WordDocument"):
                fib = ole.openstream("WordDocument").read(12)
                return len(fib) >= 12 and fib[:2] == b"\xec\xa5" and bool(int.from_bytes(fib[10:12], "little") & 0x0100)
    except (OSError, ValueError, IndexError):  # olefile raises these on damaged containers
        return False
    return False


def open_office_zip(path: Path, options: ExtractOptions, kind: str) -> zipfile.ZipFile:
    """Open a .docx/.xlsx zip after checking it is one, not encrypted, and not a bomb."""
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head == OLE_MAGIC:
        raise ExtractionError(f"password-protected {kind} file: remove the password (save a copy without it) and convert again")
    try:
        z = zipfile.ZipFile(path)
    except zipfile.BadZipFile as e:
        raise ExtractionError(f"corrupt {kind} file (not a valid zip archive: {e}); download it again") from e
    infos = z.infolist()
    if len(infos) > options.max_zip_members:
        z.close()
        raise ExtractionError(f"{kind} file has {len(infos)} parts, over the limit of {options.max_zip_members}; refusing a possible zip bomb")
    total = sum(i.file_size for i in infos)
    if total > options.max_unzipped_bytes:
        z.close()
        raise ExtractionError(
            f"{kind} file would inflate to {total // 1_000_000} MB, over the {options.max_unzipped_bytes // 1_000_000} MB limit; "
            "refusing a possible zip bomb")
    return z


def read_xml(z: zipfile.ZipFile, name: str, kind: str) -> etree._Element | None:
    """Parse one XML part with entity expansion and network access off."""
    try:
        data = z.read(name)
    except KeyError:
        return None
    except (zipfile.BadZipFile, OSError, EOFError) as e:
        raise ExtractionError(f"corrupt {kind} file: part {name} cannot be read ({e})") from e
    if b"<!ENTITY" in data[:65536] or b"<!DOCTYPE" in data[:65536]:
        raise ExtractionError(f"{kind} file declares XML entities in {name} (XXE / billion laughs); refusing to read it")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as e:
        raise ExtractionError(f"corrupt {kind} file: {name} is not well-formed XML ({e})") from e


_DECIMALS = re.compile(r"0\.(0+)")


def format_number(value: float | int, number_format: str | None = None) -> str:
    """A spreadsheet number as the reader sees it: 95% not 0.95, 3546.3 not 3546.3000000000002.

    Only the number formats publishers use are honoured (General, 0, 0.00, #,##0.00,
    0%, 0.00%); anything else is shown like General, with Excel's 15 significant digits.
    """
    fmt = (number_format or "General").split(";")[0]
    fmt = re.sub(r'\[[^]]*\]|"[^"]*"|\\.|_.', "", fmt).strip()  # colours, literals, padding
    if fmt.lower() in ("general", "@", ""):
        return general_number(value)
    m = _DECIMALS.search(fmt)
    places = len(m.group(1)) if m else 0
    if "%" in fmt:
        return f"{value * 100:.{places}f}%"
    if re.fullmatch(r"[#,]*0(\.0+)?", fmt):
        return f"{value:,.{places}f}" if "," in fmt else f"{value:.{places}f}"
    return general_number(value)


def general_number(value: float | int) -> str:
    """Excel's General display: integers without .0, at most 15 significant digits."""
    if isinstance(value, int) or float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.15g}"
    if "e" in text:
        text = f"{value:.10f}".rstrip("0").rstrip(".")
    return text
