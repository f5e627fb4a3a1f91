"""What a figure of a 预算/决算 说明 is: the table concept it names and the clause's 口径.

A 说明 restates the tables: "收入预算24,458.43万元", "一般公共服务（类）支出20,153.75万元",
"因公出国（境）费预算支出70万元", "机关运行经费预算为2,517.78万元". To compare such a figure
with its table cell, the figure needs

- a `concept` (the table figure it restates): `total`, `income_total`, `expenditure_total`,
  `fiscal_income`, `general_income`, `fiscal_expenditure`, `general_expenditure`, `basic`,
  `project`, `reserve`, `personnel`, `public`, `three_public`, `abroad`, `vehicle`,
  `vehicle_purchase`, `vehicle_running`, `reception`, `meeting`, `training`,
  `admin_operating`, `procurement`, or `subject:<level>:<name>[@<ancestors>]` for a 功能分类 row named
  with its level ("X（类）支出", "“X支出”科目", "X（款）Y（项）支出"); the ancestors are `/`-joined
  names, each with its level when known ("一般公共服务(类)/人大事务(款)": from the heading above the
  sentence or the 科目 path before the figure, see `subject_path`);
- a `basis`: `budget` (预算数, 年初预算) or `final` (决算数, 实际支出) when its clause says so,
  `prior` when the clause speaks of last year (上年, 去年, 上年度); and the `year` its clause
  names (a 2025 预算 quoting "2024年…预算为X万元" gives year 2024: not this year's figure).

Only labels that name a concept plainly get one: a figure the rules cannot place is never
compared (a wrong concept would accuse a correct document).
"""

from __future__ import annotations

import re

_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[、.．](?!\d))+")
_CHANGE_WORDS = re.compile(r"增加|减少|增长|下降|降低|持平|相比|比上年|较上年|同比|上升|压减|增幅|降幅|差额|调整|变动|结转|结余"
                           r"|占|平均|人均|单价|每|以上|以下|不超过|其中|共计|累计|完成")
# words of a clause that make its figure last year's: 上年预算数为X万元, 去年, 上一年度
_PRIOR = re.compile(r"上年|去年|上一年|前一年|以前年度")
_FINAL = re.compile(r"决算|实际支出|实际完成|执行数|支出数(?!预算)")
_BUDGET = re.compile(r"预算|年初|计划|安排")
_YEAR = re.compile(r"(?<![\d.])(20\d{2})\s*年")
# a unit or department name before 收入/支出 ("上海市财政局收入预算"): the figure is its total
_OWNER = re.compile(r"(?:本年|当年|全年|年度|本部门|部门|本单位|单位|[局厅院委会室部处办所站心馆校队府署社团])$")

_FIXED: list[tuple[str, re.Pattern[str]]] = [
    ("total", re.compile(r"^(?:.*?)(?:收入支出|收支|收入、支出)(?:预算|决算)?(?:总计|总额|合计)$")),
    ("three_public", re.compile(r"三公[”\"]?经费(?:财政拨款)?(?:支出)?(?:预算|决算)?(?:数|支出|总额|合计)?$")),
    ("vehicle", re.compile(r"公务用车购置及运行(?:维护|维持)?费(?:支出)?(?:预算|决算)?(?:数|支出)?$")),
    ("vehicle_purchase", re.compile(r"公务用车购置(?:费)?(?:支出)?(?:预算|决算)?(?:数|支出)?$")),
    ("vehicle_running", re.compile(r"公务用车运行(?:维护|维持)?费(?:支出)?(?:预算|决算)?(?:数|支出)?$")),
    ("abroad", re.compile(r"因公出国[(（]境[)）](?:经)?费(?:用)?(?:支出)?(?:预算|决算)?(?:数|支出)?$")),
    ("reception", re.compile(r"公务接待费(?:支出)?(?:预算|决算)?(?:数|支出)?$")),
    ("meeting", re.compile(r"^(?:一般公共预算(?:财政)?拨款安排的)?会议费(?:支出)?(?:预算|决算)?(?:数|支出)?$")),
    ("training", re.compile(r"^(?:一般公共预算(?:财政)?拨款安排的)?培训费(?:支出)?(?:预算|决算)?(?:数|支出)?$")),
    ("admin_operating", re.compile(r"机关运行经费(?:支出)?(?:预算|决算)?(?:数|支出)?$")),
    ("procurement", re.compile(r"政府采购(?:支出)?(?:预算|决算)?(?:总额|合计|总计)?$")),
    ("personnel", re.compile(r"^(?:其中)?人员经费(?:支出)?(?:预算|决算)?(?:数)?$")),
    ("public", re.compile(r"^(?:其中)?(?:日常)?公用经费(?:支出)?(?:预算|决算)?(?:数)?$")),
    ("reserve", re.compile(r"^(?:单位)?预留机动经费(?:支出)?(?:预算|决算)?(?:数)?$")),
    ("general_expenditure", re.compile(r"^(?:本年|当年)?一般公共预算(?:财政)?拨款(?:预算|决算)?支出(?:预算|决算)?(?:数)?$")),
    ("fiscal_expenditure", re.compile(r"^(?:本年|当年)?财政拨款(?:预算|决算)?支出(?:预算|决算)?(?:总计|合计)?(?:数)?$")),
    ("basic", re.compile(r"^(?:本年|当年)?(?:一般公共预算)?(?:财政拨款)?基本支出(?:预算|决算)?(?:数)?$")),
    ("project", re.compile(r"^(?:本年|当年)?(?:一般公共预算)?(?:财政拨款)?项目支出(?:预算|决算)?(?:数)?$")),
    ("fiscal_income", re.compile(r"^(?:本年|当年)?财政拨款(?:收入)?(?:预算|决算)?(?:收入)?(?:数)?$")),
    ("general_income", re.compile(r"^(?:本年|当年)?一般公共预算(?:财政)?(?:拨款)?(?:收入)?(?:预算|决算)?(?:收入)?(?:数)?$")),
]
_TOTALS: list[tuple[str, re.Pattern[str]]] = [
    ("income_total", re.compile(r"^(?P<owner>.*?)收入(?:预算|决算)?(?:总计|合计|总额)?(?:数)?$")),
    ("expenditure_total", re.compile(r"^(?P<owner>.*?)支出(?:预算|决算)?(?:总计|合计|总额)?(?:数)?$")),
]
# "一般公共服务（类）支出", "住房改革支出（款）住房公积金（项）支出", "“卫生健康支出”科目"
_SUBJECT = re.compile(r"^(?:(?P<up>[\u4e00-\u9fff()（）]{2,24}?)[(（](?P<uplevel>类|款)[)）])?"
                      r"(?P<name>[\u4e00-\u9fff]{2,24}?)[(（](?P<level>类|款|项)[)）](?:支出)?(?:预算|决算)?(?:数)?$")
_QUOTED_SUBJECT = re.compile(r"^[“\"](?P<name>[\u4e00-\u9fff]{2,24}?)(?:支出)?[”\"]科目(?:支出)?(?:预算|决算)?(?:数)?$")


def clean_label(label: str) -> str:
    """The label without numbering (1. 一、 （一）), spaces or the 其中 opener."""
    s = re.sub(r"\s+", "", label or "")
    s = _NUMBERING.sub("", s)
    return re.sub(r"^其中[:：]?", "", s)


def subject_name(name: str) -> str:
    """A 科目 name as tables and prose both can write it: no 支出 at the end, brackets unified."""
    s = re.sub(r"\s+", "", name or "").replace("（", "(").replace("）", ")")
    s = _NUMBERING.sub("", s)
    s = re.sub(r"\((?:类|款|项)\)", "", s)
    return re.sub(r"支出$", "", s)


def concept_of(label: str | None, first_clause: bool = True) -> str | None:
    """The table concept a prose label names, or None when it names none plainly.

    A bare 收入/支出 total ("支出决算为B万元") counts only in the first clause of its sentence:
    later it usually continues the subject of an earlier clause (一般公共预算财政拨款支出…)."""
    s = re.sub(r"年初|调整后|全年", "", clean_label(label or ""))
    if not s or _CHANGE_WORDS.search(s):
        return None
    m = _SUBJECT.match(s)
    if m:
        up = f"@{subject_name(m.group('up'))}" if m.group("up") else ""
        return f"subject:{m.group('level')}:{subject_name(m.group('name'))}{up}"
    m = _QUOTED_SUBJECT.match(s)
    if m:
        return f"subject:*:{subject_name(m.group('name'))}"
    for code, pattern in _FIXED:
        if pattern.search(s):
            return code
    for code, pattern in _TOTALS:
        m = pattern.match(s)
        owner = m.group("owner") if m else ""
        named = bool(owner) and not re.fullmatch(r"本年|当年|全年|年度", owner)
        if m and (first_clause or named) and (not owner or _OWNER.search(owner)):
            return code
    return None


def basis_of(clause: str) -> tuple[str | None, int | None]:
    """(`budget` / `final` / `prior` / None, the year named) of the clause before a figure."""
    years = _YEAR.findall(clause)
    year = int(years[-1]) if years else None
    if _PRIOR.search(clause):
        return "prior", year
    finals, budgets = list(_FINAL.finditer(clause)), list(_BUDGET.finditer(clause))
    last_final = finals[-1].start() if finals else -1
    last_budget = budgets[-1].start() if budgets else -1
    if last_final < 0 and last_budget < 0:
        return None, year
    return ("final" if last_final > last_budget else "budget"), year


# ---------------------------------------------------------------- a 科目 named by its levels in prose

_RANK = {"类": 1, "款": 2, "项": 3}
_LEVEL_MARK = re.compile(r"[(（](类|款|项)[)）]")
# a 科目 name: Chinese words with short asides of their own (党委办公厅（室）及相关机构事务, 因公出国（境）)
_NAME_RUN = re.compile(r"(?:[\u4e00-\u9fff]|[(（][\u4e00-\u9fff]{1,3}[)）])+$")
_NOT_NAME = re.compile(r"^(?:[(（][一二三四五六七八九十\d]+[)）])+|^(?:其中|此外|另外|包括|主要是|主要为|一是|二是|三是|中的|下的|的)")
# what a figure after a 科目 is, when its label says nothing else: 年初预算, 支出决算, 决算数, 预算数, 支出
BARE_MEASURE = re.compile(r"^(?:本年|当年)?(?:年初|调整后?|全年)?(?:预算|决算|支出|实际支出)(?:数|金额)?(?:支出|预算|决算)?(?:数)?$")

Path = list[tuple[str, str]]  # [(level, name)], 类 before 款 before 项


def named_levels(text: str) -> list[tuple[str, str, int]]:
    """Each 科目 a text names with a level, in order, with its offset in the text as read without
    spaces: "社会保障和就业（类）行政事业单位离退休（款）" → [(类, 社会保障和就业, 0), (款, 行政事业单位离退休, 10)]."""
    out: list[tuple[str, str, int]] = []
    pos = 0
    text = re.sub(r"\s+", "", text)  # a name broken by a line: 行政单位离退 休（项）
    for m in _LEVEL_MARK.finditer(text):
        run = _NAME_RUN.search(text, pos, m.start())
        pos = m.end()
        if not run:
            continue
        name = _NOT_NAME.sub("", run.group())
        name = subject_name(_NUMBERING.sub("", name))
        if len(name) >= 2:
            out.append((m.group(1), name, run.start()))
    return out


def subject_path(text: str) -> Path:
    """The 科目 in effect at the end of a text, by the levels it names: "（一）一般公共服务（类）人大事务（款）
    行政运行（项）" → [(类, 一般公共服务), (款, 人大事务), (项, 行政运行)]. A level named again (the next
    项 of a list) replaces the one before and whatever was below it."""
    path: Path = []
    for level, name, _ in named_levels(text):
        rank = _RANK[level]
        path = [(lv, n) for lv, n in path if _RANK[lv] < rank] + [(level, name)]
    return path


def merge_paths(outer: Path, inner: Path) -> Path:
    """`inner` under `outer`: the outer levels above inner's first one, then inner."""
    if not inner:
        return list(outer)
    top = min(_RANK[lv] for lv, _ in inner)
    return [(lv, n) for lv, n in outer if _RANK[lv] < top] + list(inner)


def path_concept(path: Path) -> str | None:
    """`subject:<level>:<name>@<ancestors>` of the deepest 科目 of a path."""
    if not path:
        return None
    level, name = path[-1]
    up = "/".join(f"{n}({lv})" for lv, n in path[:-1])
    return f"subject:{level}:{name}" + (f"@{up}" if up else "")


def parse_subject(concept: str) -> tuple[str, str, list[tuple[str | None, str]]] | None:
    """(level, name, [(level or None, ancestor name)]) of a `subject:` concept; None for any other."""
    if not concept.startswith("subject:"):
        return None
    _, level, rest = concept.split(":", 2)
    name, _, up = rest.partition("@")
    ancestors: list[tuple[str | None, str]] = []
    for a in filter(None, up.split("/")):
        m = re.match(r"^(.*)\((类|款)\)$", a)
        ancestors.append((m.group(2), m.group(1)) if m else (None, subject_name(a)))
    return level, name, ancestors
