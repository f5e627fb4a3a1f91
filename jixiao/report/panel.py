"""The panel report: one self-contained HTML page of charts, each with its data as CSV.

Charts are Plotly figures with plotly.js inlined once, so the page opens from disk with no
network. Below each chart a link downloads the exact table drawn (a data: URI), so an
auditor can check any bar or point against the numbers behind it.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

import pandas as pd

from jixiao.output.writer import read_tables

UNKNOWN_PLACE = "（地区不详）"
UNKNOWN_YEAR = "（年度不详）"
UNMAPPED = "（未归类）"


def place_label(docs: pd.DataFrame) -> pd.Series:
    """City + county (桥西区 exists in several cities), else the city, else the province."""
    city = docs["city"].astype("string").fillna("")
    county = docs["county"].astype("string").fillna("")
    label = (city + county).where((city + county) != "", docs["province"].astype("string"))
    return label.fillna(UNKNOWN_PLACE)


def _forms_with_place(tables: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    docs = tables["documents"][["doc_id", "province", "city", "county", "fiscal_year"]].copy()
    docs["place"] = place_label(docs)
    docs["year"] = docs["fiscal_year"].astype("Int64").astype("string").fillna(UNKNOWN_YEAR)
    forms = tables["forms"].drop(columns=["fiscal_year"], errors="ignore").merge(
        docs[["doc_id", "place", "year"]], on="doc_id", how="left")
    return docs, forms


def chart_tables(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The table behind every chart, from the panel's (or a converted folder's) tables."""
    docs, forms = _forms_with_place(tables)
    scores = forms.loc[forms["total_score"].notna(), ["place", "year", "form_type", "subject", "form_id", "total_score"]]

    ex = forms[["place", "year", "form_id", "subject", "budget_wan", "executed_wan", "execution_rate", "total_score"]].copy()
    ok = ex["budget_wan"].notna() & ex["executed_wan"].notna() & (ex["budget_wan"] > 0)
    ex["execution_rate_computed"] = (ex["executed_wan"] / ex["budget_wan"] * 100).where(ok).round(2)
    ex["rate_plotted"] = ex["execution_rate_computed"].fillna(ex["execution_rate"])
    execution = ex[ex["rate_plotted"].notna() & ex["total_score"].notna()].rename(
        columns={"execution_rate": "execution_rate_stated"})

    findings = tables["findings"].merge(docs[["doc_id", "place"]], on="doc_id", how="left")
    n_forms = len(forms)
    by_rule = findings.groupby(["rule", "severity"]).size().rename("findings").reset_index()
    by_rule["forms"] = n_forms
    by_rule["per_100_forms"] = (by_rule["findings"] / n_forms * 100).round(2) if n_forms else pd.NA
    by_rule = by_rule.sort_values("findings", ascending=False)

    per_place = docs.groupby("place").size().rename("documents").to_frame()
    per_place = per_place.join(forms.groupby("place").size().rename("forms")).join(
        findings.groupby("place").size().rename("findings")).fillna(0).astype(int).reset_index()
    per_place["per_100_forms"] = (per_place["findings"] / per_place["forms"].where(per_place["forms"] > 0) * 100).round(2)
    by_place = per_place.sort_values("place")

    ind = tables["indicators"][["category", "level1"]].astype("string").fillna(UNMAPPED)
    cats = ind.groupby(["category", "level1"]).size().rename("indicators").reset_index()
    cats = cats.sort_values("indicators", ascending=False)
    return {"scores": scores.reset_index(drop=True), "execution": execution.reset_index(drop=True),
            "findings_by_rule": by_rule.reset_index(drop=True), "findings_by_place": by_place.reset_index(drop=True),
            "categories": cats.reset_index(drop=True)}


CHARTS = [
    ("scores", "自评得分分布（按地区、年度）", "Score distribution by place and year"),
    ("execution", "预算执行率与自评得分", "Execution rate (executed / budget, else as stated) vs score"),
    ("findings_by_rule", "每百张表的问题数（按规则）", "Findings per 100 forms by rule"),
    ("findings_by_place", "每百张表的问题数（按地区）", "Findings per 100 forms by place"),
    ("categories", "使用的指标类别", "Indicator categories used"),
]
PLOTTED = {"scores": "total_score", "execution": "rate_plotted", "findings_by_rule": "per_100_forms",
           "findings_by_place": "per_100_forms", "categories": "indicators"}


def _figure(key: str, df: pd.DataFrame):
    import plotly.express as px

    if key == "scores":
        years = sorted(df["year"].unique())
        fig = px.box(df, x="place", y="total_score", color="year", points="all", hover_data=["subject", "form_type"],
                      category_orders={"year": years},
                      labels={"place": "地区 place", "total_score": "自评得分 score", "year": "年度 year"})
        return fig.update_traces(pointpos=0, jitter=0.5, marker={"opacity": 0.7})  # points over their box
    if key == "execution":
        return px.scatter(df, x="rate_plotted", y="total_score", color="place", hover_name="subject",
                          hover_data=["budget_wan", "executed_wan", "execution_rate_stated", "year"],
                          labels={"rate_plotted": "执行率 execution rate (%)", "total_score": "自评得分 score"})
    if key == "findings_by_rule":
        return px.bar(df, x="rule", y="per_100_forms", color="severity", hover_data=["findings", "forms"],
                      color_discrete_map={"error": "#c0392b", "warning": "#e67e22", "info": "#7f8c8d"},
                      labels={"per_100_forms": "每百张表 per 100 forms", "rule": "规则 rule"})
    if key == "findings_by_place":
        return px.bar(df, x="place", y="per_100_forms", hover_data=["findings", "forms", "documents"],
                      labels={"per_100_forms": "每百张表 per 100 forms", "place": "地区 place"})
    order = df.groupby("category")["indicators"].sum().sort_values(ascending=False).index.tolist()
    return px.bar(df, x="category", y="indicators", color="level1", category_orders={"category": order},
                  labels={"category": "类别 category", "indicators": "指标数 indicators", "level1": "一级指标 level 1"})


def csv_link(key: str, df: pd.DataFrame) -> str:
    """An <a> that downloads ``df`` as a UTF-8 (BOM) CSV file named ``key``.csv."""
    data = base64.b64encode(df.to_csv(index=False).encode("utf-8-sig")).decode()
    return (f"<a class='csv' download='{html.escape(key)}.csv' href='data:text/csv;charset=utf-8;base64,{data}'>"
            f"下载数据 Download CSV ({len(df)} rows)</a>")


STYLE = """
body{font-family:'Noto Sans CJK SC','Noto Sans SC','Microsoft YaHei',sans-serif;margin:24px auto;max-width:1200px;color:#222}
section{margin-bottom:40px} h2{font-size:20px;margin-bottom:4px} a.csv{font-size:13px}
p.empty{color:#777;border:1px dashed #bbb;padding:24px;text-align:center}
table.summary{border-collapse:collapse;font-size:13px} table.summary td,table.summary th{border:1px solid #ccc;padding:3px 8px}
table.summary td.n{text-align:right}
"""


def _summary(tables: dict[str, pd.DataFrame]) -> str:
    docs = tables["documents"]
    places = place_label(docs[["province", "city", "county"]]).nunique() if len(docs) else 0
    years = sorted(int(y) for y in docs["fiscal_year"].dropna().unique())
    span = f"{years[0]}–{years[-1]}" if years else "—"
    items = [("文件 documents", len(docs)), ("单位 units", docs["unit_name"].nunique()), ("地区 places", places),
             ("年度 years", span), ("表 forms", len(tables["forms"])), ("指标 indicators", len(tables["indicators"])),
             ("问题 findings", len(tables["findings"]))]
    cells = "".join(f"<tr><th>{html.escape(k)}</th><td class='n'>{html.escape(str(v))}</td></tr>" for k, v in items)
    return f"<table class='summary'>{cells}</table>"


def render_report(tables: dict[str, pd.DataFrame], title: str = "jixiao panel report") -> str:
    """The whole page as one HTML string."""
    data = chart_tables(tables)
    parts = [f"<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'><title>{html.escape(title)}</title>",
             f"<style>{STYLE}</style></head><body><h1>{html.escape(title)}</h1>", _summary(tables)]
    plotly_inlined = False
    for key, zh, en in CHARTS:
        df = data[key]
        parts.append(f"<section id='{key}'><h2>{html.escape(zh)} · {html.escape(en)}</h2>")
        if df.empty or df[PLOTTED[key]].isna().all():
            parts.append("<p class='empty'>本数据集中没有可绘制的数据 · nothing to draw in this dataset</p>")
        else:
            fig = _figure(key, df)
            fig.update_layout(height=440, margin={"t": 30, "b": 40}, template="plotly_white")
            parts.append(fig.to_html(full_html=False, include_plotlyjs=not plotly_inlined, div_id=f"chart-{key}",
                                     config={"displaylogo": False}))
            plotly_inlined = True
        parts.append(csv_link(key, df) + "</section>")
    parts.append("</body></html>")
    return "".join(parts)


def write_panel_report(panel: Path, out: Path) -> Path:
    """Write the report for a panel folder (or a converted OUT folder) to ``out``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_report(read_tables(panel)), encoding="utf-8")
    return out
