"""The in-process engine: one or two small files converted without a worker pool.

Starting the forkserver and preloading the pipeline into it costs more than converting a
small file (about 1.5 s on a 2-core machine), so a run of one or two cheap files is done
here, in the parent. The time limit still holds (SIGALRM, in the main thread); what is
lost is the isolation from a crashing library, which matters for a batch, not for one file.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator

from jixiao.batch.task import Outcome, Settings, Task, record_failure, run_task

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
        return record_failure(task, settings, f"gave up after {settings.timeout:g} s (--timeout); the file is very "
                              "large or pathological — convert it alone with a larger --timeout",
                              time.perf_counter() - start)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def inline_outcomes(tasks: list[Task], settings: Settings) -> Iterator[Outcome]:
    for task in tasks:
        yield run_inline(task, settings)
