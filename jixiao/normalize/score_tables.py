"""Code-labelled score tables: the clean restatement of an evaluation's scores.

Third-party evaluation reports print their 评分表 once as a wide table (often cut into fragments by
page breaks, figures landing in the wrong cell) and again per first-level group as
`指标名称 | 权重 | 指标得分 | 得分率`, every row labelled by its code (A1 项目立项, A101 立项依据充分性).
The codes tie the two together: the restatement's weight and score of A101 are the 评分表's.
"""

from __future__ import annotations

import re

from jixiao.normalize.indicator_columns import column_roles, is_indicator_header
from jixiao.text import squash

_CODE = re.compile(r"^([A-Z]\d{1,4})(?![\d.])")


def code_of(label: str | None) -> str | None:
    """`A101立项依据充分性` -> A101; None for a label without a code."""
    m = _CODE.match(squash(label))
    return m.group(1) if m else None


def code_scores(rows: list[list[str]]) -> dict[str, tuple[str, str]] | None:
    """code -> (weight, score) as written, for a table headed by a weight and a score column whose
    rows are labelled by codes; None for any other table."""
    if len(rows) < 3 or is_indicator_header(rows[0]):
        return None
    roles = column_roles(rows[0])
    if "weight" not in roles or "score" not in roles:
        return None
    out: dict[str, tuple[str, str]] = {}
    for row in rows[1:]:
        label = next((c for c in row if squash(c)), "")
        code = code_of(label)
        w, s = roles["weight"], roles["score"]
        if code and max(w, s) < len(row):
            out[code] = (squash(row[w]), squash(row[s]))
    return out if len(out) >= 2 and len(out) * 2 >= len(rows) - 2 else None


def repair_from_restatement(rows: list[dict], scores: dict[str, tuple[str, str]]) -> None:
    """Weights and scores of coded indicator rows taken from the restatement (the clean copy)."""
    for r in rows:
        code = code_of(r.get("level3"))
        if code and code in scores:
            w, s = scores[code]
            r["weight_raw"], r["score_raw"] = w or r["weight_raw"], s or r["score_raw"]
