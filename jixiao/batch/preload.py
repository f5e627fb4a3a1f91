"""The forkserver's preload (local.py): the whole pipeline and every format's reader, warmed
once in the forkserver so each worker it forks starts warm (openpyxl too: the forkserver
forks nothing but workers, which import it anyway)."""

import importlib

from jixiao.batch.warm import warm

warm()
try:
    importlib.import_module("openpyxl")
except ImportError:
    pass
