"""`jixiao dataset build`: many converted folders -> one research panel."""

from __future__ import annotations

from pathlib import Path

import typer

dataset_app = typer.Typer(
    help="Build research panels from converted folders.\n\n"
         "Example:\n\n"
         "    jixiao dataset build out-2019/ out-2020/ -o panel/\n",
    no_args_is_help=True, rich_markup_mode="markdown")


@dataset_app.command("build")
def build(
    outs: list[Path] = typer.Argument(..., help="Converted folders (outputs of `jixiao convert`)."),
    panel: Path = typer.Option(..., "-o", "--out", help="Panel folder to write."),
    xlsx: bool = typer.Option(False, "--xlsx", help="Also write panel.xlsx (one sheet per table)."),
) -> None:
    """Merge converted folders into one research panel, each document once.

    PANEL/ receives panel.duckdb, Parquet and CSV per table, the unit_year and
    indicator_panel tables, codebook.md and a Frictionless datapackage.json. The same report
    downloaded twice (same bytes, same doc_id) counts once: the first folder in sorted order
    that holds it gives its rows.

    Examples:

        jixiao dataset build out-2019/ out-2020/ -o panel/
        jixiao dataset build out-*/ -o panel/ --xlsx
    """
    from jixiao.dataset.build import build_panel

    missing = [o for o in outs if not (o / "documents.csv").exists() and not (o / "documents.parquet").exists()]
    if missing:
        typer.echo(f"not a converted folder (no documents table): {', '.join(map(str, missing))}", err=True)
        raise typer.Exit(2)
    tables = build_panel(outs, panel, xlsx=xlsx)
    dropped = tables["documents"].attrs.get("duplicates_dropped", 0)
    typer.echo(f"{len(tables['documents'])} documents ({dropped} duplicates dropped), "
               f"{len(tables['forms'])} forms, {len(tables['unit_year'])} unit-years -> {panel}")


def register(app: typer.Typer) -> None:
    app.add_typer(dataset_app, name="dataset")
