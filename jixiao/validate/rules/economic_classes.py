"""SUM_MISMATCH by 经济分类 (BUDGET_RULES rule 3): 人员经费 = Σ 301, 303; 公用经费 = Σ 302, 307, 309, 310, 399.

A 基本支出表 lists 经济分类 类 rows (301 工资福利支出, 302 商品和服务支出, 303 对个人和家庭的补助 …) and
prints 人员经费 and 公用经费 either as columns (合计 | 人员经费 | 公用经费, their 合计 row the two figures)
or as total rows (人员经费合计 ‖ 公用经费合计 side by side, 决算). Either way the figure is the sum of
its 类 rows present, whatever column or side those rows sit in — a 303 row's money put in the 公用经费
column, or a 302 row listed under 人员经费, is what this check catches. Where the table model
already sums the same rows into the same total (a 人员经费合计 row whose parts are exactly its 类
rows), the level check speaks and this one stays silent, so a fault is reported once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from jixiao.validate.base import Context, Finding, rule
from jixiao.validate.findings import sum_finding
from jixiao.validate.publication import bare, publications, tables_of, whole_column
from jixiao.validate.records import forms_by_id, num, txt

GROUPS = {"personnel": ("人员经费", ("301", "303")), "public": ("公用经费", ("302", "307", "309", "310", "399"))}
_TOTAL_ROW = {role: re.compile(rf"^{name}(合计|小计)?$") for role, (name, _) in GROUPS.items()}


@rule("SUM_MISMATCH")
def economic_classes(ctx: Context) -> Iterator[Finding]:
    """人员经费 / 公用经费 of a 基本支出表 against the sum of their 经济分类 类 rows."""
    forms = forms_by_id(ctx)
    for pub in publications(ctx):
        if ctx.extra.get("pairs_only"):
            continue
        for t in tables_of(ctx, pub.docs):
            if t.family != "basic_expenditure":
                continue
            classes = [r for r in t.rows if txt(r.get("row_level")) == "类" and txt(r.get("code_scheme")) == "economic"
                       and whole_column(r)]
            for role, (name, codes) in GROUPS.items():
                parts = [r for r in classes if txt(r.get("code")) in codes]
                if not parts:
                    continue
                rows = {num(p.get("row_no")) for p in parts}
                for whole in _wholes(t.rows, role):
                    linked = {num(r.get("row_no")) for r in t.rows if txt(r.get("item_parent")) == txt(whole.get("item"))
                              and num(r.get("side")) == num(whole.get("side"))}
                    if linked == rows:
                        continue  # the level sum checks exactly this
                    finding = sum_finding(ctx, forms.get(whole.get("form_id")), whole, parts, f"{name}",
                                          f"经济分类 {'、'.join(sorted({txt(p.get('code')) or '' for p in parts}))} 之和")
                    if finding is not None:
                        yield finding


def _wholes(rows: list[dict], role: str) -> list[dict]:
    """The table's 人员经费 (公用经费) figures: its total row's cell in that column, or the whole-column cell
    of a row labelled 人员经费合计."""
    by_column = [r for r in rows if txt(r.get("row_level")) == "total" and txt(r.get("column_role")) == role
                 and not txt(r.get("item_parent"))]
    by_row = [r for r in rows if whole_column(r) and _TOTAL_ROW[role].match(bare(r.get("item")))]
    return by_column + by_row
