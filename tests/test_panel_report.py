"""`jixiao report PANEL`: chart tables that add up, CSV links holding them, and a page that renders
in headless Chromium without console errors and without the network."""

from __future__ import annotations

import base64
import io
import re

import pandas as pd
import pytest
from conftest import write_seed_tables
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.dataset.build import build_panel
from jixiao.output.writer import read_tables, write_tables
from jixiao.report.panel import CHARTS, chart_tables, render_report


@pytest.fixture(scope="module")
def panel(tmp_path_factory, seed_results):
    """The five seeds through the pipeline (with validators), as one converted folder, then a panel."""
    base = tmp_path_factory.mktemp("panel-report")
    write_seed_tables(base / "out", seed_results)
    build_panel([base / "out"], base / "panel")
    return base / "panel"


def test_chart_tables_add_up(panel):
    t = read_tables(panel)
    data = chart_tables(t)
    forms, findings = t["forms"], t["findings"]
    assert len(findings) > 0 and len(forms) > 20
    assert len(data["scores"]) == forms["total_score"].notna().sum()
    by_rule = data["findings_by_rule"]
    assert by_rule["findings"].sum() == len(findings)
    assert set(by_rule["rule"]) == set(findings["rule"])
    for _, r in by_rule.iterrows():
        n = ((findings["rule"] == r["rule"]) & (findings["severity"] == r["severity"])).sum()
        assert r["findings"] == n and r["per_100_forms"] == pytest.approx(n / len(forms) * 100, abs=0.005)
    by_place = data["findings_by_place"]
    assert (by_place["documents"].sum(), by_place["forms"].sum(), by_place["findings"].sum()) == (
        len(t["documents"]), len(forms), len(findings))
    no_forms = by_place[by_place["forms"] == 0]
    assert no_forms["per_100_forms"].isna().all()  # no forms: no rate, not 0
    assert "廊坊市香河县" in set(by_place["place"]) and "石家庄市" in set(by_place["place"])
    assert data["categories"]["indicators"].sum() == len(t["indicators"])
    ex = data["execution"]
    both = ex["budget_wan"].notna() & ex["executed_wan"].notna()
    assert both.sum() >= 5
    computed = ex.loc[both, "executed_wan"] / ex.loc[both, "budget_wan"] * 100
    assert (ex.loc[both, "rate_plotted"] - computed).abs().max() < 0.01


def _csv_links(page: str) -> dict[str, pd.DataFrame]:
    links = re.findall(r"download='(\w+)\.csv' href='data:text/csv;charset=utf-8;base64,([A-Za-z0-9+/=]+)'", page)
    return {k: pd.read_csv(io.StringIO(base64.b64decode(v).decode("utf-8-sig"))) for k, v in links}


def test_csv_links_hold_each_chart_table(panel):
    page = render_report(read_tables(panel))
    links = _csv_links(page)
    data = chart_tables(read_tables(panel))
    assert list(links) == [key for key, _, _ in CHARTS]
    for key, df in links.items():
        expected = pd.read_csv(io.StringIO(data[key].to_csv(index=False)))
        pd.testing.assert_frame_equal(df, expected, check_dtype=False)
        assert len(df) > 0, key


def test_report_renders_in_headless_chromium(panel, tmp_path, chromium_console):
    bad = tmp_path / "bad.html"
    bad.write_text("<html><body><script>undefinedFunctionCall();</script></body></html>", encoding="utf-8")
    assert chromium_console(bad, tmp_path, tmp_path / "bad.png"), "the check must see a deliberate JS error"
    page = tmp_path / "panel-report.html"
    result = CliRunner().invoke(app, ["report", str(panel), "-o", str(page)])
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=[\"']?(https?:)?//", html)  # nothing from the network
    for key, _, _ in CHARTS:
        assert f"id=\"chart-{key}\"" in html, key  # every chart drawn, none left empty
    shot = tmp_path / "panel-report.png"
    assert chromium_console(page, tmp_path, shot) == []
    assert shot.stat().st_size > 50_000  # charts were painted, not a blank page


def test_report_of_a_panel_with_nothing_to_draw(tmp_path, chromium_console):
    write_tables(tmp_path / "out", {"documents": [{"doc_id": "d1", "source_path": "a.pdf", "status": "failed",
                                                    "error": "the file is empty (0 bytes)"}]})
    build_panel([tmp_path / "out"], tmp_path / "panel")
    page = tmp_path / "empty.html"
    assert CliRunner().invoke(app, ["report", str(tmp_path / "panel"), "-o", str(page)]).exit_code == 0
    html = page.read_text(encoding="utf-8")
    assert html.count("nothing to draw") == len(CHARTS) and "plotly" not in html.lower()
    assert len(_csv_links(html)) == len(CHARTS)
    assert chromium_console(page, tmp_path, tmp_path / "empty.png") == []


def test_report_needs_a_panel_or_converted_folder(tmp_path):
    result = CliRunner().invoke(app, ["report", str(tmp_path), "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 2 and not (tmp_path / "r.html").exists()
