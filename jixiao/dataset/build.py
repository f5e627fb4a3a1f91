"""Merge converted folders into one panel: deduplicated documents plus research tables.

The same report downloaded twice has the same bytes, hence the same doc_id; the first
folder (in the order given) that holds it wins, together with all its rows, so a
document is never counted twice. Two tables are added for research use:

* `unit_year` — one row per reporting unit and fiscal year (place, admin code, level,
  counts, summed budget and execution of its forms, mean stated score, findings);
* `indicator_panel` — every indicator row with its document's place and year.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from jixiao.dataset.codebook import write_codebook
from jixiao.output.writer import read_tables, write_csv, write_duckdb, write_parquet
from jixiao.schema import TABLES

PLACE_COLUMNS = ["unit_name", "province", "city", "county", "admin_code", "fiscal_year"]


def admin_level(code: object) -> str | None:
    """province (xx0000), city (xxxx00) or county, from a 6-digit 行政区划代码."""
    if code is None or pd.isna(code):
        return None
    s = str(code).strip()
    if len(s) != 6 or not s.isdigit():
        return None
    if s.endswith("0000"):
        return "province"
    if s.endswith("00"):
        return "city"
    return "county"


def merge_runs(outs: list[Path]) -> dict[str, pd.DataFrame]:
    """The contract's tables of several converted folders, each document once."""
    seen: set[str] = set()
    parts: dict[str, list[pd.DataFrame]] = {t: [] for t in TABLES}
    for out in outs:
        frames = read_tables(out)
        docs = frames["documents"]
        fresh = [d for d in docs["doc_id"].astype(str) if d not in seen] if len(docs) else []
        fresh_set = set(fresh)
        seen |= fresh_set
        for name in TABLES:
            df = frames.get(name, pd.DataFrame())
            if len(df) and "doc_id" in df.columns:
                df = df[df["doc_id"].astype(str).isin(fresh_set)].copy()
                if name == "documents":
                    df = df.drop_duplicates("doc_id")
                    df["run"] = str(out)
                parts[name].append(df)
    merged = {}
    for name, dfs in parts.items():
        dfs = [d for d in dfs if len(d)]
        merged[name] = pd.concat(dfs, ignore_index=True) if dfs else read_tables(outs[0]).get(name, pd.DataFrame()).head(0)
    return merged


def unit_year(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per unit and fiscal year."""
    docs = tables["documents"]
    if docs.empty:
        return pd.DataFrame(columns=PLACE_COLUMNS + ["level", "n_documents", "n_forms", "n_indicators", "budget_wan",
                                                     "executed_wan", "mean_score", "findings_error",
                                                     "findings_warning", "findings_info"])
    d = docs[["doc_id"] + PLACE_COLUMNS].copy()
    d["unit_name"] = d["unit_name"].fillna("（未识别单位）")
    key = ["unit_name", "fiscal_year"]
    forms = tables["forms"].drop(columns=["fiscal_year"], errors="ignore").merge(d[["doc_id"] + key], on="doc_id", how="inner")
    ind = tables["indicators"].merge(d[["doc_id"] + key], on="doc_id", how="inner")
    fnd = tables["findings"].merge(d[["doc_id"] + key], on="doc_id", how="inner")
    place = d.groupby(key, dropna=False).agg(
        province=("province", "first"), city=("city", "first"), county=("county", "first"),
        admin_code=("admin_code", "first"), n_documents=("doc_id", "nunique")).reset_index()
    f_agg = forms.groupby(key, dropna=False).agg(
        n_forms=("form_id", "count"), budget_wan=("budget_wan", lambda s: s.sum(min_count=1)),
        executed_wan=("executed_wan", lambda s: s.sum(min_count=1)), mean_score=("total_score", "mean")).reset_index()
    i_agg = ind.groupby(key, dropna=False).size().rename("n_indicators").reset_index()
    out = place.merge(f_agg, on=key, how="left").merge(i_agg, on=key, how="left")
    for sev in ("error", "warning", "info"):
        s = fnd[fnd["severity"] == sev].groupby(key, dropna=False).size().rename(f"findings_{sev}").reset_index()
        out = out.merge(s, on=key, how="left")
    for c in ("n_forms", "n_indicators", "findings_error", "findings_warning", "findings_info"):
        out[c] = out[c].fillna(0).astype("Int64")
    out["level"] = out["admin_code"].map(admin_level)
    cols = PLACE_COLUMNS[:5] + ["fiscal_year", "level", "n_documents", "n_forms", "n_indicators", "budget_wan",
                                "executed_wan", "mean_score", "findings_error", "findings_warning", "findings_info"]
    return out[cols].sort_values(["unit_name", "fiscal_year"], na_position="last").reset_index(drop=True)


def indicator_panel(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Indicators in long form with the document's place and year."""
    docs = tables["documents"][["doc_id"] + PLACE_COLUMNS]
    return tables["indicators"].merge(docs, on="doc_id", how="left")


def build_panel(outs: list[Path], panel: Path, xlsx: bool = False) -> dict[str, pd.DataFrame]:
    """Write PANEL/: panel.duckdb, one Parquet and CSV per table, codebook.md, datapackage.json."""
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

        write_xlsx(panel / "panel.xlsx", tables)
    (panel / "sources.json").write_text(json.dumps([str(o) for o in outs], ensure_ascii=False, indent=1), encoding="utf-8")
    return tables
