"""`jixiao query`: quick SQL over a panel or a converted folder (DuckDB)."""

from __future__ import annotations

import json
from pathlib import Path

import typer


def query(
    source: Path = typer.Argument(..., help="Panel folder (panel.duckdb) or converted folder (jixiao.duckdb)."),
    sql: str = typer.Argument(..., help="SQL over the tables: documents, forms, indicators, amounts, findings, …"),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
) -> None:
    """Run one SQL query read-only and print the result.

    Example:  jixiao query panel/ "select rule, count(*) from findings group by rule"
    """
    import duckdb

    db = next((p for p in (source / "panel.duckdb", source / "jixiao.duckdb", source) if p.is_file()), None)
    if db is None:
        typer.echo(f"no panel.duckdb or jixiao.duckdb in {source}", err=True)
        raise typer.Exit(2)
    con = duckdb.connect(str(db), read_only=True)
    try:
        df = con.execute(sql).df()
    except duckdb.Error as e:
        typer.echo(f"query failed: {e}", err=True)
        raise typer.Exit(2) from e
    finally:
        con.close()
    if fmt == "csv":
        typer.echo(df.to_csv(index=False), nl=False)
    elif fmt == "json":
        typer.echo(json.dumps(json.loads(df.to_json(orient="records", force_ascii=False)), ensure_ascii=False, indent=1))
    elif fmt == "table":
        from rich.console import Console
        from rich.table import Table

        t = Table(*[str(c) for c in df.columns])
        for row in df.itertuples(index=False):
            t.add_row(*["" if v is None or (isinstance(v, float) and v != v) else str(v) for v in row])
        Console().print(t)
    else:
        typer.echo("--format must be table, csv or json", err=True)
        raise typer.Exit(2)


def register(app: typer.Typer) -> None:
    app.command("query")(query)
