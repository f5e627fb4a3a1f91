"""`jixiao validate OUT`: re-run the rules on a converted folder (no re-extraction)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

_LEVELS = {"error": ("error",), "warning": ("error", "warning"), "info": ("error", "warning", "info")}


def revalidate(out: Path, tolerance: float = 1.0) -> dict:
    """Recompute facts and findings of a converted folder and rewrite it; returns the frames."""
    from jixiao.normalize.facts import extract_facts
    from jixiao.output.writer import read_tables, write_tables  # pandas: only when this command runs
    from jixiao.report.findings import write_report
    from jixiao.validate.base import run_rules

    frames = read_tables(out)
    tables = {name: df.astype(object).where(df.notna(), None).to_dict("records") for name, df in frames.items()}
    if tables.get("narrative"):
        tables["facts"] = extract_facts(tables["narrative"])
    findings = run_rules(tables, tolerance=tolerance)
    tables["findings"] = findings
    counts: dict[str, int] = {}
    for f in findings:
        counts[f["doc_id"]] = counts.get(f["doc_id"], 0) + 1
    for d in tables.get("documents", []):
        d["n_findings"] = counts.get(d.get("doc_id"), 0)
    written = write_tables(out, tables)
    write_report(out, written)
    return written


def validate(
    out: Path = typer.Argument(..., help="A folder written by `jixiao convert`."),
    tolerance: float = typer.Option(1.0, help="Widen the rounding tolerance by this factor (1 = SCHEMA.md's)."),
    fail_on: str = typer.Option("error", "--fail-on", help="Exit 1 when findings of this severity or worse exist: error|warning|info."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Re-run the validators on an existing output folder; rewrite findings and report.html.

    Nothing is extracted again: the rules of SCHEMA.md run on the tables in OUT, the
    figures stated in the prose are read again from the narrative table, and findings.csv,
    findings.parquet, jixiao.duckdb and report.html are rewritten. Use it to re-check with
    another --tolerance or after a new release of the rules.

    Exit code: 0 when no finding at or above --fail-on, 1 otherwise, 2 on bad usage.

    Examples:

        jixiao validate out/
        jixiao validate out/ --tolerance 2 --fail-on warning --json
    """
    from rich.console import Console

    err = Console(stderr=True)
    if fail_on not in _LEVELS:
        err.print(f"--fail-on must be error, warning or info, not {fail_on!r}")
        raise typer.Exit(2)
    if not (out / "documents.parquet").exists() and not (out / "documents.csv").exists():
        err.print(f"{out} is not a jixiao output folder (no documents.parquet); run `jixiao convert` first")
        raise typer.Exit(2)
    frames = revalidate(out, tolerance)
    f = frames["findings"]
    by_sev = {s: int((f["severity"] == s).sum()) for s in ("error", "warning", "info")} if len(f) else \
        {"error": 0, "warning": 0, "info": 0}
    failing = sum(by_sev[s] for s in _LEVELS[fail_on])
    summary = {"out": str(out), "findings": int(len(f)), **by_sev, "report": str(out / "report.html"),
               "fail_on": fail_on, "failing": failing}
    if as_json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        err.print(f"{len(f)} findings ({by_sev['error']} error, {by_sev['warning']} warning, {by_sev['info']} info)"
                  f" -> {out / 'findings.csv'}, {out / 'report.html'}")
    if failing:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)
