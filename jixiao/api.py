"""The public Python API: convert documents, read a converted folder, validate, show evidence.

Everything here is re-exported by `jixiao` (see `jixiao.__all__`) and stays stable across
releases; the modules behind it may move. A session in a notebook looks like::

    import jixiao

    result = jixiao.convert("reports/")           # files or folders -> Result
    result.indicators                               # pandas DataFrames, one per contract table
    result.write("out/")                            # what `jixiao convert reports/ -o out/` writes
    findings = jixiao.validate(result, tolerance=2)
    print(jixiao.show(result, findings.iloc[0]))    # the rows a finding is about

The tables and their columns are those of the output contract (SCHEMA.md): `documents`,
`forms`, `indicators`, `amounts`, `narrative`, `facts` and `findings`. Empty (NA) always
means "not in the document", never 0.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from jixiao.extract.base import ExtractOptions
from jixiao.output.writer import all_columns, frame, read_tables, write_csv, write_duckdb, write_parquet
from jixiao.pipeline import PipelineOptions
from jixiao.schema import TABLES
from jixiao.validate.base import run_rules

if TYPE_CHECKING:
    from jixiao.batch.task import Outcome

__all__ = ["Evidence", "Result", "convert", "read", "show", "validate"]

PathLike = str | os.PathLike[str]
FORMATS = ("csv", "parquet", "duckdb", "xlsx")
IN_PROCESS_MAX_FILES = 2  # up to this many files run in this process: a worker pool costs more than it saves


@dataclass
class Result:
    """The contract's seven tables as pandas DataFrames, from `convert` or `read`.

    Each attribute is one table of SCHEMA.md with its columns in the contract's order
    (required columns first, then extras) and typed values: integers as `Int64`, figures as
    `Float64`, text as `string`; NA means "not in the document".

    - `documents`: one row per input file (format, status and error, unit, place, year).
    - `forms`: one row per form found (type, subject, budget block, stated score and grade).
    - `indicators`: one row per 三级指标 (headings raw and as codes, target, actual, weight, score).
    - `amounts`: one row per money figure of a budget table, long format.
    - `narrative`: one row per paragraph of prose.
    - `facts`: one row per figure stated in the prose.
    - `findings`: one row per discrepancy (rule, severity, where to look, published vs recomputed).

    `problems` lists inputs that were skipped (a path that does not exist, an unreadable
    folder). `result["forms"]` is the same as `result.forms`.
    """

    documents: pd.DataFrame
    forms: pd.DataFrame
    indicators: pd.DataFrame
    amounts: pd.DataFrame
    narrative: pd.DataFrame
    facts: pd.DataFrame
    findings: pd.DataFrame
    problems: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # source_path -> the file read (for evidence pictures)
    folder: Path | None = None  # the converted folder it was read from, if any

    @classmethod
    def from_frames(cls, frames: dict[str, pd.DataFrame], problems: Sequence[str] = ()) -> Result:
        """A Result from {table name: DataFrame}; a missing table becomes an empty one."""
        tables = {name: frames[name] if name in frames else frame(name, []) for name in TABLES}
        return cls(**tables, problems=list(problems))

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """{table name: DataFrame} in the contract's order."""
        return {name: getattr(self, name) for name in TABLES}

    @property
    def failed(self) -> pd.DataFrame:
        """The documents rows of files that could not be converted (`error` says why)."""
        return self.documents[self.documents["status"] == "failed"]

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in TABLES:
            raise KeyError(f"{name!r} is not a table; the tables are {', '.join(TABLES)}")
        return getattr(self, name)

    def __repr__(self) -> str:
        counts = ", ".join(f"{len(getattr(self, name))} {name}" for name in TABLES)
        return f"Result({counts})"

    def write(self, out_dir: PathLike, formats: Iterable[str] = ("csv", "parquet", "duckdb"), *,
              report: bool = True) -> Path:
        """Write the tables into `out_dir`, as `jixiao convert` does, and return the folder.

        `formats` chooses among `csv` (UTF-8 with BOM, one NAME.csv per table), `parquet`
        (NAME.parquet) and `duckdb` (one jixiao.duckdb holding every table), and `xlsx`
        (jixiao.xlsx, one sheet per table). The CSV files are byte-identical to what
        `jixiao convert` writes for the same inputs; every file is written atomically.
        `report=True` also writes report.html, the discrepancy report (it needs `csv` or
        `parquet` among the formats). Existing files of the same names are replaced.
        """
        chosen = list(dict.fromkeys(formats))
        unknown = [f for f in chosen if f not in FORMATS]
        if unknown or not chosen:
            raise ValueError(f"formats must be some of {', '.join(FORMATS)}; got {chosen!r}")
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        frames = self.tables
        for name, df in frames.items():
            if "csv" in chosen:
                write_csv(df, out / f"{name}.csv")
            if "parquet" in chosen:
                write_parquet(df, out / f"{name}.parquet")
        if "duckdb" in chosen:
            write_duckdb(frames, out / "jixiao.duckdb")
        if self.sources and report:  # the report's pictures are drawn from the files read
            from jixiao.report.evidence import write_sources

            write_sources(out, self.sources.items())
        if report and not {"csv", "parquet"} & set(chosen):
            raise ValueError("report=True needs 'csv' or 'parquet' in formats (the report is drawn from them)")
        if report or "xlsx" in chosen:
            from jixiao.commands.convert import write_extras

            if {"csv", "parquet"} & set(chosen):
                write_extras(out, xlsx="xlsx" in chosen, report=report)
            else:
                from jixiao.output.xlsx import write_xlsx

                write_xlsx(out / "jixiao.xlsx", frames)
        return out


@dataclass
class Evidence:
    """What a finding is about: the finding itself and the published rows around it.

    - `finding`: the findings row as a dict (NA as None): rule, severity, location, message,
      expected (recomputed) and observed (published) value, page, …
    - `table`: the contract table the rows come from (`indicators`, `amounts`, `forms`,
      `narrative` or `documents`).
    - `rows`: those rows as a DataFrame — the indicator rows of the form around the one
      named, the rows of the money table around the named row, the paragraph a prose figure
      was stated in, or the form row itself.
    - `focus`: positions in `rows` of the rows the finding names (the others are context).
    - `source_path` and `page`: where to look in the original document.
    - `image`: a picture of the spot on the page (PNG), when page crops are available;
      None until then.

    `print(evidence)` gives a plain-text account; in a notebook it renders as HTML.
    """

    finding: dict[str, Any]
    table: str | None
    rows: pd.DataFrame
    focus: list[int] = field(default_factory=list)
    source_path: str | None = None
    page: int | None = None
    image: Path | None = None
    source_ref: str | None = None  # where the observed figure sits in the file (SCHEMA.md notation)
    source_text: str | None = None  # Word/Excel/text: the table rows around it, » « around the figure

    def __str__(self) -> str:
        f = self.finding
        where = f"{self.source_path or '?'}" + (f", page {self.page}" if self.page is not None else "")
        head = f"{f.get('severity')} {f.get('rule')}: {f.get('message')}\n  at {f.get('location')} ({where})"
        values = f"\n  published {f.get('observed')}, recomputed {f.get('expected')}" \
            if f.get("observed") is not None or f.get("expected") is not None else ""
        shown = self.rows.drop(columns=[c for c in ("doc_id", "form_id") if c in self.rows.columns])
        shown = shown.loc[:, shown.notna().any()] if len(shown) else shown
        marks = ["→" if i in self.focus else " " for i in range(len(shown))]
        body = shown.set_axis(marks).to_string(max_colwidth=30) if len(shown) else "(no rows)"
        image = f"\n  image: {self.image}" if self.image else ""
        place = f"\n  in the file at {self.source_ref}" if self.source_ref else ""
        around = f"\n{self.source_text}" if self.source_text else ""
        return f"{head}{values}{place}{image}{around}\n{self.table or ''} rows:\n{body}"

    def _repr_html_(self) -> str:  # pragma: no cover - notebooks
        import html

        f = self.finding
        parts = [f"<p><b>{html.escape(str(f.get('severity')))} {html.escape(str(f.get('rule')))}</b>: "
                 f"{html.escape(str(f.get('message')))}<br><small>{html.escape(str(f.get('location')))} — "
                 f"{html.escape(str(self.source_path))}, page {self.page}</small></p>"]
        if self.image:
            parts.append(f'<img src="{html.escape(Path(self.image).as_uri())}" style="max-width:100%">')
        parts.append(self.rows.to_html(max_rows=40, na_rep=""))
        return "\n".join(parts)


def convert(paths: PathLike | Iterable[PathLike], *, workers: int | None = None, tolerance: float = 1.0,
            ocr: bool = True, timeout: float = 120.0, max_pages: int = 1000, ocr_det_side: int = ExtractOptions.ocr_det_side,
            engine: Literal["local", "dask"] = "local", scheduler: str | None = None,
            progress: bool = False) -> Result:
    """Convert budget-performance documents into the contract's tables.

    `paths` is one file or folder, or a list of them; folders are searched recursively
    (hidden files and jixiao's own outputs are skipped). Every format of the command line
    is read: PDF (born-digital and scanned), .docx, .doc, .xlsx, .xls, HTML/MHT and text.
    Returns a `Result` holding the seven tables as pandas DataFrames; nothing is written to
    disk unless you call `result.write(out_dir)`.

    A file that cannot be read never raises: it becomes a row of `result.documents` with
    `status == "failed"` and the reason in `error` (see `result.failed`). A path that does
    not exist is listed in `result.problems`; FileNotFoundError only when no input file is
    found at all.

    Options (the same as `jixiao convert`'s):

    - `workers`: processes converting files in parallel; None means one per CPU core. One
      or two files are converted in this process without a pool (faster to start); more
      files go to a pool of worker processes that enforces `timeout` per file.
    - `tolerance`: widen the rounding tolerance of the checks by this factor (1 = the
      contract's: a figure with d decimals may be off by 0.5×10^-d).
    - `ocr`: read scanned PDF pages with OCR (False: such pages are left empty, faster).
    - `timeout`: seconds per file before it is given up as failed (pool only).
    - `max_pages`: pages read per PDF at most.
    - `ocr_det_side`: long side in px of the page copy OCR finds text on; 2000 finds thin
      strokes (一) more reliably and is about twice as slow.
    - `engine`, `scheduler`: `"dask"` runs the files on Dask distributed (install
      `jixiao[dask]`), on the cluster at `scheduler` (tcp://host:8786) or a local one.
    - `progress`: show a progress bar on stderr.

    In a script (not a notebook), call it under `if __name__ == "__main__":` when it may
    convert more than two files: as with any multiprocessing code, the worker processes
    import the script again.

    Example::

        result = jixiao.convert(["reports/2019", "extra.pdf"], tolerance=2)
        result.findings[result.findings.severity == "error"]
    """
    from jixiao.inputs import collect_inputs

    items = [paths] if isinstance(paths, str | os.PathLike) else list(paths)
    found = collect_inputs([Path(p) for p in items])
    if not found.files:
        raise FileNotFoundError("no input files found: " + "; ".join(found.problems or [str(p) for p in items]))
    if engine not in ("local", "dask"):
        raise ValueError(f"engine must be 'local' or 'dask', not {engine!r}")
    options = PipelineOptions(extract=ExtractOptions(max_pages=max_pages, timeout=timeout, ocr=ocr,
                                                     ocr_det_side=ocr_det_side), tolerance=tolerance)
    with tempfile.TemporaryDirectory(prefix="jixiao-") as tmp:
        if engine == "local" and len(found.files) <= IN_PROCESS_MAX_FILES:
            tables = _convert_here(found.files, options, Path(tmp))
        else:
            tables = _convert_batch(found.files, options, Path(tmp), engine, workers, scheduler, progress)
    frames = {name: frame(name, rows, all_columns(name, rows)) for name, rows in tables.items()}
    result = Result.from_frames(frames, found.problems)
    from jixiao.batch.task import relative_path_safe

    result.sources = {relative_path_safe(f, root): os.path.abspath(f) for f, root in found.files}
    return result


def _convert_here(files: list[tuple[Path, Path | None]], options: PipelineOptions,
                  tmp: Path) -> dict[str, list[dict]]:
    """Convert in this process, through the same per-file task the worker pool runs."""
    from jixiao.batch.task import Settings, load_tables, make_task, run_task

    settings = Settings(options=options, cache_dir=str(tmp / "cache"), force=True, timeout=options.extract.timeout)
    outcomes = [run_task(make_task(i, path, root), settings) for i, (path, root) in enumerate(files)]
    return _gather(outcomes, load_tables)


def _convert_batch(files: list[tuple[Path, Path | None]], options: PipelineOptions, tmp: Path, engine: str,
                   workers: int | None, scheduler: str | None, progress: bool) -> dict[str, list[dict]]:
    """Convert on the batch runner (process pool or Dask), as `jixiao convert` does."""
    from rich.console import Console

    from jixiao.batch.runner import cache_dir, run_batch
    from jixiao.batch.task import Settings, load_tables

    if engine == "dask":
        from jixiao.extras import require

        require("distributed", extra="dask", purpose="engine='dask'")
    out = tmp / "out"
    settings = Settings(options=options, cache_dir=str(cache_dir(out)), force=True, timeout=options.extract.timeout)
    batch = run_batch(files, out, settings, engine=engine, workers=workers or _cores(), scheduler=scheduler,
                      show_progress=progress, console=Console(stderr=True) if progress else None)
    return _gather(batch.outcomes, load_tables)


def _gather(outcomes: list[Outcome], load: Any) -> dict[str, list[dict]]:
    tables: dict[str, list[dict]] = {name: [] for name in TABLES}
    for outcome in sorted(outcomes, key=lambda o: o.index):
        for name, rows in load(outcome).items():
            tables.setdefault(name, []).extend(rows)
    return tables


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def read(out_dir: PathLike) -> Result:
    """Load a folder written by `jixiao convert` (or `Result.write`) as a Result.

    Tables are read from the Parquet files (typed), or from the CSV files when there is no
    Parquet; a table missing from the folder is an empty table with the contract's columns.
    Raises FileNotFoundError when the folder holds no documents table.

    Example::

        result = jixiao.read("out/")
        result.forms.groupby("form_type").size()
    """
    out = Path(out_dir)
    if not (out / "documents.parquet").exists() and not (out / "documents.csv").exists():
        raise FileNotFoundError(f"{out} is not a jixiao output folder (no documents.parquet or documents.csv); "
                                "convert documents first: jixiao.convert(paths).write(out_dir)")
    frames = read_tables(out)
    for name, df in frames.items():
        if not (out / f"{name}.parquet").exists():  # CSV read as text: type it as the writer does
            rows = df.astype(object).where(df.ne(""), None).to_dict("records")
            frames[name] = frame(name, rows, list(df.columns) or None)
    result = Result.from_frames(frames)
    result.folder = out
    known = out / ".jixiao" / "sources.json"  # where `jixiao convert` read each file (evidence pictures)
    if known.exists():
        import json

        result.sources = json.loads(known.read_text(encoding="utf-8"))
    return result


def _as_result(source: Result | PathLike) -> Result:
    if isinstance(source, Result):
        return source
    if isinstance(source, str | os.PathLike):
        return read(source)
    raise TypeError(f"expected a jixiao.Result or an output folder, not {type(source).__name__}")


def validate(source: Result | PathLike, *, tolerance: float = 1.0, rules: Iterable[str] | None = None) -> pd.DataFrame:
    """Re-run the checks on a Result or a converted folder; return the findings as a DataFrame.

    Nothing is re-extracted and nothing is written: the rules of SCHEMA.md run on the
    tables as they are (the prose figures in `facts` are read again from `narrative`, as
    `jixiao validate` does). Use it to re-check with another `tolerance` (a factor widening
    the rounding slack; 2 = twice the contract's) or after editing a table, or only some
    rule codes with `rules=["SUM_MISMATCH", ...]`. The result has the columns of the
    findings table, document by document; an empty DataFrame means every check passed.

    Example::

        strict = jixiao.validate(result)
        lenient = jixiao.validate("out/", tolerance=3)
        len(strict) - len(lenient)   # findings that are only rounding
    """
    result = _as_result(source)
    tables: dict[str, Any] = {name: df for name, df in result.tables.items() if name != "findings"}
    if len(result.narrative):
        from jixiao.normalize.facts import extract_facts

        narrative = result.narrative.astype(object).where(result.narrative.notna(), None).to_dict("records")
        tables["facts"] = extract_facts(narrative)
    rows = run_rules(tables, tolerance=tolerance, only=list(rules) if rules is not None else None)
    order = {doc_id: i for i, doc_id in enumerate(result.documents["doc_id"])}
    rows.sort(key=lambda r: order.get(r["doc_id"], len(order)))  # stable: by document, as convert gives them
    old = result.findings
    if len(old) and {"context", "finding_id"} <= set(old.columns):
        # `context` (the figures around the observed one) comes from the source document at conversion:
        # a finding found again keeps it
        keep = {(r["finding_id"], r["rule"], r["location"]): r["context"]
                for r in old[["finding_id", "rule", "location", "context"]].to_dict("records")
                if _none(r["context"]) is not None}
        for r in rows:
            context = keep.get((r.get("finding_id"), r.get("rule"), r.get("location")))
            if context is not None and r.get("context") is None:
                r["context"] = context
    return frame("findings", rows)


def show(source: Result | PathLike, finding: pd.Series | dict | int, *, context: int = 2) -> Evidence:
    """The evidence of one finding: the finding and the published rows it is about.

    `finding` is a row of `result.findings` (e.g. `result.findings.iloc[3]`, or a row of
    `jixiao.validate(...)`), the same as a dict, or an integer position in
    `result.findings`. `source` is the Result (or converted folder) the finding belongs to.
    The returned `Evidence` holds the rows of the finding's table around it (`context`
    rows before and after the ones it names), where to look in the original document
    (`source_path`, `page`) and, once page crops are available, an image of the spot.

    Example::

        for _, f in result.findings.head(3).iterrows():
            print(jixiao.show(result, f))
    """
    result = _as_result(source)
    if isinstance(finding, int):
        row = result.findings.iloc[finding].to_dict()
    elif isinstance(finding, pd.Series):
        row = finding.to_dict()
    elif isinstance(finding, dict):
        row = dict(finding)
    else:
        raise TypeError(f"finding must be a findings row (Series or dict) or its position, not {type(finding).__name__}")
    row = {k: _none(v) for k, v in row.items()}
    table, rows, focus = _locate(result, row, context)
    doc = result.documents[result.documents["doc_id"] == row.get("doc_id")]
    source_path = _none(doc["source_path"].iloc[0]) if len(doc) else None
    page = row.get("page")
    if page is None and table and len(rows) and "page" in rows.columns and focus:
        page = _none(rows["page"].iloc[focus[0]])
    picture = _picture(result, row)
    return Evidence(finding=row, table=table, rows=rows.reset_index(drop=True), focus=focus,
                    source_path=source_path, page=int(page) if page is not None else None,
                    image=picture.image if picture else None, source_ref=row.get("source_ref"),
                    source_text=(picture.text() or None) if picture and picture.image is None else None)


def _picture(result: Result, finding: dict) -> Any:
    """The finding's picture (report/evidence.py): a crop of the PDF page written under the converted
    folder's evidence/ (a temporary folder for a Result held in memory), or the rows around the cell."""
    if not finding.get("source_ref") and not finding.get("related_refs"):
        return None
    from jixiao.report.evidence import EvidenceBuilder

    out = result.folder or Path(tempfile.gettempdir()) / "jixiao-evidence"
    docs = [{k: _none(v) for k, v in d.items()} for d in result.documents.to_dict("records")]
    builder = EvidenceBuilder(out, docs, sources=result.sources)
    return builder.picture(finding)


def _none(v: object) -> Any:
    try:
        return None if v is None or v is pd.NA or pd.isna(v) else v  # type: ignore[arg-type]
    except (TypeError, ValueError):  # lists, arrays
        return v


def _window(df: pd.DataFrame, hits: pd.Series, context: int) -> tuple[pd.DataFrame, list[int]]:
    """The rows of `df` that `hits` marks, with `context` rows around each; positions of the hits."""
    positions = [i for i, hit in enumerate(hits.fillna(False).tolist()) if hit]
    if not positions:
        return df, []
    keep = sorted({j for i in positions for j in range(max(0, i - context), min(len(df), i + context + 1))})
    return df.iloc[keep], [keep.index(i) for i in positions]


def _locate(result: Result, f: dict, context: int) -> tuple[str | None, pd.DataFrame, list[int]]:
    """(table, rows, focus) for a finding, from the table/row_label/indicator it names."""
    doc_id, form_id, table = f.get("doc_id"), f.get("form_id"), str(f.get("table") or "")
    label, indicator = f.get("row_label"), f.get("indicator")

    def of(df: pd.DataFrame) -> pd.DataFrame:
        sel = df["doc_id"] == doc_id
        if form_id is not None and "form_id" in df.columns:
            sel &= df["form_id"] == form_id
        return df[sel.fillna(False)]

    if table == "indicators":
        rows = of(result.indicators)
        if indicator is not None:
            hits = rows["level3"] == indicator
        elif label is not None:
            hits = (rows["level2_raw"] == label) | (rows["level1_raw"] == label) | (rows["level3"] == label)
        else:  # about the whole table (score total, missing values): every row counts
            return "indicators", rows, list(range(len(rows)))
        part, focus = _window(rows, hits, context)
        return "indicators", part, focus
    if "#" in table:  # a money table: "income #1", "projects #2"
        rows = of(result.amounts)
        try:
            number = int(table.rsplit("#", 1)[1])
            rows = rows[(rows["table_no"] == number).fillna(False)]
        except ValueError:
            pass
        if label is None or "row_no" not in rows.columns:
            return "amounts", rows, []
        order = sorted(set(rows["row_no"].dropna()))
        hit_rows = set(rows.loc[(rows["item"] == label).fillna(False), "row_no"].dropna())
        near = {order[j] for i, n in enumerate(order) if n in hit_rows
                for j in range(max(0, i - context), min(len(order), i + context + 1))}
        if not hit_rows:
            return "amounts", rows, []
        part = rows[rows["row_no"].isin(near).fillna(False)]
        return "amounts", part, [i for i, n in enumerate(part["row_no"].tolist()) if n in hit_rows]
    if table == "narrative":
        facts = result.facts[result.facts["doc_id"] == doc_id]
        seqs = set(facts.loc[(facts["label"] == label).fillna(False), "narrative_seq"].dropna()) \
            if label is not None and "narrative_seq" in facts.columns else set()
        prose = result.narrative[result.narrative["doc_id"] == doc_id]
        if seqs:
            hits = prose["seq"].isin(seqs)
        elif label is not None:
            hits = prose["text"].str.contains(str(label), regex=False)
        else:
            return "narrative", prose.iloc[0:0], []
        part, focus = _window(prose, hits, min(context, 1))
        return "narrative", part, focus
    if form_id is not None:
        forms = result.forms[result.forms["form_id"] == form_id]
        return "forms", forms, list(range(len(forms)))
    docs = result.documents[result.documents["doc_id"] == doc_id]
    return "documents", docs, list(range(len(docs)))

