"""The local engine: a pool of worker processes with a time limit per file.

Unlike ProcessPoolExecutor, a worker that hangs past `timeout` or dies (segfault, OOM
kill, RLIMIT_AS) costs only its current file: the parent kills it if needed, records the
file as failed and starts a fresh worker. Workers are also recycled after
`max_tasks_per_child` files so leaks cannot accumulate.

On Linux a worker is a plain fork of this process while it runs no other thread (the
usual `jixiao convert`): this process first imports what the job's formats need
(jixiao.batch.warm), once for all workers, then forks them in milliseconds, and imports
the table writers while they convert. With other threads running (a progress bar, Dask, the
writers' own threads once imported) forking is unsafe, and with --max-memory a fork would
bring this process's memory under the worker's cap: workers then come from a forkserver
that preloads the whole pipeline (jixiao.batch.preload) — a second interpreter started and
warmed before any file is read.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from multiprocessing.connection import wait

from jixiao.batch.task import Outcome, Settings, Task, TaskFunction, record_failure, run_task

STARTUP_TIMEOUT = 120.0


class WorkerStartError(RuntimeError):
    """Worker processes cannot start at all (broken environment)."""


def _single_threaded() -> bool:
    """No other thread in this process, native ones included (pyarrow and DuckDB start some)."""
    try:
        return threading.active_count() == 1 and len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


def _context(capped: bool = False) -> mp.context.BaseContext:
    """How the next worker starts (see the module doc). A fork is a copy of this process,
    whose address space would count against a worker's memory cap: capped workers come
    from the forkserver."""
    if sys.platform.startswith("linux") and not capped and _single_threaded():
        return mp.get_context("fork")
    if sys.platform.startswith("linux"):
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["jixiao.batch.task", "jixiao.batch.preload", "jixiao.validate.base"])
        return ctx
    return mp.get_context("spawn")


def limit_memory(max_memory_mb: int | None) -> None:
    """Cap this process's address space so a runaway file raises MemoryError here."""
    if not max_memory_mb:
        return
    import resource

    limit = int(max_memory_mb) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _worker_main(conn, settings: Settings, func: TaskFunction) -> None:  # pragma: no cover - in the child
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    limit_memory(settings.max_memory_mb)
    conn.send("ready")
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        start = time.perf_counter()
        try:
            outcome = func(task, settings)
        except MemoryError:
            outcome = record_failure(task, settings, "ran out of memory (--max-memory) reading this file; "
                                     "split it or raise the limit", time.perf_counter() - start)
        except Exception as e:  # a bug outside process_file's own guard: this file fails, the worker lives
            outcome = record_failure(task, settings, f"internal error {type(e).__name__}: {e}",
                                     time.perf_counter() - start)
        conn.send(outcome)


class _Worker:
    def __init__(self, ctx: mp.context.BaseContext, settings: Settings, func: TaskFunction):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, settings, func), daemon=True)
        self.proc.start()
        child.close()
        self._await_ready()
        self.task: Task | None = None
        self.started = 0.0
        self.done = 0

    def _await_ready(self) -> None:
        """A worker that cannot even start is a broken installation, not a bad file: stop the run."""
        try:
            ready = self.conn.poll(STARTUP_TIMEOUT) and self.conn.recv() == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            self.proc.kill()
            self.proc.join()
            raise WorkerStartError(f"a worker process could not start (exit code {self.proc.exitcode}); "
                                   "see the messages above — run jixiao from an installed command or a script file")

    def assign(self, task: Task) -> None:
        self.task, self.started = task, time.monotonic()
        self.conn.send(task)

    def stop(self, kill: bool = False) -> None:
        if kill and self.proc.is_alive():
            self.proc.kill()
        elif self.proc.is_alive():
            try:
                self.conn.send(None)
            except OSError:
                self.proc.kill()
        self.proc.join(timeout=5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()


def death_message(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        reason = "killed for using too much memory?" if name == "SIGKILL" else "crashed"
        return (f"the worker process died ({name}, {reason}) while reading this file; the file is probably "
                "damaged or too large — re-save it, or raise --max-memory")
    return f"the worker process exited unexpectedly (code {exitcode}) while reading this file; re-save the file"


class LocalPool:
    """Persistent isolated workers; `imap` yields outcomes in completion order.

    `func` is the task function (a module-level function, so workers can import it).
    """

    def __init__(self, settings: Settings, workers: int | None = None, func: TaskFunction = run_task):
        self.settings = settings
        self.func = func
        self.size = max(1, workers or os.cpu_count() or 1)
        self._workers: list[_Worker] = []
        self._writers_loaded = False

    def _spawn(self) -> _Worker:
        w = _Worker(_context(bool(self.settings.max_memory_mb)), self.settings, self.func)
        self._workers.append(w)
        return w

    def start(self, tasks: Sequence[Task]) -> LocalPool:
        """Start the workers the tasks need now, before this process starts other threads (a
        progress bar), so they can be forked — warm with what the tasks' formats need, imported
        once here instead of once in every worker."""
        n = min(self.size, len(tasks))
        if n and not self._workers and _context(bool(self.settings.max_memory_mb)).get_start_method() == "fork":
            from jixiao.batch.warm import formats_of, warm

            warm(formats_of(t.path for t in tasks))
        while len(self._workers) < n:
            self._spawn()
        return self

    def _load_writers(self) -> None:
        """Once the workers are busy: import what writing the tables needs (DuckDB)."""
        if not self._writers_loaded:
            self._writers_loaded = True
            from jixiao.output.typed import load_writers

            load_writers()

    def _retire(self, w: _Worker, kill: bool) -> None:
        self._workers.remove(w)
        w.stop(kill=kill)

    def imap(self, tasks: Iterable[Task]) -> Iterator[Outcome]:
        pending = deque(tasks)
        try:
            while pending or any(w.task for w in self._workers):
                idle = sum(w.task is None for w in self._workers)
                while len(self._workers) < self.size and len(pending) > idle:
                    self._spawn()
                    idle += 1
                for w in self._workers:
                    if w.task is None and pending:
                        w.assign(pending.popleft())
                self._load_writers()
                busy = [w for w in self._workers if w.task is not None]
                now = time.monotonic()
                deadline = min(w.started + self.settings.timeout for w in busy)
                ready = wait([w.conn for w in busy] + [w.proc.sentinel for w in busy],
                             timeout=max(0.0, deadline - now))
                for w in busy:
                    outcome = self._collect(w, ready)
                    if outcome is not None:
                        yield outcome
        finally:
            self.close()

    def _collect(self, w: _Worker, ready: list) -> Outcome | None:
        task = w.task
        assert task is not None
        elapsed = time.monotonic() - w.started
        if w.conn in ready:
            try:
                outcome = w.conn.recv()
            except (EOFError, OSError):
                outcome = None
            if outcome is not None:
                w.task, w.done = None, w.done + 1
                if w.done >= self.settings.max_tasks_per_child:
                    self._retire(w, kill=False)
                return outcome
        if w.conn in ready or w.proc.sentinel in ready:
            w.proc.join(timeout=1)
            message = death_message(w.proc.exitcode)
        elif elapsed >= self.settings.timeout:
            message = (f"gave up after {self.settings.timeout:g} s (--timeout); the file is very large or "
                       "pathological — convert it alone with a larger --timeout")
        else:
            return None
        self._retire(w, kill=True)
        return record_failure(task, self.settings, message, elapsed)

    def run_one(self, task: Task) -> Outcome:
        """Convert a single file in an isolated worker, keeping the worker for the next call."""
        pending = deque([task])
        while True:
            if not self._workers:
                self._spawn()
            w = self._workers[0]
            if w.task is None and pending:
                w.assign(pending.popleft())
            ready = wait([w.conn, w.proc.sentinel], timeout=max(0.0, w.started + self.settings.timeout - time.monotonic()))
            outcome = self._collect(w, ready)
            if outcome is not None:
                return outcome

    def close(self, kill: bool = False) -> None:
        for w in list(self._workers):
            self._retire(w, kill=kill or w.task is not None)
