"""Writing the contract's tables as CSV (utf-8-sig), Parquet and DuckDB."""
