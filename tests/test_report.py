"""report.html renders without console errors; `jixiao validate` rewrites findings and sets the exit code."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from conftest import write_seed_tables
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.output.writer import read_tables, write_tables
from jixiao.report.findings import render, write_report


@pytest.fixture(scope="module")
def converted(tmp_path_factory, seed_results):
    out = tmp_path_factory.mktemp("out")
    write_seed_tables(out, seed_results)
    return out


def test_report_renders_without_console_errors(converted, tmp_path, chromium_console):
    bad = tmp_path / "bad.html"
    bad.write_text("<html><body><script>undefinedFunctionCall();</script></body></html>", encoding="utf-8")
    assert chromium_console(bad, tmp_path), "the check must see a deliberate JS error"
    page = write_report(converted, read_tables(converted))
    assert chromium_console(page, tmp_path) == []
    assert (tmp_path / "shot.png").stat().st_size > 10_000


def test_report_content(converted):
    html = render(read_tables(converted))
    assert "SCORE_TOTAL_MISMATCH" in html and "干部信息系统建设经费" in html
    assert "http://" not in html and "https://" not in html  # self-contained
    assert html.count("<tr data-severity=") >= 2 * 20  # the all-findings table plus the per-form sections


def test_report_empty_frames():
    html = render({"documents": pd.DataFrame(), "forms": pd.DataFrame(), "findings": pd.DataFrame()})
    assert "0 条问题" in html


def test_validate_command_rewrites_and_fails_on(converted, tmp_path):
    out = tmp_path / "copy"
    shutil.copytree(converted, out)
    # drop the findings: the command must recompute them from the tables alone
    frames = read_tables(out)
    tables = {k: v.astype(object).where(v.notna(), None).to_dict("records") for k, v in frames.items()}
    tables["findings"] = []
    write_tables(out, tables)
    runner = CliRunner()
    res = runner.invoke(app, ["validate", str(out), "--json"])
    assert res.exit_code == 1, res.output
    f = pd.read_csv(out / "findings.csv", encoding="utf-8-sig")
    assert (f["rule"] == "SCORE_TOTAL_MISMATCH").sum() == 2
    docs = pd.read_parquet(out / "documents.parquet")
    assert docs["n_findings"].sum() == len(f)
    assert (out / "report.html").exists()
    import duckdb

    with duckdb.connect(str(out / "jixiao.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from findings").fetchone()[0] == len(f)
    # only the clean document: nothing at error level
    clean = tmp_path / "clean"
    shutil.copytree(out, clean)
    frames = read_tables(clean)
    keep = frames["documents"][frames["documents"]["source_path"].str.startswith("004")]["doc_id"].iloc[0]
    tables = {k: [r for r in v.astype(object).where(v.notna(), None).to_dict("records") if r.get("doc_id") == keep]
              for k, v in frames.items()}
    write_tables(clean, tables)
    assert runner.invoke(app, ["validate", str(clean)]).exit_code == 0
    assert runner.invoke(app, ["validate", str(clean), "--fail-on", "bogus"]).exit_code == 2
    assert runner.invoke(app, ["validate", str(tmp_path / "nope")]).exit_code == 2


def test_report_shows_the_rows_a_finding_concerns(converted):
    html = render(read_tables(converted))
    # 000's 预算调整率: its written rule and the published actual beside the finding
    assert "得分=（5%-|实际值|）/5%*权重" in html and "87.33%" in html
    # 000's 离退休干部春节慰问金 row, both 其中：财政拨款 columns kept apart (11.7 budget side, 11.7 executed side)
    from jixiao.report.finding_rows import RowIndex

    frames = read_tables(converted)
    index = RowIndex(frames)
    f = frames["findings"]
    part = f[(f["rule"] == "PART_EXCEEDS_WHOLE") & f["location"].str.contains("春节慰问金")].iloc[0].to_dict()
    header, rows = index.concerned(part)
    assert header[0] == "项目 item" and len(header) == 5  # item + 预算数, 其中, 执行数, 其中
    assert rows == [["离退休干部春节慰问金", "11.7", "11.7", "11.6", "11.7"]]
    total = f[(f["rule"] == "SCORE_TOTAL_MISMATCH") & f["location"].str.contains("干部信息系统建设经费")].iloc[0].to_dict()
    header, rows = index.concerned(total)
    assert "得分" in header and sum(r[header.index("得分")] for r in rows) == 93  # the scores that add to 93
    prose = f[f["form_id"].isna()].iloc[0].to_dict()
    assert index.concerned(prose) == ([], [])  # the sentence itself is the location
