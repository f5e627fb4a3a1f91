"""Numbers stated in prose become `facts` rows, with the 其中/包括/主要为 structure kept.

"2020年支出预算4945.05万元，其中基本支出639.31万元，包括人员经费558.00万元和日常公用经费
81.31万元；项目支出4305.74万元" gives a whole (支出预算 4945.05) with parts 基本支出 and
项目支出, and 基本支出 in turn with parts 人员经费 and 日常公用经费. Each part carries
`parts_of` (the seq of its whole) and `relation`: `part` for 其中/包括/“X中” lists (meant to be
complete), `main` for 主要为 lists (a selection), `share` for “占X的Y%” (parts_of is the figure
the share describes, `base_label` the X), `change_up` / `change_down` for “比上年增加/减少D万元”
(parts_of is this year's figure) and `change_rate` for the “增长P%” that follows it (parts_of
is the change).

Each money figure also carries `concept` (the table figure it restates), `basis` (budget /
final / prior: the clause's 口径) and `year` (the year its clause names), see fact_concepts.py.
"""

from __future__ import annotations

import re
import unicodedata

from jixiao.normalize.fact_concepts import (
    BARE_MEASURE,
    Path,
    basis_of,
    clean_label,
    concept_of,
    merge_paths,
    path_concept,
    subject_path,
)

_FIGURE = re.compile(r"(?<![\d.])(-?\d[\d,]*(?:\.\d+)?)\s*(亿元|万元|元|%|％)")
_SENTENCE = re.compile(r"(?<=[。！？!?])|\n")
_OPENERS = {"其中": "part", "包括": "part", "主要为": "main", "主要是": "main", "主要用于": "main",
            "主要包括": "main"}
_TOKEN = re.compile(
    r"(?P<figure>" + _FIGURE.pattern + r")"
    r"|(?P<opener>其中|主要包括|主要为|主要是|主要用于|包括)"
    r"|(?P<open>[（(])|(?P<close>[）)])|(?P<semi>[；;])"
    r"|(?P<sub>[\u4e00-\u9fff]{2,10}?)中(?=[\u4e00-\u9fff])"
)
_LABEL_CUT = re.compile(r"[，,、：:；;。（）()]|其中|主要包括|主要为|主要是|主要用于|包括")
_LEAD = re.compile(r"^(和|及|以及|与|另|还有|另有)")
_YEAR = re.compile(r"^.*?\d{4}\s*年度?(?:[末初底])?")
_CLAUSE_CUT = re.compile(r"[，,；;：:]")
_ASIDE_AT_END = re.compile(r"[（(][^）)]*[）)]$")  # 增加（减少）0万元: the alternative in brackets
# the figure a clause compares with: last year (上年, 比2024年预算, 较上年, 同比, 与…相比), or another
# figure (比年初预算): what follows is a change, never a part of a 其中 list nor this year's figure
_COMPARED = r"(?:上年|去年|上一年度?|同比|同期|(?<![\d.])\d{4}\s*年|(?<!占)[比较](?![例重率])|与[^，,；;。]{0,16}?相比)"
_CHANGE = re.compile(_COMPARED + r"[^，,；;。]*?(?:(?P<up>增加|增长|上升|提高|多)|(?P<down>减少|下降|降低|少|压减))了?$")
_CHANGE_RATE = re.compile(r"^(?:增加|增长|上升|减少|下降|降低)了?(?:幅度)?为?$")
_TRAIL = re.compile(r"(为|是|共计|合计|共|达到|达|约|计|总计)$")


_SHORT_ASIDE = re.compile(r"[（(]([\u4e00-\u9fff]{1,3})[）)]")  # (类) (款) (项) （境）: part of a name
_ASIDE_BEFORE = re.compile(_SHORT_ASIDE.pattern + "$")


def _with_asides(sent: str, start: int, end: int) -> str:
    """The label's text from `start`, reaching back over short asides: 一般公共服务(类)支出, 因公出国（境）费."""
    while start > 0 and (m := _ASIDE_BEFORE.search(sent, 0, start)):
        words = re.search(r"[\u4e00-\u9fff]+$", sent[:m.start()])
        if not words:
            break
        start = words.start()
    return sent[start:end]


def _label(prefix: str) -> str:
    """Words naming the figure: the text since the last separator, without a leading year."""
    prefix = _SHORT_ASIDE.sub(lambda m: f"\x02{m.group(1)}\x03", prefix)  # kept through the cut
    parts = [p.replace("\x02", "(").replace("\x03", ")") for p in _LABEL_CUT.split(prefix)]
    label = parts[-1] if parts else ""
    label = _YEAR.sub("", label).strip()
    label = _TRAIL.sub("", label).strip()
    label = _LEAD.sub("", label).strip()
    return label[-30:]


def _value(text: str, unit: str) -> tuple[float, str]:
    v = float(text.replace(",", ""))
    if unit == "亿元":
        return v * 10000, "万元"
    if unit == "％":
        unit = "%"
    return v, unit


def sentences(text: str) -> list[str]:
    return [s for s in (p.strip() for p in _SENTENCE.split(text)) if s]


_PATH_ONLY = re.compile(r"[(（](?:类|款|项)[)）][。:：;；,，\s]*$")


def _heading_context(text: str, doc_id: object, heading: dict, lead: dict, cut: dict) -> None:
    """A row without figures: a short one is a heading; the 科目 it names (（一）一般公共服务（类）) holds
    for the rows below it until a heading naming none (六、财政拨款基本支出预算情况说明). A line naming a
    科目 that breaks off (1．行政事业单位离退休（类）未归口管理的行政单位离退) begins the next row."""
    lead.pop(doc_id, None)
    t = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    if len(t) > 40:
        return
    if subject_path(t) and not _PATH_ONLY.search(t) and not re.search(r"[。;；]$", t):
        cut[doc_id] = cut.get(doc_id, "") + t
        return
    path = subject_path(t)
    if path and _PATH_ONLY.search(t):
        heading[doc_id] = lead[doc_id] = merge_paths(heading.get(doc_id, []), path)
    else:
        heading.pop(doc_id, None)


def _in_context(concept: str | None, label: str, prefix: str, context: Path, carried: Path) -> str | None:
    """The concept of a 科目 figure with the 科目 named around it: the headings above give a 项 its
    类 and 款 (subject:项:行政运行@一般公共服务(类)/人大事务(款)), and a figure whose label is a bare
    measure (年初预算, 支出决算, 决算数) after a 科目 named in its sentence, or in a sentence of its
    own just before, is that 科目's figure."""
    own = subject_path(_CLAUSE_CUT.split(prefix)[-1])  # the clause as written (a label keeps only 30 characters)
    base = merge_paths(context, carried)
    if concept is not None:
        if concept.startswith("subject:") and own:
            return path_concept(merge_paths(base, own))
        return concept
    if not BARE_MEASURE.match(clean_label(label)):
        return None
    before = subject_path(prefix)  # named earlier in the sentence: 行政运行（项）年初预算为A万元，支出决算为B万元
    if before:
        return path_concept(merge_paths(base, before))
    return path_concept(base) if carried else None


def extract_facts(narrative_rows: list[dict]) -> list[dict]:
    """Facts rows (doc_id, seq, label, value, unit, sentence, narrative_seq, parts_of, relation,
    base_label, concept, basis, year) for every money figure and percentage stated in the narrative paragraphs."""
    facts: list[dict] = []
    seqs: dict[str, int] = {}
    heading: dict[object, Path] = {}  # doc -> the 科目 of the headings above
    lead: dict[object, Path] = {}  # doc -> a 科目 heading right above this row
    cut: dict[object, str] = {}  # doc -> a line naming a 科目 that breaks off into this row
    for row in narrative_rows or []:
        text = row.get("text") if isinstance(row, dict) else None
        if not isinstance(text, str):
            continue
        doc_id = row.get("doc_id")
        if not _FIGURE.search(text):
            _heading_context(text, doc_id, heading, lead, cut)
            continue
        carried: Path = lead.pop(doc_id, [])  # the 科目 a sentence of its own names, for the sentences after it
        context = heading.get(doc_id, [])
        text = unicodedata.normalize("NFKC", text)
        broken = re.sub(r"\s+", "", unicodedata.normalize("NFKC", cut.pop(doc_id, "")))
        last_money: dict | None = None
        last_figure: dict | None = None  # the last money figure, a change included
        for n_sent, sent in enumerate(sentences(text)):
            lead_in = broken if n_sent == 0 else ""  # the broken-off line this row continues
            if not _FIGURE.search(sent) and _PATH_ONLY.search(sent) and subject_path(sent):
                carried = merge_paths(carried, subject_path(sent))
                continue
            last_change: dict | None = None  # “比上年增加D万元” waiting for its “增长P%”
            stack: list[tuple[dict | None, str]] = []  # (whole, relation) or (None, "paren") markers
            labels: dict[str, dict] = {}
            pos = 0
            for m in _TOKEN.finditer(sent):
                kind = m.lastgroup if m.lastgroup in ("opener", "open", "close", "semi", "sub") else "figure"
                if m.group("figure"):
                    kind = "figure"
                if kind == "opener":
                    whole = last_figure or last_money  # “增加2729.18万元，其中：基本支出增加146.04万元…”
                    if whole is not None:
                        stack.append((whole, _OPENERS[m.group("opener")]))
                elif kind == "sub":
                    name = _YEAR.sub("", m.group("sub"))
                    whole = labels.get(name)
                    if whole is not None:
                        stack.append((whole, "part"))
                elif kind == "open":
                    stack.append((None, "paren"))
                elif kind == "close":
                    while stack and stack[-1][1] != "paren":
                        stack.pop()
                    if stack:
                        stack.pop()
                elif kind == "semi":
                    lists = [i for i, (w, _) in enumerate(stack) if w is not None]
                    if len(lists) > 1 and stack[-1][1] != "paren":
                        stack.pop()
                else:
                    fm = _FIGURE.match(m.group("figure"))
                    value, unit = _value(fm.group(1), fm.group(2))
                    prefix = sent[pos:m.start()]
                    label = _label(_with_asides(sent, pos, m.start()))
                    seqs[doc_id] = seqs.get(doc_id, 0) + 1
                    fact = {
                        "doc_id": doc_id, "seq": seqs[doc_id], "label": label or None, "value": value,
                        "unit": unit, "sentence": sent[:1000], "narrative_seq": row.get("seq"),
                        "parts_of": None, "relation": None, "base_label": None, "value_raw": fm.group(1),
                        "page": row.get("page"), "source_ref": row.get("source_ref"),
                    }
                    share = re.search(r"占(.{0,15}?)的?(?:比重|比例)?为?$", _LABEL_CUT.split(prefix)[-1]
                                      if prefix else "")
                    clause = _ASIDE_AT_END.sub("", _CLAUSE_CUT.split(sent[:m.start()])[-1].strip()).strip()
                    change = _CHANGE.search(clause) if unit != "%" else None
                    basis, year = basis_of(clause)
                    first_clause = not _CLAUSE_CUT.search(sent[:m.start()])
                    concept = concept_of(label, first_clause) if unit == "万元" and not change else None
                    if unit == "万元" and not change:
                        concept = _in_context(concept, label, lead_in + sent[:m.start()], context, carried)
                    fact.update(basis=basis, year=year, concept=concept)
                    if unit == "%" and share and last_money is not None:
                        fact.update(parts_of=last_money["seq"], relation="share",
                                    base_label=_YEAR.sub("", share.group(1)).strip().rstrip("的") or None)
                    elif unit == "%" and last_change is not None and _CHANGE_RATE.match(clause):
                        fact.update(parts_of=last_change["seq"], relation="change_rate")
                        last_change = None
                    elif change and last_money is not None:  # a change is neither a part nor a new whole
                        fact.update(parts_of=last_money["seq"], relation="change_up" if change.group("up") else "change_down")
                        # a rate after a change against a named year (比2023年预算) is left to the prose rules, which
                        # know the fiscal year; the change itself is still no part
                        last_change = fact if year is None else None
                    elif unit != "%":
                        if stack and stack[-1][0] is not None:  # an aside in brackets is no part
                            whole = stack[-1][0]
                            fact.update(parts_of=whole["seq"], relation=stack[-1][1])
                            if fact["basis"] is None:  # 其中：因公出国（境）费… takes the 口径 of its whole
                                fact.update(basis=whole.get("basis"), year=fact["year"] or whole.get("year"))
                        last_money = fact
                        if label:
                            labels[label] = fact
                    facts.append(fact)
                    last_figure = fact if unit != "%" else last_figure
                pos = m.end()
    return facts
