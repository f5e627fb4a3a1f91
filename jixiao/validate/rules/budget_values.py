"""VALUE_OUT_OF_RANGE in the tables of a 预算/决算公开: a negative amount where none can be (rule 15).

An amount of income, spending, a 科目 or a 三公 item is never below 0; only balances and the like
can be (年末结转和结余, 结余分配, 调整, 差额, 增减). So a negative cell of an understood table of the
publication's table set, outside such a column or row, is a warning naming the cell. A table
with negatives in many cells is left alone: a sign read wrongly there is more likely than so
many wrong figures (LAYOUT_NOT_UNDERSTOOD's business).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from jixiao.validate.base import Context, Finding, rule
from jixiao.validate.publication import DISCLOSURE_FAMILIES, bare, publications, tables_of
from jixiao.validate.records import fmt, num, page_of, txt
from jixiao.validate.refs import ref_of

_SIGNED_ROLES = {"carryover", "balance", "rate", "share", "count", "price"}
_SIGNED_WORDS = re.compile(r"结转|结余|调整|调减|调增|差额|增减|增加|减少|变动|收回|冲减|冲销|退回|净|损益|盈亏|比上年|较上年")
_SHEETS = ("balance", "assets", "projects")  # tables of other things than this year's money in and out


@rule("VALUE_OUT_OF_RANGE")
def negative_amounts(ctx: Context) -> Iterator[Finding]:
    if ctx.extra.get("pairs_only") or ctx.extra.get("unpaired"):
        return  # the tables of a pair are all in one file, checked when it was converted
    for pub in publications(ctx):
        if pub.kind not in ("预算", "决算"):
            continue
        tables = tables_of(ctx, pub.docs)
        if len({t.family for t in tables} & DISCLOSURE_FAMILIES) < 3:
            continue  # not the table set of a 预算/决算公开
        for t in tables:
            if t.family in _SHEETS or _SIGNED_WORDS.search(t.title or ""):
                continue
            values = [r for r in t.rows if num(r.get("value")) is not None]
            negative = [r for r in values if num(r.get("value")) < 0  # type: ignore[operator]
                        and txt(r.get("column_role")) not in _SIGNED_ROLES
                        and not _SIGNED_WORDS.search(f"{bare(r.get('item'))}|{txt(r.get('measure_raw')) or ''}")]
            if not negative or len(negative) * 5 > len(values):
                continue
            for r in negative:
                where = t.where(r)
                yield Finding(doc_id=t.doc_id, form_id=r.get("form_id"), rule="VALUE_OUT_OF_RANGE", severity="warning",
                              location=where, message=f"“{where}”为 {fmt(num(r.get('value')))}：收入、支出和科目金额"
                                                      f"不能为负数 (a negative amount outside balance columns)",
                              observed=num(r.get("value")), expected=0.0, page=page_of(r), table=t.title or t.family,
                              row_label=txt(r.get("item")), indicator=txt(r.get("measure_raw")), source_ref=ref_of(r))
