"""The contract's column types in plain Python: typed values, CSV text, JSON lines for DuckDB.

A small conversion must not import pandas (about 1 s and 70 MB) or pyarrow (with numpy
~0.2 s) to print a few hundred rows. These functions give the same values and the same CSV
text as the pandas frames of `writer.frame` / `writer.to_csv_text` (tests compare the bytes),
and the DuckDB types and pandas metadata with which `pandas.read_parquet` returns the same
nullable dtypes.
"""

from __future__ import annotations

import csv
import functools
import json
import math
from collections.abc import Iterable
from typing import IO, Any

from jixiao.schema import BOOLEAN, INTEGER, NUMERIC, columns

# kind -> (pandas_type, numpy_type) as pandas writes them into Parquet metadata
_PANDAS_TYPES = {"int": ("int64", "Int64"), "float": ("float64", "Float64"), "bool": ("bool", "boolean"),
                 "text": ("object", "string")}


def kind(column: str) -> str:
    """int, float, bool or text: the contract type of a column (unlisted columns are text)."""
    if column in INTEGER:
        return "int"
    if column in NUMERIC:
        return "float"
    if column in BOOLEAN:
        return "bool"
    return "text"


def all_columns(table: str, rows: Iterable[dict]) -> list[str]:
    """The contract's columns, then any other key the rows carry, in first-seen order."""
    cols = list(columns(table))
    known = set(cols)
    for r in rows:
        for k in r:
            if k not in known:
                known.add(k)
                cols.append(k)
    return cols


def _missing(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or type(v).__name__ == "NAType"


def number(v: object) -> float | int | None:
    """A value as a number, unreadable as missing (pandas.to_numeric(errors="coerce"))."""
    if _missing(v):
        return None
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int | float):
        return v
    try:
        f = float(str(v).strip())
    except ValueError:
        return None
    return None if math.isnan(f) else f


def typed(k: str, v: object) -> Any:
    """The value as the column's type holds it (None = NULL)."""
    if k == "text":
        return None if _missing(v) else str(v)
    if k == "bool":
        return None if _missing(v) else bool(v)
    n = number(v)
    if n is None:
        return None
    if k == "int":
        if isinstance(n, float) and not n.is_integer():
            raise TypeError(f"cannot store {v!r} in an integer column")
        return int(n)
    return float(n)


def _fmt_number(f: float) -> str:
    """Shortest faithful text for a number: 3546.3 not 3546.3000000000002, 10 not 10.0."""
    text = repr(round(float(f), 10))
    return text[:-2] if text.endswith(".0") else text


def csv_text(k: str, v: Any) -> str:
    """A typed value as printed in the CSV: numbers without float noise, NULL as empty."""
    if v is None:
        return ""
    if k in ("int", "float"):
        return _fmt_number(v)
    if k == "bool":
        return "true" if v else "false"
    return v


def typed_rows(cols: list[str], rows: Iterable[dict]) -> list[list[Any]]:
    """Rows as lists of typed values in column order."""
    kinds = [(c, kind(c)) for c in cols]
    return [[typed(k, r.get(c)) for c, k in kinds] for r in rows]


def write_csv_rows(fh: IO[str], cols: list[str], rows: list[list[Any]], header: bool) -> None:
    """Append typed rows to an open CSV file as pandas' to_csv prints them."""
    w = csv.writer(fh, lineterminator="\n")
    if header:
        w.writerow(cols)
    kinds = [kind(c) for c in cols]
    w.writerows([csv_text(k, v) for k, v in zip(kinds, row, strict=True)] for row in rows)


_SQL_TYPES = {"int": "BIGINT", "float": "DOUBLE", "bool": "BOOLEAN", "text": "VARCHAR"}


def sql_type(column: str) -> str:
    """The DuckDB type of a column (Parquet: INT64, DOUBLE, BOOLEAN, UTF-8 string)."""
    return _SQL_TYPES[kind(column)]


def pandas_metadata(cols: list[str]) -> str:
    """The `pandas` key pandas writes into a Parquet file's metadata, so `pandas.read_parquet`
    returns the nullable dtypes (Int64, Float64, boolean, string) of `writer.frame`."""
    return json.dumps({"index_columns": [], "column_indexes": [],
                       "columns": [{"name": c, "field_name": c, "pandas_type": _PANDAS_TYPES[kind(c)][0],
                                    "numpy_type": _PANDAS_TYPES[kind(c)][1], "metadata": None} for c in cols],
                       "attributes": {}, "creator": {"library": "duckdb", "version": _version("duckdb")},
                       "pandas_version": _version("pandas")})


def json_lines(cols: list[str], rows: list[list[Any]]) -> str:
    """Typed rows as JSON lines (DuckDB's read_json takes them with the columns' types).

    JSON prints floats exactly (repr); an infinite value, which JSON cannot hold, is written
    as the text DuckDB casts back to it."""
    try:
        return _json_lines(cols, rows)
    except ValueError:
        return _json_lines(cols, [[str(v) if isinstance(v, float) and math.isinf(v) else v for v in r] for r in rows])


def _json_lines(cols: list[str], rows: list[list[Any]]) -> str:
    return "".join(json.dumps(dict(zip(cols, r, strict=True)), ensure_ascii=False, allow_nan=False) + "\n"
                   for r in rows)


@functools.cache
def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return ""


def load_writers() -> None:
    """Import what writing the tables needs (DuckDB), e.g. while files convert elsewhere."""
    import duckdb  # noqa: F401

    _version("pandas")
    _version("duckdb")


def read_records(out, names: Iterable[str]) -> dict[str, list[dict]]:
    """Tables of a converted folder as rows (from Parquet via DuckDB; no pandas, no pyarrow)."""
    import duckdb

    tables = {}
    with duckdb.connect() as con:
        for name in names:
            path = out / f"{name}.parquet"
            if not path.exists():
                tables[name] = []
                continue
            result = con.execute("select * from read_parquet(?)", [str(path)])
            cols = [d[0] for d in result.description]
            tables[name] = [dict(zip(cols, r, strict=True)) for r in result.fetchall()]
    return tables
