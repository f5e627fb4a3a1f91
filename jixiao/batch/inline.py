"""The small-job engine: one or two small files converted without a worker pool.

Starting a pool and importing the pipeline into its workers costs more than converting a
small file. Here each file is read (extracted into the document model) in a plain fork of
this process (already past its start-up), so the files of a two-file job are read side by
side (one after the other with --workers 1: a child forked early waits for its turn) and a crash or a hang while reading, where native code runs (PDFium, qpdf, LibreOffice),
costs only that file. Meanwhile this process imports the interpreter, the rules, the
gazetteer and the table writer (DuckDB), then interprets and validates what the child read
(`pipeline.read_file` / `finish_file`), under the same time limit. Where fork is unsafe
(other threads running) or missing, the files are converted in this process with the time
limit kept by SIGALRM.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Iterator

from jixiao.batch.task import (
    Outcome,
    Pending,
    Settings,
    Task,
    begin_task,
    end_task,
    read_task,
    record_failure,
    run_task,
)
from jixiao.pipeline import ReadFile, finish_file, load_interpreter

_GAVE_UP = ("gave up after {:g} s (--timeout); the file is very large or pathological — convert it alone "
            "with a larger --timeout")

INLINE_MAX_FILES = 2
INLINE_MAX_SECONDS = 3.0  # expected seconds of work (runner's guess) below which two files stay inline


class _TimeUp(BaseException):
    """Raised by the alarm; a BaseException so process_file's `except Exception` lets it through."""


def _alarm(signum, frame) -> None:  # pragma: no cover - signal handler
    raise _TimeUp


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise _TimeUp after `seconds` (when a timer can be set: main thread, POSIX)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_inline(task: Task, settings: Settings) -> Outcome:
    """run_task in this process, given up after settings.timeout when a timer can be set."""
    start = time.perf_counter()
    try:
        with _time_limit(settings.timeout):
            return run_task(task, settings)
    except _TimeUp:
        return record_failure(task, settings, _GAVE_UP.format(settings.timeout), time.perf_counter() - start)


def inline_outcomes(tasks: list[Task], settings: Settings, fork: bool | None = None,
                    workers: int | None = None) -> Iterator[Outcome]:
    """Outcomes in task order: files read in forked children when safe (or `fork`), else in this process;
    at most `workers` children reading at once.

    The children are forked here, not on the first `next()`: the caller starts its progress bar's
    thread before it asks for outcomes, and a fork is unsafe once a thread runs. So a child beyond
    `workers` is forked now too, but reads only when the parent has collected one before it."""
    import multiprocessing as mp

    if fork is None:
        fork = threading.active_count() == 1 and "fork" in mp.get_all_start_methods()
    if not fork:
        return (run_inline(task, settings) for task in tasks)
    return _forked_outcomes(tasks, settings, workers or len(tasks))


class _Child:
    """A forked reader: its process, the pipe its read comes back on, the pipe that lets it start
    reading (its turn), and when it started."""

    def __init__(self, ctx, task: Task, settings: Settings, pending: Pending) -> None:
        self.conn, child_conn = ctx.Pipe(duplex=False)
        go_recv, self.go = ctx.Pipe(duplex=False)
        self.proc = ctx.Process(target=_child_main, args=(child_conn, (go_recv, self.go), task, settings, pending),
                                daemon=True)
        self.proc.start()
        child_conn.close()
        go_recv.close()
        self.started: float | None = None

    def start_reading(self) -> float:
        """Let it read (once); when it began."""
        if self.started is None:
            self.started = time.monotonic()
            with contextlib.suppress(OSError):  # it died meanwhile: _collect reports how
                self.go.send(True)
        return self.started

    def close(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join()
        self.conn.close()
        self.go.close()


def _forked_outcomes(tasks: list[Task], settings: Settings, workers: int) -> Iterator[Outcome]:
    """Each pending task read in a forked child (all forked now, the first `workers` reading now),
    interpreted here as it comes back."""
    import multiprocessing as mp

    begun = [(task, begin_task(task, settings)) for task in tasks]  # checks and cache: no child needed
    ctx = mp.get_context("fork")
    children = {task.index: _Child(ctx, task, settings, pending) for task, pending in begun
                if isinstance(pending, Pending)}
    for child in list(children.values())[:max(1, workers)]:
        child.start_reading()
    return _outcomes(begun, children, settings)


def _outcomes(begun: list[tuple[Task, Outcome | Pending]], children: dict[int, _Child],
              settings: Settings) -> Iterator[Outcome]:
    """The outcomes in task order; a waiting child starts reading when one before it is collected.
    Children not yet collected when the caller stops early (--strict, Ctrl-C) are killed, not left
    reading or waiting."""
    waiting = [c for c in children.values() if c.started is None]
    try:
        _prepare(interpret=bool(children))  # while the children read
        for task, pending in begun:
            if isinstance(pending, Outcome):
                yield pending
                continue
            child = children[task.index]
            began = child.start_reading()  # (it already reads, unless an earlier child had no turn)
            free = time.monotonic()  # the time this process spent on the files before is not this file's
            read = _collect(task, child.proc, child.conn, began, settings)
            for later in waiting:
                if later.started is None:
                    later.start_reading()  # its turn: one reader fewer
                    break
            yield read if isinstance(read, Outcome) else _finish(task, settings, pending, read, max(began, free))
    finally:
        for child in children.values():
            child.close()


def _prepare(interpret: bool) -> None:
    """Import what this process needs next: the interpreter, rules and gazetteer (when files are
    read), the table writer (DuckDB) and the publication rules (they run over all files' rows
    before the tables are written)."""
    if interpret:
        load_interpreter()
    from jixiao.output.typed import load_writers

    load_writers()
    import jixiao.validate.publication  # noqa: F401


def _child_main(conn, go, task: Task, settings: Settings, pending: Pending) -> None:  # pragma: no cover - in the child
    turn, parent_end = go
    parent_end.close()  # so that the parent's end gone means EOF here
    try:
        turn.recv()  # its turn to read (--workers); EOF: the parent is gone or stopped early
    except (EOFError, OSError):
        return
    finally:
        turn.close()
    try:
        read: ReadFile | Outcome = read_task(task, settings, pending)
    except Exception as e:  # a bug outside read_file's own guard
        read = record_failure(task, settings, f"internal error {type(e).__name__}: {e}", 0.0)
    conn.send(read)
    conn.close()


def _finish(task: Task, settings: Settings, pending: Pending, read: ReadFile, started: float) -> Outcome:
    """Interpret and validate what a child read, within what is left of the file's time limit
    (counted from `started`: its fork, or when this process was done with the files before it)."""
    try:
        with _time_limit(settings.timeout - (time.monotonic() - started)):
            return end_task(task, settings, pending, finish_file(read, settings.options))
    except _TimeUp:
        return record_failure(task, settings, _GAVE_UP.format(settings.timeout), time.monotonic() - started)
    except Exception as e:  # a bug outside finish_file's own guard
        return record_failure(task, settings, f"internal error {type(e).__name__}: {e}", time.monotonic() - started)


def _collect(task: Task, proc, conn, started: float, settings: Settings) -> ReadFile | Outcome:
    """What the child read (or its failure), waiting no longer than the file's time limit."""
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
