"""Finding the input files: files and folders (recursive), in a stable order.

Hidden files, our own output and editor lock files are skipped. Folder symlinks are not
followed (no endless loops); file symlinks that loop or dangle, pipes and other odd
entries are kept, so the batch gives each a failed row saying what is wrong; unreadable
folders are reported as problems.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

SKIP_NAMES = {"jixiao.duckdb", ".DS_Store", "Thumbs.db", "desktop.ini"}
SKIP_SUFFIXES = {".parquet", ".duckdb", ".wal", ".tmp", ".log", ".pyc"}


@dataclass
class InputSet:
    """The files to convert, each with the folder its relative path is taken from."""

    files: list[tuple[Path, Path | None]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _wanted(p: Path) -> bool:
    name = p.name
    return not (name.startswith(".") or name.startswith("~$") or name in SKIP_NAMES
                or p.suffix.lower() in SKIP_SUFFIXES)


def collect_inputs(paths: list[Path], exclude: Path | None = None) -> InputSet:
    """Expand files and folders into a sorted, de-duplicated list of files."""
    found = InputSet()
    seen: set[str] = set()
    for p in paths:
        if not p.exists() and not p.is_symlink():
            found.problems.append(f"{p}: no such file or folder")
            continue
        if p.is_dir():
            root = p
            for dirpath, dirnames, filenames in os.walk(p, followlinks=False, onerror=lambda e: found.problems.append(f"{e.filename}: {e.strerror}")):
                d = Path(dirpath)
                if exclude is not None and _inside(d, exclude):
                    dirnames[:] = []
                    continue
                dirnames[:] = sorted(n for n in dirnames if not n.startswith("."))
                for name in sorted(filenames):
                    f = d / name
                    if not _wanted(f):
                        continue
                    key = _identity(f)
                    if key not in seen and not f.is_dir():
                        seen.add(key)
                        found.files.append((f, root))
        else:
            key = _identity(p)
            if key not in seen:
                seen.add(key)
                found.files.append((p, p.parent))
    return found


def _identity(p: Path) -> str:
    """The real path for de-duplication; a looping or dangling link is its own identity."""
    try:
        return str(p.resolve(strict=True))
    except (OSError, RuntimeError):
        return str(p.absolute())


def _inside(d: Path, folder: Path) -> bool:
    try:
        d.resolve().relative_to(folder.resolve())
        return True
    except (ValueError, OSError):
        return False
