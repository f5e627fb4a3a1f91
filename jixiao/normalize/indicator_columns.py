"""Which column of an indicator table holds what: header text -> role.

Provinces name the same column many ways (年度指标值 / 预期指标值 / 目标值 / 指标值,
实际完成值 / 自评实际值 / 全年完成值, 分值 / 权重, 得分 / 自评得分 …). Roles are matched on
the header text with all white space removed; the first matching pattern wins, so
more specific patterns come first.
"""

from __future__ import annotations

import re
from functools import lru_cache

from jixiao.text import first_match, squash

ROLE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("level1", re.compile(r"^一级(指标)?$")),
    ("level2", re.compile(r"^二级(指标)?$")),
    ("level3", re.compile(r"^三级(指标)?$")),
    ("rule_text", re.compile(r"评分(规则|标准|办法|方法)|计分(规则|标准|方法)")),
    ("note", re.compile(r"偏差|扣分原因|未完成原因|原因分析|改进措施|说明|备注")),
    ("description", re.compile(r"指标(描述|解释|说明|内涵)|指标含义")),
    ("basis", re.compile(r"确定依据|数据来源|依据|佐证")),
    ("actual", re.compile(r"实际(完成)?值|完成值|实际完成|完成情况|实现值|实际值")),
    ("target", re.compile(r"目标值|指标值|预期|年度指标|计划值|标准值")),
    ("score", re.compile(r"得分")),
    ("score_bare", re.compile(r"^(自评|评价|考核)?评分(值|结果)?([(（]分[)）])?$|^(自评|评价|考核)分(数|值)?$")),  # 评分, 自评分
    ("weight", re.compile(r"^(分值|权重|权数|标准分|满分|指标分值|分数)")),
    ("op", re.compile(r"^指标性质$")),
    ("unit", re.compile(r"^(度量|计量)单位$")),
]


@lru_cache(maxsize=1 << 15)
def header_role(text: str) -> str | None:
    """The role of one header cell, None when it is not an indicator-table header."""
    t = squash(text)
    if not t or re.match(r"^[一二三四五六七八九十]+、", t):
        return None  # a section label such as 四、年度绩效指标完成情况
    return first_match(ROLE_PATTERNS, t)


def is_indicator_header(row: list[str]) -> bool:
    """A header row names at least the level-1 and level-3 (or level-2) columns."""
    roles = {header_role(c) for c in row}
    return "level1" in roles and ("level3" in roles or "level2" in roles)


def find_header_row(rows: list[list[str]], start: int = 0) -> int | None:
    """Index of the first indicator header row at or after ``start``."""
    for i in range(start, len(rows)):
        if is_indicator_header(rows[i]):
            return i
    return None


def column_roles(row: list[str]) -> dict[str, int]:
    """Role -> column index for a header row (first column of each role)."""
    roles: dict[str, int] = {}
    for i, cell in enumerate(row):
        role = header_role(cell)
        if role and role not in roles:
            roles[role] = i
    bare = roles.pop("score_bare", None)
    if bare is not None and "score" not in roles:
        roles["score"] = bare  # 评分 is the score column unless the row also has 得分
    return roles


TOTAL_LABEL = re.compile(r"^(总分|合计|总计|综合得分|总得分|得分合计)$")


def is_total_label(text: str) -> bool:
    return bool(TOTAL_LABEL.match(squash(text)))
