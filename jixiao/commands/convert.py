"""`jixiao convert`: a folder of reports in, the contract's tables out."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from jixiao.inputs import collect_inputs
from jixiao.output.writer import write_tables
from jixiao.pipeline import PipelineOptions, process_file
from jixiao.schema import TABLES


def convert(
    inputs: list[Path] = typer.Argument(..., help="Files or folders (searched recursively)."),
    out: Path = typer.Option(..., "-o", "--out", help="Output folder for CSV, Parquet and jixiao.duckdb."),
    tolerance: float = typer.Option(1.0, help="Widen the rounding tolerance by this factor (1 = SCHEMA.md's)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar, no summary."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Convert reports (PDF, Word, Excel, text) into the contract's tables.

    Exit code: 0 when every file converted, 1 when any file failed (its row in
    documents.csv says why), 2 on bad usage.
    """
    err = Console(stderr=True)
    found = collect_inputs(inputs, exclude=out)
    options = PipelineOptions(tolerance=tolerance)
    tables: dict[str, list[dict]] = {t: [] for t in TABLES}
    show = not quiet and not as_json and sys.stderr.isatty()
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=err, disable=not show) as progress:
        task = progress.add_task("converting", total=len(found.files))
        for path, root in found.files:
            progress.update(task, description=f"converting {path.name[:40]}")
            result = process_file(path, root, options)
            for name, rows in result.tables.items():
                tables.setdefault(name, []).extend(rows)
            progress.advance(task)
    write_tables(out, tables)
    docs = tables["documents"]
    failed = [d for d in docs if d["status"] == "failed"]
    summary = {
        "files": len(docs), "ok": sum(d["status"] == "ok" for d in docs),
        "partial": sum(d["status"] == "partial" for d in docs), "failed": len(failed),
        "forms": len(tables["forms"]), "indicators": len(tables["indicators"]),
        "findings": len(tables["findings"]), "out": str(out),
        "failures": [{"path": d["source_path"], "error": d["error"]} for d in failed],
        "input_problems": found.problems,
    }
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    elif not quiet:
        err.print(f"{summary['files']} files ({summary['ok']} ok, {summary['partial']} partial, "
                  f"{summary['failed']} failed), {summary['forms']} forms, {summary['indicators']} indicators, "
                  f"{summary['findings']} findings -> {out}")
        for f in summary["failures"]:
            err.print(f"  failed: {f['path']}: {f['error']}")
        for p in found.problems:
            err.print(f"  skipped: {p}")
    raise typer.Exit(1 if failed else 0)


def register(app: typer.Typer) -> None:
    app.command("convert")(convert)
