"""Goal texts and indicator names: repeated goal items, goals pasted from another form, names that are figures.

A form's 绩效目标 / 年度预期目标 text is written by hand; the copy-paste errors the seeds show are
an item written twice inside one goal (001 form 1), a goal copied from a sibling form of the
same file (002: 业务培训费 carries 大组工网扩容建设经费's goal) and an indicator "name" that is
itself a figure contradicting the target beside it (001 form 20: 1620套 against ≤810套).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from jixiao.validate.base import Context, Finding, rule
from jixiao.validate.findings import form_finding, indicator_finding
from jixiao.validate.records import bigrams, fmt, forms_by_id, indicators_by_form, num, txt
from jixiao.validate.refs import ref_of

_ITEM_START = re.compile(r"(?:^|(?<=[。；;，,\s]))(?:[（(]?\d{1,2}[)）]|\d{1,2}[、.．](?!\d))"
                         r"|(?:任务|目标|工作)[一二三四五六七八九十\d]{1,3}[：:]")
_MIN_ITEM = 12  # short items (时间, 数量) repeat legitimately
_MIN_GOAL = 20


def _squash(text: str) -> str:
    return re.sub(r"[\s，,。；;、]", "", text)


def goal_list(text: str | None) -> list[tuple[str, str]]:
    """(label, body) of the numbered items of a goal text ('1、…。2、…', '任务1：…任务2：…'); [] if not a list."""
    if not text:
        return []
    marks = list(_ITEM_START.finditer(text))
    if len(marks) < 2:
        return []
    out = []
    for m, end in zip(marks, [*(n.start() for n in marks[1:]), len(text)], strict=True):
        body = text[m.end():end].strip()
        if body:
            out.append((re.sub(r"[\s（()）、.．：:]", "", m.group()), body))
    return out


def goal_items(text: str | None) -> list[str]:
    """The bodies of the numbered items of a goal text, or [] when it is not a numbered list."""
    return [body for _, body in goal_list(text)]


_GOAL_COLUMNS = (("goal_text", "年度预期目标"), ("actual_text", "实际完成情况"))
_DEPT_COLUMNS = (("goal_text", "年度主要工作内容"), ("actual_text", "年度总体运行情况"))


def _goal_columns(form: dict) -> tuple[tuple[str, str], ...]:
    """The goal columns with the labels the form itself uses (a department form lists its tasks)."""
    return _DEPT_COLUMNS if form.get("form_type") == "dept_self_eval" else _GOAL_COLUMNS


@rule("DUPLICATE_ENTRY")
def repeated_goal_items(ctx: Context) -> Iterator[Finding]:
    """The same numbered item twice inside one form's goal text."""
    for form in ctx.records("forms"):
        for column, label in _goal_columns(form):
            seen: dict[str, int] = {}
            for n, item in enumerate(goal_items(txt(form.get(column))), start=1):
                key = _squash(item)
                if len(key) < _MIN_ITEM:
                    continue
                if key in seen:
                    yield form_finding(form, "DUPLICATE_ENTRY",
                                        f"{label}第 {seen[key]} 项与第 {n} 项相同：“{item[:40]}” "
                                        f"(the same goal item written twice)", column, label)
                else:
                    seen[key] = n


@rule("DUPLICATE_ENTRY")
def repeated_item_number(ctx: Context) -> Iterator[Finding]:
    """Two consecutive items of one list under the same number (任务3 … 任务3 …): one was misnumbered.

    Only neighbours count: a list that restarts its numbering further on (a sub-list) is normal."""
    for form in ctx.records("forms"):
        for column, label in _goal_columns(form):
            items = goal_list(txt(form.get(column)))
            for (a_label, a_body), (b_label, b_body) in zip(items, items[1:], strict=False):
                if a_label == b_label and _squash(a_body) != _squash(b_body):
                    yield form_finding(form, "DUPLICATE_ENTRY",
                                        f"{label}中编号“{a_label}”用了两次：“{a_body[:20]}”与“{b_body[:20]}” "
                                        f"(two items under one number)", column, label)


def _overlap(subject: str | None, text: str) -> int:
    return len(bigrams(subject or "") & bigrams(text))


@rule("TEXT_MISMATCH")
def goal_pasted_from_another_form(ctx: Context) -> Iterator[Finding]:
    """Two forms of one file with different subjects carry the same goal text.

    The form whose subject shares words with the text owns it; the other gets TEXT_MISMATCH.
    When the text names neither subject we cannot tell who copied whom, and both stay silent
    here (DUPLICATE_ENTRY below reports the pair).
    """
    for first, later, text in _shared_goals(ctx):
        a, b = _overlap(txt(first.get("subject")), text), _overlap(txt(later.get("subject")), text)
        if a == b:
            continue
        owner, copy = (first, later) if a > b else (later, first)
        yield form_finding(copy, "TEXT_MISMATCH",
                            f"年度预期目标“{text[:40]}…”与“{txt(owner.get('subject'))}”（表 {owner.get('form_id')}）"
                            f"相同，说的是那个项目 (the goal was copied from another form)", "goal_text", "年度预期目标",
                            _cross_form_severity(first, later))


@rule("DUPLICATE_ENTRY")
def goal_repeated_across_forms(ctx: Context) -> Iterator[Finding]:
    """The same goal text in two forms whose subjects it does not tell apart."""
    for first, later, text in _shared_goals(ctx):
        if _overlap(txt(first.get("subject")), text) != _overlap(txt(later.get("subject")), text):
            continue
        yield form_finding(later, "DUPLICATE_ENTRY",
                            f"年度预期目标与“{txt(first.get('subject'))}”（表 {first.get('form_id')}）完全相同："
                            f"“{text[:40]}…” (the same goal in two forms)", "goal_text", "年度预期目标",
                            _cross_form_severity(first, later))


def _cross_form_severity(a: dict, b: dict) -> str:
    """Declarations (target tables) of one unit share goals by design (a programme and its 政府购买服务
    part, one template for many projects): there a shared goal is worth a look, not an accusation."""
    return "info" if "target_table" in (a.get("form_type"), b.get("form_type")) else "warning"


def _shared_goals(ctx: Context) -> Iterator[tuple[dict, dict, str]]:
    seen: dict[tuple, dict] = {}
    for form in ctx.records("forms"):
        text = txt(form.get("goal_text"))
        if not text or len(_squash(text)) < _MIN_GOAL:
            continue
        key = (form.get("doc_id"), _squash(text))
        first = seen.get(key)
        if first is None:
            seen[key] = form
        elif not _same_programme(txt(first.get("subject")), txt(form.get("subject"))):
            yield first, form, text


def _same_programme(a: str | None, b: str | None) -> bool:
    """Subjects that differ by a word or two (省级/中央 补助 of one programme) may share a goal; so may
    one programme run in several places, the place or kind written in brackets (经费（A社区）, 经费（B社区）)."""
    def close(p: str, q: str) -> bool:
        x, y = bigrams(p), bigrams(q)
        return bool(x and y) and len(x & y) / len(x | y) >= 0.6

    def outside(s: str) -> str:
        return re.sub(r"[(（][^()（）]*[)）]", "", s)

    return close(a or "", b or "") or close(outside(a or ""), outside(b or ""))


_FIGURE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([^\d\s.]{1,4})\s*$")
_OK = {
    ">=": lambda v, t: v >= t, "<=": lambda v, t: v <= t, ">": lambda v, t: v > t,
    "<": lambda v, t: v < t, "=": lambda v, t: v == t,
}


@rule("TEXT_MISMATCH")
def name_is_a_contradicting_figure(ctx: Context) -> Iterator[Finding]:
    """The 三级指标 cell holds a figure (1620套) that breaks the target in the same unit (≤810套)."""
    forms = forms_by_id(ctx)
    for fid, rows in indicators_by_form(ctx):
        for r in rows:
            m = _FIGURE.match(txt(r.get("level3")) or "")
            op, target, unit = txt(r.get("target_op")), num(r.get("target_value")), txt(r.get("target_unit"))
            if not m or op not in _OK or target is None or m.group(2) != unit:
                continue
            named = float(m.group(1))
            if not _OK[op](named, target):
                yield indicator_finding(forms.get(fid), r, "TEXT_MISMATCH", "warning",
                               f"三级指标写作“{txt(r.get('level3'))}”，而指标值为“{txt(r.get('target_raw'))}”，"
                               f"两者矛盾 (the indicator name states {fmt(named)}{unit}, the target {op}{fmt(target)})",
                               target, named, at="level3", related=[ref_of(r, "target_raw")])
