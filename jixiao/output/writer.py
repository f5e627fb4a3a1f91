"""Write the contract's tables: CSV with BOM, Parquet, and one DuckDB file.

Every file is written to a temporary name in the output folder and renamed into place,
so an interrupted run never leaves a half-written table behind. Columns come in the
contract's order with typed values: empty means unknown (NULL), never 0.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from jixiao.output.atomic import atomic_path
from jixiao.output.typed import all_columns
from jixiao.schema import BOOLEAN, INTEGER, NUMERIC, TABLES

__all__ = ["all_columns", "atomic_path", "frame", "read_tables", "to_csv_text", "write_csv", "write_duckdb",
           "write_parquet", "write_tables"]


def frame(table: str, rows: Iterable[dict], cols: list[str] | None = None) -> pd.DataFrame:
    """Rows (dicts) as a typed DataFrame with the contract's columns first.

    Columns a row carries beyond the contract's are kept after them, in first-seen order;
    `cols` fixes the columns instead (streaming writes know them in advance).
    """
    rows = list(rows)
    if cols is None:
        cols = all_columns(table, rows)
    df = pd.DataFrame.from_records(rows, columns=cols) if rows else pd.DataFrame(columns=cols)
    for c in cols:
        if c in INTEGER:
            df[c] = pd.to_numeric(df[c], errors="coerce").astype("Int64")
        elif c in NUMERIC:
            df[c] = pd.to_numeric(df[c], errors="coerce").astype("Float64")
        elif c in BOOLEAN:
            df[c] = df[c].map(lambda v: None if v is None or (isinstance(v, float) and math.isnan(v)) else bool(v))
            df[c] = df[c].astype("boolean")
        else:
            # from the rows' own values: a DataFrame column infers one dtype from all its values,
            # and 1 printed as "1.0" because a neighbour was a float would make the text depend on
            # which rows share a chunk (streamed output must equal one-shot output)
            df[c] = pd.array([_as_text(r.get(c)) for r in rows], dtype="string") if rows else df[c].astype("string")
    return df


def _as_text(v: object) -> str | None:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return str(v)


def _fmt_number(v: object) -> str:
    """Shortest faithful text for a number: 3546.3 not 3546.3000000000002, 10 not 10.0."""
    if v is None or v is pd.NA:
        return ""
    f = float(v)  # type: ignore[arg-type]
    if math.isnan(f):
        return ""
    text = repr(round(f, 10))
    if text.endswith(".0"):
        text = text[:-2]
    return text


def to_csv_text(df: pd.DataFrame) -> pd.DataFrame:
    """The frame as strings, numbers printed without float noise, NULL as empty."""
    out = pd.DataFrame(index=df.index)
    for c in df.columns:
        s = df[c]
        if str(s.dtype) in ("Float64", "Int64"):
            out[c] = [_fmt_number(v) if v is not pd.NA else "" for v in s]
        elif str(s.dtype) == "boolean":
            out[c] = ["" if v is pd.NA else ("true" if v else "false") for v in s]
        else:
            out[c] = ["" if v is pd.NA or v is None else str(v) for v in s]
    return out


def write_csv(df: pd.DataFrame, path: Path) -> None:
    tmp = atomic_path(path)
    try:
        to_csv_text(df).to_csv(tmp, index=False, encoding="utf-8-sig", lineterminator="\n")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_parquet(df: pd.DataFrame, path: Path) -> None:
    tmp = atomic_path(path)
    try:
        pq.write_table(pa.Table.from_pandas(df, preserve_index=False), tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_duckdb(frames: dict[str, pd.DataFrame], path: Path) -> None:
    import duckdb

    tmp = atomic_path(path)
    tmp.unlink()  # duckdb wants to create the file itself
    try:
        con = duckdb.connect(str(tmp))
        try:
            for name, df in frames.items():
                con.register("_frame", df)
                con.execute(f'create table "{name}" as select * from _frame')
                con.unregister("_frame")
        finally:
            con.close()
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)


def write_tables(out: Path, tables: dict[str, list[dict]]) -> dict[str, pd.DataFrame]:
    """Write every contract table (missing ones as empty tables) in all three formats."""
    out.mkdir(parents=True, exist_ok=True)
    frames = {name: frame(name, tables.get(name, [])) for name in TABLES}
    for name, df in frames.items():
        write_csv(df, out / f"{name}.csv")
        write_parquet(df, out / f"{name}.parquet")
    write_duckdb(frames, out / "jixiao.duckdb")
    return frames


def read_tables(out: Path) -> dict[str, pd.DataFrame]:
    """Read a converted folder back (from Parquet, typed) for re-validation or datasets."""
    frames = {}
    for name in TABLES:
        p = out / f"{name}.parquet"
        if p.exists():
            frames[name] = pd.read_parquet(p)
        else:
            csv = out / f"{name}.csv"
            frames[name] = pd.read_csv(csv, encoding="utf-8-sig", dtype=str, keep_default_na=False) if csv.exists() else frame(name, [])
    return frames
