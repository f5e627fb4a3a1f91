"""`jixiao dataset build` on two overlapping `jixiao convert` runs over the real seeds."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest
from conftest import FIXTURES, SHARED, seed_path
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.dataset.build import admin_level, build_panel, merge_runs
from jixiao.output.writer import read_tables, write_tables
from jixiao.output.xlsx import write_xlsx
from jixiao.schema import REQUIRED, TABLES

CHILD_TABLES = [t for t in TABLES if t != "documents"]


def convert(inputs: Path, out: Path) -> Path:
    proc = subprocess.run([sys.executable, "-m", "jixiao", "convert", str(inputs), "-o", str(out), "--quiet", "--no-report"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    """run1: seeds 000-003. run2: seeds 002-004, 004 twice, 000 downloaded again under another name,
    and a new file: seed 000 saved as .docx (other bytes, same unit and year)."""
    base = tmp_path_factory.mktemp("runs")
    in1, in2 = base / "in1", base / "in2"
    for folder, files in ((in1, {"000": "000.txt", "001": "001.txt", "002": "002.txt", "003": "003.txt"}),
                          (in2, {"002": "002.txt", "003": "003.txt", "004": "004.txt", "000": "downloaded-again.txt"})):
        folder.mkdir()
        for prefix, name in files.items():
            shutil.copy(seed_path(prefix), folder / name)
    (in2 / "again").mkdir()
    shutil.copy(seed_path("004"), in2 / "again" / "004.txt")
    shutil.copy(FIXTURES / "office" / "seed000.docx", in2 / "seed000.docx")
    return {"run1": convert(in1, base / "run1"), "run2": convert(in2, base / "run2")}


@pytest.fixture(scope="module")
def panel(runs, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("panel") / "panel"
    result = CliRunner().invoke(app, ["dataset", "build", str(runs["run2"]), str(runs["run1"]), "-o", str(out), "--xlsx"])
    assert result.exit_code == 0, result.output
    assert "6 documents (4 duplicates dropped)" in result.output  # 4 files in run1 + 6 in run2
    return out


def panel_sql(panel: Path, sql: str) -> pd.DataFrame:
    con = duckdb.connect(str(panel / "panel.duckdb"), read_only=True)
    try:
        return con.execute(sql).df()
    finally:
        con.close()


def test_each_document_once_from_the_first_sorted_run(runs, panel):
    r1, r2 = read_tables(runs["run1"]), read_tables(runs["run2"])
    assert len(r2["documents"]) == 6 and r2["documents"]["doc_id"].nunique() == 5  # 004 twice inside run2
    docs = pd.read_parquet(panel / "documents.parquet")
    assert docs["doc_id"].is_unique
    assert set(docs["doc_id"]) == set(r1["documents"]["doc_id"]) | set(r2["documents"]["doc_id"])
    assert len(docs) == 6  # five seeds and the .docx; the re-downloads count once
    in_run1 = set(r1["documents"]["doc_id"])
    for _, d in docs.iterrows():
        assert d["run"] == str(runs["run1"] if d["doc_id"] in in_run1 else runs["run2"])
    seed000 = docs[docs["run"] == str(runs["run1"])].set_index("doc_id")
    assert "000.txt" in set(seed000["source_path"]) and "downloaded-again.txt" not in set(docs["source_path"])


def test_child_rows_once_per_document(runs, panel):
    r1, r2 = read_tables(runs["run1"]), read_tables(runs["run2"])
    docs = pd.read_parquet(panel / "documents.parquet")
    twice_in_run2 = r2["documents"]["doc_id"].value_counts()
    twice_in_run2 = set(twice_in_run2[twice_in_run2 == 2].index)
    for name in CHILD_TABLES:
        merged = pd.read_parquet(panel / f"{name}.parquet")
        for _, d in docs.iterrows():
            source = r1 if d["run"] == str(runs["run1"]) else r2
            n_source = int((source[name]["doc_id"] == d["doc_id"]).sum())
            expected = n_source // 2 if d["doc_id"] in twice_in_run2 and source is r2 else n_source
            assert int((merged["doc_id"] == d["doc_id"]).sum()) == expected, (name, d["source_path"])
    forms = pd.read_parquet(panel / "forms.parquet")
    assert len(forms) > 20 and forms["form_id"].is_unique
    ind = pd.read_parquet(panel / "indicators.parquet")
    assert not ind.duplicated(["form_id", "row_no"]).any()


def test_unit_year_sums_equal_the_forms(panel):
    uy = pd.read_parquet(panel / "unit_year.parquet")
    docs = pd.read_parquet(panel / "documents.parquet")
    forms = pd.read_parquet(panel / "forms.parquet").drop(columns="fiscal_year")
    assert not uy.duplicated(["unit_name", "fiscal_year"]).any()
    assert len(uy) == len(docs.groupby(["unit_name", "fiscal_year"], dropna=False))
    assert uy["n_documents"].sum() == len(docs) and uy["n_forms"].sum() == len(forms)
    assert uy["n_indicators"].sum() == len(pd.read_parquet(panel / "indicators.parquet"))
    fd = forms.merge(docs[["doc_id", "unit_name", "fiscal_year"]], on="doc_id")
    checked = 0
    for _, row in uy.iterrows():
        mine = fd[(fd["unit_name"] == row["unit_name"]) & (fd["fiscal_year"] == row["fiscal_year"])]
        assert row["n_forms"] == len(mine)
        for col in ("budget_wan", "executed_wan"):
            stated = mine[col].dropna()
            if stated.empty:
                assert pd.isna(row[col]), (row["unit_name"], col)  # unknown, never 0
            else:
                assert row[col] == pytest.approx(stated.sum())
                checked += 1
        scores = mine["total_score"].dropna()
        assert (pd.isna(row["mean_score"]) if scores.empty else row["mean_score"] == pytest.approx(scores.mean()))
    assert checked >= 3  # the seeds do state budgets: the sums above were really compared
    # the same sums, independently, in SQL over panel.duckdb
    sql = panel_sql(panel, """
        select d.unit_name, d.fiscal_year, sum(f.budget_wan) b, sum(f.executed_wan) e
        from documents d join forms f using (doc_id) group by all""")
    both = sql.merge(uy, on=["unit_name", "fiscal_year"])
    assert len(both) == len(sql)
    assert ((both["b"].isna() & both["budget_wan"].isna()) | ((both["b"] - both["budget_wan"]).abs() < 1e-6)).all()
    assert ((both["e"].isna() & both["executed_wan"].isna()) | ((both["e"] - both["executed_wan"]).abs() < 1e-6)).all()


def test_unit_year_places_and_levels(panel):
    uy = pd.read_parquet(panel / "unit_year.parquet").set_index("unit_name")
    assert uy.loc["中共石家庄市委组织部", "level"] == "city"
    assert uy.loc["中共香河县委组织部", "level"] == "county"
    assert uy.loc["中共香河县委组织部", "city"] == "廊坊市"
    assert uy.loc["中共香河县委组织部", "n_documents"] == 2  # the .txt and the .docx of seed 000
    for code, level in zip(uy["admin_code"], uy["level"], strict=True):
        assert level == admin_level(code)


@pytest.mark.parametrize("code, level", [("130000", "province"), ("130100", "city"), ("131024", "county"),
                                         ("1301", None), (None, None), ("abcdef", None)])
def test_admin_level(code, level):
    assert admin_level(code) == level


def test_indicator_panel_carries_place_and_year(panel):
    ip = pd.read_parquet(panel / "indicator_panel.parquet")
    ind = pd.read_parquet(panel / "indicators.parquet")
    docs = pd.read_parquet(panel / "documents.parquet").set_index("doc_id")
    assert len(ip) == len(ind) > 100
    for col in ("province", "county", "fiscal_year", "admin_code"):
        expected = ip["doc_id"].map(docs[col])
        assert ((ip[col] == expected) | (ip[col].isna() & expected.isna())).all(), col
    assert set(ip["form_type"].dropna()) <= {"project_self_eval", "dept_self_eval", "target_table", "budget_summary", "other"}
    assert ip["level3"].tolist() == ind["level3"].tolist()


def _contract_columns() -> dict[str, list[str]]:
    """Table -> columns, parsed from SHARED/SCHEMA.md (`| a, b | meaning |` rows name several columns)."""
    tables: dict[str, list[str]] = {}
    current = None
    for line in (SHARED / "SCHEMA.md").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^## (\w+) — ", line)
        if m:
            current = m.group(1)
            tables[current] = []
        elif line.startswith("## ") or line.startswith("### "):
            current = None
        elif current and line.startswith("| ") and not line.startswith("| column") and not line.startswith("|---"):
            tables[current] += [c.strip() for c in line.split("|")[1].split(",")]
    return tables


def test_codebook_lists_every_contract_column(panel):
    contract = _contract_columns()
    assert set(contract) == set(TABLES) and contract == REQUIRED
    text = (panel / "codebook.md").read_text(encoding="utf-8")
    sections = dict(re.findall(r"^## (\w+)\n(.*?)(?=^## |\Z)", text, flags=re.M | re.S))
    assert set(sections) == set(TABLES) | {"unit_year", "indicator_panel"}
    for table, cols in contract.items():
        rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| (\w+) \| \w+ \| (required)? \| (.+) \|$",
                                                            sections[table], flags=re.M)}
        for col in cols:
            assert rows.get(col) == "required", (table, col)


def test_datapackage_describes_every_file(panel):
    package = json.loads((panel / "datapackage.json").read_text(encoding="utf-8"))
    assert package["profile"] == "tabular-data-package"
    contract = _contract_columns()
    by_name = {r["name"]: r for r in package["resources"]}
    assert set(by_name) == set(TABLES) | {"unit_year", "indicator_panel"}
    for name, res in by_name.items():
        csv = panel / res["path"]
        header = pd.read_csv(csv, encoding="utf-8-sig", nrows=0).columns.tolist()
        fields = res["schema"]["fields"]
        assert [f["name"] for f in fields] == header
        assert all(f["description"] for f in fields), name
        parquet = pd.read_parquet(panel / f"{name}.parquet")
        for f in fields:
            dtype = str(parquet[f["name"]].dtype)
            expected = {"Int64": "integer", "Float64": "number", "boolean": "boolean"}.get(dtype, "string")
            assert f["type"] == expected, (name, f["name"], dtype)
        if name in contract:
            assert header[: len(contract[name])] == contract[name]
        for f in fields:  # the data keeps the package's constraints
            rule = f.get("constraints", {})
            values = parquet[f["name"]]
            if "enum" in rule:
                assert set(values.dropna()) <= set(rule["enum"]), (name, f["name"])
            if rule.get("required"):
                assert values.notna().all() and values.is_unique, (name, f["name"])
    forms = {f["name"]: f for f in by_name["forms"]["schema"]["fields"]}
    assert forms["form_type"]["constraints"]["enum"][0] == "project_self_eval"
    assert by_name["documents"]["schema"]["primaryKey"] == ["doc_id"]


def test_panel_workbook(panel):
    wb = openpyxl.load_workbook(panel / "panel.xlsx", read_only=False)
    assert wb.sheetnames == list(TABLES) + ["unit_year", "indicator_panel"]
    uy = pd.read_parquet(panel / "unit_year.parquet")
    ws = wb["unit_year"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(uy.columns))}{len(uy) + 1}"
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == uy.columns.tolist() and len(rows) == len(uy) + 1
    col = {c: i for i, c in enumerate(rows[0])}
    for sheet_row, (_, row) in zip(rows[1:], uy.iterrows(), strict=True):
        assert sheet_row[col["admin_code"]] == row["admin_code"] and isinstance(sheet_row[col["admin_code"]], str)
        assert sheet_row[col["fiscal_year"]] == row["fiscal_year"]
        if pd.isna(row["budget_wan"]):
            assert sheet_row[col["budget_wan"]] is None
        else:
            assert sheet_row[col["budget_wan"]] == pytest.approx(row["budget_wan"])
    assert wb["forms"].max_row == len(pd.read_parquet(panel / "forms.parquet")) + 1


def test_write_xlsx_keeps_text_as_text(tmp_path):
    out = tmp_path / "out"
    frames = write_tables(out, {"forms": [
        {"form_id": "a-1", "doc_id": "a", "title": "=SUM(A1:A2)", "subject": "http://example.com/x",
         "reporting_unit": "0012", "budget_wan": 12.5, "executed_wan": None, "fiscal_year": 2020},
    ]})
    path = write_xlsx(out, frames)
    assert path == out / "jixiao.xlsx"
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == list(TABLES)
    ws = wb["forms"]
    header = [c.value for c in ws[1]]
    row = dict(zip(header, [c.value for c in ws[2]], strict=True))
    assert row["title"] == "=SUM(A1:A2)" and ws.cell(2, header.index("title") + 1).data_type == "s"
    assert row["subject"] == "http://example.com/x" and ws.cell(2, header.index("subject") + 1).hyperlink is None
    assert row["reporting_unit"] == "0012"
    assert row["budget_wan"] == 12.5 and row["executed_wan"] is None and row["fiscal_year"] == 2020
    assert wb["findings"].max_row == 1 and wb["findings"].freeze_panes == "A2"
    assert write_xlsx(tmp_path / "named.xlsx", frames) == tmp_path / "named.xlsx"  # a file path works too
    assert openpyxl.load_workbook(tmp_path / "named.xlsx").sheetnames == list(TABLES)


def test_identical_rows_of_a_twice_seen_document_are_kept(tmp_path):
    """A document that truly has two identical rows keeps both when its run saw it twice."""
    amount = {"doc_id": "d1", "form_id": "d1-1", "table_kind": "other", "item": "办公费", "measure": "value",
              "value": 5.0, "unit": "万元", "is_total": False}
    doc = {"doc_id": "d1", "source_path": "a.txt", "status": "ok"}
    write_tables(tmp_path / "run", {"documents": [doc, {**doc, "source_path": "b.txt"}],
                                    "amounts": [amount, amount] * 2})
    merged = merge_runs([tmp_path / "run"])
    assert len(merged["documents"]) == 1 and len(merged["amounts"]) == 2


def test_build_panel_without_any_forms(tmp_path):
    doc = {"doc_id": "d1", "source_path": "a.pdf", "status": "failed", "error": "the file is empty"}
    write_tables(tmp_path / "run", {"documents": [doc]})
    tables = build_panel([tmp_path / "run"], tmp_path / "panel")
    uy = tables["unit_year"]
    assert len(uy) == 1 and uy.loc[0, "n_documents"] == 1 and uy.loc[0, "n_forms"] == 0
    assert pd.isna(uy.loc[0, "budget_wan"]) and pd.isna(uy.loc[0, "unit_name"])
    assert (tmp_path / "panel" / "panel.duckdb").exists()


def test_build_refuses_a_folder_that_was_not_converted(tmp_path):
    result = CliRunner().invoke(app, ["dataset", "build", str(tmp_path), "-o", str(tmp_path / "panel")])
    assert result.exit_code == 2
    assert not (tmp_path / "panel").exists()


def test_a_run_kept_only_as_csv_gives_the_same_panel(runs, panel, tmp_path):
    csv_only = runs["run1"].parent / "run1-csv"  # sorts before run2, like run1
    csv_only.mkdir(exist_ok=True)
    for p in runs["run1"].glob("*.csv"):
        shutil.copy(p, csv_only / p.name)
    tables = build_panel([csv_only, runs["run2"]], tmp_path / "panel")
    uy = tables["unit_year"]
    expected = pd.read_parquet(panel / "unit_year.parquet")
    pd.testing.assert_frame_equal(uy.reset_index(drop=True), expected, check_dtype=False)
    assert str(tables["forms"]["budget_wan"].dtype) == "Float64"
    assert str(tables["amounts"]["is_total"].dtype) == "boolean" and tables["amounts"]["is_total"].any()
    from_csv = tables["documents"][tables["documents"]["run"] == str(csv_only)]
    assert len(from_csv) >= 2 and from_csv["n_pages"].isna().all()  # empty CSV cells: unknown, not 0 or ""
    assert tables["forms"]["grade"].isna().any() and not (tables["forms"]["grade"] == "").any()


def test_write_xlsx_gives_the_workbook_ordinary_permissions(tmp_path):
    """The workbook is readable as the CSVs beside it are (mkstemp's 0600 is for the temporary name only)."""
    import os

    frames = write_tables(tmp_path, {"forms": [{"form_id": "a-1", "doc_id": "a", "title": "t"}]})
    umask = os.umask(0)
    os.umask(umask)
    path = write_xlsx(tmp_path, frames)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask == (tmp_path / "forms.csv").stat().st_mode & 0o777
