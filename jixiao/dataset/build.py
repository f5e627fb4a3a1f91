"""Merge converted folders into one panel: deduplicated documents plus research tables.

The same report downloaded twice has the same bytes, hence the same doc_id. Folders are
taken in sorted order and the first one holding a document wins, with all its rows, so a
document is never counted twice — also when one run itself saw the file twice (then its
rows were written once per copy, and one copy's worth is kept). Two tables are added:

* `unit_year` — one row per reporting unit and fiscal year (place, admin code, level,
  counts, summed budget and execution of its forms, mean stated score, findings);
* `indicator_panel` — every indicator row with its document's place, year and form.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from jixiao.output.writer import frame, read_tables, write_csv, write_duckdb, write_parquet
from jixiao.schema import BOOLEAN, INTEGER, NUMERIC, TABLES

PLACE_COLUMNS = ["unit_name", "province", "city", "county", "admin_code"]
UNIT_YEAR_COLUMNS = PLACE_COLUMNS + [
    "fiscal_year", "level", "n_documents", "n_forms", "n_indicators", "budget_wan", "executed_wan",
    "mean_score", "findings_error", "findings_warning", "findings_info",
]
SEVERITIES = ("error", "warning", "info")


def admin_level(code: object) -> str | None:
    """province (xx0000), city (xxxx00) or county, from a 6-digit 行政区划代码."""
    if code is None or code is pd.NA or (isinstance(code, float) and pd.isna(code)):
        return None
    s = str(code).strip()
    if len(s) != 6 or not s.isdigit():
        return None
    if s.endswith("0000"):
        return "province"
    if s.endswith("00"):
        return "city"
    return "county"


def _one_copy(df: pd.DataFrame, copies: dict[str, int]) -> pd.DataFrame:
    """Rows of documents a run saw k times appear k times: keep each distinct row n/k times."""
    dup = df["doc_id"].isin(list(copies))
    if not dup.any():
        return df
    rows = df[dup]
    key = pd.util.hash_pandas_object(rows.astype("string"), index=False)
    seen = key.groupby(key).cumcount()
    total = key.groupby(key).transform("size")
    k = rows["doc_id"].map(copies)
    keep = pd.Series(True, index=df.index)
    keep[rows.index] = (seen < total // k).to_numpy()
    return df[keep]


def retype(df: pd.DataFrame, from_csv: bool = False) -> pd.DataFrame:
    """The contract's column types (runs written by other versions, or read back from CSV, may differ).

    From CSV every cell is text and an empty cell means unknown.
    """
    df = df.copy()
    for c in df.columns:
        s = df[c]
        if from_csv and str(s.dtype) not in ("Int64", "Float64", "boolean"):
            s = s.astype("string").replace("", pd.NA)
        if c in INTEGER:
            df[c] = pd.to_numeric(s, errors="coerce").astype("Float64").round().astype("Int64")
        elif c in NUMERIC:
            df[c] = pd.to_numeric(s, errors="coerce").astype("Float64")
        elif c in BOOLEAN:
            text = s.astype("string").str.lower()
            df[c] = text.map({"true": True, "false": False, "1": True, "0": False}).astype("boolean")
        elif s.dtype == object or from_csv:  # numeric extras the contract does not know stay numeric
            df[c] = s.astype("string")
    return df


def merge_runs(outs: list[Path]) -> dict[str, pd.DataFrame]:
    """The contract's tables of several converted folders, each document once.

    Documents gain a `run` column: the folder their rows were taken from.
    """
    seen: set[str] = set()
    n_rows = 0
    parts: dict[str, list[pd.DataFrame]] = {t: [] for t in TABLES}
    for out in sorted(outs, key=lambda p: str(p.resolve())):
        frames = read_tables(out)
        for name in list(frames):
            if not (out / f"{name}.parquet").exists():
                frames[name] = retype(frames[name], from_csv=True)
        docs = frames["documents"]
        counts = docs["doc_id"].astype(str).value_counts()
        n_rows += len(docs)
        fresh = set(counts.index) - seen
        seen |= fresh
        copies = {d: int(n) for d, n in counts.items() if n > 1 and d in fresh}
        for name in TABLES:
            df = frames.get(name)
            if df is None or "doc_id" not in df.columns:
                continue
            df = df[df["doc_id"].astype(str).isin(fresh)]
            if name == "documents":
                df = df.drop_duplicates("doc_id").assign(run=str(out))
            else:
                df = _one_copy(df, copies)
            parts[name].append(df)
    merged = {}
    for name in TABLES:
        dfs = [d for d in parts[name] if len(d)]
        merged[name] = retype(pd.concat(dfs, ignore_index=True)) if dfs else frame(name, [])
    if "run" not in merged["documents"].columns:
        merged["documents"]["run"] = pd.Series(dtype="string")
    merged["documents"].attrs["duplicates_dropped"] = n_rows - len(merged["documents"])
    return merged


def _per_document(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Counts and sums of each document's forms, indicators and findings (joined on doc_id only)."""
    docs = tables["documents"][["doc_id"] + PLACE_COLUMNS + ["fiscal_year"]].copy()
    forms = tables["forms"]
    f = forms.groupby("doc_id").agg(
        n_forms=("form_id", "size"),
        budget_wan=("budget_wan", lambda s: s.sum(min_count=1)),
        executed_wan=("executed_wan", lambda s: s.sum(min_count=1)),
        score_sum=("total_score", lambda s: s.sum(min_count=1)),
        score_n=("total_score", "count"),
    )
    out = docs.merge(f, left_on="doc_id", right_index=True, how="left")
    out = out.merge(tables["indicators"].groupby("doc_id").size().rename("n_indicators"),
                    left_on="doc_id", right_index=True, how="left")
    fnd = tables["findings"]
    for sev in SEVERITIES:
        n = fnd[fnd["severity"] == sev].groupby("doc_id").size().rename(f"findings_{sev}")
        out = out.merge(n, left_on="doc_id", right_index=True, how="left")
    return out


def _first(s: pd.Series) -> object:
    """The most common non-empty value (ties: the first seen), or None."""
    s = s.dropna()
    return s.mode().iloc[0] if len(s) else None


def unit_year(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per reporting unit and fiscal year; an unknown unit or year stays empty."""
    per_doc = _per_document(tables)
    if per_doc.empty:
        return pd.DataFrame({c: pd.Series(dtype="string") for c in UNIT_YEAR_COLUMNS})
    key = ["unit_name", "fiscal_year"]
    g = per_doc.groupby(key, dropna=False, sort=False)
    out = g.agg(
        province=("province", _first), city=("city", _first), county=("county", _first),
        admin_code=("admin_code", _first), n_documents=("doc_id", "nunique"),
        n_forms=("n_forms", "sum"), n_indicators=("n_indicators", "sum"),
        budget_wan=("budget_wan", lambda s: s.sum(min_count=1)),
        executed_wan=("executed_wan", lambda s: s.sum(min_count=1)),
        score_sum=("score_sum", lambda s: s.sum(min_count=1)), score_n=("score_n", "sum"),
        **{f"findings_{s}": (f"findings_{s}", "sum") for s in SEVERITIES},
    ).reset_index()
    out["mean_score"] = (out["score_sum"] / out["score_n"].where(out["score_n"] > 0)).astype("Float64")
    out["level"] = out["admin_code"].map(admin_level).astype("string")
    for c in ("n_documents", "n_forms", "n_indicators") + tuple(f"findings_{s}" for s in SEVERITIES):
        out[c] = out[c].fillna(0).astype("Int64")
    for c in ("budget_wan", "executed_wan"):
        out[c] = out[c].astype("Float64")
    for c in PLACE_COLUMNS:
        out[c] = out[c].astype("string")
    out["fiscal_year"] = out["fiscal_year"].astype("Int64")
    out = out.sort_values(["fiscal_year", "admin_code", "unit_name"], na_position="last")
    return out[UNIT_YEAR_COLUMNS].reset_index(drop=True)


def indicator_panel(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Indicators in long form, each with its document's place and year and its form's type and subject."""
    docs = tables["documents"][["doc_id"] + PLACE_COLUMNS + ["fiscal_year"]].copy()
    docs["level"] = docs["admin_code"].map(admin_level).astype("string")
    forms = tables["forms"][["form_id", "form_type", "subject"]]
    ind = tables["indicators"]
    out = ind.merge(docs, on="doc_id", how="left").merge(forms, on="form_id", how="left")
    lead = ["doc_id", "form_id", *PLACE_COLUMNS, "level", "fiscal_year", "form_type", "subject"]
    return out[lead + [c for c in ind.columns if c not in lead]]


def build_panel(outs: list[Path], panel: Path, xlsx: bool = False) -> dict[str, pd.DataFrame]:
    """Write PANEL/: panel.duckdb, one Parquet and CSV per table, codebook.md, datapackage.json."""
    from jixiao.dataset.codebook import write_codebook

    tables = merge_runs(outs)
    tables["unit_year"] = unit_year(tables)
    tables["indicator_panel"] = indicator_panel(tables)
    panel.mkdir(parents=True, exist_ok=True)
    for name, df in tables.items():
        write_parquet(df, panel / f"{name}.parquet")
        write_csv(df, panel / f"{name}.csv")
    write_duckdb(tables, panel / "panel.duckdb")
    write_codebook(panel, tables)
    if xlsx:
        from jixiao.output.xlsx import write_xlsx

        write_xlsx(panel, tables, name="panel.xlsx")
    sources = [str(o) for o in sorted(outs, key=lambda p: str(p.resolve()))]
    (panel / "sources.json").write_text(json.dumps(sources, ensure_ascii=False, indent=1), encoding="utf-8")
    return tables
