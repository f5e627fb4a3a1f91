"""The table-reading model of money tables: what a table is, what each column and row means.

A money table is used (summed, compared) only after it is understood. Everything decided
here travels on the `amounts` rows as extra columns, so every rule — and the cross-table
预决算 rules built on them — can query it with plain filters:

| column | meaning |
|---|---|
| table_family | the finer kind, from the title first, then the header words (never from position): `summary` 收支总表, `fiscal_summary` 财政拨款收支总表, `income` 收入表, `expenditure` 支出表 / 支出总表, `fiscal_expenditure` 财政拨款支出表, `general_expenditure` 一般公共预算支出表, `basic_expenditure` 基本支出表 (经济分类), `three_public` 三公经费表, `gov_fund` 政府性基金表, `state_capital` 国有资本经营表, `admin_operating` 机关运行经费表, `procurement` 政府采购表, `projects` 项目 / 重点项目表, `assets` 资产表, `balance` 结转结余表, `other` (not recognised) |
| table_title | the table's title as written |
| side | 1-based half of a side-by-side table (收入 ‖ 支出); every sum stays inside one side. A list printed in two column blocks under one header (公用经费 ‖ 公用经费) is one side |
| column_role | the column's role: `item` (the header names a 科目 / 费 / asset: a 三公 table's 公务接待费 column), `price` 单价, `total` 合计, `amount` 金额, `budget` 预算数, `budget_initial`, `budget_adjusted`, `executed` 执行数, `final` 决算数, `fiscal` 财政拨款, `general_budget` 一般公共预算, `gov_fund`, `state_capital`, `special_account` 财政专户, `business` 事业收入, `operating` 经营收入, `other_income` 其他收入/资金, `upper` 上级补助/上缴上级/附属单位, `basic` 基本支出, `personnel` 人员经费, `public` 公用经费, `project` 项目支出, `reserve` 机动经费, `carryover` 结转, `balance` 结余, `count`, `share` 占比/% , `rate` 执行率/增长率; empty when not recognised |
| code | the 科目编码 of the row, glued from split 类 | 款 | 项 columns ("201" "06" "01" → 2010601) or taken from digits before the label ("2010601 行政运行") |
| code_scheme | `function` (功能分类, codes 2xx) or `economic` (经济分类, 3xx / 5xx) |
| row_level | the row's level: `total` (合计/总计), `subtotal` (小计), `类` `款` `项` (code length 3/5/7, or a (类)/(款)/(项) suffix; 经济分类 3 = 类, 5 = 款), `其中`, `n1`..`n4` (numbering 一、 / （一） / 1. / （1）), `item` (a plain row) |
| unit_raw | the unit the table states (`元`, `万元`); value is always 万元, value_raw keeps the text |
| parent_row | row_no of the row named in item_parent: the whole this row is a part of (a 小计 may sit below its parts; in a two-block list the whole may sit in the other block's column) |
| layout_ok | the table was understood (family, column roles, row levels): only such tables are checked |
| layout_reason | why not, when layout_ok is false |

A table of a 预算/决算公开 printed without a figure (an empty 政府性基金 table) is still a
`budget_summary` form (its title says which table) with no amounts rows: that is how an empty
table shows. `jixiao.validate.money.money_tables` gives the tables to the rules.

Sums go over siblings only: a row's parts are the rows that name it as item_parent, which
are one level below it (合计 > 类 > 款 > 项); "合计 vs every row above" only in a side with no
code and no numbering. The rules (validate/money.py, rules/amounts.py, rules/amount_columns.py)
check only understood tables, never add shares, rates or unit prices, compare 其中 parts only
when both figures are non-negative and not balances, and report a check that fails on most
rows of a table once, as LAYOUT_NOT_UNDERSTOOD, instead of accusing every row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from jixiao.text import first_match, squash

FAMILIES: list[tuple[str, re.Pattern[str]]] = [
    ("three_public", re.compile(r"三公")),
    ("procurement", re.compile(r"政府采购")),
    ("admin_operating", re.compile(r"机关运行经费")),
    ("gov_fund", re.compile(r"政府性?基金")),
    ("state_capital", re.compile(r"国有资本经营")),
    ("fiscal_summary", re.compile(r"财政拨款收入?支出?.{0,6}总表")),
    ("summary", re.compile(r"收支.{0,8}总表|收入支出.{0,6}总表|收支(预算|决算)?表")),
    ("basic_expenditure", re.compile(r"基本支出")),
    ("general_expenditure", re.compile(r"一般公共预算.{0,6}支出")),
    ("fiscal_expenditure", re.compile(r"财政拨款.{0,6}支出")),
    ("income", re.compile(r"收入.{0,12}表|收入情况")),
    ("expenditure", re.compile(r"支出.{0,12}表|支出情况")),
    ("projects", re.compile(r"项目.{0,12}表|重点项目|项目名称")),
    ("assets", re.compile(r"资产|房屋|车辆")),
    ("balance", re.compile(r"结转|结余")),
]

COLUMN_ROLES: list[tuple[str, re.Pattern[str]]] = [
    ("share", re.compile(r"占比|比例|比重|[%％]")),
    ("rate", re.compile(r"执行率|增长率|增幅|完成率")),
    ("count", re.compile(r"数量|面积|台数|人数|个数|[（(](辆|台|套|个|人|平方米)[)）]")),
    ("budget_initial", re.compile(r"年初(预算|安排)")),
    ("budget_adjusted", re.compile(r"调整(后)?预算|调整数")),
    ("final", re.compile(r"决算")),
    ("executed", re.compile(r"执行数|支出数|实际支出|全年执行|实际执行|执行金额|到位")),
    ("personnel", re.compile(r"人员经费|人员支出|工资福利")),
    ("public", re.compile(r"公用经费|公用支出|商品和服务")),
    ("basic", re.compile(r"基本支出")),
    ("project", re.compile(r"项目支出")),
    ("reserve", re.compile(r"机动经费")),
    ("upper", re.compile(r"上级补助|上缴上级|附属单位")),
    ("general_budget", re.compile(r"一般公共预算")),
    ("gov_fund", re.compile(r"政府性?基金")),
    ("state_capital", re.compile(r"国有资本经营")),
    ("special_account", re.compile(r"财政专户")),
    ("fiscal", re.compile(r"财政拨款|财政资金|财政补助")),
    ("business", re.compile(r"事业收入")),
    ("operating", re.compile(r"经营收入|经营支出")),
    ("other_income", re.compile(r"其他收入|其他资金")),
    ("carryover", re.compile(r"结转")),
    ("balance", re.compile(r"结余")),
    ("price", re.compile(r"单价")),
    ("total", re.compile(r"^(合计|总计|小计|金额合计|总额)([（(]万?元[)）])?$")),
    ("item", re.compile(r"三公|因公出国|公务接待|公务用车|会议费|培训费|固定资产|房屋|车辆|土地|设备|费$|费用$")),
    ("budget", re.compile(r"预算")),
    ("amount", re.compile(r"金额|数额|资金|经费|万元|^元$|[（(]元[)）]|支出|收入|价值|总计|合计")),
]

LEVEL_SUFFIX = re.compile(r"[（(](类|款|项)[)）]")
LABEL_CODE = re.compile(r"^(\d{3}(?:\d{2}){0,2})(?:[\s　]+|(?=[\u4e00-\u9fff]))")
CODE_LEN = {3: "类", 5: "款", 7: "项"}
NUMBERING_LEVEL = {1: "n1", 2: "n2", 3: "n3", 4: "n4", 9: "其中"}


def table_family(title: str, header_text: str = "") -> str:
    """The finer kind of a money table from its title, else from its header words; `other` if neither says.

    A table whose title and header name both 收入 and 支出 (预算执行情况: 预算收入 | 预算支出) is a
    收支 table even when no word says 总表."""
    head = squash(title) + "|" + squash(header_text)
    found = first_match(FAMILIES, squash(title))
    if found in (None, "income", "expenditure") and "收入" in head and "支出" in head:
        return "summary"
    return found or first_match(FAMILIES, squash(header_text)) or "other"


def column_role(label: str, path: list[str] | None = None) -> str:
    """The role of a value column from its leaf header, else from the headers above it."""
    for text in [label, *reversed(path or [])]:
        role = first_match(COLUMN_ROLES, squash(text))
        if role:
            return role
    return ""


def code_scheme(code: str) -> str:
    """`function` for 功能分类 codes (2xx), `economic` for 经济分类 (3xx, 5xx), else empty."""
    if not code:
        return ""
    return "function" if code[0] == "2" else "economic" if code[0] in "35" else ""


def label_code(label: str) -> str:
    """A code written before the label ("2010601 行政运行" → 2010601), else empty."""
    m = LABEL_CODE.match(label.strip())
    return m.group(1) if m else ""


def suffix_level(label: str) -> str:
    """类 / 款 / 项 when the label carries (类)/(款)/(项), else empty."""
    found = LEVEL_SUFFIX.findall(squash(label))
    return found[-1] if found else ""


def level_of(code: str, suffix: str, numbering: int, total: bool, subtotal: bool) -> str:
    """The level of a row (see the module docstring)."""
    if subtotal:
        return "subtotal"
    if total:
        return "total"
    if code:
        if code_scheme(code) == "economic" and len(code) == 7:
            return "项"
        return CODE_LEN.get(len(code), "")
    if suffix:
        return suffix
    return NUMBERING_LEVEL.get(numbering, "item")


def glue_code(parts: list[str]) -> str:
    """One code from the cells of split 类 | 款 | 项 columns ("201" "06" "01" → 2010601)."""
    digits = [re.sub(r"\s+", "", p) for p in parts if p and p.strip()]
    if not digits:
        return ""
    if len(digits) == 1:
        return digits[0]
    head = digits[0]
    if len(head) in (3, 5) and all(len(d) == 2 for d in digits[1:]):
        return head + "".join(digits[1:])
    if all(d.startswith(head) for d in digits[1:]):  # full codes repeated per column: 201 | 20106 | 2010601
        return max(digits, key=len)
    return "".join(digits)


@dataclass
class Verdict:
    """Whether a table was understood, and why not."""

    ok: bool
    reason: str = ""


def judge(family: str, roles: dict[int, str], labels: dict[int, str], rows: list[dict],
          transposed: bool = False) -> Verdict:
    """Understood = family known, every value column's role known, every coded row's level known.

    ``roles``/``labels``: value column -> role / header text; ``rows``: the table's amounts rows
    (with `code`, `row_level`, `is_total`)."""
    if family == "other":
        return Verdict(False, "表名与表头未说明是哪一类表（收入/支出/三公/采购…）")
    if not transposed:
        unknown = [labels.get(j) or f"第{j + 1}列" for j, r in sorted(roles.items()) if not r]
        if unknown:
            return Verdict(False, "数值列的含义不明：" + "、".join(dict.fromkeys(unknown)))
    bad = sorted({r["code"] for r in rows if r.get("code") and r.get("row_level") not in ("类", "款", "项")})
    if bad:
        return Verdict(False, "科目编码位数不符（应为3/5/7位）：" + "、".join(bad[:5]))
    coded = [r for r in rows if r.get("code")]
    plain = {r["row_no"] for r in rows if not r.get("code") and not r.get("is_total") and r.get("row_level") == "item"}
    if coded and len(plain) > len({r["row_no"] for r in coded}) / 2:
        return Verdict(False, "部分行有科目编码、部分行没有，行的层级不明")
    return Verdict(True)
