"""Old binary Excel .xls, read with python-calamine (merged ranges where it reports them).

A workbook calamine cannot open is handed to LibreOffice (→ .xlsx) before giving up.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from jixiao.extract.base import ExtractionError, ExtractOptions
from jixiao.extract.xlsx import cell_text, grid_to_blocks
from jixiao.model import Document


def extract(path: Path, options: ExtractOptions) -> Document:
    """Read an .xls into the document model."""
    try:
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_path(str(path))
    except Exception as first:  # calamine raises its own error types
        from jixiao.extract import doc, xlsx

        try:
            with tempfile.TemporaryDirectory(prefix="jixiao-xls-") as tmp:
                converted = doc.convert_with_libreoffice(path, "xlsx", Path(tmp), options.timeout)
                document = xlsx.extract(converted, options)
        except ExtractionError as second:
            raise ExtractionError(f"corrupt or unreadable Excel file ({first}); {second}") from first
        document.source_format = "xls"
        return document
    blocks: list = []
    for name in wb.sheet_names:
        sheet = wb.get_sheet_by_name(name)
        if getattr(sheet, "visible", "visible") not in ("visible", None) and str(getattr(sheet, "visible", "")).lower() not in ("visible", "sheetvisible.visible"):
            continue
        rows = sheet.to_python(skip_empty_area=True)
        grid = [[cell_text(v if v != "" else None) for v in row] for row in rows]
        merges = []
        for m in getattr(sheet, "merged_cell_ranges", None) or []:
            (r0, c0), (r1, c1) = m
            merges.append((r0, c0, r1, c1))
        blocks.extend(grid_to_blocks(grid, merges))
    return Document(blocks=blocks, source_format="xls")
