"""GRADE_MISMATCH in prose: a report's conclusion “最终得分75分，绩效评价等级为良” checked against the
grade bands (the document's own, stated in words, else DOMAIN.md's 优 ≥ 90, 良 ≥ 80, 中 ≥ 60).

A score that is also a form's total is left to the form's own GRADE_MISMATCH (one accusation)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from jixiao.normalize.grades import canonical_grade, grade_for, parse_grade_bands
from jixiao.validate.base import Context, Finding, rule
from jixiao.validate.findings import paragraph_finding
from jixiao.validate.prose_text import fmt, paragraphs
from jixiao.validate.records import forms_by_id, num

# within one sentence: 得分X分 … 等级为Y (text is NFKC, spaces removed)
_SCORE_GRADE = re.compile(r"得分(?:为)?(\d{1,3}(?:\.\d+)?)分[^。;!?]{0,30}?等级(?:为|是|评定为|评为|:)?[“\"]?"
                          r"(不合格|优秀|良好|中等|合格|较差|优|良|中|差)")


@rule("GRADE_MISMATCH")
def prose_grades(ctx: Context) -> Iterator[Finding]:
    totals: dict[str, list[float]] = {}
    for form in forms_by_id(ctx).values():
        if num(form.get("total_score")) is not None:
            totals.setdefault(form.get("doc_id") or "", []).append(num(form.get("total_score")))  # type: ignore[arg-type]
    for doc_id, paras in paragraphs(ctx).items():
        bands = next((b for b in (parse_grade_bands(p.raw) for p in paras) if b), None)
        for p in paras:
            for m in _SCORE_GRADE.finditer(p.text):
                score, stated = float(m.group(1)), canonical_grade(m.group(2))
                if not stated or score > 100 or any(abs(score - t) < 0.005 for t in totals.get(doc_id, [])):
                    continue
                expected = grade_for(score, bands)
                if expected != stated:
                    yield paragraph_finding(p, "GRADE_MISMATCH", "error",
                                            f"得分 {fmt(score)} 分对应等级“{expected}”，文中为“{stated}”"
                                            + ("（按本文件的等级标准）" if bands else ""),
                                            pos=m.start(), observed=score, row_label="等级")
