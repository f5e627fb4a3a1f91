"""Prose arithmetic (facts rows): 其中 sums, parts above wholes, 占 shares, prose vs tables, repeated items."""

from __future__ import annotations

import re
from collections.abc import Iterator

from jixiao.validate.base import Context, Finding, rule
from jixiao.validate.findings import prose_finding
from jixiao.validate.money import understood
from jixiao.validate.records import figure, fmt, num, txt
from jixiao.validate.refs import ref_of
from jixiao.validate.slack import Slack


def _facts(ctx: Context) -> dict[tuple, dict]:
    return {(r.get("doc_id"), int(num(r.get("seq")) or 0)): r for r in ctx.records("facts")}


def _parent(facts: dict[tuple, dict], f: dict | None) -> dict | None:
    """The fact `f` points at through parts_of (its whole, the figure a share or change is about)."""
    p = num(f.get("parts_of")) if f else None
    return None if p is None else facts.get((f.get("doc_id"), int(p)))  # type: ignore[union-attr]


def _v(f: dict) -> object:
    return txt(f.get("value_raw")) or f.get("value")


def _lists(ctx: Context, relations: set[str]) -> Iterator[tuple[dict, list[dict]]]:
    facts = _facts(ctx)
    groups: dict[tuple, list[dict]] = {}
    for (doc, _), f in facts.items():
        p = num(f.get("parts_of"))
        if p is not None and txt(f.get("relation")) in relations and num(f.get("value")) is not None:
            groups.setdefault((doc, int(p)), []).append(f)
    for key, parts in groups.items():
        whole = facts.get(key)
        if whole and num(whole.get("value")) is not None and txt(whole.get("unit")) == txt(parts[0].get("unit")):
            yield whole, sorted(parts, key=lambda f: num(f.get("seq")) or 0)


def _prefix_closes(total: float, parts: list[dict], allow: Slack) -> bool:
    """A shorter run of the parts already adds up: the rest restates the whole (…共发生支出X万元)."""
    run: list[dict] = []
    for f in parts[:-1]:
        run.append(f)
        s = sum(num(x.get("value")) or 0 for x in run)
        if len(run) >= 2 and abs(s - total) <= allow.of(total, *[_v(x) for x in run]):
            return True
    return False


@rule("SUM_MISMATCH")
def prose_sums(ctx: Context) -> Iterator[Finding]:
    for whole, parts in _lists(ctx, {"part"}):
        if len(parts) < 2:
            continue
        total = num(whole.get("value"))
        values = [num(f.get("value")) or 0.0 for f in parts]
        s = sum(values)
        eps = ctx.slack.of(_v(whole), *[_v(f) for f in parts])
        if abs(s - total) <= eps or _prefix_closes(total, parts, ctx.slack):  # type: ignore[arg-type]
            continue
        # a 其中 list may name only some parts: short by a lot is no error, over or nearly equal is
        if s > total or (total - s) <= 0.01 * abs(total):  # type: ignore[operator]
            names = "+".join(fmt(v) for v in values)
            yield prose_finding(whole, "SUM_MISMATCH", "error",
                                 f"“{txt(whole.get('label'))}”{fmt(total)}{txt(whole.get('unit')) or ''}，"
                                 f"其中各项 {names} = {fmt(s)}，不相等", s, total, related=[ref_of(f) for f in parts])


@rule("PART_EXCEEDS_WHOLE")
def prose_part_whole(ctx: Context) -> Iterator[Finding]:
    for whole, parts in _lists(ctx, {"part", "main"}):
        total = num(whole.get("value"))
        for f in parts:
            v = num(f.get("value"))
            if v is not None and v > total + ctx.slack.of(_v(whole), _v(f)):  # type: ignore[operator]
                yield prose_finding(f, "PART_EXCEEDS_WHOLE", "error",
                                     f"“{txt(f.get('label'))}”{fmt(v)} 大于其总额“{txt(whole.get('label'))}”{fmt(total)}",
                                     total, v, related=[ref_of(whole)])
        main = [f for f in parts if txt(f.get("relation")) == "main"]
        values = [num(f.get("value")) or 0.0 for f in main]
        if len(main) >= 2 and sum(values) > total + ctx.slack.of(_v(whole), *[_v(f) for f in main]):  # type: ignore[operator]
            yield prose_finding(whole, "PART_EXCEEDS_WHOLE", "error",
                                 f"“{txt(whole.get('label'))}”{fmt(total)} 的主要组成 "
                                 f"{'+'.join(fmt(v) for v in values)} = {fmt(sum(values))}，超过总额", total, sum(values),
                                 related=[ref_of(f) for f in main])


@rule("PERCENT_MISMATCH")
def prose_shares(ctx: Context) -> Iterator[Finding]:
    facts = _facts(ctx)
    for (doc, seq), f in facts.items():
        if txt(f.get("relation")) != "share":
            continue
        part = _parent(facts, f)
        if not part or num(part.get("value")) is None:
            continue
        base = None
        name = txt(f.get("base_label"))
        if name:
            same = [g for (d, s), g in facts.items() if d == doc and s < seq and txt(g.get("label")) == name
                    and txt(g.get("unit")) == txt(part.get("unit"))]
            base = same[-1] if same else None
        if base is None:
            base = _parent(facts, part)
        if not base or not num(base.get("value")):
            continue
        n, d, stated = num(part.get("value")), num(base.get("value")), num(f.get("value"))
        computed = n / d * 100  # type: ignore[operator]
        if abs(computed - stated) > ctx.slack.rate(n, d, _v(f)):  # type: ignore[arg-type]
            yield prose_finding(f, "PERCENT_MISMATCH", "error",
                                 f"“{txt(part.get('label'))}”{fmt(n)} 占“{txt(base.get('label'))}”{fmt(d)} 的 "
                                 f"{fmt(round(computed, 2))}%，文中写 {fmt(stated)}%", round(computed, 4), stated,
                                 related=[ref_of(part), ref_of(base)])


@rule("RATE_MISMATCH")
def prose_change_rates(ctx: Context) -> Iterator[Finding]:
    """“支出13907.78万元，与上年相比增加1201.5万元，增长9.46%”: the rate is the change over last year's figure."""
    facts = _facts(ctx)
    for f in facts.values():
        if txt(f.get("relation")) != "change_rate":
            continue
        change = _parent(facts, f)
        amount = _parent(facts, change)
        if not change:
            continue
        c, a, stated = num(change.get("value")), num(amount.get("value")) if amount else None, num(f.get("value"))
        if c is None or a is None or stated is None or c == 0 or txt(amount.get("unit")) != txt(change.get("unit")):  # type: ignore[union-attr]
            continue
        up = txt(change.get("relation")) == "change_up"
        prev = a - c if up else a + c
        if prev <= 0:
            continue
        computed = c / prev * 100
        allowed = ctx.slack.change_rate(_v(change), _v(amount), prev, _v(f))
        if abs(computed - stated) <= allowed:
            continue
        word = "增加" if up else "减少"
        on_this_year = abs(c / a * 100 - stated) <= allowed  # the usual slip: divided by this year's figure
        hint = "（文中的比率是按本年数计算的）" if on_this_year else ""
        yield prose_finding(f, "RATE_MISMATCH", "error",
                             f"“{txt(amount.get('label'))}”{fmt(a)}比上年{word}{fmt(c)}，上年为 {fmt(round(prev, 2))}，"  # type: ignore[union-attr]
                             f"变动率应为 {fmt(round(computed, 2))}%，文中写 {fmt(stated)}%{hint}",
                             round(computed, 4), stated)


_EXEC_RATE_LABEL = re.compile(r"(?:预算|资金)?执行率$|预算完成率$")
_BUDGET_LABEL = re.compile(r"预算")
_SPENT_LABEL = re.compile(r"^(?:全年|年度|本年度?|当年)?(?:实际|执行|决算|完成)")


def _sentence_key(f: dict) -> tuple:
    return (f.get("doc_id"), txt(f.get("narrative_seq")), txt(f.get("sentence")))


@rule("RATE_MISMATCH")
def prose_execution_rates(ctx: Context) -> Iterator[Finding]:
    """“预算数（调整后）2910.61万元，实际支出2887.25万元，预算执行率为89.20%”: the rate is spent ÷ budget.

    Only when the sentence names one budget figure and one spent figure before the rate, in the same unit."""
    by_sentence: dict[tuple, list[dict]] = {}
    for f in sorted(_facts(ctx).values(), key=lambda f: num(f.get("seq")) or 0):
        by_sentence.setdefault(_sentence_key(f), []).append(f)
    for facts in by_sentence.values():
        for i, f in enumerate(facts):
            label = re.sub(r"\s", "", txt(f.get("label")) or "")
            if txt(f.get("unit")) != "%" or not _EXEC_RATE_LABEL.search(label):
                continue
            before = [g for g in facts[:i] if txt(g.get("unit")) in ("万元", "元") and num(g.get("value"))]
            budgets = [g for g in before if _BUDGET_LABEL.search(txt(g.get("label")) or "")]
            spent = [g for g in before if _SPENT_LABEL.search(txt(g.get("label")) or "")
                     and not _BUDGET_LABEL.search(txt(g.get("label")) or "")]
            if len(budgets) != 1 or len(spent) != 1 or txt(budgets[0].get("unit")) != txt(spent[0].get("unit")):
                continue
            b, e, stated = num(budgets[0].get("value")), num(spent[0].get("value")), num(f.get("value"))
            if not b or e is None or stated is None:
                continue
            computed = e / b * 100
            if abs(computed - stated) > ctx.slack.rate(e, b, _v(f)):
                yield prose_finding(f, "RATE_MISMATCH", "error",
                                    f"“{txt(spent[0].get('label'))}”{fmt(e)} ÷ “{txt(budgets[0].get('label'))}”"
                                    f"{fmt(b)} = {fmt(round(computed, 2))}%，文中写 {fmt(stated)}%",
                                    round(computed, 4), stated)


def _core(label: str) -> str:
    s = re.sub(r"^(本年度?|当年|全年|年度|部门|单位|本单位|本部门)", "", label)
    return re.sub(r"(合计|总计|总额|总数|金额)$", "", s)


# prose "预算收入" may mean the initial or the adjusted budget or only 财政拨款: too loose to compare
_MEASURE_WORDS = (("实际", ("final", "executed")), ("决算", ("final", "executed")))


def _prose_key(label: str) -> tuple[str, tuple[str, ...]] | None:
    for word, measures in _MEASURE_WORDS:
        if label.startswith(word):
            core = _core(label[len(word):])
            return (core, measures) if len(core) >= 2 else None
    core = _core(label)
    return (core, ()) if len(core) >= 4 and core.startswith("年末") else None


@rule("NARRATIVE_MISMATCH")
def prose_vs_tables(ctx: Context) -> Iterator[Finding]:
    """实际收入 3637.82 in prose vs 本年收入合计 (决算) 3564.5 in a table of the same document."""
    by_doc: dict[str, list[dict]] = {}
    for a in ctx.records("amounts"):  # amounts of forms count too: prose quotes both
        if num(a.get("value")) is not None and txt(a.get("item")) and understood(a):
            by_doc.setdefault(a.get("doc_id"), []).append(a)
    for f in _facts(ctx).values():
        label, value = txt(f.get("label")), num(f.get("value"))
        if not label or value is None or txt(f.get("unit")) != "万元" or num(f.get("parts_of")) is not None:
            continue
        key = _prose_key(label)
        if not key:
            continue
        core, measures = key
        same = [a for a in by_doc.get(f.get("doc_id"), [])
                if _core(re.sub(r"\s+", "", txt(a.get("item")) or "")) == core
                and (not measures or txt(a.get("measure")) in measures)
                and (txt(a.get("unit")) in (None, "万元"))]
        if not same or any(abs(num(a.get("value")) - value)  # type: ignore[operator]
                           <= ctx.slack.of(_v(f), figure(a)) for a in same):
            continue
        a = same[0]
        yield prose_finding(f, "NARRATIVE_MISMATCH", "warning",
                             f"文中“{label}”{fmt(value)}万元，表中“{txt(a.get('item'))}”"
                             f"（{txt(a.get('measure_raw')) or txt(a.get('measure'))}）为 {fmt(num(a.get('value')))}万元",
                             num(a.get("value")), value, related=[ref_of(a)])


_ITEM = re.compile(r"^\s*(?:[（(]?\d{1,2}[)）、.．]|[（(][一二三四五六七八九十]+[)）])\s*(.+)$")


@rule("DUPLICATE_ENTRY")
def repeated_items(ctx: Context) -> Iterator[Finding]:
    """The same numbered list item written twice in the prose (a copy-paste)."""
    seen: dict[tuple, dict] = {}
    for r in ctx.records("narrative"):
        text = txt(r.get("text"))
        m = _ITEM.match(text or "")
        if not m:
            continue
        body = re.sub(r"\s+", "", m.group(1))
        if len(body) < 12 or not re.search(r"[，。；,;]", body):  # headings repeat across sections
            continue
        key = (r.get("doc_id"), txt(r.get("section")), body)
        if key in seen:
            first = seen[key]
            yield Finding(doc_id=r.get("doc_id") or "", form_id=None, rule="DUPLICATE_ENTRY", severity="warning",
                          location=(txt(r.get("section")) or "") + " > " + text[:80],  # type: ignore[index]
                          message=f"同一条目出现两次：“{text[:40]}…”与第 {first.get('seq')} 段相同 (the same list item twice)",
                          page=int(num(r.get("page"))) if num(r.get("page")) is not None else None,
                          table="narrative", row_label=text[:40],  # type: ignore[index]
                          source_ref=txt(r.get("source_ref")), related_refs=txt(first.get("source_ref")))
        else:
            seen[key] = r
