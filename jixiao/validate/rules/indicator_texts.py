"""Indicator text: units that cannot be compared, duplicated rows, copy-pasted targets."""

from __future__ import annotations

import re
from collections.abc import Iterator

from jixiao.normalize.values import is_placeholder, units_compatible
from jixiao.validate.base import Context, Finding, rule
from jixiao.validate.findings import indicator_finding
from jixiao.validate.records import bigrams, forms_by_id, indicators_by_form, not_applicable, txt
from jixiao.validate.refs import ref_of


@rule("UNIT_MISMATCH")
def unit_mismatch(ctx: Context) -> Iterator[Finding]:
    forms = forms_by_id(ctx)
    for fid, rows in indicators_by_form(ctx):
        for r in rows:
            tu, au = txt(r.get("target_unit")), txt(r.get("actual_unit"))
            if not_applicable(r) or is_placeholder(txt(r.get("actual_raw"))):
                continue
            if units_compatible(tu, au) is False:
                yield indicator_finding(forms.get(fid), r, "UNIT_MISMATCH", "warning",
                               f"目标“{txt(r.get('target_raw'))}”以“{tu}”计，实际值“{txt(r.get('actual_raw'))}”"
                               f"以“{au}”计，无法比较 (target and actual in incompatible units)",
                               at="actual_raw", related=[ref_of(r, "target_raw")])


def _norm(s: object) -> str:
    return re.sub(r"\s+", "", str(s or ""))


@rule("DUPLICATE_ENTRY")
def duplicate_rows(ctx: Context) -> Iterator[Finding]:
    forms = forms_by_id(ctx)
    for fid, rows in indicators_by_form(ctx):
        seen: dict[tuple[str, str], dict] = {}
        for r in rows:
            l3, target = _norm(r.get("level3")), _norm(r.get("target_raw"))
            if not l3 or not target or is_placeholder(l3) or is_placeholder(target) or not_applicable(r):
                continue
            key = (l3, target)
            if key in seen:
                yield indicator_finding(forms.get(fid), r, "DUPLICATE_ENTRY", "warning",
                               f"指标“{txt(r.get('level3'))}”（目标 {txt(r.get('target_raw'))}）出现两次 "
                               f"(rows {seen[key].get('row_no')} and {r.get('row_no')})",
                               at="level3", related=[ref_of(seen[key], "level3")])
            else:
                seen[key] = r


_OPS = re.compile(r"[≥≤＞＜><=＝]|大于|小于|不低于|不高于|不少于|不超过|达到|\d")
_RATE_END = re.compile(r"(率|比例|占比|比重|百分比|覆盖面)$")
_COUNT_END = re.compile(r"(人数|次数|场次|个数|户数|数量|人次|册数|天数|件数)$")


def _label(target: str) -> str:
    """The words before the operator or number: 本年招募志愿者人数≥10000人 -> 本年招募志愿者人数."""
    m = _OPS.search(target)
    return target[: m.start()] if m else ""


def _kind(text: str) -> str | None:
    if _RATE_END.search(text):
        return "rate"
    if _COUNT_END.search(text):
        return "count"
    return None


def copy_pasted(level3: str | None, target: str | None) -> bool:
    """The target names a different kind of quantity (count vs rate) sharing no words with the indicator."""
    if not level3 or not target:
        return False
    label = _label(_norm(target))
    if len(re.sub(r"[^\u4e00-\u9fff]", "", label)) < 4:
        return False
    k3, kt = _kind(_norm(level3)), _kind(label)
    if not k3 or not kt or k3 == kt:
        return False
    return not (bigrams(level3) & bigrams(label))


@rule("TEXT_MISMATCH")
def copy_paste(ctx: Context) -> Iterator[Finding]:
    forms = forms_by_id(ctx)
    for fid, rows in indicators_by_form(ctx):
        for r in rows:
            if copy_pasted(txt(r.get("level3")), txt(r.get("target_raw"))):
                yield indicator_finding(forms.get(fid), r, "TEXT_MISMATCH", "warning",
                               f"指标“{txt(r.get('level3'))}”的目标“{txt(r.get('target_raw'))}”说的是另一项指标"
                               f"（疑似复制粘贴） (the target text belongs to another indicator)",
                               at="target_raw", related=[ref_of(r, "level3")])
