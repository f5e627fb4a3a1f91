"""Quickstart: convert documents from Python, plot scores by place, list findings with evidence.

    python examples/quickstart.py                      # ../shared/real/wild and ../shared/seeds
    python examples/quickstart.py reports/ -o out/     # your own files or folders

Writes OUT/ (the same folder `jixiao convert` writes) and OUT/scores_by_place.png (with
matplotlib) or OUT/scores_by_place.html (with plotly, which jixiao installs), then prints the
findings, most severe first, each with the published rows it is about.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import pandas as pd

import jixiao

REPO = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    """../shared beside the repository (JIXIAO_SHARED overrides; a worktree looks further up)."""
    if os.environ.get("JIXIAO_SHARED"):
        return Path(os.environ["JIXIAO_SHARED"])
    for parent in REPO.parents:
        if (parent / "shared" / "seeds").is_dir():
            return parent / "shared"
    return REPO.parent / "shared"


def scores_by_place(result: jixiao.Result) -> pd.DataFrame:
    """One row per form with a stated total score: the place of its document and the score."""
    docs = result.documents[["doc_id", "province", "city", "county", "unit_name"]]
    forms = result.forms.dropna(subset=["total_score"]).merge(docs, on="doc_id", how="left")
    place = forms["county"].fillna(forms["city"]).fillna(forms["province"]).fillna("(place unknown)")
    return pd.DataFrame({"place": place.astype(str), "score": forms["total_score"].astype(float),
                         "form_type": forms["form_type"], "subject": forms["subject"]})


def plot(scores: pd.DataFrame, out: Path) -> Path:
    """A strip plot of form scores per place: PNG with matplotlib if installed, else HTML with plotly."""
    title = "Stated total score of each form, by place"
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        import plotly.express as px

        fig = px.strip(scores, x="place", y="score", color="form_type", hover_data=["subject"], title=title)
        path = out / "scores_by_place.html"
        fig.write_html(path, include_plotlyjs="cdn")
        return path
    places = sorted(scores["place"].unique())
    fig, ax = plt.subplots(figsize=(max(6, len(places) * 1.2), 4))
    for i, p in enumerate(places):
        ys = scores.loc[scores["place"] == p, "score"]
        ax.scatter([i] * len(ys), ys, alpha=0.7)
    ax.set_xticks(range(len(places)), places, rotation=30, ha="right")
    ax.set_ylabel("total score")
    ax.set_title(title)
    fig.tight_layout()
    path = out / "scores_by_place.png"
    fig.savefig(path, dpi=120)
    return path


def main(argv: list[str] | None = None) -> int:
    shared = shared_dir()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="*", type=Path, default=[shared / "real" / "wild", shared / "seeds"],
                        help="files or folders (default: ../shared/real/wild and ../shared/seeds)")
    parser.add_argument("-o", "--out", type=Path, default=REPO / "out" / "quickstart", help="output folder")
    parser.add_argument("--show", type=int, default=5, help="findings to show with their evidence")
    args = parser.parse_args(argv)

    result = jixiao.convert(args.inputs)                      # the tables, as pandas DataFrames
    print(result)
    for problem in result.problems:
        print("skipped:", problem)
    for _, doc in result.failed.iterrows():
        print("failed:", doc["source_path"], "-", doc["error"])
    result.write(args.out)                                    # CSV, Parquet, DuckDB, report.html

    scores = scores_by_place(result)
    print(scores.groupby("place")["score"].describe()[["count", "mean", "min", "max"]].to_string())
    print("chart:", plot(scores, args.out))

    findings = result.findings
    order = findings["severity"].map({"error": 0, "warning": 1, "info": 2})
    print(f"\n{len(findings)} findings:", findings["rule"].value_counts().to_dict())
    for i in order.sort_values(kind="stable").index[: args.show]:
        evidence = jixiao.show(result, findings.loc[i])
        print("\n" + str(evidence))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
