"""One Excel workbook, one sheet per table: header row frozen, filters on.

This is what analysts open first, so cells keep their types: numbers are numbers, empty
stays empty (never 0), and text is always text — a cell like `=SUM(A1)` or `http://…` is
not turned into a formula or link, and a code like `131024` is not turned into a number.
A table longer than one sheet allows continues on sheets named `forms (2)`, `forms (3)`, ….
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import pandas as pd

from jixiao.output.atomic import atomic_path

MAX_ROWS = 1_048_575  # Excel's row limit minus the header
MAX_CELL = 32_767  # Excel's characters per cell
MAX_WIDTH = 60


def _cell(v: object) -> object:
    """A value xlsxwriter writes faithfully: None for empty, plain str/float/bool otherwise."""
    if v is None or v is pd.NA:
        return None
    if isinstance(v, bool):
        return v
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, float) and math.isinf(v):
        return str(v)
    if isinstance(v, int | float):
        return v
    if hasattr(v, "item"):  # numpy scalars
        return _cell(v.item())
    text = str(v)
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def _sheet_names(name: str, n_rows: int, taken: set[str]) -> list[str]:
    n_sheets = max(1, math.ceil(n_rows / MAX_ROWS))
    names = []
    for i in range(n_sheets):
        suffix = f" ({i + 1})" if i else ""
        base = name[: 31 - len(suffix)] + suffix
        candidate, k = base, 2
        while candidate in taken:
            tail = f"~{k}"
            candidate, k = base[: 31 - len(tail)] + tail, k + 1
        taken.add(candidate)
        names.append(candidate)
    return names


def _width(df: pd.DataFrame, col: str) -> float:
    sample = [str(v) for v in df[col].head(200) if v is not None and v is not pd.NA]
    longest = max([len(col)] + [len(s) for s in sample])
    return min(MAX_WIDTH, 4 + longest * 1.6)  # CJK characters are about twice as wide


def write_xlsx(target: Path, frames: dict[str, pd.DataFrame], name: str = "jixiao.xlsx") -> Path:
    """Write every table (atomically) to ``target/name``, or to ``target`` itself when it ends in
    .xlsx, and return the workbook's path."""
    import xlsxwriter

    path = Path(target) if str(target).lower().endswith(".xlsx") else Path(target) / name
    out_dir, name = path.parent, path.name
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = atomic_path(path)  # not mkstemp's 0600: the workbook is read as the CSVs are
    try:
        wb = xlsxwriter.Workbook(tmp, {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                                       "strings_to_urls": False, "nan_inf_to_errors": False})
        header = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        taken: set[str] = set()
        for table, df in frames.items():
            cols = [str(c) for c in df.columns]
            for part, sheet in enumerate(_sheet_names(table, len(df), taken)):
                chunk = df.iloc[part * MAX_ROWS:(part + 1) * MAX_ROWS]
                ws = wb.add_worksheet(sheet)
                for j, c in enumerate(cols):
                    ws.write_string(0, j, c, header)
                    ws.set_column(j, j, _width(chunk, df.columns[j]))
                for i, row in enumerate(chunk.itertuples(index=False, name=None), start=1):
                    for j, v in enumerate(row):
                        cell = _cell(v)
                        if cell is None:
                            continue
                        if isinstance(cell, str):
                            ws.write_string(i, j, cell)
                        elif isinstance(cell, bool):
                            ws.write_boolean(i, j, cell)
                        else:
                            ws.write_number(i, j, cell)
                ws.freeze_panes(1, 0)
                ws.autofilter(0, 0, max(len(chunk), 1), max(len(cols) - 1, 0))
        wb.close()
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path
