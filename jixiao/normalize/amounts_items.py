"""Which row of a money table is part of which: item_parent and relation.

A row's place in the tree comes from three signals, compared as one key
(label column, code length, numbering rank), smaller = higher:

- the label column it starts in, when a table has several label columns
  (采购品目大类 | 专项名称 | 经济科目 | 采购物品名称; 一般公共预算资金 | 公共财政拨款);
- a 功能/经济科目 code (201 > 20131 > 2013101);
- the numbering written in the label: 一、 > （一） > 1. > （1） > 其中：.

A row's parent is the nearest row above with a smaller key, except fund rows listed without a
number under a 结转和结余 row (决算 财政拨款收入支出总表: 年初财政拨款结转和结余, then 一般公共预算财政拨款,
政府性基金预算财政拨款 …): they are that row's parts by fund. Grand totals (合计, 总计,
当年收入小计, 资产总额, …) are not placed by key: a total above the items is the
whole of the top-level rows below it; a total below them is the whole of the top-level
rows since the previous total plus that previous total (当年收入小计 + 上年结转 =
收入合计). A group's 小计 below its rows, the group's label spanning them (一次性竞赛补贴经费:
2021 | 2022 | 小计), is the whole of the rows up to the one carrying that label. Two or more
listed parts give relation `sum`, a single part `part` (but a coded row is always a `sum` part of the
row whose code it extends: a 类 equals its only 款); an 其中 row is always a `part`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from jixiao.text import first_match, squash

RANKS: list[tuple[int, re.Pattern[str]]] = [
    (1, re.compile(r"^[一二三四五六七八九十]+[、.．]")),
    (2, re.compile(r"^[(（][一二三四五六七八九十]+[)）]")),
    (3, re.compile(r"^\d{1,2}(?:[、．]|\.(?!\d))")),
    (4, re.compile(r"^[(（]\d{1,2}[)）]")),
    (9, re.compile(r"^其中[:：]")),
]


def numbering_rank(label: str) -> int:
    """0 for an unnumbered label, 1 for 一、, 2 for （一）, 3 for 1., 4 for （1）, 9 for 其中：."""
    s = squash(label)
    return first_match(RANKS, s, anchored=True) or 0


@dataclass
class ItemRow:
    """One labelled row of one side of a table."""

    label: str
    depth: int = 0  # index of the label column the row starts in
    code: str = ""
    level_len: int = 0  # 3/5/7 for a (类)/(款)/(项) suffix when the row has no code
    grand_total: bool = False
    group_total: bool = False  # 一般公共预算资金 | 小计: the total of the group named on its left
    bottom: bool = False  # a group total below its rows (the group's label spans them: 2021 | 2022 | 小计)
    group_start: bool = False  # the row that carries its group's label (the first row of the group)
    parent: int | None = None  # index into the list of ItemRow
    children: list[int] = field(default_factory=list)

    @property
    def key(self) -> tuple[int, int, int]:
        return (self.depth, len(self.code) or self.level_len, numbering_rank(self.label))


FUND_ROW = re.compile(r"^(一般公共预算|政府性基金(预算)?|国有资本经营(预算)?)(财政)?(拨款|资金)?(收入)?$")
CARRIED = re.compile(r"结转|结余")


def attach_fund_rows(items: list[ItemRow]) -> None:
    """Fund rows listed without a number under a 结转和结余 row (决算 财政拨款收入支出总表: 年初财政拨款结转和结余,
    then 一般公共预算财政拨款 | 政府性基金预算财政拨款 | 国有资本经营预算财政拨款) are that row's parts by fund, not
    further top-level rows of the 总计 below them."""
    holder: int | None = None
    for i, item in enumerate(items):
        label = squash(item.label)
        if holder is not None and not item.code and numbering_rank(item.label) == 0 and FUND_ROW.match(label):
            item.parent = holder
            continue
        holder = i if (CARRIED.search(label) and not item.grand_total and not item.code
                       and numbering_rank(item.label) in (0, 1, 2)) else None


def link_items(items: list[ItemRow]) -> None:
    """Set parent/children of every row in place (see the module docstring)."""
    attach_fund_rows(items)
    for i, item in enumerate(items):
        if item.grand_total or item.parent is not None:
            continue
        for k in range(i - 1, -1, -1):
            other = items[k]
            if other.grand_total:
                break
            if other.key < item.key and (not item.code or not other.code or item.code.startswith(other.code)):
                item.parent = k
                break
    for i, item in enumerate(items):  # a group's 小计 below its rows (2021 | 2022 | 小计) is their whole
        if not item.bottom:
            continue
        for k in range(i - 1, -1, -1):
            other = items[k]
            if other.grand_total or other.group_total:
                break
            if other.parent is None:
                other.parent = i
            if other.group_start:
                break
    last_total: int | None = None
    last_was_bottom = False
    seen_regular = False
    for i, item in enumerate(items):
        if not item.grand_total:
            seen_regular = True
            continue
        if not seen_regular and last_total is None:  # a total heading the table
            tops = []
            for k in range(i + 1, len(items)):
                if items[k].grand_total:
                    break
                if items[k].parent is None:
                    tops.append(k)
            for k in tops:
                items[k].parent = i
            last_total, last_was_bottom = i, False
            continue
        start = (last_total + 1) if last_total is not None else 0
        parts = [k for k in range(start, i) if items[k].parent is None and not items[k].grand_total]
        if last_total is not None and last_was_bottom and items[last_total].parent is None:
            parts = [last_total] + parts
        if last_total is not None and not last_was_bottom:
            parts = []  # rows after a heading total already belong to it
        for k in parts:
            items[k].parent = i
        last_total, last_was_bottom = i, True
    for i, item in enumerate(items):
        if item.parent is not None:
            items[item.parent].children.append(i)


def relation_of(items: list[ItemRow], i: int) -> str | None:
    """`sum` when the row is one of two or more listed parts, `part` when the only one."""
    p = items[i].parent
    if p is None:
        return None
    if numbering_rank(items[i].label) == 9:  # 其中：X lists some parts, never all of them
        return "part"
    if items[i].code and items[p].code and items[i].code.startswith(items[p].code):
        return "sum"  # a 类 is the sum of all its 款, even of a single one
    return "sum" if len(items[p].children) >= 2 else "part"
