"""codebook.md and a Frictionless datapackage.json describing every table and column."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from jixiao.dataset.descriptions import COLUMN_DOCS, TABLE_DOCS
from jixiao.schema import REQUIRED

EXTRA_DOCS = {
    "unit_year": ("one row per reporting unit and fiscal year", {
        "level": "province, city or county, from the admin code",
        "n_documents": "documents of this unit and year", "n_forms": "forms in them",
        "n_indicators": "indicator rows in them", "budget_wan": "sum of the forms' budget_wan",
        "executed_wan": "sum of the forms' executed_wan", "mean_score": "mean stated total_score of the forms",
        "findings_error": "error findings", "findings_warning": "warning findings", "findings_info": "info findings"}),
    "indicator_panel": ("indicators with the document's place and year", {}),
}


def describe(table: str, column: str) -> str:
    if column in COLUMN_DOCS.get(table, {}):
        return COLUMN_DOCS[table][column]
    if table in EXTRA_DOCS and column in EXTRA_DOCS[table][1]:
        return EXTRA_DOCS[table][1][column]
    for cols in COLUMN_DOCS.values():
        if column in cols and cols[column]:
            return cols[column]
    return "extra column (see README)"


def _ftype(dtype: object) -> str:
    s = str(dtype).lower()
    if "int" in s:
        return "integer"
    if "float" in s:
        return "number"
    if "bool" in s:
        return "boolean"
    return "string"


def write_codebook(panel: Path, tables: dict[str, pd.DataFrame]) -> None:
    lines = ["# Codebook", "", "Every table of this dataset; columns required by the output contract come first.", ""]
    resources = []
    for name, df in tables.items():
        doc = TABLE_DOCS.get(name) or EXTRA_DOCS.get(name, ("",))[0]
        lines += [f"## {name}", "", doc, "", "| column | type | required | meaning |", "|---|---|---|---|"]
        fields = []
        for col in df.columns:
            req = "yes" if col in REQUIRED.get(name, []) else ""
            text = describe(name, col).replace("|", "\\|")
            lines.append(f"| {col} | {_ftype(df[col].dtype)} | {req} | {text} |")
            fields.append({"name": col, "type": _ftype(df[col].dtype), "description": describe(name, col)})
        lines.append("")
        resources.append({"name": name, "path": f"{name}.csv", "format": "csv", "encoding": "utf-8-sig",
                          "description": doc, "schema": {"fields": fields}})
    (panel / "codebook.md").write_text("\n".join(lines), encoding="utf-8")
    package = {"name": "jixiao-panel", "title": "jixiao budget-performance panel", "resources": resources}
    (panel / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=1), encoding="utf-8")
