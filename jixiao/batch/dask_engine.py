"""The Dask engine: the same `run_task` on dask.distributed workers.

By default a LocalCluster (processes, one thread each, no dashboard); `scheduler` points
at an existing cluster instead (every worker must see the input and output paths, e.g. a
shared file system). On each Dask worker the task runs inside a private one-process
LocalPool, so the per-file time limit and memory isolation hold there too; on clusters
whose workers are daemonic (cannot start processes) it runs in the worker itself and the
time limit is not enforced.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Iterable, Iterator

from jixiao.batch.task import Outcome, Settings, Task, record_failure, run_task

_POOLS: dict[str, object] = {}


class ClusterMismatch(RuntimeError):
    """The Dask workers cannot run this jixiao (not installed there, or another version)."""


def check_workers(client) -> None:
    """Every worker must import the same jixiao pipeline version as this process."""
    from jixiao import PIPELINE_VERSION

    try:
        # eval travels by reference (a builtin), so this works before jixiao is known to be there
        found = client.run(eval, "__import__('jixiao').PIPELINE_VERSION")
    except Exception as e:  # noqa: BLE001 - any failure means the same thing to the user
        raise ClusterMismatch(f"the Dask workers cannot import jixiao ({type(e).__name__}: {e}); install this "
                              "jixiao on every worker and make the input and output folders visible there") from e
    if not found:
        raise ClusterMismatch("the Dask cluster has no workers")
    other = {w: v for w, v in found.items() if v != PIPELINE_VERSION}
    if other:
        raise ClusterMismatch(f"Dask workers run another jixiao pipeline version ({other}); this one is "
                              f"{PIPELINE_VERSION} — install the same version everywhere")


def run_task_isolated(task: Task, settings: Settings) -> Outcome:
    """run_task in an isolated child of this Dask worker (kept for the next task)."""
    if mp.current_process().daemon:
        return run_task(task, settings)
    from jixiao.batch.local import LocalPool

    pool = _POOLS.get(repr(settings))
    if pool is None:
        pool = _POOLS[repr(settings)] = LocalPool(settings, workers=1)
    return pool.run_one(task)  # type: ignore[attr-defined]


def dask_imap(tasks: Iterable[Task], settings: Settings, workers: int | None = None,
              scheduler: str | None = None) -> Iterator[Outcome]:
    """Submit every task to Dask and yield outcomes as they complete."""
    from jixiao.extras import require

    require("distributed", extra="dask", purpose="--engine dask")
    import dask
    from distributed import Client, LocalCluster, as_completed

    tasks = list(tasks)
    with dask.config.set({"distributed.worker.daemon": False, "distributed.logging.distributed": "error"}):
        if scheduler:
            cluster = None
            client = Client(scheduler)
        else:
            n = max(1, workers or os.cpu_count() or 1)
            cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                                   silence_logs=40)
            client = Client(cluster)
        try:
            check_workers(client)
            futures = {client.submit(run_task_isolated, t, settings, pure=False, key=f"jixiao-file-{t.index}"): t
                       for t in tasks}
            for future in as_completed(futures):
                task = futures[future]
                try:
                    outcome = future.result()
                except Exception as e:  # a worker lost for good (KilledWorker) or a scheduler failure
                    outcome = record_failure(task, settings, f"the Dask worker running this file failed: "
                                             f"{type(e).__name__}: {e}; re-run, or convert it alone", 0.0)
                yield outcome
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
