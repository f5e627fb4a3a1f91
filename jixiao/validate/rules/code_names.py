"""CODE_NAME_MISMATCH: one 科目编码 written with two names in one publication (BUDGET_RULES rule 13).

The 财政拨款支出表, the 一般公共预算支出表 and the 支出表 list the same 功能分类 codes; the two
基本支出表 and the 机关运行经费表 the same 经济分类 codes. A code is one 科目: written with two
names, one of them is wrong (a copied row, a renamed 科目 of another year). Names are compared
after the harmless differences are dropped: spaces, full- or half-width brackets, numbering, a
trailing 支出. Only rows of understood tables count (their codes were read as codes).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from jixiao.validate.base import Context, Finding, rule
from jixiao.validate.publication import bare, publications, tables_of
from jixiao.validate.records import page_of, txt
from jixiao.validate.refs import join_refs, ref_of


def name_key(name: object) -> str:
    """A 科目 name without the differences that do not change it."""
    s = unicodedata.normalize("NFKC", bare(name))
    s = re.sub(r"\s+", "", s)
    return re.sub(r"支出$", "", s)


@rule("CODE_NAME_MISMATCH")
def one_code_two_names(ctx: Context) -> Iterator[Finding]:
    for pub in publications(ctx):
        if ctx.extra.get("pairs_only"):
            continue  # the tables of a pair are all in one file
        first: dict[str, tuple[str, dict, str]] = {}  # code -> (name key, row, table title)
        reported: set[tuple[str, str]] = set()
        for t in tables_of(ctx, pub.docs):
            for r in t.rows:
                code, name = txt(r.get("code")), txt(r.get("item"))
                if not code or not name or txt(r.get("row_level")) not in ("类", "款", "项"):
                    continue
                key = name_key(name)
                if code not in first:
                    first[code] = (key, r, t.title or t.family)
                    continue
                key0, r0, title0 = first[code]
                if key == key0 or (code, key) in reported:
                    continue
                reported.add((code, key))
                yield Finding(doc_id=t.doc_id, form_id=r.get("form_id"), rule="CODE_NAME_MISMATCH",
                              severity="warning", location=f"{t.title or t.family} > {code} {name}",
                              message=f"科目编码 {code} 在“{t.title or t.family}”中名为“{name}”，在“{title0}”中名为"
                                      f"“{txt(r0.get('item'))}” (one code, two names)",
                              page=page_of(r), table=t.title or t.family, row_label=name, indicator=None,
                              source_ref=ref_of(r), related_refs=join_refs([ref_of(r0)]))
