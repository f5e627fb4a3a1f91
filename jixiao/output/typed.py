"""The contract's column types in plain Python: typed values, CSV text and Arrow columns.

A small conversion must not import pandas (about 1 s and 70 MB) to print a few hundred
rows. These functions give the same values and the same CSV text as the pandas frames of
`writer.frame` / `writer.to_csv_text` (tests compare the bytes), and Arrow columns with the
same types and pandas metadata, so `pandas.read_parquet` still returns nullable dtypes.
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


def arrow_schema(cols: list[str]):  # -> pyarrow.Schema (imported lazily)
    """The Arrow schema of a table, with the pandas metadata pandas itself would write."""
    import pyarrow as pa

    types = {"int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(), "text": pa.large_string()}
    meta = {"index_columns": [], "column_indexes": [],
            "columns": [{"name": c, "field_name": c, "pandas_type": _PANDAS_TYPES[kind(c)][0],
                         "numpy_type": _PANDAS_TYPES[kind(c)][1], "metadata": None} for c in cols],
            "attributes": {}, "creator": {"library": "pyarrow", "version": pa.__version__},
            "pandas_version": _pandas_version()}
    return pa.schema([pa.field(c, types[kind(c)]) for c in cols], metadata={"pandas": json.dumps(meta)})


def arrow_table(schema, rows: list[list[Any]]):  # -> pyarrow.Table
    """Typed rows as an Arrow table of `schema`.

    Through pyarrow's JSON reader: `pyarrow.array` on Python lists imports pandas (to ask
    whether the list is a pandas object), ~1 s for nothing. JSON prints floats exactly
    (repr), so the values are the same; a value JSON cannot hold (inf) takes pyarrow.array."""
    import pyarrow as pa
    import pyarrow.json as pj

    names = schema.names
    try:
        data = "".join(json.dumps(dict(zip(names, r, strict=True)), ensure_ascii=False, allow_nan=False) + "\n"
                       for r in rows).encode("utf-8")
    except ValueError:
        columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
        return pa.Table.from_arrays([pa.array(list(c), type=f.type) for c, f in zip(columns, schema, strict=True)],
                                    schema=schema)
    table = pj.read_json(pa.BufferReader(data), read_options=pj.ReadOptions(block_size=max(1 << 20, len(data) + 1)),
                         parse_options=pj.ParseOptions(explicit_schema=schema, newlines_in_values=False))
    return table.select(names).replace_schema_metadata(schema.metadata)


@functools.cache
def _pandas_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pandas")
    except PackageNotFoundError:
        return ""


def load_writers() -> None:
    """Import what writing the tables needs (pyarrow, DuckDB), e.g. while files convert elsewhere."""
    import duckdb  # noqa: F401
    import pyarrow.json  # noqa: F401
    import pyarrow.parquet  # noqa: F401


def read_records(out, names: Iterable[str]) -> dict[str, list[dict]]:
    """Tables of a converted folder as rows (from Parquet via pyarrow; no pandas)."""
    import pyarrow.parquet as pq

    tables = {}
    for name in names:
        path = out / f"{name}.parquet"
        # ParquetFile, not read_table: read_table loads pyarrow.dataset, which imports pandas
        tables[name] = pq.ParquetFile(path).read().to_pylist() if path.exists() else []
    return tables
