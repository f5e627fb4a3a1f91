"""Write the contract's tables chunk by chunk, so memory stays flat for any corpus size.

Rows arrive file by file (from the batch shards) in the final order. Columns are known
in advance (contract columns plus extras in first-seen order, gathered from the
shards' summaries), so each chunk is typed and printed exactly as `write_tables` would
print the whole table: the CSV bytes are identical. Everything goes to temporary names
and is renamed into place only after all tables are complete.
"""

from __future__ import annotations

import os
from pathlib import Path

from jixiao.output.atomic import atomic_path
from jixiao.output.typed import arrow_schema, arrow_table, typed_rows, write_csv_rows
from jixiao.schema import TABLES

CHUNK_ROWS = 5_000


class _TableSink:
    def __init__(self, out: Path, name: str, cols: list[str]):
        self.name, self.cols = name, cols
        self.csv_path, self.parquet_path = out / f"{name}.csv", out / f"{name}.parquet"
        self.csv_tmp, self.parquet_tmp = atomic_path(self.csv_path), atomic_path(self.parquet_path)
        import pyarrow.parquet as pq  # not at import: `jixiao --help` and the workers never load it

        self.schema = arrow_schema(cols)
        self.parquet = pq.ParquetWriter(self.parquet_tmp, self.schema)
        self.buffer: list[dict] = []
        self.header_written = False

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
            self.parquet.write_table(arrow_table(self.schema, rows))

    def finish(self) -> None:
        self.flush(final=True)
        self.parquet.close()

    def discard(self) -> None:
        try:
            self.parquet.close()
        except Exception:  # noqa: BLE001 - already failing; only clean up
            pass
        self.csv_tmp.unlink(missing_ok=True)
        self.parquet_tmp.unlink(missing_ok=True)


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
        import duckdb

        tmp = atomic_path(self.out / "jixiao.duckdb")
        tmp.unlink()  # duckdb wants to create the file itself
        try:
            con = duckdb.connect(str(tmp))
            try:
                con.execute("begin")  # one commit, one sync of the file (each table its own: ~0.15 s more)
                for name, sink in self.sinks.items():
                    path = str(sink.parquet_tmp).replace("'", "''")
                    con.execute(f"create table \"{name}\" as select * from read_parquet('{path}')")
                con.execute("commit")
            finally:
                con.close()
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        finally:
            Path(str(tmp) + ".wal").unlink(missing_ok=True)
        return tmp
