"""`jixiao report`: charts of a panel (or one converted folder) as one HTML page."""

from __future__ import annotations

from pathlib import Path

import typer


def report(
    panel: Path = typer.Argument(..., help="A panel folder (jixiao dataset build) or a converted folder."),
    out: Path = typer.Option(Path("report.html"), "-o", "--out", help="HTML file to write."),
) -> None:
    """Draw a panel (or one converted folder) as one HTML page of charts.

    The page shows score distributions by place and year, execution rate against score,
    findings per 100 forms by rule and by place, and indicator categories; the data behind
    each chart is written beside it as CSV.

    Examples:

        jixiao report panel/ -o panel-report.html
        jixiao report out/
    """
    from jixiao.report.panel import write_panel_report

    if not (panel / "documents.parquet").exists() and not (panel / "documents.csv").exists():
        typer.echo(f"{panel} holds no documents table: run jixiao convert or jixiao dataset build first", err=True)
        raise typer.Exit(2)
    typer.echo(str(write_panel_report(panel, out)))


def register(app: typer.Typer) -> None:
    app.command("report")(report)
