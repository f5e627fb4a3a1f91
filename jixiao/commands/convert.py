"""`jixiao convert`: a folder of reports in, the contract's tables out."""

from __future__ import annotations

import json
import os
import sys
from enum import StrEnum
from pathlib import Path

from jixiao.commands.argv import Argument, Option, typer_command
from jixiao.extract.base import ExtractOptions
from jixiao.inputs import collect_inputs
from jixiao.pipeline import PipelineOptions


def available_cores() -> int:
    """Cores this process may use (CPU affinity / container limits), not all the machine has."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


class _Stderr:
    """rich's Console on stderr, made on first use: a quiet run prints nothing and need not import rich."""

    def __init__(self) -> None:
        self._console = None

    @property
    def console(self):  # -> rich.console.Console
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=True)
        return self._console

    def print(self, *args, **kwargs) -> None:
        self.console.print(*args, **kwargs)


class Engine(StrEnum):
    local = "local"
    dask = "dask"


def convert(
    inputs: list[Path] = Argument(..., help="Files or folders (searched recursively)."),
    out: Path = Option(..., "-o", "--out", help="Output folder for CSV, Parquet and jixiao.duckdb."),
    tolerance: float = Option(1.0, help="Widen the rounding tolerance by this factor (1 = SCHEMA.md's)."),
    quiet: bool = Option(False, "--quiet", "-q", help="No progress bar, no summary."),
    as_json: bool = Option(False, "--json", help="Print the summary as JSON."),
    workers: int = Option(0, "--workers", "-j", min=0,
                                help="Worker processes (0 = one per CPU core)."),
    engine: Engine = Option(Engine.local, help="local: process pool on this machine; dask: Dask distributed."),
    scheduler: str = Option(None, help="With --engine dask: address of an existing scheduler "
                                  "(tcp://host:8786); default starts a LocalCluster."),
    timeout: float = Option(ExtractOptions.timeout, min=1.0, help="Seconds per file before it is given up as failed."),
    max_memory: int = Option(0, "--max-memory", min=0,
                                   help="Memory limit per worker in MB (address space); 0 = no limit."),
    max_pages: int = Option(ExtractOptions.max_pages, "--max-pages", min=1, help="Pages read per PDF at most."),
    ocr_det_side: int = Option(ExtractOptions.ocr_det_side, "--ocr-det-side", min=640, max=4000,
                                     help="Scanned pages: long side in px of the copy text is detected on. "
                                          "2000 finds thin strokes (一) more reliably, about twice as slow."),
    force: bool = Option(False, "--force", help="Redo every file, ignoring the cache in OUT/.jixiao/cache."),
    strict: bool = Option(False, "--strict", help="Stop at the first failed file (exit 1, no tables written)."),
    xlsx: bool = Option(False, "--xlsx", help="Also write jixiao.xlsx: one sheet per table, header frozen, filters on."),
    report: bool = Option(True, "--report/--no-report", help="Write report.html, the discrepancy report."),
) -> None:
    """Convert reports (PDF, Word, Excel, text) into the contract's tables.

    INPUTS are files or folders, searched recursively. OUT receives documents, forms,
    indicators, amounts, narrative, facts and findings as CSV (UTF-8 with BOM) and Parquet,
    all of them in jixiao.duckdb, and report.html, the discrepancy report.

    Files run in parallel (one process per core, or on Dask with --engine dask), each with
    a time limit; a bad file becomes a failed row in documents.csv and the run goes on.
    Finished files are cached in OUT/.jixiao/cache, so re-running after an interruption
    only converts what is new or changed (--force redoes all). OUT/jixiao.log has one line
    per file: status, seconds, path, error.

    Exit code: 0 when every file converted, 1 when any file failed (its row in
    documents.csv says why), 2 on bad usage (unknown option, no input files, a Dask
    cluster that cannot be reached or does not have this jixiao installed).

    Examples:

        jixiao convert reports/ -o out/
        jixiao convert a.pdf b.docx -o out/ --xlsx --json
        jixiao convert scans/ -o out/ --workers 2 --ocr-det-side 2000
    """
    from jixiao.batch.runner import cache_dir, run_batch  # not at import: workers re-import this module
    from jixiao.batch.task import Settings

    err = _Stderr()
    found = collect_inputs(inputs, exclude=out)
    if not found.files:
        err.print("no input files found: " + "; ".join(found.problems or [str(p) for p in inputs]))
        raise SystemExit(2)
    if scheduler and engine is not Engine.dask:
        err.print("--scheduler needs --engine dask")
        raise SystemExit(2)
    if engine is Engine.dask:
        from jixiao.extras import MissingExtra, require

        try:
            require("distributed", extra="dask", purpose="--engine dask")
        except MissingExtra as e:
            err.print(str(e), markup=False)
            raise SystemExit(2) from e
    problem = output_problem(out)
    if problem:
        err.print(f"cannot write the output folder {out}: {problem}", markup=False, highlight=False, soft_wrap=True)
        raise SystemExit(2)
    options = PipelineOptions(extract=ExtractOptions(max_pages=max_pages, timeout=timeout, ocr_det_side=ocr_det_side), tolerance=tolerance)
    settings = Settings(options=options, cache_dir=str(cache_dir(out)), force=force, timeout=timeout,
                        max_memory_mb=max_memory or None)
    show = not quiet and not as_json and sys.stderr.isatty()
    try:
        result = run_batch(found.files, out, settings, engine=engine.value, workers=workers or available_cores(),
                           scheduler=scheduler, strict=strict, show_progress=show,
                           console=err.console if show else None)
    except KeyboardInterrupt:
        err.print("interrupted: finished files are cached in OUT/.jixiao/cache; run the same command again to resume")
        raise SystemExit(130) from None
    except OSError as e:  # the Dask scheduler cannot be reached, or OUT stopped taking writes (disk full)
        where = f"use the Dask scheduler {scheduler}" if engine is Engine.dask else f"write the output folder {out}"
        err.print(f"cannot {where}: {e}", markup=False)
        raise SystemExit(2) from e
    except RuntimeError as e:
        from jixiao.batch.dask_engine import ClusterMismatch
        from jixiao.batch.local import WorkerStartError

        if not isinstance(e, ClusterMismatch | WorkerStartError):
            raise
        err.print(str(e), markup=False)
        raise SystemExit(2) from e
    outcomes = result.outcomes
    failed = result.failed
    if not result.stopped:
        from jixiao.batch.task import relative_path_safe
        from jixiao.report.evidence import write_sources

        try:  # where each file came from, for the report's pictures; never a reason to fail a conversion
            write_sources(out, ((relative_path_safe(f, root), f) for f, root in found.files))
        except (OSError, RuntimeError, ValueError) as e:
            err.print(f"evidence pictures will need --source: the input paths could not be recorded ({e})")
    if not result.stopped and (xlsx or report):
        try:
            write_extras(out, xlsx=xlsx, report=report, records=result.records)
        except KeyboardInterrupt:
            err.print("interrupted: the tables are written; run the same command again for the report "
                      "(every file comes from the cache)")
            raise SystemExit(130) from None
    summary = {
        "files": len(outcomes), "ok": sum(o.status == "ok" for o in outcomes),
        "partial": sum(o.status == "partial" for o in outcomes), "failed": len(failed),
        "cached": sum(o.cached for o in outcomes),
        "forms": result.count("forms"), "indicators": result.count("indicators"),
        "findings": result.count("findings"), "out": str(out),
        "failures": [{"path": o.source_path, "error": o.error} for o in failed],
        "input_problems": found.problems,
        "stopped_early": result.stopped,
    }
    if as_json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    elif not quiet:
        err.print(f"{summary['files']} files ({summary['ok']} ok, {summary['partial']} partial, "
                  f"{summary['failed']} failed, {summary['cached']} from cache), {summary['forms']} forms, "
                  f"{summary['indicators']} indicators, {summary['findings']} findings -> {out}")
        for f in summary["failures"]:
            err.print(f"  failed: {f['path']}: {f['error']}", markup=False, highlight=False, soft_wrap=True)
        for p in found.problems:
            err.print(f"  skipped: {p}", markup=False, highlight=False, soft_wrap=True)
        if result.stopped:
            err.print("stopped at the first failure (--strict); no tables written")
    raise SystemExit(1 if failed else 0)


def output_problem(out: Path) -> str | None:
    """Why OUT cannot take the tables, found before any file is converted (later, an OSError
    would read as the Dask scheduler's), or None."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        return e.strerror or str(e)
    if not os.access(out, os.W_OK | os.X_OK):
        return "not writable"
    return None


def write_extras(out: Path, xlsx: bool, report: bool, records: dict[str, list[dict]] | None = None) -> None:
    """The workbook and the HTML discrepancy report, from the tables just written.

    The report alone takes the rows just written (`records`, a small run's) or reads them back
    through DuckDB: pandas (~1 s to import) only for the workbook."""
    if xlsx:
        from jixiao.output.writer import read_tables

        frames = read_tables(out)
    elif records is not None:
        frames = records
    else:
        from jixiao.output.typed import read_records
        from jixiao.schema import TABLES

        frames = read_records(out, TABLES)
    if report:
        from jixiao.report.findings import write_report

        write_report(out, frames)
    if xlsx:
        from jixiao.output.xlsx import write_xlsx

        write_xlsx(out / "jixiao.xlsx", frames)


def register(app) -> None:  # app: typer.Typer
    app.command("convert")(typer_command(convert))
