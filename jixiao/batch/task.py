"""The unit of work: one file -> one shard on disk -> a small outcome for the parent.

`run_task` is what every engine runs (a local worker process or a Dask worker): it
checks the file, looks up the cache, converts with `process_file`, writes the shard and
returns only a summary, so results never pile up in the parent's memory.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from jixiao.batch.cache import options_fingerprint, read_shard, shard_name, usable_shard, write_shard
from jixiao.batch.guards import file_problem
from jixiao.pipeline import (
    FileResult,
    PipelineOptions,
    ReadFile,
    failed_tables,
    file_digest,
    finish_file,
    publication_key,
    read_file,
    relative_path,
)


@dataclass(frozen=True)
class Task:
    """One input file; `index` is its place in the final (deterministic) order."""

    index: int
    path: str
    root: str | None
    source_path: str


@dataclass(frozen=True)
class Settings:
    """Everything a worker needs besides the task (picklable, shipped once)."""

    options: PipelineOptions
    cache_dir: str
    force: bool = False
    timeout: float = 120.0
    max_memory_mb: int | None = None
    max_tasks_per_child: int = 200
    office_dir: str | None = None  # the run's shared LibreOffice server (extract/office/lo_client.py)


@dataclass
class Outcome:
    """What the parent learns about one file: status, timing, where its rows are."""

    index: int
    source_path: str
    status: str
    error: str | None
    seconds: float
    shard: str
    cached: bool = False
    columns: dict[str, list[str]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    source_format: str | None = None
    pages: int | None = None
    peak_rss_mb: float | None = None  # of the process that ran the task, for the benchmark
    pages_ocr: int | None = None
    trace: str | None = None  # traceback of an internal error, written to OUT/jixiao.log
    doc_id: str | None = None
    publication: tuple | None = None  # (unit, fiscal year, kind, has tables): pairs 公开文件 and 公开表


TaskFunction = Callable[[Task, Settings], Outcome]


def make_task(index: int, path: Path, root: Path | None) -> Task:
    return Task(index, str(path), str(root) if root is not None else None, relative_path_safe(path, root))


def relative_path_safe(path: Path, root: Path | None) -> str:
    """relative_path, but a symlink keeps its own name (a loop cannot even be resolved)."""
    if not path.is_symlink():
        try:
            return relative_path(path, root)
        except (OSError, RuntimeError):
            pass
    if root is None:
        return path.name
    try:
        return Path(os.path.abspath(path)).relative_to(os.path.abspath(root)).as_posix()
    except ValueError:
        return path.name


def _columns(tables: dict[str, list[dict]]) -> dict[str, list[str]]:
    cols: dict[str, list[str]] = {}
    for name, rows in tables.items():
        seen: dict[str, None] = {}
        for r in rows:
            for k in r:
                seen.setdefault(k, None)
        cols[name] = list(seen)
    return cols


def outcome_of(task: Task, tables: dict[str, list[dict]], seconds: float, shard: Path, cached: bool) -> Outcome:
    doc = tables["documents"][0]
    counts = {name: len(rows) for name, rows in tables.items()}
    return Outcome(task.index, task.source_path, doc["status"], doc.get("error"), seconds, str(shard), cached,
                   _columns(tables), counts, doc.get("source_format"), doc.get("n_pages"), _peak_rss_mb(),
                   doc.get("n_pages_ocr"), doc_id=doc.get("doc_id"), publication=publication_key(tables))


def _peak_rss_mb() -> float | None:
    """This process's own peak resident memory (VmHWM).

    Not getrusage's ru_maxrss: that survives execve, so a worker of a forkserver started
    by a big parent reported the parent's size (~140 MB of pandas it never imported)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except (OSError, ValueError):
        pass
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return None
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def record_failure(task: Task, settings: Settings, message: str, seconds: float) -> Outcome:
    """A file the engine had to give up on (timeout, dead worker): shard it, uncacheable."""
    try:
        digest = file_digest(Path(task.path))
    except OSError:
        digest = None
    tables = failed_tables(task.source_path, message, digest, Path(task.path))
    fp = options_fingerprint(settings.options)
    shard = Path(settings.cache_dir) / shard_name(tables["documents"][0]["doc_id"], task.source_path, fp)
    write_shard(shard, tables, cacheable=False)
    return outcome_of(task, tables, seconds, shard, cached=False)


@dataclass(frozen=True)
class Pending:
    """A task past its checks and cache look-up, to be converted: where its shard goes."""

    digest: tuple[str, int]
    shard: str
    start: float  # time.perf_counter() when the task began


def begin_task(task: Task, settings: Settings) -> Outcome | Pending:
    """The checks before converting: an unreadable file or a usable cached shard is already an Outcome."""
    start = time.perf_counter()
    path = Path(task.path)
    fp = options_fingerprint(settings.options)
    cache_dir = Path(settings.cache_dir)
    problem = file_problem(path)
    if problem is not None:
        tables = failed_tables(task.source_path, f"{path.name} {problem}")
        shard = cache_dir / shard_name(tables["documents"][0]["doc_id"], task.source_path, fp)
        write_shard(shard, tables, cacheable=False)
        return outcome_of(task, tables, time.perf_counter() - start, shard, cached=False)
    try:
        digest = file_digest(path)
    except OSError as e:
        return record_failure(task, settings, f"cannot read the file: {e.strerror}", time.perf_counter() - start)
    shard = cache_dir / shard_name(digest[0][:16], task.source_path, fp)
    if not settings.force:
        cached = usable_shard(shard)
        if cached is not None:
            return outcome_of(task, cached["tables"], time.perf_counter() - start, shard, cached=True)
    return Pending(digest, str(shard), start)


def read_task(task: Task, settings: Settings, pending: Pending) -> ReadFile:
    """The file of a pending task read into the document model (`pipeline.read_file`)."""
    if settings.office_dir:
        from jixiao.extract.office.lo_client import use_state_dir

        use_state_dir(settings.office_dir)
    root = Path(task.root) if task.root is not None else None
    return read_file(Path(task.path), root, settings.options, source_path=task.source_path, digest=pending.digest)


def end_task(task: Task, settings: Settings, pending: Pending, result: FileResult) -> Outcome:
    """Write a converted file's shard and say what came of it."""
    tables = result.tables
    # Failures are redone on the next run: a newer extractor or other limits may read them.
    write_shard(Path(pending.shard), tables, cacheable=tables["documents"][0]["status"] != "failed")
    outcome = outcome_of(task, tables, time.perf_counter() - pending.start, Path(pending.shard), cached=False)
    outcome.trace = result.trace
    return outcome


def run_task(task: Task, settings: Settings) -> Outcome:
    """Convert one file (or reuse its shard) and write the shard; never raises for a bad file."""
    pending = begin_task(task, settings)
    if isinstance(pending, Outcome):
        return pending
    read = read_task(task, settings, pending)
    return end_task(task, settings, pending, finish_file(read, settings.options))


def load_tables(outcome: Outcome) -> dict[str, list[dict]]:
    """The rows of a finished task, read back from its shard."""
    return read_shard(Path(outcome.shard))["tables"]
