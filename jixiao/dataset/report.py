"""The panel report: one self-contained HTML page of charts, each with its data as CSV.

Charts are Plotly figures with plotly.js inlined once, so the page opens from disk with no
network. Below each chart a link downloads the exact table drawn (a data: URI).
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

import pandas as pd

from jixiao.output.writer import read_tables


def _place(df: pd.DataFrame) -> pd.Series:
    return df["county"].fillna(df["city"]).fillna(df["province"]).fillna("（未知地区）")


def chart_tables(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The table behind every chart, from the panel's tables."""
    docs = tables["documents"][["doc_id", "province", "city", "county", "fiscal_year"]].copy()
    docs["place"] = _place(docs)
    forms = tables["forms"].drop(columns=["fiscal_year"], errors="ignore").merge(docs, on="doc_id", how="left")
    scores = forms[forms["total_score"].notna()][["place", "fiscal_year", "form_type", "subject", "total_score"]]
    ex = forms[forms["budget_wan"].notna() & forms["executed_wan"].notna() & (forms["budget_wan"] > 0)].copy()
    ex["execution_rate_computed"] = ex["executed_wan"] / ex["budget_wan"] * 100
    execution = ex[["place", "subject", "budget_wan", "executed_wan", "execution_rate_computed", "total_score"]]
    findings = tables["findings"].merge(docs, on="doc_id", how="left")
    n_forms = max(len(forms), 1)
    by_rule = findings.groupby(["rule", "severity"]).size().rename("findings").reset_index()
    by_rule["per_100_forms"] = by_rule["findings"] / n_forms * 100
    forms_per_place = forms.groupby("place").size().rename("forms")
    by_place = findings.groupby("place").size().rename("findings").to_frame().join(forms_per_place, how="right").fillna(0)
    by_place["per_100_forms"] = by_place["findings"] / by_place["forms"].clip(lower=1) * 100
    by_place = by_place.reset_index()
    cats = tables["indicators"]["category"].fillna("（未映射）").value_counts().rename_axis("category").rename("indicators").reset_index()
    return {"scores": scores, "execution": execution, "findings_by_rule": by_rule,
            "findings_by_place": by_place, "categories": cats}


def _figures(data: dict[str, pd.DataFrame]) -> list[tuple[str, str, object]]:
    import plotly.express as px

    figs = []
    s = data["scores"].assign(fiscal_year=lambda d: d["fiscal_year"].astype("string"))
    figs.append(("scores", "自评得分分布（按地区、年度） Score distribution by place and year",
                 px.box(s, x="place", y="total_score", color="fiscal_year", points="all")))
    figs.append(("execution", "预算执行率与得分 Execution rate vs score",
                 px.scatter(data["execution"], x="execution_rate_computed", y="total_score", hover_name="subject",
                            color="place")))
    figs.append(("findings_by_rule", "每百张表的问题数（按规则） Findings per 100 forms by rule",
                 px.bar(data["findings_by_rule"], x="rule", y="per_100_forms", color="severity")))
    figs.append(("findings_by_place", "每百张表的问题数（按地区） Findings per 100 forms by place",
                 px.bar(data["findings_by_place"], x="place", y="per_100_forms")))
    figs.append(("categories", "指标类别使用情况 Indicator categories used",
                 px.bar(data["categories"], x="category", y="indicators")))
    return figs


def write_panel_report(panel: Path, out: Path) -> Path:
    """Write the report for a panel folder (or a converted OUT folder) to ``out``."""
    tables = read_tables(panel)
    data = chart_tables(tables)
    parts = ["<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'><title>jixiao panel report</title>",
             "<style>body{font-family:'Noto Sans CJK SC',sans-serif;margin:24px;max-width:1200px}"
             "section{margin-bottom:36px}a.csv{font-size:13px}</style></head><body>",
             f"<h1>jixiao panel report</h1><p>{len(tables['documents'])} documents, {len(tables['forms'])} forms, "
             f"{len(tables['indicators'])} indicators, {len(tables['findings'])} findings.</p>"]
    first = True
    for key, title, fig in _figures(data):
        fig.update_layout(height=420, margin={"t": 30})
        parts.append(f"<section id='{key}'><h2>{html.escape(title)}</h2>")
        parts.append(fig.to_html(full_html=False, include_plotlyjs=True if first else False))
        first = False
        csv = data[key].to_csv(index=False).encode("utf-8-sig")
        uri = "data:text/csv;charset=utf-8;base64," + base64.b64encode(csv).decode()
        parts.append(f"<a class='csv' download='{key}.csv' href='{uri}'>下载数据 CSV ({len(data[key])} rows)</a></section>")
    parts.append("</body></html>")
    out.write_text("".join(parts), encoding="utf-8")
    return out
