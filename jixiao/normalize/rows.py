"""FormDraft -> the contract's forms, indicators and amounts rows (canonical values)."""

from __future__ import annotations

import json
import re

from jixiao.model import parse_ref
from jixiao.normalize.forms import FormDraft
from jixiao.normalize.grades import canonical_grade, parse_grade_bands
from jixiao.normalize.headings import category_for, map_level1, map_level2
from jixiao.normalize.values import align_actual_to_target, parse_number, parse_value, with_columns
from jixiao.text import one_line, squash


def _num(text: str | None) -> float | None:
    """A figure; a stray full stop after it (`174.30.`, a typing or OCR slip) is not part of it."""
    if not text:
        return None
    return parse_number(re.sub(r"(?<=\d)[.。]$", "", text.strip()))


def _money(text: str | None, label_unit: str | None = None) -> float | None:
    """An amount in 万元: a figure the label or the cell states in 元 is divided by 10^4 (the raw is kept)."""
    v = _num(text)
    if v is None:
        return None
    t = squash(text)
    unit = "万元" if "万" in t else ("元" if t.endswith("元") else label_unit)
    return round(v / 10_000, 10) if unit == "元" else v


def _rate(text: str | None) -> float | None:
    """A stated rate in percent: `100.00%` -> 100, `0.992` -> 99.2."""
    if not text:
        return None
    v = parse_value(text)
    if v.value is None:
        return None
    if v.unit != "%" and 0 < v.value <= 1.5:
        return round(v.value * 100, 10)
    return v.value


def known(code: str | None, keep_other: bool = False) -> str | None:
    """A vocabulary code; `other` (SCHEMA.md: "anything else, raw text kept") for a heading that is
    written but outside the vocabulary when ``keep_other``, else empty."""
    if not code:
        return None
    return code if code != "other" or keep_other else None


def indicator_rows(draft: FormDraft, doc_id: str, form_id: str) -> list[dict]:
    """One row per 三级指标, headings mapped to codes, targets and actuals parsed."""
    out: list[dict] = []
    row_pages = draft.fields.get("row_pages") or []
    for table_no, table in enumerate(draft.indicator_tables, start=1):
        for r in table.rows:
            l1 = map_level1(r["level1_raw"])
            l2 = map_level2(r["level2_raw"])
            target = with_columns(parse_value(r["target_raw"]), r.get("op_raw"), r.get("unit_raw"))
            actual = align_actual_to_target(target, parse_value(r["actual_raw"]))
            i = r.get("row_index", -1)
            out.append({
                "form_id": form_id, "doc_id": doc_id, "row_no": len(out) + 1,
                "level1_raw": r["level1_raw"] or None, "level2_raw": r["level2_raw"] or None,
                "level1": known(l1.code, keep_other=True) if r["level1_raw"] else None, "level1_weight": l1.weight,
                "level2": known(l2.code, keep_other=True) if r["level2_raw"] else None,
                "level3": r["level3"] or None,
                "category": known(category_for(l1.code if r["level1_raw"] else "", r["level2_raw"] or "", r["level3"])),
                "target_raw": r["target_raw"] or None, "actual_raw": r["actual_raw"] or None,
                "target_op": target.op, "target_value": target.value, "target_unit": target.unit,
                "actual_value": actual.value, "actual_unit": actual.unit,
                "weight": _num(r["weight_raw"]), "score": _num(r["score_raw"]),
                "note": r["note"] or None,
                "page": r["page"] if "page" in r else (row_pages[i] if 0 <= i < len(row_pages) else None),
                "source_ref": r.get("source_ref"),
                "level2_weight": l2.weight, "rule_text": r["rule_text"] or None,
                "description": r["description"] or None, "basis": r["basis"] or None,
                "table_no": table_no, "layout_ok": table.layout_ok, "layout_reason": table.layout_reason,
                "cell_refs": _refs_json(r.get("cell_refs")),
            })
    return out


def _national_amounts(draft: FormDraft, doc_id: str, form_id: str) -> list[dict]:
    """The national form's 项目资金 block as amounts rows: 年度资金总额 and the rows that make it up."""
    from jixiao.normalize.forms import NATIONAL_MEASURES

    block = draft.fields.get("national_block") or []
    refs = draft.fields.get("cell_refs") or {}
    total = next((label for label, _ in block if "资金总额" in squash(label)), None)
    filled = {label: {h: v for h, v in named.items() if _num(v) is not None} for label, named in block}
    n_parts: dict[str, int] = {}
    for label, named in filled.items():
        if label != total:
            for h in named:
                n_parts[h] = n_parts.get(h, 0) + 1
    out = []
    for row_no, (label, _) in enumerate(block, start=1):
        for header, raw in filled[label].items():
            parent = total if total and label != total else None
            out.append({"doc_id": doc_id, "form_id": form_id, "table_kind": "other", "item": label,
                        "measure": NATIONAL_MEASURES[header], "measure_raw": header, "value": _num(raw),
                        "unit": "万元", "is_total": label == total, "table_no": 1, "row_no": row_no,
                        "item_parent": parent,
                        "relation": ("sum" if n_parts.get(header, 0) >= 2 else "part") if parent else None,
                        "value_raw": raw, "source_ref": refs.get(f"national.{label}.{header}"),
                        "page": _ref_page(refs.get(f"national.{label}.{header}"))})
    return out


def _refs_json(refs: dict | None) -> str | None:
    """cell_refs: which cell each figure of the row was read from, as JSON {column: source_ref}."""
    return json.dumps(refs, ensure_ascii=False, sort_keys=True) if refs else None


def _project_amounts(draft: FormDraft, doc_id: str, form_id: str) -> list[dict]:
    """The budget block of a project form as amounts rows (资金总额 and its 财政资金 part)."""
    if draft.fields.get("national_block"):
        return _national_amounts(draft, doc_id, form_id)
    block = draft.fields.get("budget_block") or {}
    refs = draft.fields.get("cell_refs") or {}
    names = {"budget": "预算数", "arrived": "到位数", "executed": "执行数"}
    labels, headers = block.get("labels") or {}, block.get("headers") or {}
    out = []
    for key, row_no in (("total", 1), ("fiscal", 2)):
        for measure, raw in (block.get(key) or {}).items():
            value = _num(raw)
            if value is None:
                continue
            total_label = labels.get(f"total|{measure}") or names[measure]
            item = labels.get(f"{key}|{measure}") or (total_label if key == "total" else "其中：财政资金")
            parent = total_label if key == "fiscal" else None
            out.append({"doc_id": doc_id, "form_id": form_id, "table_kind": "other", "item": item,
                        "measure": measure, "measure_raw": headers.get(measure) or names[measure], "value": value,
                        "unit": "万元", "is_total": key == "total", "table_no": 1, "row_no": row_no,
                        "item_parent": parent, "relation": "part" if parent else None, "value_raw": raw,
                        "page": _ref_page(refs.get(f"{key}.{measure}")), "source_ref": refs.get(f"{key}.{measure}")})
    return out


def _target_amounts(draft: FormDraft, doc_id: str, form_id: str) -> list[dict]:
    """A target table's stated amount (项目资金（万元）/ 本年度项目金额) as one projects row."""
    raw = draft.fields.get("budget_raw")
    value = _money(raw, draft.fields.get("budget_unit"))
    if value is None:
        return []
    ref = (draft.fields.get("cell_refs") or {}).get("budget_wan")
    return [{"doc_id": doc_id, "form_id": form_id, "table_kind": "projects", "item": draft.subject,
             "measure": "budget", "measure_raw": draft.fields.get("budget_label"), "value": value, "unit": "万元",
             "is_total": False, "table_no": 1, "row_no": 1, "item_parent": None, "relation": None, "value_raw": raw,
             "page": _ref_page(ref), "source_ref": ref}]


def amount_rows(draft: FormDraft, doc_id: str, form_id: str) -> list[dict]:
    """Every amounts table of the form through the amounts normalizer."""
    out = _project_amounts(draft, doc_id, form_id) if draft.form_type == "project_self_eval" else \
        _target_amounts(draft, doc_id, form_id) if draft.form_type == "target_table" else []
    if not draft.amount_tables:
        return out
    from jixiao.normalize import amounts

    start = 1 + (1 if out else 0)
    for k, (title, rows, pages, *more) in enumerate(draft.amount_tables):
        kind = amounts.classify_table(title, rows)
        hint = more[0] if more else None
        covered = more[1] if len(more) > 1 else None
        refs = more[2] if len(more) > 2 else None
        out.extend(amounts.amounts_from_rows(rows, title=title, table_kind=kind, doc_id=doc_id, form_id=form_id,
                                             table_no=start + k, row_pages=pages, unit_hint=hint or None,
                                             covered=covered, refs=refs))
    return out


def _pick(amounts: list[dict], kinds: tuple[str, ...], measures: tuple[str, ...]) -> float | None:
    """The total row's value of the first matching measure in tables of these kinds."""
    for measure in measures:
        for a in amounts:
            if a.get("table_kind") in kinds and a.get("is_total") and a.get("measure") == measure and not a.get("item_parent"):
                return a.get("value")
    return None


def form_row(draft: FormDraft, doc_id: str, form_id: str, amounts: list[dict]) -> dict:
    """The forms row: header fields, budget block, stated score and grade."""
    f = draft.fields
    stated = next((t for t in draft.indicator_tables if t.total_score_raw), None)
    total_raw = stated.total_score_raw if stated else f.get("total_score_raw")
    refs = {k: v for k, v in (f.get("cell_refs") or {}).items() if "." not in k}
    if stated is not None:
        refs.pop("total_score", None)
        if stated.total_refs.get("score"):
            refs["total_score"] = stated.total_refs["score"]
    budget_initial = _num(f.get("budget_initial_raw"))
    budget = _money(f.get("budget_raw"), f.get("budget_unit"))
    executed = _num(f.get("executed_raw"))
    if draft.form_type == "dept_self_eval" and budget is None and executed is None:
        budget_initial = _pick(amounts, ("expenditure",), ("budget_initial",))
        budget = _pick(amounts, ("expenditure",), ("budget_adjusted", "budget"))
        executed = _pick(amounts, ("expenditure",), ("final", "executed"))
        if budget is None and budget_initial is None and executed is None:
            executed = _pick(amounts, ("expenditure",), ("value",))  # a 决算 table: 支出合计 is what was spent
    elif draft.form_type == "budget_summary" and budget is None:
        budget = _pick(amounts, ("income",), ("budget", "budget_adjusted"))  # 收入总计 of a 收支预算总表
    bands = parse_grade_bands(draft.band_text) if draft.band_text else None
    grade_raw = one_line(draft.grade_text) or None
    pages = draft.pages
    return {
        "form_id": form_id, "doc_id": doc_id, "form_type": draft.form_type, "title": draft.title or None,
        "subject": draft.subject or None, "reporting_unit": draft.reporting_unit,
        "implementing_unit": draft.implementing_unit, "fiscal_year": draft.fiscal_year,
        "budget_initial_wan": budget_initial, "budget_wan": budget, "executed_wan": executed,
        "execution_rate": _rate(f.get("execution_rate_raw")),
        "total_score": _num(total_raw), "grade": canonical_grade(grade_raw) if grade_raw else None,
        "page_start": pages[0] if pages else None, "page_end": pages[-1] if pages else None,
        "grade_raw": grade_raw, "arrived_wan": _num(f.get("arrived_raw")), "fiscal_wan": _num(f.get("fiscal_raw")),
        "grade_bands": bands, "goal_text": f.get("goal_text"), "actual_text": f.get("actual_text"),
        "budget_raw": f.get("budget_raw"), "budget_label": f.get("budget_label"),
        "basis_text": f.get("basis_text"), "project_code": f.get("project_code"),
        "execution_weight": _num(f.get("execution_weight_raw")), "execution_score": _num(f.get("execution_score_raw")),
        "cell_refs": _refs_json(refs),
    }


def _ref_page(ref: str | None) -> int | None:
    parsed = parse_ref(ref)
    return parsed.page if parsed else None
