"""Checks made before a file reaches an extractor, so hostile files fail fast and clearly.

File-level: symlink loops, dangling links, named pipes (opening one blocks forever),
unreadable files. Content-level for zip-based Office files: declared inflated size and
member count against the limits of ExtractOptions, and XML members that declare
entities (XXE / billion laughs: Office never writes a DOCTYPE into its parts).
Each returns None when the file may go on, else a one-line message saying what is
wrong and what to do.
"""

from __future__ import annotations

import errno
import os
import stat
import zipfile
from pathlib import Path

from jixiao.extract.base import ExtractOptions

_KIND = {stat.S_IFIFO: "a named pipe (FIFO)", stat.S_IFSOCK: "a socket", stat.S_IFCHR: "a character device",
         stat.S_IFBLK: "a block device", stat.S_IFDIR: "a folder"}


def file_problem(path: Path) -> str | None:
    """Why this path cannot be read as a document file, or None."""
    try:
        st = os.stat(path)
    except OSError as e:
        if e.errno == errno.ELOOP:
            return "is a symbolic link loop (it leads back to itself); delete it or point it at the real file"
        if path.is_symlink():
            target = os.readlink(path)
            return f"is a symbolic link to a missing file ({target}); delete the link or restore the file"
        if e.errno in (errno.EACCES, errno.EPERM):
            return "cannot be read: permission denied; make it readable (chmod a+r) or run as its owner"
        return f"cannot be opened: {e.strerror}; check that the file still exists"
    if not stat.S_ISREG(st.st_mode):
        kind = _KIND.get(stat.S_IFMT(st.st_mode), "not a regular file")
        return f"is {kind}, not a document file; copy the real document into the folder instead"
    try:
        with open(path, "rb") as fh:
            fh.read(1)
    except PermissionError:
        return "cannot be read: permission denied; make it readable (chmod a+r) or run as its owner"
    except OSError as e:
        return f"cannot be read: {e.strerror}; copy the file again"
    return None


def _gb(n: int) -> str:
    return f"{n / 1e9:.1f} GB" if n >= 1e8 else f"{n / 1e6:.1f} MB"


def zip_problem(path: Path, options: ExtractOptions) -> str | None:
    """Limits for zip-based formats (docx, xlsx): inflated size, member count, XML entities."""
    try:
        with open(path, "rb") as fh:
            if fh.read(4) != b"PK\x03\x04":
                return None
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        return None  # not a readable zip: the extractor reports it as corrupt
    with z:
        infos = z.infolist()
        if len(infos) > options.max_zip_members:
            return (f"the Office file holds {len(infos)} parts (limit {options.max_zip_members}); "
                    "it is damaged or hostile — open and re-save it in Word/Excel")
        total = sum(i.file_size for i in infos)
        if total > options.max_unzipped_bytes:
            return (f"the Office file would inflate to {_gb(total)} (limit {_gb(options.max_unzipped_bytes)}): "
                    "a zip bomb or a damaged file; open and re-save it in Word/Excel")
        for info in infos:
            if not info.filename.endswith((".xml", ".rels")):
                continue
            try:
                with z.open(info) as member:
                    head = member.read(4096)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
                continue  # damaged member: the extractor says so
            if b"<!ENTITY" in head or b"<!DOCTYPE" in head:
                return (f"{info.filename} declares XML entities (<!DOCTYPE>/<!ENTITY>), which Office never "
                        "writes; refusing it as an XXE/billion-laughs attack — re-save the file in Word")
    return None
