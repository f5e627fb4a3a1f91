"""Temporary files beside their final name, renamed into place when complete."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def atomic_path(final: Path) -> Path:
    """A new empty temporary file in `final`'s folder, with ordinary permissions."""
    fd, tmp = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; the final file gets ordinary permissions
    return Path(tmp)
