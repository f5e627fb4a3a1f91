"""Money tables -> the contract's `amounts` rows (long format, with 合计 and 其中 structure).

How a table is read:

1. Caption rows (one cell: 单位：万元, 部门：…, a title) are dropped; the unit is taken
   from them (单位：元 divides by 10 000, the raw text is kept in value_raw).
2. Header rows are the rows before the first row that carries a number. Text saved from
   Word loses horizontal spans, so a short header row is widened at its 其中 cell (the
   group whose children sit in the row below) or, without one, at its last cell.
3. Each value column gets a leaf label (the lowest header text above it) and a parent:
   the cell left of a 其中 group, or a group label spanning several columns, or the
   column before a `其中：X` column. The parent/child links let the validators add up
   parts (relation `sum` with two or more parts, `part` with one).
4. Label columns (mostly text) split side-by-side tables (收入 | 支出 | 支出用途) into
   sides; each data row yields one item per side. Rows named 合计/总计/小计/汇总 are
   totals; `其中：X` rows and indented children get item_parent.

Empty cells and dashes give no row: a value absent in the document stays absent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from jixiao.normalize.text import one_line, squash
from jixiao.normalize.values import parse_number

TOTAL = re.compile(r"(合计|总计|小计|汇总|资产总额|总额)$|^(合计|总计|小计)")
QIZHONG = re.compile(r"^其中[:：]?$")
QIZHONG_PREFIX = re.compile(r"^其中[:：]")
DASH = re.compile(r"^[—\-–－―_]+$")
CAPTION = re.compile(r"^(单位|金额单位|编制部门|部门|编制单位|截止时间|填报单位)[:：]|单位[:：]\s*(万元|元)")

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

KIND_WORDS: list[tuple[str, re.Pattern[str]]] = [
    ("three_public", re.compile(r"三公|公务接待|公务用车|因公出国")),
    ("assets", re.compile(r"资产|房屋|车辆")),
    ("projects", re.compile(r"重点项目|拟对应安排的重点项目|项目名称.*预算|政府采购")),
    ("income", re.compile(r"收入")),
    ("expenditure", re.compile(r"支出")),
    ("balance", re.compile(r"结余|结转")),
]
LABEL_PRIORITY = [re.compile(p) for p in (r"重点项目$|项目名称$|^项目$", r"科目|功能分类", r"名称$", r"^项目")]

NOT_AMOUNTS = re.compile(r"一级指标|二级指标|三级指标|姓名|职务|单位性质|单位规格|预期目标|绩效目标|评价内容|指标值|联系人|联系电话|人员编制|实有人数")


def _num(cell: str) -> float | None:
    t = squash(cell)
    if not t or DASH.match(t) or not re.search(r"\d", t):
        return None
    if re.search(r"[\u4e00-\u9fff]", t.rstrip("万元")):
        return None
    return parse_number(t)


def _is_caption(row: list[str]) -> bool:
    cells = [c for c in row if squash(c)]
    if len(cells) <= 1 or all(CAPTION.search(squash(c)) for c in cells):
        return True
    return len(cells) <= 2 and any(CAPTION.search(squash(c)) for c in cells) and not any(_num(c) is not None for c in cells)


def unit_factor(texts: list[str], hint: str | None = None) -> tuple[float, str]:
    """1 for 万元 tables, 1/10000 for tables published in 元."""
    for t in [hint or ""] + texts:
        s = squash(t)
        if re.search(r"单位[:：]?万元|（万元）|\(万元\)", s):
            return 1.0, "万元"
        if re.search(r"单位[:：]?元", s):
            return 1e-4, "元"
    return 1.0, "万元"


def classify_table(title: str, rows: list[list[str]]) -> str | None:
    """table_kind of a money table, None when the rows are not an amounts table."""
    text = squash(title) + "|" + "|".join(squash(c) for r in rows[:4] for c in r)
    if NOT_AMOUNTS.search(text):
        return None
    numbers = sum(1 for r in rows for c in r if _num(c) is not None)
    if numbers < 2:
        return None
    head = squash(title) + "|" + "|".join(squash(c) for r in rows[:3] for c in r)
    for kind, pat in KIND_WORDS:
        if pat.search(squash(title)):
            return kind
    for kind, pat in KIND_WORDS:
        if pat.search(head):
            return kind
    return "other"


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


def _first_data_row(rows: list[list[str]]) -> int:
    for i, row in enumerate(rows):
        nums = [c for c in row if _num(c) is not None]
        labels = [c for c in row if squash(c) and _num(c) is None]
        if nums and (labels or len(nums) >= 2):
            return i
    return len(rows)


def _columns(header: list[list[str]], width: int) -> list[Column]:
    """Leaf label and parent of every column from the (filled) header rows."""
    cols: list[Column] = []
    for j in range(width):
        path = []
        for r in header:
            t = one_line(r[j]) if j < len(r) else ""
            if t and (not path or path[-1] != t):
                path.append(t)
        leaf_candidates = [p for p in path if not QIZHONG.match(squash(p))]
        label = leaf_candidates[-1] if leaf_candidates else ""
        cols.append(Column(j, label, None, path))
    for j, col in enumerate(cols):
        col.parent = _parent_of(header, j, col.label, cols)
    return cols


def _parent_of(header: list[list[str]], j: int, label: str, cols: list[Column]) -> str | None:
    if QIZHONG_PREFIX.match(squash(label)):
        for k in range(j - 1, -1, -1):  # 预算数 | 其中：财政拨款
            if cols[k].label and not QIZHONG_PREFIX.match(squash(cols[k].label)):
                return cols[k].label
        return None
    # find the header row holding this label, then look at rows above
    rows_with = [i for i, r in enumerate(header) if j < len(r) and one_line(r[j]) == label]
    if not rows_with:
        return None
    r0 = rows_with[0]
    for i in range(r0 - 1, -1, -1):
        above = header[i][j] if j < len(header[i]) else ""
        if not squash(above):
            continue
        if QIZHONG.match(squash(above)):
            start = j
            while start > 0 and header[i][start - 1] == above:
                start -= 1
            for k in range(start - 1, -1, -1):
                if squash(header[i][k]) and not QIZHONG.match(squash(header[i][k])):
                    return one_line(header[i][k])
            return None
        span = sum(1 for k in range(len(header[i])) if header[i][k] == above)
        if span > 1 and one_line(above) != label:
            return one_line(above)
        return None
    return None


def measure_of(label: str) -> str:
    s = squash(label)
    for code, pat in MEASURES:
        if pat.search(s):
            return code
    return "value"


def _label_columns(data: list[list[str]], width: int) -> list[int]:
    """Columns whose cells are mostly text: the row labels of each side."""
    out = []
    for j in range(width):
        cells = [r[j] for r in data if j < len(r) and squash(r[j])]
        if not cells:
            continue
        text = sum(1 for c in cells if _num(c) is None and not DASH.match(squash(c)))
        if text >= max(1, len(cells) * 0.6):
            out.append(j)
    return out


def _pick_labels(label_cols: list[int], cols: list[Column]) -> list[int]:
    """One label column per run of adjacent text columns: the one headed like a name (项目/科目/名称)."""
    runs: list[list[int]] = []
    for j in label_cols:
        if runs and j == runs[-1][-1] + 1:
            runs[-1].append(j)
        else:
            runs.append([j])
    picked = []
    for run in runs:
        choice = run[0]
        for pat in LABEL_PRIORITY:
            hit = [j for j in run if pat.search(squash(cols[j].label))]
            if hit:
                choice = hit[0]
                break
        picked.append(choice)
    return picked


def _quantity_unit(text: str) -> str | None:
    m = re.search(r"[（(]([^）)]*?)[）)]", text)
    if m and re.fullmatch(r"[平方米台辆个套、人次份册本]+", m.group(1)):
        return m.group(1).split("、")[0]
    return None


def amounts_from_rows(rows: list[list[str]], *, title: str = "", unit_hint: str | None = None,
                      table_kind: str | None = None, doc_id: str = "", form_id: str | None = None,
                      table_no: int = 1, row_pages: list[int | None] | None = None) -> list[dict]:
    """Every figure of a money table as an amounts row."""
    kind = table_kind or classify_table(title, rows) or "other"
    captions = [one_line(c) for r in rows if _is_caption(r) for c in r if squash(c)]
    factor, unit_written = unit_factor(captions + [title], unit_hint)
    keep = [(i, r) for i, r in enumerate(rows) if not _is_caption(r)]
    if not keep:
        return []
    grid = [r for _, r in keep]
    width = max(len(r) for r in grid)
    first = _first_data_row(grid)
    header = [_widen(r, width) for r in grid[:first]]
    data = [(keep[first + k][0], _right(r, width), len(r) >= width - 1)
            for k, r in enumerate(grid[first:])]
    cols = _columns(header, width)
    labels = _pick_labels(_label_columns([r for _, r, _ in data], width), cols)
    if not labels:
        labels = [0]
    sides = []
    for n, lab in enumerate(labels):
        end = labels[n + 1] if n + 1 < len(labels) else width
        value_cols = [j for j in range(lab + 1, end)]
        if value_cols:
            sides.append((lab, value_cols))
    if not sides:
        return []
    out: list[dict] = []
    for side_no, (lab, value_cols) in enumerate(sides, start=1):
        side_head = " ".join(cols[lab].path) + " " + " ".join(cols[j].label for j in value_cols)
        side_kind = kind
        if len(sides) > 1:
            side_kind = "income" if "收入" in side_head else "expenditure" if "支出" in side_head or "科目" in side_head else kind
        children = {}
        for j in value_cols:
            p = cols[j].parent
            if p:
                children.setdefault(p, []).append(j)
        parent_item = None
        numbered = _numbering_levels([one_line(r[lab]) if lab < len(r) else "" for _, r, _ in data])
        stack: list[tuple[int, str]] = []
        child_count: dict[str, int] = {}
        for lvl, lab_text in numbered:
            if lvl is None:
                continue
            stack = [s for s in stack if s[0] < lvl]
            if stack:
                child_count[stack[-1][1]] = child_count.get(stack[-1][1], 0) + 1
            stack.append((lvl, lab_text))
        stack = []
        for (row_index, row, aligned), (level, _) in zip(data, numbered, strict=True):
            label = one_line(row[lab]) if lab < len(row) else ""
            if not label:
                label = next((one_line(c) for c in row if squash(c) and _num(c) is None
                              and TOTAL.search(squash(c))), "")
            if not label or DASH.match(squash(label)):
                continue
            is_total = bool(TOTAL.search(squash(label)))
            item_parent = None
            item_relation = None
            if QIZHONG_PREFIX.match(squash(label)):
                item_parent, item_relation = parent_item, "part"
            elif level is not None:  # 一、 > 1. > （1）: a numbered item belongs to the one above it
                stack = [s for s in stack if s[0] < level]
                if stack:
                    item_parent = stack[-1][1]
                    item_relation = "sum" if child_count.get(item_parent, 0) >= 2 else "part"
                stack.append((level, label))
                parent_item = label
            elif not is_total:
                parent_item = label
                stack = []
            qty_unit = _quantity_unit(label)
            for j in value_cols:
                raw = row[j] if j < len(row) else ""
                value = _num(raw)
                if value is None:
                    continue
                col = cols[j]
                measure = measure_of(col.label)
                unit = unit_written if unit_written == "万元" else "万元"
                v = value * factor
                if measure == "count" or "数量" in col.label:
                    measure, unit, v = "count", qty_unit or _quantity_unit(col.label), value
                elif qty_unit and measure == "value" and "价值" not in col.label and "金额" not in col.label:
                    unit, v = qty_unit, value
                parent = col.parent
                if parent and measure_of(parent) != "balance" and measure == "balance":
                    parent = None
                n_parts = len([k for k in children.get(col.parent or "", []) if measure_of(cols[k].label) != "balance" or measure_of(col.parent or "") == "balance"])
                out.append({
                    "doc_id": doc_id, "form_id": form_id, "table_kind": side_kind, "item": label,
                    "measure": measure, "measure_raw": col.label or None, "value": round(v, 10),
                    "unit": unit, "is_total": is_total, "table_no": table_no, "row_no": row_index + 1,
                    "col_no": j + 1, "item_parent": item_parent,
                    "measure_parent": parent if parent and aligned else None,
                    "relation": ((("sum" if n_parts >= 2 else "part") if parent else None) if aligned else None)
                    or item_relation,
                    "value_raw": one_line(raw), "page": (row_pages[row_index] if row_pages and row_index < len(row_pages) else None),
                    "side": side_no,
                })
    return out


_LEVELS = [(1, re.compile(r"^[一二三四五六七八九十]+[、.．]")), (2, re.compile(r"^[（(][一二三四五六七八九十]+[)）]")),
           (3, re.compile(r"^\d{1,2}[、.．](?!\d)")), (4, re.compile(r"^[（(]\d{1,2}[)）]"))]


def _numbering_levels(labels: list[str]) -> list[tuple[int | None, str]]:
    """Outline level of each row label (一、 / （一） / 1. / （1）), only when the table has 一、 items."""
    out = []
    for t in labels:
        s = squash(t)
        out.append((next((lvl for lvl, pat in _LEVELS if pat.match(s)), None), t))
    if not any(lvl == 1 for lvl, _ in out):
        return [(None, t) for _, t in out]
    return out


def _right(row: list[str], width: int) -> list[str]:
    """Text rows lose merged cells on the left; numbers stay at the right edge."""
    return row if len(row) >= width else [""] * (width - len(row)) + row
