"""Opening Office containers safely: the zip-based formats (.docx, .xlsx) and OLE (.doc, encrypted files).

A published file is untrusted input: a zip member may inflate to gigabytes, an XML part
may declare entities (billion laughs, XXE), and an "encrypted .docx" is not a zip at all
but an OLE container. Each case becomes an ExtractionError a person can act on.
"""

from __future__ import annotations

import zipfile
import zlib
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
    """Open a .docx/.xlsx zip after checking it is one, not encrypted, not a bomb, declares no XML entities.

    This is the one check of zip-based files, for batch runs and single files alike."""
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head == OLE_MAGIC:
        raise ExtractionError(f"password-protected {kind} file: remove the password (save a copy without it) and convert again")
    try:
        z = zipfile.ZipFile(path)
    except zipfile.BadZipFile as e:
        raise ExtractionError(f"corrupt {kind} file (not a valid zip archive: {e}); download it again") from e
    problem = zip_problem(z, options)
    if problem is not None:
        z.close()
        raise ExtractionError(problem)
    return z


def _size(n: int) -> str:
    return f"{n / 1e9:.1f} GB" if n >= 1e8 else f"{n / 1e6:.1f} MB"


# A DOCTYPE (where entities are declared) can only come before the root element: in a part's first bytes.
_XML_HEAD = 65536


def zip_problem(z: zipfile.ZipFile, options: ExtractOptions) -> str | None:
    """Why an Office zip must not be read (member count, inflated size, XML entities), or None."""
    infos = z.infolist()
    if len(infos) > options.max_zip_members:
        return (f"the Office file holds {len(infos)} parts (limit {options.max_zip_members}): "
                "a zip bomb or a damaged file; open and re-save it in Word/Excel")
    total = sum(i.file_size for i in infos)
    if total > options.max_unzipped_bytes:
        return (f"the Office file would inflate to {_size(total)} (limit {_size(options.max_unzipped_bytes)}): "
                "a zip bomb or a damaged file; open and re-save it in Word/Excel")
    for info in infos:
        if not info.filename.endswith((".xml", ".rels")):
            continue
        try:
            with z.open(info) as member:
                head = member.read(_XML_HEAD)
        except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, NotImplementedError):
            continue  # damaged member: reading it says so
        if b"<!ENTITY" in head or b"<!DOCTYPE" in head:
            return (f"{info.filename} declares XML entities (<!DOCTYPE>/<!ENTITY>), which Office never "
                    "writes; refusing it as an XXE/billion-laughs attack — re-save the file in Word")
    return None


def read_xml(z: zipfile.ZipFile, name: str, kind: str) -> etree._Element | None:
    """Parse one XML part with entity expansion and network access off (open_office_zip refused entities)."""
    try:
        data = z.read(name)
    except KeyError:
        return None
    except (zipfile.BadZipFile, OSError, EOFError) as e:
        raise ExtractionError(f"corrupt {kind} file: part {name} cannot be read ({e})") from e
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as e:
        raise ExtractionError(f"corrupt {kind} file: {name} is not well-formed XML ({e})") from e
