"""Loaded once by the forkserver, before any worker starts.

Everything a worker would otherwise load on its first file — the place gazetteer
(cpca), the Chinese-numeral parser (cn2an), the spreadsheet and PDF libraries — is
imported here, so forked workers share it and no worker pays ~1 s on its first file.
Only imports and pure data: nothing here starts a thread (forking after that is unsafe).
"""

from __future__ import annotations

import importlib

import jixiao.pipeline  # noqa: F401  (the whole pipeline, extractors included)
from jixiao.normalize.places import load_gazetteer
from jixiao.validate.base import load_rules

MODULES = ("cn2an", "openpyxl", "python_calamine", "xlrd", "pypdfium2", "charset_normalizer", "lxml.html")


def warm() -> None:
    """Import the libraries and data of the hot path; a missing optional one is skipped."""
    for name in MODULES:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    load_rules()
    try:
        load_gazetteer()
    except ImportError:
        pass


warm()
