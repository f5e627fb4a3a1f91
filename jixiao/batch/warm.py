"""What a worker would otherwise load on its first file, loaded once before workers start.

The pipeline past extraction (interpretation, the rules), the place gazetteer (cpca) and
each format's reader with its libraries. A forked
worker shares what its parent loaded, so the parent warms what the job's files need
(`warm(formats)`) and then forks; the forkserver warms everything (jixiao.batch.preload).
Only imports and pure data: nothing here starts a thread (forking after that is unsafe;
numpy's BLAS starts some, so openpyxl, which imports numpy, is left to the workers).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable

# not cn2an: only a rare 三次 needs it (0.1 s)
CORE = ("jixiao.pipeline", "jixiao.normalize.interpret", "jixiao.normalize.meta", "jixiao.normalize.years",
        "jixiao.extract.damage")
# per format: its reader and the libraries it and the damage check use
FORMATS: dict[str, tuple[str, ...]] = {
    "pdf": ("jixiao.extract.pdf.reader", "pypdfium2", "pikepdf", "encodings.gb2312"),  # gb2312: text quality
    "docx": ("jixiao.extract.office.docx", "lxml.etree"),
    "doc": ("jixiao.extract.office.doc", "olefile", "jixiao.extract.garble"),
    "xlsx": ("jixiao.extract.office.xlsx", "python_calamine"),  # not openpyxl: its numpy starts threads
    "xls": ("jixiao.extract.office.xls", "xlrd", "olefile", "jixiao.extract.garble"),
    "html": ("jixiao.extract.html", "lxml.html", "charset_normalizer"),
    "txt": ("jixiao.extract.txt", "charset_normalizer"),
}
SUFFIXES = {".pdf": "pdf", ".docx": "docx", ".doc": "doc", ".rtf": "doc", ".xlsx": "xlsx", ".xlsm": "xlsx",
            ".xls": "xls", ".html": "html", ".htm": "html", ".mht": "html", ".mhtml": "html", ".txt": "txt",
            ".md": "txt", ".markdown": "txt", ".csv": "txt"}


def formats_of(paths: Iterable[str]) -> set[str]:
    """The formats a job's files probably are, from their names (a misnamed file loads its own later)."""
    return {SUFFIXES[s] for s in (os.path.splitext(p)[1].lower() for p in paths) if s in SUFFIXES}


def warm(formats: Iterable[str] | None = None) -> None:
    """Import the pipeline and the readers of `formats` (all when None) and load their data;
    a missing optional library is skipped."""
    from jixiao.normalize.places import load_gazetteer
    from jixiao.validate.base import load_rules

    chosen = FORMATS if formats is None else {f: FORMATS[f] for f in formats if f in FORMATS}
    for name in CORE + tuple(m for modules in chosen.values() for m in modules):
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    load_rules()
    try:
        load_gazetteer()
    except ImportError:
        pass
