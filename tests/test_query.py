"""`jixiao query`: SQL over a panel or a converted folder, as a table, CSV or JSON; read-only."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pandas as pd
import pytest
from conftest import write_seed_tables
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.dataset.build import build_panel


@pytest.fixture(scope="module")
def converted(tmp_path_factory, seed_results):
    """The five seeds through the pipeline, written as a converted folder (what convert writes)."""
    out = tmp_path_factory.mktemp("query") / "out"
    write_seed_tables(out, seed_results)
    return out


@pytest.fixture(scope="module")
def panel(converted):
    build_panel([converted], converted.parent / "panel")
    return converted.parent / "panel"


def query(*args: str):
    return CliRunner().invoke(app, ["query", *args])


def test_csv_over_a_converted_folder(converted):
    result = query(str(converted), "select form_id, budget_wan from forms order by form_id", "--format", "csv")
    assert result.exit_code == 0, result.output
    got = pd.read_csv(io.StringIO(result.stdout), dtype={"form_id": str})
    forms = pd.read_parquet(converted / "forms.parquet").sort_values("form_id")
    assert got["form_id"].tolist() == forms["form_id"].tolist()
    assert got["budget_wan"].notna().sum() == forms["budget_wan"].notna().sum() > 0


def test_json_over_a_panel(panel):
    result = query(str(panel), "select unit_name, fiscal_year, n_forms, budget_wan from unit_year order by unit_name",
                   "-f", "json")
    assert result.exit_code == 0, result.output
    got = json.loads(result.stdout)
    uy = pd.read_parquet(panel / "unit_year.parquet").sort_values("unit_name")
    assert [r["unit_name"] for r in got] == uy["unit_name"].tolist()
    assert [r["n_forms"] for r in got] == uy["n_forms"].tolist()
    # an unknown budget is null in JSON, not 0
    assert [r["budget_wan"] is None for r in got] == uy["budget_wan"].isna().tolist()
    assert any(r["budget_wan"] is None for r in got) and any(r["budget_wan"] for r in got)


def test_table_is_not_cut_when_piped(panel):
    proc = subprocess.run([sys.executable, "-m", "jixiao", "query", str(panel),
                           "select unit_name, admin_code, level, n_documents, n_forms, n_indicators, budget_wan, "
                           "executed_wan, mean_score from unit_year"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    for name in pd.read_parquet(panel / "unit_year.parquet")["unit_name"]:
        assert name in proc.stdout
    assert "rows" in proc.stdout and "…" not in proc.stdout


def test_parquet_only_folder(converted, tmp_path):
    folder = tmp_path / "parquet-only"
    folder.mkdir()
    for p in converted.glob("*.parquet"):
        (folder / p.name).write_bytes(p.read_bytes())
    result = query(str(folder), "select count(*) as n from indicators", "-f", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"n": len(pd.read_parquet(converted / "indicators.parquet"))}]


def test_bad_sql_and_writes_are_refused(panel):
    bad = query(str(panel), "select * from nope")
    assert bad.exit_code == 2 and "query failed" in bad.output
    n = len(pd.read_parquet(panel / "forms.parquet"))
    write = query(str(panel), "delete from forms")
    assert write.exit_code == 2 and "read-only" in write.output
    assert json.loads(query(str(panel), "select count(*) n from forms", "-f", "json").stdout) == [{"n": n}]


def test_no_database_and_bad_format(tmp_path, panel):
    assert query(str(tmp_path), "select 1").exit_code == 2
    assert query(str(panel), "select 1", "-f", "xml").exit_code == 2
