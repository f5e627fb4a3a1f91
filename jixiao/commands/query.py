"""`jixiao query`: quick SQL over a panel or a converted folder (DuckDB, read-only)."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from jixiao.validate.base import is_na

if TYPE_CHECKING:  # pandas comes with duckdb's result, only when a query runs
    import pandas as pd


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def open_source(source: Path):
    """A read-only DuckDB connection: panel.duckdb or jixiao.duckdb in the folder, a .duckdb file,
    or else views over the folder's Parquet files."""
    import duckdb

    db = next((p for p in (source / "panel.duckdb", source / "jixiao.duckdb", source) if p.is_file()), None)
    if db is not None:
        return duckdb.connect(str(db), read_only=True)
    parquet = sorted(source.glob("*.parquet")) if source.is_dir() else []
    if not parquet:
        return None
    con = duckdb.connect()
    for p in parquet:
        path = str(p).replace("'", "''")
        con.execute(f"create view \"{p.stem}\" as select * from read_parquet('{path}')")
    return con


def _text(v: object) -> str:
    if is_na(v):
        return ""
    if isinstance(v, float):
        return repr(round(v, 10)).removesuffix(".0")
    return str(v)


def run_query(source: Path, sql: str) -> pd.DataFrame:
    """The result of one SQL statement over ``source`` (raises duckdb.Error on bad SQL)."""
    con = open_source(source)
    if con is None:
        raise FileNotFoundError(f"no panel.duckdb, jixiao.duckdb or Parquet tables in {source}")
    try:
        return con.execute(sql).df()
    finally:
        con.close()


def query(
    source: Path = typer.Argument(..., help="Panel folder (panel.duckdb), converted folder (jixiao.duckdb) or a .duckdb file."),
    sql: str = typer.Argument(..., help="SQL over the tables: documents, forms, indicators, amounts, findings, unit_year, …"),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table, csv or json."),
) -> None:
    """Run one SQL query (read-only) and print the result.

    SOURCE is a panel folder, a converted folder or a .duckdb file; the tables are those of
    the contract (documents, forms, indicators, amounts, narrative, facts, findings) and,
    in a panel, unit_year and indicator_panel. DuckDB's SQL dialect.

    Examples:

        jixiao query out/ "select rule, count(*) n from findings group by rule"
        jixiao query panel/ "select * from unit_year" --format csv
    """
    import duckdb

    try:
        df = run_query(source, sql)
    except FileNotFoundError as e:
        typer.echo(str(e), err=True)
        raise typer.Exit(2) from e
    except duckdb.Error as e:
        typer.echo(f"query failed: {e}", err=True)
        raise typer.Exit(2) from e
    if fmt is Format.csv:
        typer.echo(df.to_csv(index=False), nl=False)
    elif fmt is Format.json:
        records = json.loads(df.to_json(orient="records", force_ascii=False, date_format="iso"))
        typer.echo(json.dumps(records, ensure_ascii=False, indent=1))
    else:
        from rich.console import Console
        from rich.table import Table

        console = Console()
        if not console.is_terminal:  # piped: never cut cells to fit 80 columns
            console = Console(width=100_000)
        t = Table(*[str(c) for c in df.columns], caption=f"{len(df)} rows")
        for row in df.itertuples(index=False, name=None):
            t.add_row(*[_text(v) for v in row])
        console.print(t)


def register(app: typer.Typer) -> None:
    app.command("query")(query)
