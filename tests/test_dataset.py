"""Panels across runs: each document once, unit-year sums equal their forms, codebook, report, query."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import FIXTURES, SEEDS, SHARED
from openpyxl import load_workbook
from test_report import CHROMIUM, console_errors

from jixiao.schema import REQUIRED


def convert(inputs: list[Path], out: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "jixiao", "convert", *map(str, inputs), "-o", str(out), "-q",
                           "--no-report"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr


@pytest.fixture(scope="module")
def panel(tmp_path_factory):
    base = tmp_path_factory.mktemp("panel")
    run_a, run_b = base / "in_a", base / "in_b"
    run_a.mkdir()
    run_b.mkdir()
    for p in SEEDS.glob("*.txt"):
        shutil.copy(p, run_a / p.name)
    for p in sorted(SEEDS.glob("00[234]*.txt")):  # the same reports downloaded again
        shutil.copy(p, run_b / ("again-" + p.name))
    shutil.copy(FIXTURES / "office" / "seed000.docx", run_b / "seed000.docx")  # a new file
    convert([run_a], base / "out_a")
    convert([run_b], base / "out_b")
    proc = subprocess.run([sys.executable, "-m", "jixiao", "dataset", "build", str(base / "out_a"), str(base / "out_b"),
                           "-o", str(base / "panel"), "--xlsx"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return base / "panel"


def read(panel: Path, name: str) -> pd.DataFrame:
    return pd.read_parquet(panel / f"{name}.parquet")


def test_each_document_once(panel):
    docs = read(panel, "documents")
    assert docs["doc_id"].is_unique
    assert len(docs) == 6  # five seeds + the .docx; the three re-downloads count once
    forms = read(panel, "forms")
    assert forms["form_id"].is_unique
    assert set(forms["doc_id"]) <= set(docs["doc_id"])


def test_unit_year_sums_equal_the_forms(panel):
    uy = read(panel, "unit_year")
    docs = read(panel, "documents")[["doc_id", "unit_name", "fiscal_year"]]
    forms = read(panel, "forms").drop(columns=["fiscal_year"]).merge(docs, on="doc_id")
    assert uy[["unit_name", "fiscal_year"]].drop_duplicates().shape[0] == len(uy)
    for _, row in uy.iterrows():
        mine = forms[(forms["unit_name"] == row["unit_name"]) & (forms["fiscal_year"] == row["fiscal_year"])]
        assert row["n_forms"] == len(mine)
        assert row["budget_wan"] == pytest.approx(mine["budget_wan"].sum()) if mine["budget_wan"].notna().any() else pd.isna(row["budget_wan"])
        if mine["total_score"].notna().any():
            assert row["mean_score"] == pytest.approx(mine["total_score"].mean())
    hx = uy[uy["unit_name"] == "中共香河县委组织部"].iloc[0]
    assert (hx["level"], hx["admin_code"], hx["n_documents"], hx["n_forms"]) == ("county", "131024", 2, 2)
    sjz = uy[uy["unit_name"] == "中共石家庄市委组织部"].iloc[0]
    assert (sjz["level"], sjz["n_forms"], sjz["n_indicators"]) == ("city", 14, 62)


def test_indicator_panel_has_place_and_year(panel):
    ip = read(panel, "indicator_panel")
    assert len(ip) == len(read(panel, "indicators"))
    assert {"province", "city", "county", "admin_code", "fiscal_year", "level3"} <= set(ip.columns)
    assert ip["province"].notna().all()


def test_codebook_lists_every_contract_column(panel):
    text = (panel / "codebook.md").read_text(encoding="utf-8")
    package = json.loads((panel / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: {f["name"] for f in r["schema"]["fields"]} for r in package["resources"]}
    schema_md = (SHARED / "SCHEMA.md").read_text(encoding="utf-8")
    for table, cols in REQUIRED.items():
        assert f"## {table}" in text and f"## {table} —" in schema_md
        for col in cols:
            assert f"| {col} |" in text, (table, col)
            assert col in resources[table]
    assert "unit_year" in resources and "indicator_panel" in resources


def test_duckdb_and_xlsx(panel):
    con = duckdb.connect(str(panel / "panel.duckdb"), read_only=True)
    assert con.execute("select count(*) from documents").fetchone()[0] == 6
    con.close()
    wb = load_workbook(panel / "panel.xlsx", read_only=False)
    assert {"documents", "forms", "indicators", "unit_year"} <= set(wb.sheetnames)
    ws = wb["forms"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref is not None


def test_query_formats(panel):
    run = [sys.executable, "-m", "jixiao", "query", str(panel)]
    out = subprocess.run(run + ["select count(*) as n from documents", "--format", "json"], capture_output=True,
                         text=True, timeout=120)
    assert json.loads(out.stdout) == [{"n": 6}]
    out = subprocess.run(run + ["select unit_name from unit_year order by unit_name limit 1", "-f", "csv"],
                         capture_output=True, text=True, timeout=120)
    assert out.stdout.splitlines()[0] == "unit_name"
    bad = subprocess.run(run + ["select * from nope"], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "query failed" in bad.stderr


def test_panel_report_renders(panel, tmp_path):
    assert Path(CHROMIUM).exists(), "headless Chromium is needed: apt-get install chromium"
    page = tmp_path / "panel-report.html"
    proc = subprocess.run([sys.executable, "-m", "jixiao", "report", str(panel), "-o", str(page)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    html = page.read_text(encoding="utf-8")
    assert html.count("class='csv' download=") == 5 and "data:text/csv" in html
    import re

    assert not re.search(r"<(script|link)[^>]+(src|href)=[\"']https?://", html)  # nothing loaded from the network
    assert console_errors(page, tmp_path) == []
