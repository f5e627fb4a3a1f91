"""MAGNITUDE_MISMATCH: an amount labelled 万元 that is another figure of the same form × 10^4.

Export templates keep `（万元）` in a label while the system writes 元 (`本年度项目金额（万元）：517100`
beside a 成本 target `不超过51.71万一年`). It is an accusation, so only an exact equality counts: the
labelled amount equals a 万元 figure of the same form (a target, or a 测算依据 figure or their sum)
times 10^4 within that figure's rounding.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from jixiao.validate.base import Context, Finding, rule
from jixiao.validate.records import fmt, forms_by_id, indicators_by_form, num, page_of, txt, where
from jixiao.validate.refs import join_refs, ref_of

_WAN = re.compile(r"(\d+(?:\.\d+)?)\s*万(?:元)?(?![人次户个件台套份册张亩平米吨])")


def _figures(text: str | None) -> list[str]:
    """万元 figures written in a text, as written (`51.71`)."""
    return [m.group(1) for m in _WAN.finditer((text or "").replace(",", ""))]


def _tolerance(figure: str) -> float:
    decimals = len(figure.split(".", 1)[1]) if "." in figure else 0
    return 0.5 * 10 ** -decimals * 10_000 + 1e-6


def _evidence(form: dict, rows: list[dict]) -> list[tuple[str, str, str | None]]:
    """(figure, where it is written, its cell) for every 万元 figure of the form other than the amount itself."""
    out: list[tuple[str, str, str | None]] = []
    for r in rows:
        for fig in _figures(txt(r.get("target_raw"))):
            out.append((fig, f"指标“{txt(r.get('level3')) or ''}”目标“{txt(r.get('target_raw'))}”", ref_of(r, "target_raw")))
    basis = _figures(txt(form.get("basis_text")))
    basis_ref = ref_of(form, "basis_text")
    for fig in basis:
        out.append((fig, f"测算依据 {fig}万", basis_ref))
    if len(basis) >= 2:
        total = sum(float(f) for f in basis)
        decimals = max(len(f.split(".", 1)[1]) if "." in f else 0 for f in basis)
        out.append((f"{total:.{decimals}f}", f"测算依据各项之和 {fmt(total)}万", basis_ref))
    return out


@rule("MAGNITUDE_MISMATCH")
def amount_in_yuan_under_wan(ctx: Context) -> Iterator[Finding]:
    rows_by_form = dict(indicators_by_form(ctx))
    for fid, form in forms_by_id(ctx).items():
        label, value = txt(form.get("budget_label")) or "", num(form.get("budget_wan"))
        if value is None or value < 10_000 or "万元" not in label:
            continue
        for fig, source, at in _evidence(form, rows_by_form.get(fid, [])):
            if float(fig) > 0 and abs(value - float(fig) * 10_000) <= _tolerance(fig):
                yield Finding(
                    doc_id=form.get("doc_id") or "", form_id=fid, rule="MAGNITUDE_MISMATCH", severity="error",
                    location=where(form, label.rstrip("：:")),
                    message=f"{label.rstrip('：:')} 填 {txt(form.get('budget_raw')) or fmt(value)}，恰为本表{source}的 10^4 倍："
                            f"金额按元填在万元栏中，应为 {fmt(value / 10_000)} 万元 "
                            f"(an amount in 元 under a 万元 label)",
                    expected=round(value / 10_000, 6), observed=value, page=page_of(form), table="forms",
                    row_label=label.rstrip("：:"), indicator=None, source_ref=ref_of(form, "budget_wan"),
                    related_refs=join_refs([at]))
                break
