"""The forkserver's preload (local.py): the whole pipeline and every format's reader, warmed
once in the forkserver so each worker it forks starts warm (openpyxl and cn2an too: the
forkserver forks nothing but workers, and starts before any file is read)."""

import importlib

from jixiao.batch.warm import warm

warm()
for name in ("openpyxl", "cn2an"):
    try:
        importlib.import_module(name)
    except ImportError:
        pass
