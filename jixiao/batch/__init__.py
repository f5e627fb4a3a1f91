"""Batch conversion: many files on a local process pool or Dask, with a resumable cache.

`run_batch` is the entry point; `run_task` the unit of work every engine runs.
Names are imported on first use: a worker process imports only `jixiao.batch.task`
and the pipeline, never the output writers (pandas and pyarrow: ~110 MB per worker).
"""

from __future__ import annotations

import importlib

_HOMES = {"BatchResult": "runner", "cache_dir": "runner", "run_batch": "runner",
          "Outcome": "task", "Settings": "task", "Task": "task", "run_task": "task"}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> object:
    if name not in _HOMES:
        raise AttributeError(f"module 'jixiao.batch' has no attribute {name!r}")
    return getattr(importlib.import_module(f"jixiao.batch.{_HOMES[name]}"), name)
