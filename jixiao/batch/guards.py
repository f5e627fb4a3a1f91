"""Checks made before a path reaches the pipeline, so files that cannot even be opened fail clearly.

Symlink loops, dangling links, named pipes (opening one blocks forever), unreadable files.
Returns None when the file may go on, else a one-line message saying what is wrong and
what to do. What is inside a file (zip bombs, XML entities) is the extractor's check:
extract/office/container.py.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

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

