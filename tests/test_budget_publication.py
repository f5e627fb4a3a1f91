"""A 预算/决算 publication as a whole: a 说明 without its tables, and a 科目 of the 说明 against its row.

Fixtures are the real Jiangsu files (../shared/real) converted once, with one line or one figure
changed: the untouched files must stay silent (or raise the info a reader confirmed), the changed
ones must raise exactly the finding the change planted.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from jixiao.normalize.facts import extract_facts
from jixiao.validate.base import run_rules

REAL = next(p for p in (Path(__file__).resolve().parents[1].parent / "shared" / "real", Path("/work/shared/real"))
            if p.exists())
PROSE = "江苏省委办公厅2018年度部门预算公开文件.pdf"  # the 说明, “具体公开表样附后”
TABLES = "江苏省委办公厅2018年度部门预算公开表.pdf"  # its tables
NPC = "江苏省人大常委会2019年度部门预算公开.pdf"  # a 说明 whose 公开表 is not in the folder: “…公开表附后”
COURT = "省法院2018年度部门预算公开.pdf"  # 说明 and tables in one file


@pytest.fixture(scope="module")
def real() -> dict[str, dict[str, list[dict]]]:
    from jixiao.pipeline import process_file

    return {n: process_file(REAL / n, REAL).tables for n in (PROSE, TABLES, NPC, COURT)}


def with_text(tables: dict[str, list[dict]], change: dict[str, str]) -> dict[str, list[dict]]:
    """The file's rows with narrative texts replaced (old -> new, "" deletes the row) and its facts read again."""
    narrative = []
    for r in tables["narrative"]:
        text = r["text"]
        for old, new in change.items():
            if old in text:
                text = text.replace(old, new)
        if text.strip():
            narrative.append({**r, "text": text})
    return {**tables, "narrative": narrative, "facts": extract_facts(narrative)}


def missing(tables: dict[str, list[dict]]) -> list[tuple[str, str]]:
    from jixiao.pipeline import check_unpaired

    return [(f["severity"], f["row_label"]) for f in check_unpaired(tables)]


# ------------------------------------------------------------ a 说明 without its tables

def test_a_说明_saying_its_tables_are_attached_is_an_info_when_they_are_not_in_the_batch(real):
    from jixiao.pipeline import check_unpaired

    (f,) = check_unpaired(real[PROSE])
    assert f["rule"] == "MISSING_TABLE" and f["severity"] == "info" and "表样附后" in f["row_label"]
    assert f["page"] == 5 and f["source_ref"]  # the PDF page of “具体公开表样附后”
    ((severity, label),) = missing(real[NPC])
    assert severity == "info" and "公开表附后" in label


def test_a_说明_listing_its_tables_without_them_or_a_word_is_a_warning(real):
    alone = with_text(real[PROSE], {"具体公开表样附后": ""})
    ((severity, label),) = missing(alone)
    assert severity == "warning" and label == "第二部分 2018年度部门预算表"
    # the other wordings of the genre count as saying it: 详见附表, 见附件, 另行公开
    for words in ("本部门预算公开表详见附表。", "预算表见附件1。", "部门预算表另行公开。"):
        said = with_text(real[PROSE], {"具体公开表样附后": words})
        assert [s for s, _ in missing(said)] == ["info"], words


def test_a_说明_with_its_公开表_in_the_batch_raises_nothing(real):
    from jixiao.pipeline import check_publication

    alone = with_text(real[PROSE], {"具体公开表样附后": ""})
    assert [f for f in check_publication([alone, real[TABLES]]) if f["rule"] == "MISSING_TABLE"] == []
    # `jixiao validate` over the folder (no batch step): the pair is one publication, the 说明 alone is not
    both = {name: alone.get(name, []) + real[TABLES].get(name, []) for name in {*alone, *real[TABLES]} - {"findings"}}
    assert [f for f in run_rules(both, only=["MISSING_TABLE"])] == []
    assert [f["severity"] for f in run_rules({k: v for k, v in alone.items() if k != "findings"},
                                            only=["MISSING_TABLE"])] == ["warning"]


def test_the_required_tables_are_the_disclosure_set():
    from jixiao.validate.publication import DISCLOSURE_FAMILIES
    from jixiao.validate.rules.missing_tables import FINAL_ONLY, REQUIRED

    assert {*REQUIRED, *FINAL_ONLY} == DISCLOSURE_FAMILIES


def test_a_file_converted_alone_leaves_it_to_the_batch(real):
    """process_file cannot know the batch: no MISSING_TABLE from the file's own check."""
    assert [f for f in real[PROSE]["findings"] if f["rule"] == "MISSING_TABLE"] == []


def test_a_情况说明_that_never_names_its_tables_is_not_accused(real):
    """A 预算信息公开情况说明 quoting figures without a table listing: nothing says tables belong to it."""
    listing = [r["text"] for r in real[PROSE]["narrative"] if r["page"] == 2 and ("表" in r["text"] or "部分" in r["text"])]
    alone = with_text(real[PROSE], {**dict.fromkeys(listing, ""), "第二部分 2018年度部门预算表": "", "具体公开表样附后": ""})
    from jixiao.validate.base import Context
    from jixiao.validate.publication import publications

    assert [p.kind for p in publications(Context({k: v for k, v in alone.items() if k != "findings"}))] == ["预算"]
    assert missing(alone) == []


def test_convert_reports_a_说明_alone_and_not_one_with_its_公开表(tmp_path):
    """End to end through `jixiao convert`: the batch step decides, and `jixiao validate` agrees."""
    from typer.testing import CliRunner

    from jixiao.cli import app

    prose = ("# 江苏省某某厅2019年度部门预算公开\n\n第二部分 2019年度部门预算表\n\n"
             "# 第三部分 江苏省某某厅2019年度部门预算情况说明\n\n"
             "江苏省某某厅2019年度收入、支出预算总计1,000.00万元。其中：一般公共预算收入预算1,000.00万元。"
             "基本支出预算数为600.00万元。项目支出预算数为400.00万元。\n\n"
             "2019年度一般公共预算拨款安排的“三公”经费预算支出中，因公出国（境）费支出10万元，公务接待费支出20万元。\n")
    table = ("# 江苏省某某厅2019年度部门预算公开表\n\n部门：江苏省某某厅\n\n支出预算总表\n\n单位：万元\n\n"
             "| 合计 | 基本支出 | 项目支出 |\n|---|---|---|\n| 1,000.00 | 600.00 | 400.00 |\n")

    def convert(files: dict[str, str], name: str) -> list[dict]:
        src, out = tmp_path / name, tmp_path / f"{name}-out"
        src.mkdir()
        for fname, text in files.items():
            (src / fname).write_text(text, encoding="utf-8")
        result = CliRunner().invoke(app, ["convert", str(src), "-o", str(out), "--quiet", "--no-report"])
        assert result.exit_code in (0, 1), result.output
        with open(out / "findings.csv", encoding="utf-8-sig") as fh:
            found = [r for r in csv.DictReader(fh) if r["rule"] == "MISSING_TABLE"]
        again = CliRunner().invoke(app, ["validate", str(out), "--fail-on", "info"])
        assert again.exit_code in (0, 1), again.output
        with open(out / "findings.csv", encoding="utf-8-sig") as fh:
            assert [r["severity"] for r in csv.DictReader(fh) if r["rule"] == "MISSING_TABLE"] == \
                [r["severity"] for r in found]
        return found

    (f,) = convert({"某某厅2019年度部门预算公开文件.md": prose}, "alone")
    assert f["severity"] == "warning" and "部门预算表" in f["row_label"]
    assert convert({"某某厅2019年度部门预算公开文件.md": prose, "某某厅2019年度部门预算公开表.md": table}, "pair") == []


# ------------------------------------------------------------ a 科目 of the 说明 against its table row

def narrative_findings(*files: dict[str, list[dict]]) -> list[dict]:
    from jixiao.pipeline import check_publication

    return [f for f in check_publication(list(files)) if f["rule"] in ("NARRATIVE_MISMATCH", "MAGNITUDE_MISMATCH")]


def test_a_科目_figure_of_the_说明_is_compared_with_its_row(real):
    """委办公厅 2018 p8: “（一）一般公共服务（类） 1．党委办公厅（室）及相关机构事务（款）行政运行（项）支出
    8072.29万元” — the 公开表's row 2013101 行政运行 says 8072.29; one digit pair swapped in the 说明."""
    assert narrative_findings(real[PROSE], real[TABLES]) == []
    changed = with_text(real[PROSE], {"行政运行（项）支出8072.29万元": "行政运行（项）支出8027.29万元"})
    (f,) = narrative_findings(changed, real[TABLES])
    assert f["severity"] == "error" and f["observed"] == 8027.29 and f["expected"] == 8072.29
    assert f["page"] == 8 and "行政运行" in f["message"] and "支出预算表" in f["message"]
    facts = [x for x in changed["facts"] if x["value"] == 8027.29]
    assert facts[0]["concept"] == "subject:项:行政运行@一般公共服务(类)/党委办公厅(室)及相关机构事务(款)"


TWO_RUNNING = [["单位：万元"], ["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
               ["201", "一般公共服务支出", "220.00", "220.00", ""],
               ["20101", "人大事务", "100.00", "100.00", ""], ["2010101", "行政运行", "100.00", "100.00", ""],
               ["20106", "财政事务", "120.00", "120.00", ""], ["2010601", "行政运行", "120.00", "120.00", ""],
               ["", "合计", "220.00", "220.00", ""]]


def publication(*rows: str, tables: list[tuple[str, list[list[str]]]], kind: str = "预算",
                year: int = 2019) -> dict[str, list[dict]]:
    """One file of a 说明 (one narrative row per string, headings included) and its tables, read by the
    real table-reading model and facts extractor."""
    from jixiao.normalize.amounts import amounts_from_rows

    heads = [f"某某局{year}年度部门{kind}公开", f"第三部分 {year}年度部门{kind}情况说明"]
    narrative = [{"doc_id": "d", "seq": i + 1, "section": "说明", "text": t, "page": 3}
                 for i, t in enumerate([*heads, *rows])]
    amounts, forms = [], []
    for n, (title, grid) in enumerate(tables, start=1):
        amounts += amounts_from_rows(grid, title=title, doc_id="d", form_id=f"d-{n}", row_pages=[5] * len(grid))
        forms.append({"form_id": f"d-{n}", "doc_id": "d", "form_type": "budget_summary", "title": title})
    return {"documents": [{"doc_id": "d", "unit_name": "某某局", "fiscal_year": year}], "narrative": narrative,
            "facts": extract_facts(narrative), "amounts": amounts, "forms": forms}


def mismatches(pub: dict[str, list[dict]]) -> list[tuple[float, float]]:
    return [(f["observed"], f["expected"]) for f in run_rules(pub, only=["NARRATIVE_MISMATCH"])]


def test_a_name_of_two_rows_is_compared_only_when_the_说明_says_which():
    table = [("一般公共预算支出预算表", TWO_RUNNING)]
    # 行政运行 alone names two rows (人大事务 and 财政事务): not compared, whatever its figure
    assert mismatches(publication("行政运行（项）支出150.00万元。", tables=table)) == []
    # its 款 named before it: compared with that row only (120 is the other 行政运行's figure)
    assert mismatches(publication("人大事务（款）行政运行（项）支出120.00万元。", tables=table)) == [(120.0, 100.0)]
    assert mismatches(publication("人大事务（款）行政运行（项）支出100.00万元。", tables=table)) == []
    # the 款 in the heading above the sentence
    assert mismatches(publication("（一）财政事务（款）", "1．行政运行（项）支出100.00万元，主要用于机关运转。",
                                  tables=table)) == [(100.0, 120.0)]
    # a heading naming no 科目 ends the one above
    assert mismatches(publication("（一）财政事务（款）", "六、基本支出预算情况说明", "行政运行（项）支出100.00万元。",
                                  tables=table)) == []


FINAL_T5 = [["单位：万元"], ["科目编码", "科目名称", "本年支出合计", "基本支出", "项目支出"],
            ["201", "一般公共服务支出", "90.00", "90.00", ""], ["20101", "人大事务", "90.00", "90.00", ""],
            ["2010101", "行政运行", "90.00", "90.00", ""], ["", "合计", "90.00", "90.00", ""]]


def test_a_决算_科目_paragraph_compares_its_决算数_not_its_年初预算():
    """National 决算 说明: the 科目 in a sentence of its own, then 年初预算为A万元，支出决算为B万元."""
    text = "（一）一般公共服务（类）人大事务（款）行政运行（项）。年初预算为100.00万元，支出决算为{}万元，完成年初预算的{}%。"
    table = [("一般公共预算财政拨款支出决算表", FINAL_T5)]
    pub = publication(text.format("90.00", 90), tables=table, kind="决算", year=2022)
    assert [(f["label"], f["concept"], f["basis"]) for f in pub["facts"] if f["unit"] == "万元"] == [
        ("年初预算", "subject:项:行政运行@一般公共服务(类)/人大事务(款)", "budget"),
        ("支出决算", "subject:项:行政运行@一般公共服务(类)/人大事务(款)", "final")]
    assert mismatches(pub) == []  # the 年初预算 100 has no column here: not compared with the 决算数 90
    assert mismatches(publication(text.format("95.00", 95), tables=table, kind="决算", year=2022)) == [(95.0, 90.0)]


def test_a_科目_described_with_the_purpose_of_the_one_above_it(real):
    """委办公厅 2018 p7: the 住房保障（类） sentence given the 社会保障和就业（类） sentence's purpose (the copy slip
    of the genre); the untouched page, and the 项 sentences of p8, are silent."""
    def purposes(tables: dict[str, list[dict]]) -> list[tuple[str, int]]:
        return [(f["row_label"], f["page"]) for f in run_rules({k: v for k, v in tables.items() if k != "findings"},
                                                              only=["CODE_NAME_MISMATCH"])]

    assert purposes(real[PROSE]) == []
    copied = with_text(real[PROSE], {"主要用于按照国家政策规定，为职工缴纳的住房公积金和发放的提租补贴":
                                     "主要用于离退休人员支出、缴纳在职人员基本养老保险和职业年金的支出"})
    assert purposes(copied) == [("住房保障", 7)]
    # a 类 whose purpose names its own words beside another's is not accused
    both = with_text(real[PROSE], {"为职工缴纳的住房公积金和发放的提租补贴": "为职工缴纳的住房公积金和离退休人员的提租补贴"})
    assert purposes(both) == []


def test_a_科目_the_tables_do_not_have_whose_figure_sits_on_a_row_of_another_name_is_an_info(real):
    """省法院 2018 p19: “法院（款）一般行政事务管理（项）支出6049.97万元”, the tables' 2040502 is 一般行政管理事务
    6,049.97 (docs/real-findings.md). The 委办公厅 说明 names its 科目 right: silent, until one is misnamed."""
    from jixiao.pipeline import check_publication

    (f,) = [f for f in real[COURT]["findings"] if f["rule"] == "CODE_NAME_MISMATCH"]
    assert f["severity"] == "info" and f["page"] == 19 and f["observed"] == 6049.97
    assert "一般行政事务管理" in f["message"] and "2040502 一般行政管理事务" in f["message"]
    assert [f for f in check_publication([real[PROSE], real[TABLES]]) if f["rule"] == "CODE_NAME_MISMATCH"] == []
    misnamed = with_text(real[PROSE], {"一般行政管理事务（项）支出12081.46": "一般行政事务管理（项）支出12081.46"})
    (f,) = [f for f in check_publication([misnamed, real[TABLES]]) if f["rule"] == "CODE_NAME_MISMATCH"]
    assert f["severity"] == "info" and "一般行政管理事务" in f["message"] and f["doc_id"] == misnamed["documents"][0]["doc_id"]


# ------------------------------------------------------------ VALUE_OUT_OF_RANGE: a negative amount

def test_a_negative_amount_in_the_tables_is_a_warning(real):
    """委办公厅 2018 公开表: its 公务接待费 (27.00) printed as −27.00; untouched, the tables have no negative."""
    def negatives(tables: dict[str, list[dict]]) -> list[tuple[str, float]]:
        found = run_rules({k: v for k, v in tables.items() if k != "findings"}, only=["VALUE_OUT_OF_RANGE"])
        return [(f["row_label"] or f["indicator"], f["observed"]) for f in found]

    assert negatives(real[TABLES]) == []
    three = [r for r in real[TABLES]["amounts"] if r["table_family"] == "three_public" and r["value"] == 27.0]
    assert three, "the 三公 table's 公务接待费 cell"
    changed = {**real[TABLES], "amounts": [{**r, "value": -27.0} if r is three[0] else r for r in real[TABLES]["amounts"]]}
    ((label, value),) = negatives(changed)
    assert value == -27.0 and "公务接待" in label
    # a balance column may be negative
    balance = {**real[TABLES], "amounts": [{**r, "value": -27.0, "column_role": "balance"} if r is three[0] else r
                                           for r in real[TABLES]["amounts"]]}
    assert negatives(balance) == []


# ------------------------------------------------------------ README: the 15 rules, each one that runs

def test_readme_lists_the_15_rules_of_budget_rules_md_and_each_code_runs():
    import re

    from jixiao.validate.base import RULES, load_rules

    load_rules()
    root = Path(__file__).resolve().parents[1]
    rows = re.findall(r"^\| (\d+) \| ([A-Z_, ()a-z]+?) \| .+? \| .+? \|$", (root / "README.md").read_text("utf-8"), re.M)
    listed = {int(n): set(re.findall(r"[A-Z][A-Z_]+", code)) for n, code in rows}
    assert sorted(listed) == list(range(1, 16))
    for n, codes in listed.items():
        assert codes and codes <= set(RULES), (n, codes - set(RULES))  # every listed code has a registered rule
    spec = REAL.parent / "BUDGET_RULES.md"
    if spec.exists():  # the specification's code for each numbered rule is the README's
        for n, code in re.findall(r"^(\d+)\. \*\*([A-Z_]+)", spec.read_text("utf-8"), re.M):
            assert code in listed[int(n)], (n, code)


# ------------------------------------------------------------ report.html: a publication, table by table

def test_the_report_shows_a_publication_table_by_table(real, tmp_path, chromium_console):
    """The 委办公厅 pair with a 说明 figure and a 三公 cell changed: report.html lists the pair's 12 tables,
    and each finding sits under the table it is about (the 说明's NARRATIVE_MISMATCH under the table of
    the cell it was compared with)."""
    import re

    from jixiao.pipeline import check_publication
    from jixiao.report.findings import render, write_report

    prose = with_text(real[PROSE], {"行政运行（项）支出8072.29万元": "行政运行（项）支出8027.29万元"})
    cell = next(r for r in real[TABLES]["amounts"] if r["table_family"] == "three_public" and r["value"] == 27.0)
    tables = {**real[TABLES], "amounts": [{**r, "value": -27.0} if r is cell else r for r in real[TABLES]["amounts"]]}
    found = [*check_publication([prose, tables]),
             *run_rules({k: v for k, v in tables.items() if k != "findings"}, only=["VALUE_OUT_OF_RANGE"])]
    for i, f in enumerate(found, start=1):
        f["finding_id"] = f"{f['doc_id']}-F{i}"
    frames = {name: [*prose.get(name, []), *tables.get(name, [])] for name in
              ("documents", "forms", "amounts", "narrative", "facts")}
    frames["findings"] = found
    html = render(frames)
    section = html[html.index("id='publications'"):html.index("按文件和表")]
    titles = [f["title"] for f in real[TABLES]["forms"] if f["form_type"] == "budget_summary"]
    assert len(titles) == 12 and all(t in section for t in titles)
    assert section.count("✓ 无问题") == 10  # the two tables with a finding are not marked clean
    parts = re.split(r"<h4 id='[^']+'>", section)[1:]
    by_table = {p.split("</h4>")[0]: p for p in parts}
    narrative = next(f for f in found if f["rule"] == "NARRATIVE_MISMATCH")
    named = next(t for t in titles if f"“{t} > 行政运行" in narrative["message"])
    assert "NARRATIVE_MISMATCH" in by_table[named] and "8027.29" in by_table[named]
    three = next(t for t in titles if "三公" in t)
    assert "VALUE_OUT_OF_RANGE" in by_table[three]
    page = tmp_path / "report.html"
    page.write_text(html, encoding="utf-8")
    assert chromium_console(page, tmp_path) == []
    assert write_report(tmp_path / "out", frames, pictures=False).exists()


# ------------------------------------------------------------ every rule on the real pair, one figure changed

def set_cell(tables: dict[str, list[dict]], family: str, item: str, value: float | None = None,
             code: str | None = None, name: str | None = None) -> dict[str, list[dict]]:
    """The file's rows with the first cell of this table family and row (and code) given a new value or name."""
    rows = tables["amounts"]
    i = next(i for i, r in enumerate(rows) if r["table_family"] == family and r["item"] == item
             and (code is None or r.get("code") == code))
    new = {**rows[i], **({"value": value} if value is not None else {}), **({"item": name} if name else {})}
    return {**tables, "amounts": [*rows[:i], new, *rows[i + 1:]]}


def without(tables: dict[str, list[dict]], family: str) -> dict[str, list[dict]]:
    forms = {r["form_id"] for r in tables["amounts"] if r["table_family"] == family}
    return {**tables, "amounts": [r for r in tables["amounts"] if r["form_id"] not in forms],
            "forms": [f for f in tables["forms"] if f["form_id"] not in forms]}


PROSE_CHANGES = {  # rule -> (the 说明's words, as changed)
    "NARRATIVE_MISMATCH": ("基本支出预算数为10403.11万元", "基本支出预算数为10430.11万元"),
    "MAGNITUDE_MISMATCH": ("基本支出预算数为10403.11万元", "基本支出预算数为104031100万元"),
    "COMPARISON_MISMATCH": ("公务用车购置预算支出0万元，与上年预算数一致", "公务用车购置预算支出0万元，比上年增加5万元"),
    "YEAR_MISMATCH": ("第三部分 2018年度部门预算情况说明", "第三部分 2017年度部门预算情况说明"),
    "RATE_MISMATCH": ("增长32.18%", "增长23.18%"),
    "TEMPLATE_LEFTOVER": ("培训费预算支出30万元", "培训费预算支出万元"),
    "TYPO": ("主要原因是人员经费政策性调整。", "主要原因是人员经费政策性调整。。"),
}
TABLE_CHANGES = {  # case -> (rule, the 公开表 changed)
    "SUM_MISMATCH by level": ("SUM_MISMATCH", lambda t: set_cell(t, "fiscal_expenditure", "行政运行", 8072.92, "2013101")),
    "SUM_MISMATCH 三公": ("SUM_MISMATCH", lambda t: set_cell(t, "three_public", "公务接待费", 28.0)),
    "BALANCE_MISMATCH": ("BALANCE_MISMATCH", lambda t: set_cell(t, "summary", "支出合计", 24458.34)),
    "CROSS_TABLE_MISMATCH": ("CROSS_TABLE_MISMATCH", lambda t: set_cell(t, "income", "收入总计", 24485.43)),
    "CODE_NAME_MISMATCH": ("CODE_NAME_MISMATCH",
                           lambda t: set_cell(t, "general_expenditure", "行政运行", code="2013101", name="机关服务")),
    "MISSING_TABLE": ("MISSING_TABLE", lambda t: without(t, "three_public")),
    "VALUE_OUT_OF_RANGE": ("VALUE_OUT_OF_RANGE", lambda t: set_cell(t, "three_public", "公务接待费", -27.0)),
}


def pair_findings(prose: dict[str, list[dict]], tables: dict[str, list[dict]]) -> set[tuple[str, str, str]]:
    """(rule, severity, location) of every finding over the pair as `jixiao validate` reads a folder."""
    both = {name: [*prose.get(name, []), *tables.get(name, [])] for name in {*prose, *tables} - {"findings"}}
    return {(f["rule"], f["severity"], f["location"]) for f in run_rules(both)}


@pytest.fixture(scope="module")
def untouched(real) -> set[tuple[str, str, str]]:
    return pair_findings(real[PROSE], real[TABLES])


def test_the_untouched_real_pair_raises_no_error_or_warning(untouched):
    assert {f for f in untouched if f[1] != "info"} == set()


@pytest.mark.parametrize("rule", sorted(PROSE_CHANGES))
def test_each_prose_rule_fires_on_the_real_说明_with_one_figure_or_word_changed(real, untouched, rule):
    old, new = PROSE_CHANGES[rule]
    assert any(old in r["text"] for r in real[PROSE]["narrative"]), old
    added = pair_findings(with_text(real[PROSE], {old: new}), real[TABLES]) - untouched
    assert rule in {f[0] for f in added}, added


@pytest.mark.parametrize("case", sorted(TABLE_CHANGES))
def test_each_table_rule_fires_on_the_real_公开表_with_one_cell_changed(real, untouched, case):
    rule, change = TABLE_CHANGES[case]
    added = pair_findings(real[PROSE], change(real[TABLES])) - untouched
    assert rule in {f[0] for f in added if f[1] != "info"}, added


def test_a_款_written_as_a_类_under_a_类_heading_is_a_warning(real):
    """人大 2019 pp13–14: “（二）社会保障和就业（类） 1．行政事业单位离退休（类）未归口管理的行政单位离退 | 休支出（项）…”
    and “（三）住房保障支出（类） 1．住房改革支出（类）住房公积金（项）…”. The 委办公厅 说明 writes （款）: silent,
    until one is written （类）; a 类 named again under its own heading (一般公共服务支出（类）行政运行（项）) is no slip."""
    def slips(tables: dict[str, list[dict]]) -> list[tuple[str, int]]:
        found = run_rules({k: v for k, v in tables.items() if k != "findings"}, only=["CODE_NAME_MISMATCH"])
        return [(f["row_label"], f["page"]) for f in found if f["severity"] == "warning"]

    assert slips(real[NPC]) == [("行政事业单位离退休", 13), ("住房改革", 14)]
    assert slips(real[PROSE]) == []
    assert slips(with_text(real[PROSE], {"住房改革支出（款）住房公积金（项）": "住房改革支出（类）住房公积金（项）"})) == \
        [("住房改革", 9)]  # PDF page 9
    assert slips(with_text(real[PROSE], {"党委办公厅（室）及相关机构事务（款）行政运行（项）":
                                         "一般公共服务支出（类）行政运行（项）"})) == []
