"""A batch run: files -> tasks on an engine -> shards -> the final tables.

Shards are reassembled in the input order (collect_inputs' sorted walk), never in
completion order, so the output does not depend on the engine or the number of workers
and is byte-identical to converting the files one by one.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from jixiao.batch.cache import CACHE_DIR, remove_stale_temp_files
from jixiao.batch.progress import BatchProgress
from jixiao.batch.task import Outcome, Settings, Task, load_tables, make_task
from jixiao.output.stream import TableStream
from jixiao.output.typed import all_columns
from jixiao.schema import TABLES
from jixiao.validate.base import finding_id

if TYPE_CHECKING:
    from rich.console import Console


@dataclass
class BatchResult:
    """Outcomes in input order; `stopped` when --strict ended the run early."""

    outcomes: list[Outcome] = field(default_factory=list)
    stopped: bool = False
    written: bool = False
    seconds_converting: float = 0.0  # wall time until the last file's shard was written
    seconds_assembling: float = 0.0  # wall time writing the final tables from the shards
    records: dict[str, list[dict]] | None = None  # the tables' typed rows, when the run was small

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    def count(self, table: str) -> int:
        return sum(o.counts.get(table, 0) for o in self.outcomes)


def engine_outcomes(tasks: list[Task], settings: Settings, engine: str, workers: int | None,
                    scheduler: str | None) -> Iterator[Outcome]:
    if engine == "dask":
        from jixiao.batch.dask_engine import dask_imap

        return dask_imap(tasks, settings, workers, scheduler)
    if small_job(tasks, settings, workers):
        from jixiao.batch.inline import inline_outcomes

        return inline_outcomes(tasks, settings, workers=workers)
    from jixiao.batch.local import LocalPool

    return LocalPool(settings, workers).start(tasks).imap(tasks)


class _ColumnInterner:
    """Share identical column lists between outcomes: 100k files must not mean 100k copies."""

    def __init__(self) -> None:
        self._seen: dict[tuple, list[str]] = {}

    def __call__(self, columns: dict[str, list[str]]) -> dict[str, list[str]]:
        shared = {}
        for name, cols in columns.items():
            key = (name, *cols)
            shared[name] = self._seen.setdefault(key, list(cols))
        return shared


def prune_cache(cache: Path, outcomes: list[Outcome]) -> int:
    """Delete shards of earlier versions of this run's files (same path, other bytes/options)."""
    used = {Path(o.shard).name for o in outcomes}
    path_keys = {name.rsplit("-", 1)[-1] for name in used}
    removed = 0
    for shard in cache.glob("*.json"):
        if shard.name not in used and shard.name.rsplit("-", 1)[-1] in path_keys:
            shard.unlink(missing_ok=True)
            removed += 1
    return removed


def publication_findings(outcomes: list[Outcome], tolerance: float = 1.0) -> dict[str, list[dict]]:
    """doc_id -> findings of the publication rules over the files of one publication (a …公开文件
    and its …公开表 of the same unit and year), found only once every file was converted; and of
    each 预算/决算 说明 without tables that found no 公开表 in the batch."""
    from jixiao.pipeline import check_publication, check_unpaired
    from jixiao.validate.publication import pair_groups

    by_doc = {o.doc_id: o for o in outcomes if o.doc_id and o.publication is not None and o.status != "failed"}
    found: dict[str, list[dict]] = {}
    paired: set[str] = set()
    for group in pair_groups({d: o.publication for d, o in by_doc.items()}):
        paired.update(group)
        for f in check_publication([load_tables(by_doc[d]) for d in group], tolerance):
            found.setdefault(f["doc_id"], []).append(f)
    for d, o in by_doc.items():
        key = o.publication
        if d not in paired and key is not None and key[2] is not None and not key[3]:  # a 说明 without tables
            for f in check_unpaired(load_tables(o), tolerance):
                found.setdefault(f["doc_id"], []).append(f)
    return found


def assemble(out: Path, outcomes: list[Outcome],
             added: dict[str, list[dict]] | None = None) -> dict[str, list[dict]] | None:
    """Write the final tables from the shards, file by file in input order; `added` findings (of
    publications of several files) go with their document. Returns the rows written when the run
    was small (TableStream.records)."""
    added = added or {}
    columns: dict[str, list[str]] = {}
    for name in TABLES:
        extra: dict[str, None] = {}
        for o in outcomes:
            for c in o.columns.get(name, []):
                extra.setdefault(c, None)
        if name == "findings":
            for rows in added.values():
                for r in rows:
                    extra.update(dict.fromkeys(r))
        columns[name] = all_columns(name, [dict.fromkeys(extra)])
    stream = TableStream(out, columns)
    try:
        for o in outcomes:
            tables = load_tables(o)
            more = added.get(o.doc_id or "")
            if more:
                n = len(tables.get("findings", []))  # their ids go on after the file's own findings
                more = [{**f, "finding_id": finding_id(f["doc_id"], n + i)} for i, f in enumerate(more, start=1)]
                tables = {**tables, "findings": [*tables.get("findings", []), *more]}
                tables["documents"] = [{**d, "n_findings": (d.get("n_findings") or 0) + len(more)}
                                       for d in tables["documents"]]
                o.counts["findings"] = o.counts.get("findings", 0) + len(more)
            stream.add(tables)
    except BaseException:
        stream.abort()
        raise
    stream.close()
    return stream.records()


def run_batch(files: list[tuple[Path, Path | None]], out: Path, settings: Settings, *, engine: str = "local",
              workers: int | None = None, scheduler: str | None = None, strict: bool = False,
              show_progress: bool = False, console: Console | None = None) -> BatchResult:
    """Convert `files` into OUT's tables; failures are rows, never exceptions.

    A local run's .doc files go to long-lived LibreOffices shared by the workers (one per
    worker at most, each started when first needed, all stopped here at the end)."""
    if engine != "local" or settings.office_dir is not None:
        return _run_batch(files, out, settings, engine, workers, scheduler, strict, show_progress, console)
    from jixiao.extract.office import lo_client

    office = lo_client.new_state_dir(servers=workers or os.cpu_count() or 1)  # each started only when needed
    try:
        return _run_batch(files, out, replace(settings, office_dir=office), engine, workers, scheduler, strict,
                          show_progress, console)
    finally:
        lo_client.stop_server(office)


def _run_batch(files: list[tuple[Path, Path | None]], out: Path, settings: Settings, engine: str,
               workers: int | None, scheduler: str | None, strict: bool, show_progress: bool,
               console: Console | None) -> BatchResult:
    out.mkdir(parents=True, exist_ok=True)
    remove_stale_temp_files(out)
    tasks = [make_task(i, path, root) for i, (path, root) in enumerate(files)]
    result = BatchResult()
    started = time.perf_counter()
    by_index: dict[int, Outcome] = {}
    intern = _ColumnInterner()
    header = f"engine={engine} workers={workers or 'auto'} force={settings.force}"
    # --strict and a single worker keep the input order (fail fast, a log that reads in order)
    schedule = tasks if strict or workers == 1 else longest_first(tasks)
    # the engine starts its workers before the progress bar starts its thread (workers are forked)
    stream = engine_outcomes(schedule, settings, engine, workers, scheduler) if tasks else iter(())
    try:
        with BatchProgress(len(tasks), out / "jixiao.log", show_progress, console, header) as progress:
            for outcome in stream:
                outcome.columns = intern(outcome.columns)
                by_index[outcome.index] = outcome
                progress.done(outcome)
                if strict and outcome.status == "failed":
                    result.stopped = True
                    break
    finally:
        close = getattr(stream, "close", None)
        if close:
            close()
    result.outcomes = [by_index[i] for i in sorted(by_index)]
    result.seconds_converting = time.perf_counter() - started
    if not result.stopped:
        result.records = assemble(out, result.outcomes,
                                  publication_findings(result.outcomes, settings.options.tolerance))
        result.written = True
        prune_cache(Path(settings.cache_dir), result.outcomes)
    result.seconds_assembling = time.perf_counter() - started - result.seconds_converting
    return result


# Rough cost of a file: fixed seconds (a .doc or .rtf goes through LibreOffice) + seconds per MB.
_COST = {".doc": (2.0, 10.0), ".rtf": (2.0, 10.0), ".pdf": (0.0, 4.0), ".xls": (0.2, 4.0)}


def expected_seconds(t: Task) -> float:
    """A guess of a file's cost from its size and format, never by opening the file."""
    try:
        size = os.path.getsize(t.path)
    except OSError:
        return 0.0
    fixed, per_mb = _COST.get(os.path.splitext(t.path)[1].lower(), (0.0, 2.0))
    return fixed + per_mb * size / 1e6


def longest_first(tasks: list[Task]) -> list[Task]:
    """Tasks in the order to hand out: the longest expected first (LPT scheduling).

    A big file started last keeps one worker busy while the others idle; started first,
    it overlaps with the small ones. The output order does not change (shards are
    assembled by index)."""
    return sorted(tasks, key=lambda t: (-expected_seconds(t), t.index))


def small_job(tasks: list[Task], settings: Settings, workers: int | None) -> bool:
    """Convert in this process: one file, or two cheap ones (a pool would cost more than it saves).

    A memory limit needs a worker process of its own (it caps the whole address space)."""
    from jixiao.batch.inline import INLINE_MAX_FILES, INLINE_MAX_SECONDS

    if settings.max_memory_mb or not tasks or len(tasks) > INLINE_MAX_FILES:
        return False
    return len(tasks) == 1 or workers == 1 or sum(map(expected_seconds, tasks)) <= INLINE_MAX_SECONDS


def cache_dir(out: Path) -> Path:
    return out / CACHE_DIR
