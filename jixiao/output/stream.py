"""Write the contract's tables chunk by chunk, so memory stays flat for any corpus size.

Rows arrive file by file (from the batch shards) in the final order. Columns are known
in advance (contract columns plus extras in first-seen order, gathered from the
shards' summaries), so each chunk is typed and printed exactly as `write_tables` would
print the whole table: the CSV bytes are identical. Each chunk's typed rows also go to a
JSON-lines file, from which DuckDB fills jixiao.duckdb and writes the Parquet files (with the
pandas metadata pandas itself writes): no pyarrow to import (with numpy ~0.2 s) for a small
job. Everything goes to temporary names and is renamed into place only after all tables
are complete.
"""

from __future__ import annotations

import os
from pathlib import Path

from jixiao.output.atomic import atomic_path
from jixiao.output.typed import json_lines, pandas_metadata, sql_type, typed_rows, write_csv_rows
from jixiao.schema import TABLES

CHUNK_ROWS = 5_000
KEEP_ROWS = 20_000  # a run with fewer rows in all keeps them for the report (no reading back)


class _TableSink:
    def __init__(self, out: Path, name: str, cols: list[str]):
        self.name, self.cols = name, cols
        self.csv_path, self.parquet_path = out / f"{name}.csv", out / f"{name}.parquet"
        self.csv_tmp, self.parquet_tmp = atomic_path(self.csv_path), atomic_path(self.parquet_path)
        self.rows_tmp = atomic_path(out / f"{name}.jsonl")  # typed rows, for DuckDB
        self.buffer: list[dict] = []
        self.header_written = False
        self.n_rows = 0
        self.kept: list[list] | None = []

    def add(self, rows: list[dict]) -> None:
        self.buffer.extend(rows)
        if len(self.buffer) >= CHUNK_ROWS:
            self.flush()

    def flush(self, final: bool = False) -> None:
        if not self.buffer and (self.header_written or not final):
            return
        rows = typed_rows(self.cols, self.buffer)
        self.buffer = []
        with open(self.csv_tmp, "a" if self.header_written else "w", encoding="utf-8-sig" if not self.header_written
                  else "utf-8", newline="") as fh:
            write_csv_rows(fh, self.cols, rows, header=not self.header_written)
        self.header_written = True
        if rows:
            with open(self.rows_tmp, "a", encoding="utf-8") as fh:
                fh.write(json_lines(self.cols, rows))
            self.n_rows += len(rows)
            if self.kept is not None:
                self.kept.extend(rows)

    def finish(self) -> None:
        self.flush(final=True)

    def load(self, con) -> None:
        """Create the table in DuckDB from the rows written, and its Parquet file from the table."""
        table = _ident(self.name)
        con.execute(f"create table {table} ({', '.join(f'{_ident(c)} {sql_type(c)}' for c in self.cols)})")
        if self.n_rows:
            types = ", ".join(f"{_text(c)}: {_text(sql_type(c))}" for c in self.cols)
            con.execute(f"insert into {table} select {', '.join(map(_ident, self.cols))} from read_json("
                        f"{_text(str(self.rows_tmp))}, format='newline_delimited', columns={{{types}}})")
        con.execute(f"copy {table} to {_text(str(self.parquet_tmp))} "
                    f"(format parquet, kv_metadata {{pandas: {_text(pandas_metadata(self.cols))}}})")

    def discard(self) -> None:
        for p in (self.csv_tmp, self.parquet_tmp, self.rows_tmp):
            p.unlink(missing_ok=True)


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class TableStream:
    """Append rows file by file; `close()` completes CSV, Parquet and DuckDB atomically."""

    def __init__(self, out: Path, columns: dict[str, list[str]]):
        out.mkdir(parents=True, exist_ok=True)
        self.out = out
        self.sinks = {name: _TableSink(out, name, columns[name]) for name in TABLES}

    def add(self, tables: dict[str, list[dict]]) -> None:
        for name, sink in self.sinks.items():
            rows = tables.get(name)
            if rows:
                sink.add(rows)
        if sum(len(s.buffer) + s.n_rows for s in self.sinks.values()) > KEEP_ROWS:
            for sink in self.sinks.values():
                sink.kept = None

    def records(self) -> dict[str, list[dict]] | None:
        """The typed rows written, as `typed.read_records` reads them back; None when the run was
        too large to keep them."""
        if any(sink.kept is None for sink in self.sinks.values()):
            return None
        return {name: [dict(zip(sink.cols, r, strict=True)) for r in sink.kept] for name, sink in self.sinks.items()}

    def close(self) -> None:
        try:
            for sink in self.sinks.values():
                sink.finish()
            db_tmp = self._duckdb()
            for sink in self.sinks.values():
                os.replace(sink.csv_tmp, sink.csv_path)
                os.replace(sink.parquet_tmp, sink.parquet_path)
            os.replace(db_tmp, self.out / "jixiao.duckdb")
        finally:
            self.abort()

    def abort(self) -> None:
        for sink in self.sinks.values():
            sink.discard()

    def _duckdb(self) -> Path:
        """jixiao.duckdb (temporary name) with every table, and each table's Parquet file."""
        import duckdb

        tmp = atomic_path(self.out / "jixiao.duckdb")
        tmp.unlink()  # duckdb wants to create the file itself
        try:
            small = sum(sink.n_rows for sink in self.sinks.values()) <= KEEP_ROWS
            # one thread for a few rows: starting DuckDB's pool costs more than it saves, above all on a busy machine
            con = duckdb.connect(str(tmp), config={"threads": 1} if small else {})
            try:
                con.execute("begin")  # one commit, one sync of the file (each table its own: ~0.15 s more)
                for sink in self.sinks.values():
                    sink.load(con)
                con.execute("commit")
            finally:
                con.close()
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        finally:
            Path(str(tmp) + ".wal").unlink(missing_ok=True)
        return tmp
