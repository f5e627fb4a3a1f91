"""Old binary Excel .xls: xlrd for values, merged ranges, hidden sheets and number formats.

xlrd (formatting_info) is the one reader that gives a BIFF cell's display format, so a
rate stored as 0.2773 with format 0.00% reads 27.73% as published. Workbooks xlrd
rejects as unsupported go to python-calamine (values and merges, formats unknown: a warning
says so); broken records are a damaged file.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from jixiao.extract.base import ExtractionError, ExtractOptions
from jixiao.extract.office.xlsx import cell_text, grid_to_blocks
from jixiao.model import Document

CALAMINE_WARNING = "read without number formats (xlrd could not open the workbook): percentages may show as fractions"


def extract(path: Path, options: ExtractOptions) -> Document:
    """Read an .xls into the document model (one table per visible sheet)."""
    try:
        return _with_xlrd(path)
    except ExtractionError:
        raise
    except Exception as first:  # xlrd raises XLRDError, CompDocError, struct/index errors on odd files
        if not _unsupported(first):
            raise ExtractionError(f"the Excel file (.xls) is damaged: its records cannot be read ({type(first).__name__}"
                                  f"{': ' + str(first)[:80] if str(first) else ''}); download it again or ask the "
                                  "publisher for a good copy") from first
        try:
            document = _with_calamine(path)
        except MemoryError:
            raise
        except BaseException as second:
            # calamine panics (pyo3's PanicException, a BaseException) on broken records; any other
            # BaseException (a time limit's signal, KeyboardInterrupt, SystemExit) is not the file's damage
            if not isinstance(second, Exception) and not _is_panic(second):
                raise
            raise ExtractionError(f"the Excel file (.xls) is damaged: its records cannot be read ({type(first).__name__}: "
                                  f"{first}; {type(second).__name__}: {second}); download it again or ask the "
                                  "publisher for a good copy") from first
        document.warnings.append(CALAMINE_WARNING)
        return document


def _is_panic(error: BaseException) -> bool:
    """A Rust panic inside calamine, raised by pyo3 as pyo3_runtime.PanicException (not importable)."""
    return type(error).__name__ == "PanicException" and type(error).__module__ == "pyo3_runtime"


def _unsupported(error: Exception) -> bool:
    """xlrd refused a kind of workbook it does not read (calamine may): not broken records.

    Broken records (assertions, struct and index errors) are not handed to calamine: on them it
    can panic or abort the whole process asking for a hundred gigabytes."""
    import xlrd

    return isinstance(error, xlrd.biffh.XLRDError)


# what xlrd's own checks print about records that contradict each other (a damaged file); its
# other notes (file size not a whole number of sectors, formulas it does not know) come from odd writers
_XLRD_DAMAGE = re.compile(r"MERGEDCELLS bad range|Unexpected (?:embedded )?BOF|OLE2 stream .*expected size|"
                          r"File is truncated|unknown \(raw\) format key|is a style XF but parent_style_index")


def _with_xlrd(path: Path) -> Document:
    import xlrd

    log = io.StringIO()
    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True, logfile=log)
    except xlrd.biffh.XLRDError as e:
        if "encrypt" in str(e).lower():
            raise ExtractionError("password-protected Excel file: remove the password and convert again") from e
        raise
    blocks: list = []
    for sheet in book.sheets():
        if sheet.visibility != 0:
            continue
        grid = [[_xlrd_text(book, sheet.cell(r, c)) for c in range(sheet.ncols)] for r in range(sheet.nrows)]
        merges = [(r0, c0, r1 - 1, c1 - 1) for r0, r1, c0, c1 in sheet.merged_cells]
        blocks.extend(grid_to_blocks(grid, merges, sheet.name))
    book.release_resources()
    document = Document(blocks=blocks, source_format="xls")
    said = next((re.sub(r"\\u([0-9a-f]{4})", lambda m: chr(int(m.group(1), 16)), ln.strip(" *"))
                 for ln in log.getvalue().splitlines() if _XLRD_DAMAGE.search(ln)), None)
    if said:
        from jixiao.extract.damage import AGAIN

        document.partial = True
        document.warnings.append(f"the Excel file (.xls) is damaged: its records contradict each other (xlrd: {said}); "
                                 f"what could be read is shown; {AGAIN}")
    return document


def _xlrd_text(book, cell) -> str:
    import xlrd

    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return ""
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return cell_text(bool(cell.value))
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return cell_text(xlrd.xldate_as_datetime(cell.value, book.datemode))
        except (ValueError, OverflowError):
            return cell_text(cell.value)
    if cell.ctype == xlrd.XL_CELL_NUMBER:
        xf = book.xf_list[cell.xf_index] if cell.xf_index is not None else None
        fmt = book.format_map.get(xf.format_key) if xf is not None else None
        return cell_text(cell.value, fmt.format_str if fmt else None)
    return cell_text(cell.value)


def _with_calamine(path: Path) -> Document:
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    wb = CalamineWorkbook.from_path(str(path))
    blocks: list = []
    for meta in wb.sheets_metadata:
        if meta.visible != SheetVisibleEnum.Visible:
            continue
        sheet = wb.get_sheet_by_name(meta.name)
        rows = sheet.to_python(skip_empty_area=False)
        grid = [[cell_text(None if v == "" else v) for v in row] for row in rows]
        merges = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or []]
        blocks.extend(grid_to_blocks(grid, merges, meta.name))
    return Document(blocks=blocks, source_format="xls")


