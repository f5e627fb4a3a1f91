"""`jixiao show OUT FINDING_ID`: one finding, where it sits in the file, and its picture."""

from __future__ import annotations

from pathlib import Path

import typer


def show(
    out: Path = typer.Argument(..., help="A converted folder (jixiao convert -o OUT)."),
    finding_id: str = typer.Argument(..., help="The finding's id (findings.finding_id, e.g. 0479d6dd3a38c1ff-F3)."),
    open_: bool = typer.Option(False, "--open", help="Open the picture (PDF findings) in the default viewer."),
    source: Path | None = typer.Option(None, "--source", help="Folder the files were converted from, when they moved."),
) -> None:
    """Print a finding with the figures around it and write its picture.

    For a PDF the page is cropped around the observed figure (outlined red; the figures it
    was compared with blue) and written to OUT/evidence/FINDING_ID.png; for Word, Excel and
    text files the table rows around the cell are printed, » « around the observed figure.

    Examples:

        jixiao show out/ 0479d6dd3a38c1ff-F3 --open
        jixiao show out/ 0479d6dd3a38c1ff-F3 --source reports/
    """
    from jixiao.model import parse_ref
    from jixiao.output.writer import read_tables
    from jixiao.report.evidence import EvidenceBuilder, finding_refs

    frames = read_tables(out)
    findings = frames["findings"]
    if "finding_id" not in findings.columns or not (findings["finding_id"] == finding_id).fillna(False).any():
        known = findings["finding_id"].dropna().head(5).tolist() if "finding_id" in findings.columns else []
        typer.echo(f"no finding {finding_id} in {out}" + (f" (ids look like {', '.join(known)})" if known else
                                                           " (convert again: this folder has no finding ids)"), err=True)
        raise typer.Exit(2)
    row = findings[findings["finding_id"] == finding_id].iloc[0].to_dict()
    f = {k: (None if _na(v) else v) for k, v in row.items()}
    docs = frames["documents"].astype(object).where(frames["documents"].notna(), None).to_dict("records")
    builder = EvidenceBuilder(out, docs, source)
    path = builder.source_of(str(f.get("doc_id")))
    doc = builder.docs.get(str(f.get("doc_id"))) or {}
    source_ref, related = finding_refs(f)
    typer.echo(f"{f.get('severity')} {f.get('rule')}: {f.get('message')}")
    typer.echo(f"  at       {f.get('location')}")
    typer.echo(f"  file     {doc.get('source_path')}" + (f"  ({path})" if path else "  (original file not found)"))
    typer.echo(f"  observed {_fmt(f.get('observed'))} at {source_ref or '?'}"
               + (f" (page {int(f['page'])})" if f.get("page") is not None else ""))
    typer.echo(f"  expected {_fmt(f.get('expected'))}" + (f" from {'; '.join(related)}" if related else ""))
    picture = builder.picture(f)
    main = parse_ref(source_ref)
    if main is not None and main.kind == "pdf" and path is not None:
        try:
            words, line = builder.pdf_line(path, main)
            if line:
                typer.echo(f"  the line: {line}")
                typer.echo(f"  in the box: {words}")
        except Exception as e:  # the text layer is a help only; the picture is what counts
            typer.echo(f"  (text layer not read: {e})")
    text = picture.text()
    if text:
        typer.echo(text)
    if open_ and picture.image is not None:
        import webbrowser

        webbrowser.open(picture.image.resolve().as_uri())


def _na(v: object) -> bool:
    try:
        import pandas as pd

        return v is None or bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _fmt(v: object) -> str:
    if v is None:
        return "—"
    try:
        return f"{float(v):.4f}".rstrip("0").rstrip(".")  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(v)


def register(app: typer.Typer) -> None:
    app.command("show")(show)
