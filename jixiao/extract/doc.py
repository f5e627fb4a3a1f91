"""Old binary Word .doc: converted to .docx by LibreOffice headless, then read as .docx.

LibreOffice runs with a private, throw-away profile (parallel conversions would otherwise
fight over one) and a time limit, so a file that hangs it fails alone.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from jixiao.extract.base import ExtractionError, ExtractOptions
from jixiao.model import Document


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_with_libreoffice(path: Path, target: str, out_dir: Path, timeout: float) -> Path:
    """Convert ``path`` to format ``target`` (docx, xlsx) in out_dir; return the new file."""
    soffice = soffice_path()
    if soffice is None:
        raise ExtractionError(f"reading .{path.suffix.lstrip('.') or 'doc'} files needs LibreOffice: "
                              "apt-get install libreoffice-writer libreoffice-calc")
    with tempfile.TemporaryDirectory(prefix="jixiao-lo-") as profile:
        src = out_dir / ("input" + (path.suffix.lower() or ".doc"))
        shutil.copyfile(path, src)  # odd names (leading dash, spaces) never reach the command line
        try:
            proc = subprocess.run(
                [soffice, "--headless", "--norestore", "--nologo", f"-env:UserInstallation=file://{profile}",
                 "--convert-to", target, "--outdir", str(out_dir), str(src)],
                capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as e:
            raise ExtractionError(f"LibreOffice did not finish converting this file within {timeout:.0f} s") from e
    out = out_dir / f"input.{target}"
    if not out.exists():
        msg = (proc.stderr or proc.stdout or b"").decode(errors="replace").strip().splitlines()
        raise ExtractionError("LibreOffice could not read this file (corrupt or not a Word/Excel file)"
                              + (f": {msg[-1]}" if msg else ""))
    return out


def extract(path: Path, options: ExtractOptions) -> Document:
    """Read a .doc via LibreOffice and the .docx extractor."""
    from jixiao.extract import docx

    with tempfile.TemporaryDirectory(prefix="jixiao-doc-") as tmp:
        converted = convert_with_libreoffice(path, "docx", Path(tmp), options.timeout)
        document = docx.extract(converted, options)
    document.source_format = "doc"
    return document
