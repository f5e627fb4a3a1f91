"""CODE_NAME_MISMATCH: one 科目编码 written with two names in one publication (BUDGET_RULES rule 13).

The 财政拨款支出表, the 一般公共预算支出表 and the 支出表 list the same 功能分类 codes; the two
基本支出表 and the 机关运行经费表 the same 经济分类 codes. A code is one 科目: written with two
names, one of them is wrong (a copied row, a renamed 科目 of another year). Names are compared
after the harmless differences are dropped: spaces, full- or half-width brackets, numbering, a
trailing 支出. Only rows of understood tables count (their codes were read as codes).

Also a 款 of the 说明 written as a 类: under the heading “（二）社会保障和就业（类）” the sentence
“1．行政事业单位离退休（类）未归口管理的行政单位离退休（项）…” nests a 类 in a 类, a 项 right after it;
the 科目 between a 类 and its 项 is the 款 (20805, five digits), its level written wrong.

Also a 科目 of the 说明 described with another 科目's purpose ("住房公积金（项）…主要用于职工医疗"),
for the few 项 whose purposes have words of their own (公积金, 医疗, 养老, 年金, 提租/购房): only a
purpose naming another's words and none of its own is accused.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from jixiao.normalize.fact_concepts import named_levels
from jixiao.validate.base import Context, Finding, rule
from jixiao.validate.findings import paragraph_finding
from jixiao.validate.prose_text import MONEY, paragraphs
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


# 科目 whose purpose words are their own: a purpose naming only another's words was copied from that 科目
_PURPOSES: list[tuple[str, str, str]] = [  # (科目 name pattern, its own words, words of other 科目)
    # 项
    (r"住房公积金", r"公积金", r"医疗|医保|养老|年金|离退休|抚恤|提租|购房"),
    (r"提租补贴|购房补贴", r"提租|租金|购房|住房", r"医疗|医保|养老|年金|公积金|抚恤"),
    (r"(?:行政|事业)单位医疗|公务员医疗补助", r"医疗|医保|医药|就医", r"公积金|养老|年金|提租|购房"),
    (r"基本养老保险缴费", r"养老|社会保险|社保", r"医疗|医保|公积金|提租|购房"),
    (r"职业年金缴费", r"年金", r"医疗|医保|公积金|提租|购房"),
    # 款 and 类 of the same purposes: 住房改革 / 住房保障, 行政事业单位养老 (离退休) / 社会保障和就业, …医疗 / 卫生健康
    (r"住房改革|住房保障", r"住房|公积金|提租|购房|租金|保障性", r"医疗|医保|养老|年金|离退休|抚恤"),
    (r"行政事业单位(?:养老|离退休)", r"养老|离退休|退休|年金|社会保险|社保", r"医疗|医保|公积金|提租|购房"),
    (r"社会保障和就业", r"养老|离退休|退休|年金|社会保|社保|抚恤|就业|优抚|救助|残疾|福利|退役|安置|保险",
     r"公积金|提租|购房"),
    (r"行政事业单位医疗|卫生健康|医疗卫生(?:与计划生育)?", r"医疗|医保|医药|就医|卫生|健康|疾病|计划生育|医院",
     r"公积金|提租|购房|养老|年金|离退休"),
]
# a 科目 named with its level, then within its sentence what it is used for; no other 科目 named between
_SUBJECT_PURPOSE = re.compile(r"(?P<name>[\u4e00-\u9fff]{2,20})[(（](?P<level>类|款|项)[)）]"
                              r"(?:(?![(（](?:类|款|项)[)）])[^。;；]){0,40}?(?:主要用于|用于|反映)(?P<purpose>[^。]{2,80})")


@rule("CODE_NAME_MISMATCH")
def purpose_of_another_subject(ctx: Context) -> Iterator[Finding]:
    """“住房公积金（项）…主要用于职工医疗…”, “住房保障（类）支出…主要用于离退休人员…”: a 科目 described with
    words that belong to another 科目 only (the purpose copied from the sentence above it)."""
    if ctx.extra.get("pairs_only"):
        return  # a sentence is checked with its own file
    for paras in paragraphs(ctx).values():
        for p in paras:
            for m in _SUBJECT_PURPOSE.finditer(p.text):
                name, level, purpose = m.group("name"), m.group("level"), m.group("purpose")
                nxt = re.search(r"[(（](?:类|款|项)[)）]", purpose)
                purpose = purpose[:nxt.start()] if nxt else purpose  # the next 科目's own sentence
                subject = re.sub(r"支出$", "", name)
                for pattern, own, other in _PURPOSES:
                    if not re.search("(?:" + pattern + ")$", subject):
                        continue
                    foreign = re.search(other, purpose)
                    if foreign and not re.search(own, purpose):
                        yield paragraph_finding(p, "CODE_NAME_MISMATCH", "warning",
                                                f"“{name}（{level}）”的用途写作“{purpose[:40]}”，说的是“{foreign.group()}”，"
                                                f"不是{subject} (the purpose of another 科目)", pos=m.start(),
                                                row_label=subject)
                    break


_PATH_ONLY = re.compile(r"[(（](?:类|款|项)[)）][。:：;；,，]*$")


@rule("CODE_NAME_MISMATCH")
def a_款_written_as_类(ctx: Context) -> Iterator[Finding]:
    """“（二）社会保障和就业（类）” then “1．行政事业单位离退休（类）…（项）”: a second 类 inside the
    heading's 类, a 项 straight after it, is the 款 between them with the wrong level. Once per name."""
    if ctx.extra.get("pairs_only"):
        return  # a sentence is checked with its own file
    for paras in paragraphs(ctx).values():
        heading: str | None = None  # the 类 the heading above names
        seen: set[str] = set()
        cut, cut_para = "", None  # a line that names a 科目 and breaks off (…（类）未归口管理的行政单位离退 | 休支出（项）…)
        for p in paras:
            t = p.text
            if len(t) <= 40 and not MONEY.search(t):  # a heading: a 科目 alone, or anything else ends it
                levels = named_levels(t)
                if levels and not _PATH_ONLY.search(t) and not re.search(r"[。;；]$", t):
                    cut, cut_para = cut + t, cut_para or p
                    continue
                one_class = len(levels) == 1 and levels[0][0] == "类" and _PATH_ONLY.search(t)
                heading, cut = (levels[0][1] if one_class else None), ""
                continue
            t, back, cut, at = cut + t, len(cut), "", cut_para
            cut_para = None
            if heading is None:
                continue
            off = -back
            for sentence in re.split(r"(?<=。)", t):
                levels = named_levels(sentence)
                if len(levels) >= 2 and [lv for lv, _, _ in levels[:2]] == ["类", "项"] and \
                        levels[0][1] != heading and levels[0][1] not in seen:
                    name, item = levels[0][1], levels[1][1]
                    seen.add(name)
                    pos = off + levels[0][2]
                    where, pos = (at, pos + back) if pos < 0 and at is not None else (p, max(0, pos))
                    yield paragraph_finding(where, "CODE_NAME_MISMATCH", "warning",
                                            f"“{name}（类）”写在“{heading}（类）”之下，其后即是“{item}（项）”：{name}是款，"
                                            f"不是类 (a 款 written as a 类)", pos=pos, row_label=name)
                off += len(sentence)
