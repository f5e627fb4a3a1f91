"""codebook.md and a Frictionless datapackage.json describing every table and column.

Both are generated from the tables actually written (so extra columns are described too)
plus the contract in jixiao.schema: required columns are marked, coded columns list their
codes (as `enum` constraints in the data package).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from jixiao.dataset.descriptions import CODES, TABLE_DOCS, describe
from jixiao.schema import REQUIRED

PRIMARY_KEYS = {"documents": ["doc_id"], "forms": ["form_id"]}


def field_type(dtype: object) -> str:
    """Frictionless type of a pandas dtype."""
    s = str(dtype).lower()
    if "bool" in s:
        return "boolean"
    if "int" in s:
        return "integer"
    if "float" in s:
        return "number"
    return "string"


def _field(table: str, column: str, dtype: object) -> dict:
    field = {"name": column, "type": field_type(dtype), "description": describe(table, column)}
    constraints: dict = {}
    if column in REQUIRED.get(table, []):
        field["required_by_contract"] = True
    if column in CODES and field["type"] == "string":
        constraints["enum"] = list(CODES[column])
    if table in PRIMARY_KEYS and column in PRIMARY_KEYS[table]:
        constraints.update(required=True, unique=True)
    if constraints:
        field["constraints"] = constraints
    return field


def datapackage(tables: dict[str, pd.DataFrame], name: str = "jixiao-panel") -> dict:
    """The Frictionless Data Package (tabular) for the CSV files of ``tables``."""
    resources = []
    for table, df in tables.items():
        schema: dict = {"fields": [_field(table, c, df[c].dtype) for c in df.columns], "missingValues": [""]}
        if table in PRIMARY_KEYS:
            schema["primaryKey"] = PRIMARY_KEYS[table]
        resources.append({
            "name": table, "path": f"{table}.csv", "profile": "tabular-data-resource", "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8-sig", "description": TABLE_DOCS.get(table, ""),
            "schema": schema,
        })
    return {"profile": "tabular-data-package", "name": name,
            "title": "jixiao budget-performance dataset", "resources": resources}


def codebook_markdown(tables: dict[str, pd.DataFrame]) -> str:
    lines = ["# Codebook", "",
             "Every table of this dataset (CSV with BOM, Parquet, and one DuckDB file). Columns the output "
             "contract requires are marked and come first; empty means unknown, never 0. Amounts are in 万元, "
             "percentages in percent.", ""]
    for table, df in tables.items():
        lines += [f"## {table}", "", TABLE_DOCS.get(table, ""), "", f"{len(df)} rows.", "",
                  "| column | type | contract | meaning |", "|---|---|---|---|"]
        for col in df.columns:
            text = describe(table, col)
            if col in CODES:
                text += " — codes: " + ", ".join(f"`{c}`" for c in CODES[col])
            req = "required" if col in REQUIRED.get(table, []) else ""
            lines.append(f"| {col} | {field_type(df[col].dtype)} | {req} | {text.replace('|', '&#124;')} |")
        lines.append("")
    return "\n".join(lines)


def write_codebook(folder: Path, tables: dict[str, pd.DataFrame], name: str = "jixiao-panel") -> None:
    """Write codebook.md and datapackage.json next to the tables."""
    (folder / "codebook.md").write_text(codebook_markdown(tables), encoding="utf-8")
    package = datapackage(tables, name)
    (folder / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=1), encoding="utf-8")
