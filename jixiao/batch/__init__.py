"""Batch conversion: many files on a local process pool or Dask, with a resumable cache.

`run_batch` is the entry point; `run_task` the unit of work every engine runs.
"""

from jixiao.batch.runner import BatchResult, cache_dir, run_batch
from jixiao.batch.task import Outcome, Settings, Task, run_task

__all__ = ["BatchResult", "Outcome", "Settings", "Task", "cache_dir", "run_batch", "run_task"]
