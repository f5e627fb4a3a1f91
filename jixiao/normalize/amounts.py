"""Money tables -> the contract's `amounts` rows (long format, with 合计 and 其中 structure).

How a table is read:

1. Caption rows (one distinct text: 单位：万元, 部门：…, a title spanning the grid) are
   dropped; the unit is taken from them or from the title (单位：元 divides by 10 000,
   the raw text is kept in value_raw).
2. Header rows are the rows before the first row that carries a number next to a label.
   Text saved from Word loses horizontal spans, so a short header row is widened at its
   其中 cell (the group whose children sit in the row below) or, without one, at its last
   cell; grids with spans filled (PDF, Word) repeat a merged header, which is read once.
3. Each value column gets a leaf label (the lowest header text above it), a canonical
   measure (预算数 → budget, 其中：财政拨款 → fiscal, …; a bare 金额 in a 预算表 is
   `budget`, in a 决算表 `final`) and a parent: the column left of a 其中 group, a group
   label spanning several value columns, or the column before a `其中：X` column.
4. Label columns (cells mostly text) split side-by-side tables into sides (收入 |
   功能分类 | 支出用途); each data row yields one item per side, and a total whose label
   spans several sides (当年支出小计) counts for each of them. Code columns (功能科目编码)
   are not values: they place rows in the item tree (amounts_items.py), as do the label
   column a row starts in and the numbering of its label (一、 > 1. > 其中：).
5. A table without any label column (支出预算总表, the 三公经费 table: one row of
   figures under a two- or three-level header) is read transposed: each column is an
   item, its header path gives the parent (小计 columns are their group's total).

Empty cells and dashes give no row: a value absent in the document stays absent. The
`relation` column describes a row's link to its measure_parent when it has one (a
其中：财政拨款 column), else to its item_parent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from jixiao.normalize import budget_tables as bt
from jixiao.normalize.amounts_items import ItemRow, link_items, numbering_rank, relation_of
from jixiao.normalize.values import parse_number
from jixiao.text import first_match, one_line, squash

TOTAL = re.compile(r"(合计|总计|小计|汇总|资产总额|总额)$|^(合计|总计|小计)")
TOTAL_WORD = re.compile(r"^(合计|总计|小计)$")
QIZHONG = re.compile(r"^其中[:：]?$")
QIZHONG_PREFIX = re.compile(r"^其中[:：]")
DASH = re.compile(r"^[—\-–－―_]+$")
CAPTION = re.compile(r"^(单位|金额单位|编制部门|部门|编制单位|截止时间|填报单位)[:：]|单位[:：]\s*(万元|元)")
CODE_HEAD = re.compile(r"编码|代码|编号|序号")
SUBJECT_CODE_HEAD = re.compile(r"编码|代码|^(类|款|项)$")
AMOUNT_HEAD = re.compile(r"预算|决算|金额|万元|[（(]元[)）]|合计|总计|小计|支出|收入|执行|资金|经费|数$")
CODE = re.compile(r"^\d{3,9}$")
INDEX_HEAD = re.compile(r"^(行次|栏次|序号|编号|行号)$")
YEAR_HEAD = re.compile(r"^(年度|年份|年)$")
YEAR_CELL = re.compile(r"^(19|20)\d{2}年?度?$")
MONEY_WORDS = re.compile(r"万元|[（(]元[)）]|单位[:：]元|金额|资金|经费|预算|决算|支出|收入|拨款|费用|资产|价值|结余|结转")
CODE_PART = re.compile(r"^\d{2,7}$")
SUBJECT_CODE = re.compile(r"^(\d{3}|\d{5}|\d{7})$")

MEASURES: list[tuple[str, re.Pattern[str]]] = [
    ("budget_initial", re.compile(r"年初(预算|安排)")),
    ("budget_adjusted", re.compile(r"调整(后)?预算|调整数")),
    ("fiscal", re.compile(r"^其中[:：]?(当年|本年)?财政(拨款|资金)|^财政(拨款|资金)$")),
    ("arrived", re.compile(r"到位")),
    ("final", re.compile(r"决算")),
    ("executed", re.compile(r"执行数|支出数|实际支出|全年执行|实际执行|执行金额")),
    ("carryover", re.compile(r"上年结转|结转")),
    ("balance", re.compile(r"结余")),
    ("budget", re.compile(r"预算")),
    ("count", re.compile(r"数量|面积|台数|人数|个数")),
]
GENERIC_AMOUNT = re.compile(r"^(金额|合计|小计|总计|金额合计|机关运行经费支出|政府采购金额)?([（(]万?元[)）])?$")

KIND_WORDS: list[tuple[str, re.Pattern[str]]] = [
    ("three_public", re.compile(r"三公|公务接待|公务用车|因公出国")),
    ("assets", re.compile(r"资产|房屋|车辆")),
    ("projects", re.compile(r"重点项目|拟对应安排的重点项目|项目名称.*预算|政府采购")),
    ("income", re.compile(r"收入")),
    ("expenditure", re.compile(r"支出")),
    ("balance", re.compile(r"结余|结转")),
]

NOT_AMOUNTS = re.compile(r"一级指标|二级指标|三级指标|姓名|职务|单位性质|单位规格|预期目标|绩效目标|评价内容|指标值|联系人|联系电话|人员编制|实有人数")
BUDGET_FORM_TITLE = re.compile(
    r"收支.{0,6}总表|收入.{0,6}总表|支出.{0,8}表|财政拨款|三公|机关运行经费|政府采购.{0,4}表|资产.{0,8}表|预算表|决算表")


def budget_form_title(title: str) -> bool:
    """True for the titles of the tables of a 预算/决算公开 (收支预算总表, 三公经费…表, …)."""
    return bool(BUDGET_FORM_TITLE.search(squash(title)))


@lru_cache(maxsize=1 << 15)
def _num(cell: str) -> float | None:
    t = squash(cell)
    if not t or DASH.match(t) or not re.search(r"\d", t):
        return None
    if re.search(r"[\u4e00-\u9fff]", t.rstrip("万元")):
        return None
    return parse_number(t)


def _distinct(row: list[str]) -> list[str]:
    out: list[str] = []
    for c in row:
        t = one_line(c)
        if t and t not in out:
            out.append(t)
    return out


def _is_caption(row: list[str]) -> bool:
    cells = _distinct(row)
    if any(_num(c) is not None for c in cells):
        return False
    if len(cells) <= 1 or all(CAPTION.search(squash(c)) for c in cells):
        return True
    return len(cells) <= 2 and any(CAPTION.search(squash(c)) for c in cells)


def unit_factor(texts: list[str], hint: str | None = None, headers: list[str] | None = None) -> tuple[float, str]:
    """1 for 万元 tables, 1/10000 for tables published in 元.

    The table's own caption (单位：元, 金额单位：元, 单位:万元) decides; without one, the value
    columns' headers (金额（元）, 预算数(万元)) when they all say the same."""
    for t in texts + [hint or ""]:
        s = squash(t)
        if re.search(r"单位[:：]?万元|（万元）|\(万元\)", s):
            return 1.0, "万元"
        if re.search(r"单位[:：]?元|[（(]元[)）]", s):
            return 1e-4, "元"
    said = {("万元" if re.search(r"[（(]万元[)）]", squash(h)) else "元") for h in headers or []
            if re.search(r"[（(]万?元[)）]", squash(h))}
    if said == {"元"}:
        return 1e-4, "元"
    return 1.0, "万元"


def classify_table(title: str, rows: list[list[str]]) -> str | None:
    """table_kind of a money table, None when the rows are not an amounts table."""
    text = squash(title) + "|" + "|".join(squash(c) for r in rows[:4] for c in r)
    if NOT_AMOUNTS.search(text):
        return None
    numbers = sum(1 for r in rows for c in r if _num(c) is not None and not CODE.match(squash(c)))
    if numbers == 0 and budget_form_title(title) and _empty_money_grid(rows):
        return first_match(KIND_WORDS, squash(title)) or "other"  # an empty table of a 预算公开 is still one
    if numbers < 2 and not (numbers == 1 and budget_form_title(title)):
        return None
    head = squash(title) + "|" + "|".join(squash(c) for r in rows[:3] for c in r)
    kind = first_match(KIND_WORDS, squash(title)) or first_match(KIND_WORDS, head)
    if kind is None and not MONEY_WORDS.search("|".join(squash(c) for r in rows[:3] for c in r)):
        return None  # counts and shares (选项 | 人数 | 比例): figures, but no money in the table
    return kind or "other"


def _empty_money_grid(rows: list[list[str]]) -> bool:
    """A header of money columns over rows without a figure (合计 blank): an empty 政府性基金 table."""
    text = "|".join(squash(c) for r in rows for c in r)
    return bool(re.search(r"合计|总计", text)) and bool(re.search(r"金额|预算|决算|支出|收入|科目", text))


@dataclass
class Column:
    index: int
    label: str
    parent: str | None
    path: list[str]


def _widen(row: list[str], width: int) -> list[str]:
    """A short header row (spans lost in text) stretched to the grid width."""
    if len(row) >= width:
        return row[:width]
    extra = width - len(row)
    at = next((i for i, c in enumerate(row) if QIZHONG.match(squash(c))), len(row) - 1)
    return row[:at] + [row[at]] * (extra + 1) + row[at + 1:]


def header_rows(rows: list[list[str]]) -> int:
    """How many rows of a money grid (captions aside) come before its first row of figures."""
    return _first_data_row([r for r in rows if not _is_caption(r)])


def _index_row(row: list[str]) -> bool:
    """The 栏次 row of a 决算 table (栏次 | 1 | 2 | 3 …, or only 1 | 2 | 3 … under a header without a label
    column, as in the 三公 table): it numbers the columns, it holds no figures."""
    cells = [squash(c) for c in row if squash(c)]
    if cells and all(c.isdigit() and len(c) <= 3 for c in cells):
        return len(cells) >= 3 and [int(c) for c in cells] == list(range(1, len(cells) + 1)) \
            and len(cells) == len(row)
    return bool(cells) and cells[0] in ("栏次", "行次") and all(
        c in ("栏次", "行次") or re.fullmatch(r"\d{1,3}", c) for c in cells)


def _first_data_row(rows: list[list[str]]) -> int:
    for i, row in enumerate(rows):
        if _index_row(row):
            continue
        nums = [c for j, c in enumerate(row) if _num(c) is not None and not _code_cell(rows[:i], row, j)]
        labels = [c for c in row if squash(c) and _num(c) is None]
        if nums and (labels or len(nums) >= 2):
            return i
    return len(rows)


def _code_cell(above: list[list[str]], row: list[str], j: int) -> bool:
    """A digit string is a 科目编码, not an amount, only under a 编码/代码 header or right before a label."""
    t = squash(row[j])
    if not CODE.match(t):
        return False
    if any(j < len(r) and CODE_HEAD.search(squash(r[j])) for r in above):
        return True
    nxt = squash(row[j + 1]) if j + 1 < len(row) else ""
    return bool(nxt) and _num(nxt) is None and not DASH.match(nxt)


def _columns(header: list[list[str]], width: int) -> list[Column]:
    """Leaf label and path of every column from the header rows."""
    cols: list[Column] = []
    for j in range(width):
        path: list[str] = []
        for r in header:
            t = one_line(r[j]) if j < len(r) else ""
            if t and (not path or path[-1] != t):
                path.append(t)
        leaf_candidates = [p for p in path if not QIZHONG.match(squash(p))]
        label = leaf_candidates[-1] if leaf_candidates else ""
        cols.append(Column(j, label, None, path))
    return cols


def _assign_parents(header: list[list[str]], cols: list[Column], value_cols: set[int]) -> None:
    for j in sorted(value_cols):
        cols[j].parent = _parent_of(header, j, cols[j].label, cols, value_cols)
    _group_totals(cols, value_cols)


def _group_totals(cols: list[Column], value_cols: set[int]) -> None:
    """Under a spanning header (收入预算: 合计 | 财政拨款收入 | 事业收入 …) the 合计 column is the whole
    of the other columns of the span, down to their leaves (基本支出: 人员经费 | 公用经费)."""
    for k in sorted(value_cols):
        group = cols[k].parent
        if not group or not TOTAL_WORD.match(squash(cols[k].label)) or group not in cols[k].path:
            continue
        depth = cols[k].path.index(group)
        members = [j for j in value_cols if j != k and len(cols[j].path) > depth
                   and cols[j].path[depth] == group and cols[j].label != cols[k].label
                   and not QIZHONG_PREFIX.match(squash(cols[j].label))
                   and bt.column_role(cols[j].label) not in ("share", "rate", "price")]
        if len(members) < 2:
            continue
        for j in members:
            cols[j].parent = cols[k].label
        cols[k].parent = None
    _flat_total(cols, value_cols)


COMPONENT_ROLES = {"basic", "project", "personnel", "public", "reserve", "upper", "fiscal", "general_budget",
                   "gov_fund", "state_capital", "special_account", "business", "operating", "other_income"}


def _flat_total(cols: list[Column], value_cols: set[int]) -> None:
    """Without a spanning header, a first column 合计 / 本年支出合计 followed by columns that are its
    components by role (基本支出 | 项目支出 | 上缴上级支出 …; 财政拨款收入 | 事业收入 | 其他收入 …) is their whole.
    A group header without a column of its own (财政拨款收入 over 一般公共预算财政拨款 | 政府性基金预算财政拨款)
    holds no figure: its columns are components of the 合计 like the others."""
    order = sorted(value_cols)
    if len(order) < 3 or cols[order[0]].parent or not re.search(r"(合计|总计)$", squash(cols[order[0]].label)):
        return
    labels = {cols[j].label for j in value_cols}
    free = [j for j in order[1:] if not cols[j].parent or cols[j].parent not in labels]
    members = [j for j in free if bt.column_role(cols[j].label) in COMPONENT_ROLES]
    if len(members) >= 2 and len(members) == len(free):
        for j in members:
            cols[j].parent = cols[order[0]].label


def _parent_of(header: list[list[str]], j: int, label: str, cols: list[Column], value_cols: set[int]) -> str | None:
    if QIZHONG_PREFIX.match(squash(label)):
        for k in range(j - 1, -1, -1):  # 预算数 | 其中：财政拨款
            if k in value_cols and cols[k].label and not QIZHONG_PREFIX.match(squash(cols[k].label)):
                return cols[k].label
        return None
    rows_with = [i for i, r in enumerate(header) if j < len(r) and one_line(r[j]) == label]
    if not rows_with:
        return None
    for i in range(rows_with[0] - 1, -1, -1):
        row = header[i]
        above = row[j] if j < len(row) else ""
        if not squash(above):
            continue
        if QIZHONG.match(squash(above)):
            start = j
            while start > 0 and row[start - 1] == above:
                start -= 1
            for k in range(start - 1, -1, -1):
                if k in value_cols and squash(row[k]) and not QIZHONG.match(squash(row[k])):
                    return one_line(row[k])
            return None
        span = [k for k in range(len(row)) if row[k] == above]
        if sum(1 for k in span if k in value_cols) > 1 and one_line(above) != label:
            return one_line(above)
        return None
    return None


FUND_NAMES = re.compile(r"一般公共预算|政府性基金预算|国有资本经营预算")


def measure_of(label: str, title: str = "") -> str:
    """Canonical measure of a column header; a bare 金额 takes the table's 预算/决算.

    A fund column (一般公共预算财政拨款, 政府性基金预算财政拨款) is no 预算数: the 预算 in its name is the
    fund's, so it takes the table's 预算/决算 too (a 决算 T4's fund columns are 决算 figures)."""
    s = squash(label)
    unfunded = FUND_NAMES.sub("", s)
    code = first_match(MEASURES, unfunded)
    if code:
        return code
    if GENERIC_AMOUNT.match(s) or not s or unfunded != s:
        t = squash(title)
        if "决算" in t:
            return "final"
        if "预算" in t:
            return "budget"
    return "value"


def _continuations(data: list[list[str]], width: int, covered: list[set[int]] | None = None) -> list[list[str]]:
    """Cells as newly written: vertical-merge repeats and horizontal-span repeats blanked.

    With ``covered`` (the grid knows its spans) exactly the covered positions are repeats, so a
    row truly written twice stays. Without it (text tables), a cell repeats the one above when
    it and every cell to its left equal the row above (a merged group label filled down); a
    total repeats its left neighbour when the two hold the same text (当年支出小计 spanning
    columns). Other equal neighbours are kept: 专项名称 and 经济科目 may both read 办公设备购置.
    """
    out: list[list[str]] = []
    prev: list[str] | None = None
    for n, row in enumerate(data):
        texts = [one_line(row[j]) if j < len(row) else "" for j in range(width)]
        new = []
        for j, t in enumerate(texts):
            if covered is not None:
                new.append("" if j in covered[n] and _num(t) is None else t)
            elif t and j > 0 and t == texts[j - 1] and _num(t) is None and TOTAL.search(squash(t)):
                new.append("")
            elif t and prev is not None and _num(t) is None and all(texts[k] == prev[k] for k in range(j + 1)):
                new.append("")
            else:
                new.append(t)
        out.append(new)
        prev = texts
    return out


def _label_columns(fresh: list[list[str]], width: int, code_cols: set[int], cols: list[Column]) -> list[int]:
    """Columns whose new cells are mostly text, or years under a 年度 header: the row labels of each side."""
    out = []
    for j in range(width):
        if j in code_cols:
            continue
        cells = [r[j] for r in fresh if r[j]]
        if not cells:
            continue
        text = sum(1 for c in cells if _num(c) is None and not DASH.match(squash(c)))
        years = YEAR_HEAD.search(squash(cols[j].label)) and all(
            YEAR_CELL.match(squash(c)) or TOTAL.search(squash(c)) or DASH.match(squash(c)) for c in cells)
        if text >= max(1, len(cells) * 0.6) or years:
            out.append(j)
    return out


def _code_columns(cols: list[Column], data: list[list[str]], width: int) -> set[int]:
    """Columns of 科目编码: under a 编码/代码 or 类 | 款 | 项 header with digit cells, or without a
    header, 3/5/7-digit codes right before a column of labels (never a column headed as an amount)."""
    out = set()
    for j in range(width):
        cells = [squash(r[j]) for r in data if j < len(r) and squash(r[j]) and not TOTAL.search(squash(r[j]))]
        leaf = squash(cols[j].label)
        headed = bool(SUBJECT_CODE_HEAD.search(leaf)) or any(
            re.search(r"编码|代码", squash(p)) for p in cols[j].path)
        if headed and not AMOUNT_HEAD.search(leaf) and all(CODE_PART.match(c) for c in cells):
            if cells or re.fullmatch(r"类|款|项", leaf):
                out.add(j)
            continue
        if len(cells) < 3 or AMOUNT_HEAD.search(leaf) or not all(SUBJECT_CODE.match(c) for c in cells):
            continue
        nxt = [squash(r[j + 1]) for r in data if j + 1 < len(r) and squash(r[j + 1])]
        if nxt and sum(1 for c in nxt if _num(c) is None) >= len(nxt) * 0.6:
            out.add(j)
    return out


def _index_columns(cols: list[Column], data: list[list[str]], width: int) -> set[int]:
    """Columns numbering the rows (行次, 序号): small integers that are neither figures nor codes."""
    out = set()
    for j in range(width):
        if not INDEX_HEAD.match(squash(cols[j].label)):
            continue
        cells = [squash(r[j]) for r in data if j < len(r) and squash(r[j])]
        if all(re.fullmatch(r"\d{1,3}", c) for c in cells):
            out.add(j)
    return out


def _code_group(code_cols: set[int], start: int) -> list[int]:
    """The run of code columns nearest to the left of a label column (split 类 | 款 | 项)."""
    left = [j for j in code_cols if j < start]
    if not left:
        return []
    group = [max(left)]
    while group[0] - 1 in code_cols:
        group.insert(0, group[0] - 1)
    return group


def _runs(label_cols: list[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for j in label_cols:
        if runs and j == runs[-1][-1] + 1:
            runs[-1].append(j)
        else:
            runs.append([j])
    return runs


def _item_columns(run: list[int], fresh: list[list[str]]) -> list[int]:
    """The run's columns that name items: not long descriptions, not repeated attributes (采购组织形式)."""
    if len(run) == 1:
        return run
    keep = []
    for j in run:
        cells = [r[j] for r in fresh if r[j]]
        if not cells:
            continue
        long_text = sum(len(c) for c in cells) / len(cells) > 24
        attribute = len(cells) >= 4 and len(set(cells)) <= len(cells) / 3 and not any(TOTAL.search(squash(c)) for c in cells)
        if not long_text and not attribute:
            keep.append(j)
    return keep or run[:1]


def _quantity_unit(text: str) -> str | None:
    m = re.search(r"[（(]([^）)]*?)[）)]", text)
    if m and re.fullmatch(r"[平方米台辆个套、人次份册本]+", m.group(1)):
        return m.group(1).split("、")[0]
    return None


def _right(row: list[str], width: int) -> list[str]:
    """Text rows lose merged cells on the left; numbers stay at the right edge."""
    return row if len(row) >= width else [""] * (width - len(row)) + row


@dataclass
class Side:
    label_cols: list[int]
    value_cols: list[int]
    code_cols: list[int]
    kind: str
    start: int = 0  # first column of the side's label run
    number: int = 1  # 1-based position among the sides


def _sides(cols: list[Column], fresh: list[list[str]], width: int, code_cols: set[int], kind: str,
           index_cols: set[int] | frozenset[int] = frozenset()) -> list[Side]:
    runs = _runs(_label_columns(fresh, width, code_cols | set(index_cols), cols))
    sides: list[Side] = []
    for n, run in enumerate(runs):
        end = runs[n + 1][0] if n + 1 < len(runs) else width
        values = [j for j in range(run[-1] + 1, end) if j not in code_cols and j not in index_cols]
        if not values:
            continue
        sides.append(Side(_item_columns(run, fresh), values, _code_group(code_cols, run[0]), kind, run[0],
                          len(sides) + 1))
    if len(sides) > 1:
        for side in sides:
            head = " ".join(" ".join(cols[j].path) for j in side.label_cols + side.value_cols)
            side.kind = "income" if "收入" in head else "expenditure" if ("支出" in head or "科目" in head) else kind
    return sides


def _parts_of_sides(sides: list[Side], cols: list[Column]) -> list[list[Side]]:
    """Sides grouped into lists: a side whose columns repeat the headers of the side before, under the
    same group header (公用经费 | 公用经费 after 人员经费), continues that side's list."""
    groups: list[list[Side]] = []
    for side in sides:
        prev = groups[-1][-1] if groups else None
        if prev is not None and _heads(prev, cols) == _heads(side, cols) and _heads(side, cols):
            side.number = prev.number
            groups[-1].append(side)
        else:
            side.number = (groups[-1][-1].number + 1) if groups else 1
            groups.append([side])
    return groups


def _heads(side: Side, cols: list[Column]) -> tuple:
    """The header paths of a side's columns, code columns first: equal for the parts of one list."""
    return tuple(tuple(cols[j].path) for j in [*side.code_cols, *side.label_cols, *side.value_cols])


def _row_item(fresh: list[str], raw: list[str], side: Side) -> ItemRow | None:
    """The item a data row names on one side, or None for a row without a label."""
    labels = [(k, fresh[j]) for k, j in enumerate(side.label_cols) if fresh[j] and not DASH.match(squash(fresh[j]))]
    if not labels:  # a label spanning from the side before (当年支出小计), or a total shifted in ragged text
        own = range(side.start, side.value_cols[0])
        spanning = [one_line(raw[j]) for j in own if j < len(raw) and j > 0 and one_line(raw[j])
                    and one_line(raw[j]) == one_line(raw[j - 1])]
        text = spanning[0] if spanning else next(
            (one_line(raw[j]) for j in own if j < len(raw) and squash(raw[j]) and _num(raw[j]) is None
             and TOTAL.search(squash(raw[j]))), "")
        if not text:
            return None
        return ItemRow(text, grand_total=bool(TOTAL.search(squash(text))))
    depth, label = labels[-1]
    if TOTAL_WORD.match(squash(label)) and len(labels) >= 2:  # 一般公共预算资金 | 小计
        depth, label = labels[-2]
        item = ItemRow(label, depth=depth, group_total=True)
    elif squash(label) == "小计" and depth > 0:  # the group's label spans its rows above: 2021 | 2022 | 小计
        item = ItemRow(label, depth=depth, group_total=True, bottom=True)
    else:
        item = ItemRow(label, depth=depth, grand_total=bool(TOTAL.search(squash(label))),
                       group_start=len(labels) >= 2)
    code = bt.glue_code([raw[j] if j < len(raw) else "" for j in side.code_cols]) or bt.label_code(label)
    item.code = code if code.isdigit() else ""
    if item.code:
        item.grand_total = False
    else:
        item.level_len = {"类": 3, "款": 5, "项": 7}.get(bt.suffix_level(label), 0)
    return item


def _cell_value(row: list[str], j: int, label: str) -> tuple[str, int]:
    """The cell of column j; when a spanning label covers it (当年支出小计), the figure after the span."""
    raw = row[j] if j < len(row) else ""
    if label and one_line(raw) == label:
        k = j
        while k < len(row) and one_line(row[k]) == label:
            k += 1
        if k < len(row) and _num(row[k]) is not None:
            return row[k], k
        return "", j
    return raw, j


def amounts_from_rows(rows: list[list[str]], *, title: str = "", unit_hint: str | None = None,
                      table_kind: str | None = None, doc_id: str = "", form_id: str | None = None,
                      table_no: int = 1, row_pages: list[int | None] | None = None,
                      covered: list[set[int]] | None = None,
                      refs: list[list[str | None]] | None = None) -> list[dict]:
    """Every figure of a money table as an amounts row, with the table-reading model's columns.

    ``covered``: per row, the grid positions covered by a merged cell from above or the left
    (known for formats with true spans); only those are continuations of the cell before.
    ``refs`` (parallel to rows) gives each figure its source_ref."""
    kind = table_kind or classify_table(title, rows) or "other"
    captions = [one_line(c) for r in rows if _is_caption(r) for c in r if squash(c)]
    keep = [(i, r) for i, r in enumerate(rows) if not _is_caption(r)]
    if not keep:
        return []
    grid = [r for _, r in keep]
    width = max(len(r) for r in grid)
    first = _first_data_row(grid)
    header = [_widen(r, width) for r in grid[:first] if not _index_row(r)] or [[""] * width]
    data = [(keep[first + k][0], _right(r, width), len(r) >= width - 1) for k, r in enumerate(grid[first:])]
    cols = _columns(header, width)
    factor, unit_written = unit_factor(captions + [title], unit_hint, [c.label for c in cols])
    code_cols = _code_columns(cols, [r for _, r, _ in data], width)
    index_cols = _index_columns(cols, [r for _, r, _ in data], width) - code_cols
    mask = [covered[i] if i < len(covered) else set() for i, _, _ in data] if covered is not None else None
    fresh = _continuations([r for _, r, _ in data], width, mask)
    family = bt.table_family(title, " ".join(" ".join(c.path) for c in cols))
    ctx = _Ctx(doc_id, form_id, table_no, row_pages, factor, unit_written, title)
    if refs is not None:  # the rows' refs, right-aligned like the rows (text loses merged cells on the left)
        ctx.refs = {i: _right(refs[i], width) if len(refs[i]) == len(rows[i]) else [] for i, _ in keep if i < len(refs)}
    sides = _sides(cols, fresh, width, code_cols, kind, index_cols)
    if not sides:
        out = _transposed(cols, data, kind, ctx)
        verdict = bt.judge(family, {}, {}, out, transposed=True)
    else:
        out = []
        for parts in _parts_of_sides(sides, cols):
            for side in parts:
                _assign_parents(header, cols, set(side.value_cols))
            out.extend(_side_rows(parts, cols, data, fresh, ctx))
        out.sort(key=lambda r: (r["row_no"], r["col_no"] or 0))
        value_cols = [j for side in sides for j in side.value_cols if any(r["col_no"] == j + 1 for r in out)]
        verdict = bt.judge(family, {j: bt.column_role(cols[j].label, cols[j].path) for j in value_cols},
                           {j: cols[j].label for j in value_cols}, out)
    for r in out:
        r.update(table_family=family, table_title=one_line(title) or None, unit_raw=unit_written,
                 layout_ok=verdict.ok, layout_reason=verdict.reason or None)
    return out


@dataclass
class _Ctx:
    doc_id: str
    form_id: str | None
    table_no: int
    row_pages: list[int | None] | None
    factor: float
    unit: str
    title: str
    refs: dict[int, list] | None = None  # row index -> refs of the right-aligned row

    def page(self, row_index: int) -> int | None:
        if self.row_pages and row_index < len(self.row_pages):
            return self.row_pages[row_index]
        return None

    def ref(self, row_index: int, col: int) -> str | None:
        row = (self.refs or {}).get(row_index) or []
        return (row[col] or None) if 0 <= col < len(row) else None


def _side_rows(parts: list[Side], cols: list[Column], data: list[tuple[int, list[str], bool]],
               fresh: list[list[str]], ctx: _Ctx) -> list[dict]:
    """The rows of one side. A side printed in several parts (公用经费 continued in a second column
    block with the same headers) is one list: the parts' rows in order, its total once, at the end."""
    found: list[tuple[ItemRow, tuple[int, list[str], bool], Side]] = []
    for side in parts:
        for (row_index, row, aligned), new in zip(data, fresh, strict=True):
            item = _row_item(new, row, side)
            if item is not None and item.label:
                found.append((item, (row_index, row, aligned), side))
    if len(parts) > 1:  # a total spanning the parts is read in each: keep one (the first above, the last below)
        first_item = min((w[0] for it, w, _ in found if not it.grand_total), default=0)
        keep: dict[int, int] = {}
        for k, (it, w, _) in enumerate(found):
            if it.grand_total and (w[0] >= first_item or w[0] not in keep):
                keep[w[0]] = k
        found = [f for k, f in enumerate(found) if not f[0].grand_total or keep[f[1][0]] == k]
    items = [f[0] for f in found]
    where = [f[1] for f in found]
    link_items(items)
    children: dict[str, list[int]] = {}
    for j in (j for part in parts for j in part.value_cols):
        p = cols[j].parent
        if p:
            children.setdefault(p, []).append(j)
    out: list[dict] = []
    for n, (item, (row_index, row, aligned), side) in enumerate(found):
        qty_unit = _quantity_unit(item.label)
        item_parent = items[item.parent].label if item.parent is not None else None
        parent_row = where[item.parent][0] + 1 if item.parent is not None else None
        item_relation = relation_of(items, n)
        is_total = item.grand_total or item.group_total
        level = bt.level_of(item.code, bt.suffix_level(item.label), numbering_rank(item.label), item.grand_total,
                            item.group_total or (is_total and "小计" in squash(item.label)))
        for j in side.value_cols:
            raw, at = _cell_value(row, j, item.label)
            value = _num(raw)
            if value is None:
                continue
            col = cols[j]
            measure = measure_of(col.label, ctx.title)
            unit, v = "万元", value * ctx.factor
            if measure == "count" or "数量" in col.label:
                measure, unit, v = "count", qty_unit or _quantity_unit(col.label), value
            elif qty_unit and measure == "value" and "价值" not in col.label and "金额" not in col.label:
                unit, v = qty_unit, value
            parent = col.parent
            if parent and measure_of(parent) != "balance" and measure == "balance":
                parent = None
            siblings = [k for k in children.get(col.parent or "", [])
                        if measure_of(cols[k].label) != "balance" or measure_of(col.parent or "") == "balance"]
            measure_parent = parent if parent and aligned else None
            relation = (("sum" if len(siblings) >= 2 else "part") if measure_parent else item_relation)
            out.append(_row(ctx, side.kind, item.label, measure, col.label or None, v, unit, is_total,
                            row_index + 1, j + 1, item_parent, measure_parent, relation, raw))
            out[-1].update(side=side.number, row_level=level, code=item.code or None, parent_row=parent_row,
                           code_scheme=bt.code_scheme(item.code) or None,
                           column_role=bt.column_role(col.label, col.path) or None,
                           source_ref=ctx.ref(row_index, at))
    return out


def _row(ctx: _Ctx, kind: str, item: str, measure: str, measure_raw: str | None, value: float, unit: str | None,
         is_total: bool, row_no: int, col_no: int | None, item_parent: str | None, measure_parent: str | None,
         relation: str | None, raw: str) -> dict:
    return {
        "doc_id": ctx.doc_id, "form_id": ctx.form_id, "table_kind": kind, "item": item, "measure": measure,
        "measure_raw": measure_raw, "value": round(value, 10), "unit": unit, "is_total": is_total,
        "table_no": ctx.table_no, "row_no": row_no, "col_no": col_no, "item_parent": item_parent,
        "measure_parent": measure_parent, "relation": relation, "value_raw": one_line(raw),
        "page": ctx.page(row_no - 1),
    }


def _transposed(cols: list[Column], data: list[tuple[int, list[str], bool]], kind: str, ctx: _Ctx) -> list[dict]:
    """A label-less table (one row of figures under a header): every column is an item.

    The item is the column's header path without 小计/合计 (a 小计 column is its group's
    total); the parent is the nearest group above it or the 合计 column. Rows are
    numbered by column (row_no) and the figure row gives col_no, so the parts of one
    figure row share their column key like any other table.
    """
    items: list[tuple[int, str, bool, tuple[str, ...]]] = []  # column, item, is_total, group path
    for col in cols:
        path = [p for p in col.path if not QIZHONG.match(squash(p))]
        if not path:
            continue
        if TOTAL_WORD.match(squash(path[-1])) or (len(path) == 1 and TOTAL.search(squash(path[0]))):
            if len(path) >= 2:
                items.append((col.index, path[-2], True, tuple(path[:-2])))
            else:
                items.append((col.index, path[0], True, ()))
        else:
            items.append((col.index, path[-1], False, tuple(path[:-1])))
    grand = next((name for _, name, tot, group in items if tot and not group and TOTAL.search(squash(name))), None)
    parent_of: dict[int, str | None] = {}
    column_of: dict[int, int | None] = {}  # column -> its parent's column (the group of the same 预算数/决算数 block)
    for j, name, _tot, group in items:
        parent = group[-1] if group else None
        if parent is None and grand is not None and name != grand:
            parent = grand
        parent_of[j] = parent
        above = group[:-1] if group else ()
        same = [k for k, n, _t, g in items if n == parent and k != j and (g == above or not group)]
        column_of[j] = min(same, key=lambda k: (k > j, abs(k - j))) + 1 if same else None
    # a group above the items that names a measure (预算数 | 决算数 over the same 三公 columns) is their measure
    measure_by_col = {col.index: next((m for m in (measure_of(p) for p in col.path) if m not in ("value", "count")), None)
                      for col in cols}
    n_children: dict[str, int] = {}
    for p in parent_of.values():
        if p:
            n_children[p] = n_children.get(p, 0) + 1
    measure = measure_of("", ctx.title)
    out: list[dict] = []
    for row_index, row, _aligned in data:
        for j, name, tot, _group in items:
            raw = row[j] if j < len(row) else ""
            value = _num(raw)
            if value is None:
                continue
            parent = parent_of[j]
            relation = ("sum" if n_children.get(parent, 0) >= 2 else "part") if parent else None
            out.append(_row(ctx, kind, name, measure_by_col.get(j) or measure, None, value * ctx.factor, "万元", tot,
                            j + 1, row_index + 1, parent, None, relation, raw))
            out[-1].update(page=ctx.page(row_index), side=1, parent_row=column_of.get(j) if parent else None,
                           row_level=("subtotal" if tot and parent else "total") if tot else "item",
                           source_ref=ctx.ref(row_index, j))
    return out
