"""Old binary Word .doc (and RTF saved as .doc): LibreOffice headless makes a .docx, read as .docx.

One LibreOffice serves the whole run (lo_client.py); without it, a soffice per file runs
with a private, throw-away profile (parallel conversions would otherwise fight over one).
Either way there is a time limit, so a file that hangs LibreOffice fails alone. The import filter
is named: left to guess, LibreOffice imports a damaged .doc as plain text and "succeeds".
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from jixiao.extract.base import ExtractionError, ExtractOptions
from jixiao.extract.office import lo_client
from jixiao.model import Document

# LibreOffice export filter per target extension (what `--convert-to docx` picks)
EXPORT_FILTERS = {"docx": "MS Word 2007 XML", "xlsx": "Calc MS Excel 2007 XML"}


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def word_filters(path: Path) -> list[str]:
    """LibreOffice import filters to try for a Word file, from its first bytes."""
    with open(path, "rb") as fh:
        head = fh.read(16)
    if head.lstrip()[:5] == b"{\\rtf":
        return ["Rich Text Format"]
    return ["MS Word 97", "MS Word 95"]


def convert_with_libreoffice(path: Path, target: str, out_dir: Path, timeout: float,
                             infilter: str | None = None) -> Path:
    """Convert ``path`` to format ``target`` (docx, xlsx) in out_dir; return the new file.

    Through the run's one long-lived LibreOffice (lo_client); a soffice of its own for this
    file only when that server cannot run here (no pyuno)."""
    soffice = soffice_path()
    if soffice is None:
        raise ExtractionError(f"reading .{path.suffix.lstrip('.') or 'doc'} files needs LibreOffice: "
                              "apt-get install libreoffice-writer libreoffice-calc")
    (out_dir / "in").mkdir(exist_ok=True)
    src = out_dir / "in" / ("input" + (path.suffix.lower() or ".doc"))
    shutil.copyfile(path, src)  # odd names (leading dash, spaces) never reach the command line
    out = out_dir / f"input.{target}"
    if lo_client.convert(src, out, infilter, EXPORT_FILTERS[target], timeout, soffice):
        return out
    with tempfile.TemporaryDirectory(prefix="jixiao-lo-") as profile:
        cmd = [soffice, "--headless", "--norestore", "--nologo", f"-env:UserInstallation=file://{profile}",
               *([f"--infilter={infilter}"] if infilter else []),
               "--convert-to", target, "--outdir", str(out_dir), str(src)]
        # its own process group: on a time-out the whole LibreOffice tree goes, not only the wrapper
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as e:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise ExtractionError(f"LibreOffice did not finish converting this file within {timeout:.0f} s") from e
    if not out.exists():
        msg = (stderr or stdout or b"").decode(errors="replace").strip().splitlines()
        raise ExtractionError("LibreOffice could not read this file (corrupt or not a Word/Excel file)"
                              + (f": {msg[-1]}" if msg else ""))
    return out


def extract(path: Path, options: ExtractOptions) -> Document:
    """Read a .doc via LibreOffice and the .docx extractor."""
    from jixiao.extract.office import docx
    from jixiao.extract.office.container import encrypted_ole

    if encrypted_ole(path):
        raise ExtractionError("password-protected Word file: remove the password (save a copy without it) and convert again")
    filters = word_filters(path)
    with tempfile.TemporaryDirectory(prefix="jixiao-doc-") as tmp:
        for i, infilter in enumerate(filters):
            try:
                converted = convert_with_libreoffice(path, "docx", Path(tmp), options.timeout, infilter)
                break
            except ExtractionError as e:
                if i == len(filters) - 1 or "LibreOffice could not read" not in str(e):
                    raise
        document = docx.extract(converted, options)
    document.source_format = "doc"
    return document
