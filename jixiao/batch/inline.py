"""The small-job engine: one or two small files converted without a worker pool.

Starting the forkserver and preloading the pipeline into it costs more than converting a
small file (about 1.5 s on a 2-core machine). Here each file gets a plain fork of this
process (already past its start-up), so the files of a two-file job run side by side, a
crash or a hang costs only that file, and meanwhile this process imports the table
writer (DuckDB) it needs next. Where fork is unsafe (other threads running) or
missing, the files are converted in this process with the time limit kept by SIGALRM.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator

from jixiao.batch.task import Outcome, Settings, Task, record_failure, run_task

_GAVE_UP = ("gave up after {:g} s (--timeout); the file is very large or pathological — convert it alone "
            "with a larger --timeout")

INLINE_MAX_FILES = 2
INLINE_MAX_SECONDS = 3.0  # expected seconds of work (runner's guess) below which two files stay inline


class _TimeUp(BaseException):
    """Raised by the alarm; a BaseException so process_file's `except Exception` lets it through."""


def _alarm(signum, frame) -> None:  # pragma: no cover - signal handler
    raise _TimeUp


def run_inline(task: Task, settings: Settings) -> Outcome:
    """run_task in this process, given up after settings.timeout when a timer can be set."""
    can_alarm = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    start = time.perf_counter()
    if not can_alarm:
        return run_task(task, settings)
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, settings.timeout)
    try:
        return run_task(task, settings)
    except _TimeUp:
        return record_failure(task, settings, _GAVE_UP.format(settings.timeout), time.perf_counter() - start)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def inline_outcomes(tasks: list[Task], settings: Settings, fork: bool | None = None) -> Iterator[Outcome]:
    """Outcomes in task order: forked children when safe (or `fork`), else this process."""
    import multiprocessing as mp

    if fork is None:
        fork = threading.active_count() == 1 and "fork" in mp.get_all_start_methods()
    if not fork:
        for task in tasks:
            yield run_inline(task, settings)
        return
    ctx = mp.get_context("fork")
    children = []
    for task in tasks:
        conn, child_conn = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_child_main, args=(child_conn, task, settings), daemon=True)
        proc.start()
        child_conn.close()
        children.append((task, proc, conn, time.monotonic()))
    _prepare_to_write()  # while the children convert
    for task, proc, conn, started in children:
        yield _collect(task, proc, conn, started, settings)


def _prepare_to_write() -> None:
    """Import what this process needs once the files are converted: the table writer (DuckDB)
    and the publication rules (they run over all files' rows before the tables are written)."""
    from jixiao.output.typed import load_writers

    load_writers()
    import jixiao.validate.publication  # noqa: F401


def _child_main(conn, task: Task, settings: Settings) -> None:  # pragma: no cover - in the child
    try:
        outcome = run_task(task, settings)
    except Exception as e:  # a bug outside process_file's own guard
        outcome = record_failure(task, settings, f"internal error {type(e).__name__}: {e}", 0.0)
    conn.send(outcome)
    conn.close()


def _collect(task: Task, proc, conn, started: float, settings: Settings) -> Outcome:
    from multiprocessing.connection import wait

    from jixiao.batch.local import death_message

    try:
        left = started + settings.timeout - time.monotonic()
        ready = wait([conn, proc.sentinel], timeout=max(0.0, left))
        if conn in ready:
            try:
                return conn.recv()
            except (EOFError, OSError):
                pass
        if ready:
            proc.join(5)
            return record_failure(task, settings, death_message(proc.exitcode), time.monotonic() - started)
        proc.kill()
        return record_failure(task, settings, _GAVE_UP.format(settings.timeout), time.monotonic() - started)
    finally:
        if proc.is_alive():
            proc.join(5)
        if proc.is_alive():
            proc.kill()
        proc.join()
        conn.close()
