"""One Excel workbook, one sheet per table: header row frozen, filters on."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from jixiao.output.writer import to_csv_text


def write_xlsx(path: Path, frames: dict[str, pd.DataFrame]) -> Path:
    """Write the tables to ``path`` atomically (sheet names cut to Excel's 31 characters)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        with pd.ExcelWriter(tmp, engine="xlsxwriter") as xw:
            for name, df in frames.items():
                sheet = name[:31]
                out = df.copy()
                for c in out.columns:  # numbers stay numbers, NULLs stay empty
                    if str(out[c].dtype) in ("string", "object", "boolean"):
                        out[c] = to_csv_text(out[[c]])[c]
                out.to_excel(xw, sheet_name=sheet, index=False)
                ws = xw.sheets[sheet]
                ws.freeze_panes(1, 0)
                ws.autofilter(0, 0, max(len(out), 1), max(len(out.columns) - 1, 0))
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path
