"""The table side of a 预算/决算公开: the 说明 against its tables, one publication in one or two files.

Synthetic tables are read by the real table-reading model (amounts_from_rows) and the prose by
the real facts extractor, so each case goes through what a converted file goes through. The
real Jiangsu pairs (委办公厅2018 公开文件 + 公开表, 政协办公厅2019 预算 + 公开表) agree figure by
figure (/work/notes/real-findings.md, wild-truth.md): no finding may come out of them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.normalize.amounts import amounts_from_rows
from jixiao.normalize.fact_concepts import basis_of, concept_of
from jixiao.normalize.facts import extract_facts
from jixiao.validate.base import run_rules

REAL = next(p for p in (Path(__file__).resolve().parents[1].parent / "shared" / "real", Path("/work/shared/real"))
            if p.exists())
TABLE_RULES = ("NARRATIVE_MISMATCH", "MAGNITUDE_MISMATCH", "BALANCE_MISMATCH", "CROSS_TABLE_MISMATCH",
               "MISSING_TABLE", "CODE_NAME_MISMATCH", "SUM_MISMATCH", "EXECUTION_OVER_BUDGET")

SPENDING = [["单位：万元"], ["合计", "基本支出", "项目支出"], ["1,000.00", "600.00", "400.00"]]
THREE_PUBLIC = [["单位：万元"], ["合计", "因公出国（境）费", "公务用车购置及运行费", "公务用车购置及运行费", "公务用车购置及运行费",
                                  "公务接待费"],  # merged cells filled, as a PDF grid gives them
                ["合计", "因公出国（境）费", "小计", "公务用车购置费", "公务用车运行维护费", "公务接待费"],
                ["60.00", "10.00", "30.00", "", "30.00", "20.00"]]


def publication(*sentences: str, tables: list[tuple[str, list[list[str]]]] | None = None, year: int = 2019,
                doc: str = "d", table_doc: str | None = None, unit: str = "某某厅", kind: str = "预算") -> dict[str, list[dict]]:
    """Rows of one (or, with table_doc, two) converted files: a 说明 and its tables."""
    heads = [f"{unit}{year}年度部门{kind}公开", f"第三部分 {year}年度部门{kind}情况说明"]
    narrative = [{"doc_id": doc, "seq": i + 1, "section": "说明", "text": t, "page": 3}
                 for i, t in enumerate([*heads, *sentences])]
    tdoc = table_doc or doc
    amounts, forms = [], []
    for n, (title, rows) in enumerate(tables or [], start=1):
        fid = f"{tdoc}-{n}"
        amounts += amounts_from_rows(rows, title=title, doc_id=tdoc, form_id=fid, row_pages=[5] * len(rows))
        forms.append({"form_id": fid, "doc_id": tdoc, "form_type": "budget_summary", "title": title})
    docs = [{"doc_id": d, "unit_name": unit, "fiscal_year": year} for d in sorted({doc, tdoc})]
    return {"documents": docs, "narrative": narrative, "facts": extract_facts(narrative), "amounts": amounts,
            "forms": forms}


def findings(tables: dict[str, list[dict]], code: str | None = None) -> list[dict]:
    return [f for f in run_rules(tables, only=list(TABLE_RULES)) if code is None or f["rule"] == code]


# ------------------------------------------------------------ facts: concepts and 口径

def test_a_change_is_never_a_part_whatever_year_it_compares_with():
    """Shanghai 2025 p6: “其中：财政拨款收入17,192万元，比2024年预算减少990万元；事业收入0万元” —
    990 is how much less than 2024, not a fifth part of 收入预算 (two false SUM_MISMATCH before)."""
    rows = [{"doc_id": "d", "seq": 1, "page": 6, "text":
             "2025年,上海市财政局收入预算17,192万元,其中:财政拨款收入17,192万元,比2024年预算减少990万元;"
             "事业收入0万元;事业单位经营收入0万元;其他收入0万元。"},
            {"doc_id": "d", "seq": 2, "page": 6, "text": "基本支出100万元，较上年减少5万元；项目支出20万元，同比增加2万元。"}]
    facts = extract_facts(rows)
    by_value = {f["value"]: f for f in facts}
    assert by_value[990.0]["relation"] == "change_down" and by_value[990.0]["parts_of"] == by_value[17192.0]["seq"]
    assert by_value[5.0]["relation"] == "change_down" and by_value[2.0]["relation"] == "change_up"
    parts = [f["value"] for f in facts if f["relation"] == "part" and f["parts_of"] == 1]
    assert parts == [17192.0, 0.0, 0.0, 0.0]
    assert [f for f in run_rules({"facts": facts, "narrative": rows}, only=["SUM_MISMATCH"])] == []


def test_prose_labels_name_table_concepts():
    assert concept_of("上海市财政局收入预算") == "income_total"
    assert concept_of("支出预算") == "expenditure_total"
    assert concept_of("支出决算", first_clause=False) is None  # continues an earlier clause's subject
    assert concept_of("事业收入") is None and concept_of("政府性基金收入预算") is None
    assert concept_of("1.财政拨款收入预算") == "fiscal_income"
    assert concept_of("一般公共预算财政拨款基本支出预算") == "basic"
    assert concept_of("一般公共服务(类)支出") == "subject:类:一般公共服务"
    assert concept_of("住房改革支出(款)住房公积金(项)支出") == "subject:项:住房公积金@住房改革"
    assert concept_of("1.“一般公共服务支出”科目") == "subject:*:一般公共服务"
    assert concept_of("因公出国(境)费预算支出") == "abroad"
    assert concept_of("公务用车购置及运行费支出") == "vehicle"
    assert concept_of("本部门一般公共预算机关运行经费预算支出") == "admin_operating"
    assert concept_of("政府采购支出预算总额") == "procurement"
    assert concept_of("财政拨款支出增加") is None and concept_of("上年相比增加") is None


def test_the_clause_gives_the_figures_basis_and_year():
    assert basis_of("2025年“三公”经费预算数为") == ("budget", 2025)
    assert basis_of("因公出国(境)费支出决算为") == ("final", None)
    assert basis_of("上年预算数为") == ("prior", None)
    assert basis_of("其中基本支出") == (None, None)


# ------------------------------------------------------------ NARRATIVE_MISMATCH

def test_a_prose_figure_that_differs_from_its_cell_is_an_error_naming_both():
    pub = publication("2019年，本部门支出预算1,000.00万元，其中基本支出600.00万元，项目支出450.00万元。",
                      tables=[("支出预算总表", SPENDING)])
    (f,) = findings(pub, "NARRATIVE_MISMATCH")
    assert f["severity"] == "error" and f["observed"] == 450.0 and f["expected"] == 400.0
    assert "项目支出" in f["location"] and "支出预算总表" in f["message"] and "450" in f["message"]


def test_a_prose_figure_equal_to_its_cell_stays_silent_within_rounding():
    table = [["单位：万元"], ["合计", "基本支出", "项目支出"], ["1,000.00", "600.40", "399.60"]]
    pub = publication("本部门支出预算1,000万元，其中基本支出600万元，项目支出400万元。",
                      tables=[("支出预算总表", table)])
    assert findings(pub, "NARRATIVE_MISMATCH") == []


def test_last_years_and_other_years_figures_and_changes_are_not_compared():
    pub = publication("上年项目支出预算为450万元。",
                      "2018年项目支出预算为450万元。",
                      "项目支出预算400万元，比2018年预算增加50万元。",
                      tables=[("支出预算总表", SPENDING)])
    assert findings(pub, "NARRATIVE_MISMATCH") == []


def test_three_public_items_are_compared_with_their_columns():
    pub = publication("2019年“三公”经费预算数为60万元。其中：因公出国（境）费10万元，公务用车购置及运行费30万元，"
                      "公务接待费25万元。", tables=[("“三公”经费支出预算表", THREE_PUBLIC)])
    (f,) = findings(pub, "NARRATIVE_MISMATCH")
    assert f["observed"] == 25.0 and f["expected"] == 20.0 and "公务接待费" in f["message"]


def test_a_figure_off_by_ten_thousand_is_a_magnitude_mismatch():
    pub = publication("本部门支出预算10,000,000元。", "其中项目支出预算为0.04万元。",
                      tables=[("支出预算总表", SPENDING)])
    (f,) = findings(pub, "MAGNITUDE_MISMATCH")
    assert f["observed"] == 0.04 and f["expected"] == 400.0
    assert findings(pub, "NARRATIVE_MISMATCH") == []


def test_a_publication_of_two_files_is_checked_across_them():
    """A …公开文件 (说明 only) and its …公开表 of the same unit and year are one publication."""
    from jixiao.pipeline import check_publication

    pub = publication("2019年，本部门支出预算1,000.00万元，其中基本支出600.00万元，项目支出450.00万元。",
                      tables=[("支出预算总表", SPENDING)], doc="prose", table_doc="tables")
    files = [{name: [r for r in rows if r.get("doc_id") == d] for name, rows in pub.items()} for d in ("prose", "tables")]
    (f,) = check_publication(files)
    assert f["rule"] == "NARRATIVE_MISMATCH" and f["doc_id"] == "prose" and f["observed"] == 450.0
    # each file alone: nothing to compare
    assert all(findings(one, "NARRATIVE_MISMATCH") == [] for one in files)
    # another unit's tables are no pair
    other = {**files[1], "documents": [{**files[1]["documents"][0], "unit_name": "另一厅"}]}
    assert check_publication([files[0], other]) == []


# ------------------------------------------------------------ the real files

@pytest.fixture(scope="module")
def real() -> dict[str, dict[str, list[dict]]]:
    from jixiao.pipeline import process_file

    names = ["江苏省委办公厅2018年度部门预算公开文件.pdf", "江苏省委办公厅2018年度部门预算公开表.pdf",
             "江苏省政协办公厅2019年度部门预算.pdf", "江苏省政协办公厅2019年预算公开表.pdf",
             "省法院2018年度部门预算公开.pdf", "wild/上海市财政局2025年单位预算.pdf"]
    return {n: process_file(REAL / n, REAL).tables for n in names}


def test_real_jiangsu_pairs_are_one_publication_each_and_agree(real):
    from jixiao.pipeline import check_publication, publication_key
    from jixiao.validate.publication import pair_groups

    keys = {t["documents"][0]["doc_id"]: publication_key(t) for t in real.values()}
    names = {t["documents"][0]["doc_id"]: n for n, t in real.items()}
    groups = [sorted(names[d] for d in g) for g in pair_groups(keys)]
    assert sorted(groups) == [
        ["江苏省委办公厅2018年度部门预算公开文件.pdf", "江苏省委办公厅2018年度部门预算公开表.pdf"],
        ["江苏省政协办公厅2019年度部门预算.pdf", "江苏省政协办公厅2019年预算公开表.pdf"],
    ]
    for a, b in (groups[0], groups[1]):
        assert check_publication([real[a], real[b]]) == []


def test_real_files_raise_no_table_finding(real):
    """Every table of these files adds up and every 说明 figure equals its cell (wild-truth.md)."""
    for name, tables in real.items():
        bad = [(f["rule"], f["location"]) for f in tables["findings"]
               if f["rule"] in TABLE_RULES and f["severity"] != "info"]
        assert bad == [], name


def test_real_prose_figures_are_compared_not_skipped(real):
    """The silence above is agreement, not blindness: the concepts of the 说明 meet their cells."""
    from jixiao.validate.base import Context
    from jixiao.validate.publication import publications, tables_of
    from jixiao.validate.rules.narrative import candidates, this_years

    pair = ["江苏省委办公厅2018年度部门预算公开文件.pdf", "江苏省委办公厅2018年度部门预算公开表.pdf"]
    combined: dict[str, list[dict]] = {}
    for n in pair:
        for k, rows in real[n].items():
            combined.setdefault(k, []).extend(rows)
    ctx = Context(combined)
    (pub,) = [p for p in publications(ctx) if p.paired]
    tables = tables_of(ctx, pub.docs)
    compared = {f["concept"] for f in ctx.records("facts")
                if this_years(f, pub) and candidates(f["concept"], tables)}
    assert {"income_total", "expenditure_total", "fiscal_income", "basic", "project", "reserve", "personnel",
            "public", "abroad", "vehicle", "reception", "meeting", "training", "admin_operating", "procurement",
            "subject:类:一般公共服务", "subject:项:住房公积金@住房保障(类)/住房改革(款)"} <= compared


# ------------------------------------------------------------ BALANCE_MISMATCH, CROSS_TABLE_MISMATCH

def summary(income: str, spent: str, basic: str = "60.00", project: str = "40.00") -> list[list[str]]:
    return [["单位：万元"], ["收入", "", "支出", ""], ["项目", "金额", "项目", "金额"],
            ["一、财政拨款", income, "一、基本支出", basic], ["", "", "二、项目支出", project],
            ["收入合计", income, "支出合计", spent]]


def income_table(total: str) -> list[list[str]]:
    return [["单位：万元"], ["项目", "金额"], ["一般公共预算资金", total], ["收入总计", total]]


def test_the_two_sides_of_a_summary_table_must_balance():
    (f,) = findings(publication(tables=[("收支预算总表", summary("100.00", "110.00", "70.00"))]), "BALANCE_MISMATCH")
    assert f["severity"] == "error" and f["observed"] == 110.0 and f["expected"] == 100.0
    assert "支出合计" in f["location"] and "收入合计" in f["message"]
    assert findings(publication(tables=[("收支预算总表", summary("100.00", "100.00"))]), "BALANCE_MISMATCH") == []


def test_one_figure_in_two_tables_must_agree():
    pub = publication(tables=[("收支预算总表", summary("100.00", "100.00")), ("收入预算总表", income_table("90.00"))])
    (f,) = findings(pub, "CROSS_TABLE_MISMATCH")
    assert f["severity"] == "error" and f["observed"] == 90.0 and f["expected"] == 100.0
    assert "收入预算总表" in f["location"] and "收支预算总表" in f["message"]
    pub = publication(tables=[("收支预算总表", summary("100.00", "100.00")), ("收入预算总表", income_table("100.00")),
                              ("支出预算总表", SPENDING[:2] + [["100.00", "60.00", "40.00"]])])
    assert findings(pub) == []


def test_admin_operating_cost_against_public_cost_is_a_warning_unless_explained():
    basic = [["单位：万元"], ["科目编码", "科目名称", "金额"], ["301", "工资福利支出", "50.00"],
             ["30101", "基本工资", "50.00"], ["302", "商品和服务支出", "10.00"], ["30201", "办公费", "10.00"],
             ["", "合计", "60.00"]]
    admin = [["单位：万元"], ["科目编码", "科目名称", "机关运行经费支出"], ["302", "商品和服务支出", "12.00"],
             ["30201", "办公费", "12.00"], ["", "合计", "12.00"]]
    tables = [("一般公共预算基本支出预算表", basic), ("一般公共预算机关运行经费支出预算表", admin)]
    found = [f for f in findings(publication(tables=tables), "CROSS_TABLE_MISMATCH")]
    assert [(f["severity"], f["observed"], f["expected"]) for f in found] == [("warning", 12.0, 10.0)]
    explained = publication("机关运行经费包括行政单位和参照公务员法管理的事业单位使用一般公共预算安排的基本支出中的日常公用经费及相关项目支出。",
                            tables=tables)
    assert findings(explained, "CROSS_TABLE_MISMATCH") == []


# ------------------------------------------------------------ MISSING_TABLE

PROSE = "2019年，本部门支出预算1,000.00万元，其中基本支出600.00万元，项目支出400.00万元。"


def full_set(*skip: str) -> list[tuple[str, list[list[str]]]]:
    basic = [["单位：万元"], ["科目编码", "科目名称", "金额"], ["301", "工资福利支出", "600.00"],
             ["30101", "基本工资", "600.00"], ["", "合计", "600.00"]]
    general = [["单位：万元"], ["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
               ["201", "一般公共服务支出", "1,000.00", "600.00", "400.00"], ["", "合计", "1,000.00", "600.00", "400.00"]]
    fiscal = [["单位：万元"], ["收入", "", "支出", ""], ["项目", "金额", "项目", "金额"],
              ["一、一般公共预算", "1,000.00", "一、基本支出", "600.00"], ["", "", "二、项目支出", "400.00"],
              ["收入合计", "1,000.00", "支出合计", "1,000.00"]]
    tables = [("收支预算总表", summary("1,000.00", "1,000.00", "600.00", "400.00")), ("收入预算总表", income_table("1,000.00")),
              ("支出预算总表", SPENDING), ("财政拨款收支预算总表", fiscal), ("一般公共预算支出预算表", general),
              ("一般公共预算基本支出预算表", basic), ("“三公”经费支出预算表", THREE_PUBLIC)]
    return [t for t in tables if t[0] not in skip]


def test_a_required_table_absent_is_a_warning():
    found = findings(publication(PROSE, tables=full_set("“三公”经费支出预算表")), "MISSING_TABLE")
    assert sorted(f["location"] for f in found) == ["“三公”经费支出表", "政府性基金预算支出表"]
    assert all(f["severity"] == "warning" and f["doc_id"] == "d" for f in found)
    # the 政府性基金 table is missing too, but the 说明 says there is none
    found = findings(publication(PROSE, "本部门无政府性基金预算拨款安排的支出，政府性基金支出预算为0万元。",
                                 tables=full_set()), "MISSING_TABLE")
    assert found == []


def test_an_empty_table_needs_a_note_on_its_page_or_in_the_说明():
    def with_title(*extra: str) -> dict:
        pub = publication(PROSE, tables=full_set())
        lines = ["八、政府性基金支出预算表", "单位：万元", *extra]
        pub["narrative"] += [{"doc_id": "d", "seq": 100 + i, "section": "", "text": t, "page": 9}
                             for i, t in enumerate(lines)]
        return pub

    (f,) = findings(with_title(), "MISSING_TABLE")
    assert f["page"] == 9 and "空表" in f["message"] and "政府性基金" in f["location"]
    assert findings(with_title("注：本部门无政府性基金收支，故本表无数据。"), "MISSING_TABLE") == []


def test_a_blank_template_or_a_report_with_one_table_is_not_accused():
    zero = [("收支预算总表", summary("0.00", "0.00", "0.00", "0.00")), ("收入预算总表", income_table("0.00")),
            ("支出预算总表", SPENDING[:2] + [["0.00", "0.00", "0.00"]])]
    assert findings(publication(PROSE, tables=zero), "MISSING_TABLE") == []
    assert findings(publication(PROSE, tables=[("支出预算总表", SPENDING)]), "MISSING_TABLE") == []


def test_convert_checks_a_公开文件_against_its_公开表(tmp_path):
    """End to end: two files of one unit and year in one batch; the finding lands in the 说明's file."""
    from typer.testing import CliRunner

    from jixiao.cli import app

    src = tmp_path / "in"
    src.mkdir()
    (src / "某某厅2019年度部门预算公开文件.md").write_text(
        "# 江苏省某某厅2019年度部门预算公开\n\n# 第一部分 江苏省某某厅2019年度部门预算情况说明\n\n"
        "2019年，江苏省某某厅支出预算1,000.00万元，其中基本支出600.00万元，项目支出450.00万元。\n\n"
        "第二部分 2019年度部门预算表（2019年部门预算公开表附后）。\n", encoding="utf-8")
    (src / "某某厅2019年度部门预算公开表.md").write_text(
        "# 江苏省某某厅2019年度部门预算公开表\n\n部门：江苏省某某厅\n\n支出预算总表\n\n单位：万元\n\n"
        "| 合计 | 基本支出 | 项目支出 |\n|---|---|---|\n| 1,000.00 | 600.00 | 400.00 |\n", encoding="utf-8")
    out = tmp_path / "out"
    CliRunner().invoke(app, ["convert", str(src), "-o", str(out), "--quiet", "--no-report"])
    import csv

    with open(out / "findings.csv", encoding="utf-8-sig") as fh:
        rows = [r for r in csv.DictReader(fh) if r["rule"] == "NARRATIVE_MISMATCH"]
    (f,) = rows
    assert float(f["observed"]) == 450 and float(f["expected"]) == 400 and "公开表.md" in f["message"]
    with open(out / "documents.csv", encoding="utf-8-sig") as fh:
        docs = {r["source_path"]: r for r in csv.DictReader(fh)}
    assert docs["某某厅2019年度部门预算公开文件.md"]["doc_id"] == f["doc_id"]
    assert int(docs["某某厅2019年度部门预算公开文件.md"]["n_findings"]) >= 1


# ------------------------------------------------------------ CODE_NAME_MISMATCH

def functional(name_of_2010601: str) -> list[list[str]]:
    return [["单位：万元"], ["科目编码", "科目名称", "金额"], ["201", "一般公共服务支出", "100.00"],
            ["20106", "财政事务", "100.00"], ["2010601", name_of_2010601, "100.00"], ["", "合计", "100.00"]]


def test_one_code_with_two_names_in_one_publication_is_a_warning():
    pub = publication(tables=[("财政拨款支出预算表", functional("行政运行")),
                              ("一般公共预算支出预算表", functional("一般行政管理事务"))])
    (f,) = findings(pub, "CODE_NAME_MISMATCH")
    assert f["severity"] == "warning" and "2010601" in f["message"] and "行政运行" in f["message"]
    assert "一般行政管理事务" in f["location"]
    # brackets, spaces and a trailing 支出 are no other name
    pub = publication(tables=[("财政拨款支出预算表", functional("行政运行（机关）")),
                              ("一般公共预算支出预算表", functional("行政运行 (机关) 支出"))])
    assert findings(pub, "CODE_NAME_MISMATCH") == []


# ------------------------------------------------------------ 三公 and rows: SUM_MISMATCH (the table model's level sums, and rows)

def test_three_public_total_and_vehicle_subtotal_are_summed_by_level():
    bad_total = [row[:] for row in THREE_PUBLIC]
    bad_total[3][0] = "65.00"  # 合计 65 ≠ 10 + 30 + 20
    (f,) = findings(publication(tables=[("“三公”经费支出预算表", bad_total)]), "SUM_MISMATCH")
    assert f["observed"] == 65.0 and f["expected"] == 60.0
    bad_vehicle = [row[:] for row in THREE_PUBLIC]
    bad_vehicle[3][3] = "5.00"  # 用车 30 ≠ 购置 5 + 运行 30
    (f,) = findings(publication(tables=[("“三公”经费支出预算表", bad_vehicle)]), "SUM_MISMATCH")
    assert f["observed"] == 30.0 and f["expected"] == 35.0
    assert findings(publication(tables=[("“三公”经费支出预算表", THREE_PUBLIC)])) == []


def test_a_row_whose_合计_is_not_basic_plus_project_is_a_sum_mismatch():
    table = [["单位：万元"], ["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
             ["201", "一般公共服务支出", "1,000.00", "600.00", "450.00"], ["", "合计", "1,000.00", "600.00", "450.00"]]
    found = findings(publication(tables=[("一般公共预算支出预算表", table)]), "SUM_MISMATCH")
    assert found and all(f["observed"] == 1000.0 and f["expected"] == 1050.0 for f in found)


def test_a_note_saying_none_beside_a_table_with_figures_is_a_warning():
    pub = publication(PROSE, tables=full_set())
    three = next(f for f in pub["forms"] if "三公" in f["title"])
    for f in pub["forms"]:
        f["page_start"] = f["page_end"] = 11 if f is three else 5
    pub["narrative"].append({"doc_id": "d", "seq": 99, "section": "", "text": "注：本部门无相关收支项目", "page": 11})
    found = [f for f in findings(pub, "MISSING_TABLE") if "注" in f["message"]]
    (f,) = found
    assert f["page"] == 11 and f["observed"] == 60.0 and "三公" in f["location"]
    pub["narrative"][-1]["page"] = 5  # the page holds several tables: whose note it is, is not clear
    assert [f for f in findings(pub, "MISSING_TABLE") if "注" in f["message"]] == []


# ------------------------------------------------------------ 决算: 预算数 and 决算数 side by side

FINAL_THREE = [["单位：万元"], ["预算数"] * 6 + ["决算数"] * 6,
               ["合计", "因公出国（境）费", "公务用车购置及运行费", "公务用车购置及运行费", "公务用车购置及运行费", "公务接待费"] * 2,
               ["合计", "因公出国（境）费", "小计", "公务用车购置费", "公务用车运行费", "公务接待费"] * 2,
               ["60.00", "10.00", "30.00", "", "30.00", "20.00", "66.00", "12.00", "34.00", "", "34.00", "20.00"]]


def test_a_final_accounts_三公_table_reads_its_预算数_and_决算数_blocks():
    """National T7: the 预算数 block and the 决算数 block repeat the same columns; each sums within its block."""
    title = "一般公共预算财政拨款“三公”经费支出决算表"
    pub = publication("2022年度“三公”经费财政拨款支出决算为66万元，完成预算的110%。其中：因公出国（境）费支出决算为12万元，"
                      "公务接待费支出决算为20万元。", tables=[(title, FINAL_THREE)], year=2022, kind="决算")
    assert {r["item"]: r["measure"] for r in pub["amounts"] if r["is_total"] and not r["item_parent"]} == \
        {"预算数": "budget", "决算数": "final"}
    found = findings(pub)
    assert [f["rule"] for f in found if f["rule"] in ("SUM_MISMATCH", "NARRATIVE_MISMATCH")] == []
    over = sorted((f["row_label"], f["observed"], f["expected"]) for f in found if f["rule"] == "EXECUTION_OVER_BUDGET")
    assert over == sorted([("公务用车购置及运行费", 34.0, 30.0), ("公务用车运行费", 34.0, 30.0), ("因公出国（境）费", 12.0, 10.0),
                           ("决算数", 66.0, 60.0)])
    wrong = publication("2022年度“三公”经费财政拨款支出决算为66万元。其中：因公出国（境）费支出决算为15万元。",
                        tables=[(title, FINAL_THREE)], year=2022, kind="决算")
    (f,) = findings(wrong, "NARRATIVE_MISMATCH")
    assert f["observed"] == 15.0 and f["expected"] == 12.0  # the 决算数, not the 预算数 10


def final_summary(out_total: str, year_end: str) -> list[list[str]]:
    return [["单位：万元"], ["收入", "", "", "支出", "", ""], ["项目", "行次", "金额", "项目", "行次", "金额"],
            ["栏次", "", "1", "栏次", "", "2"],
            ["一、一般公共预算财政拨款收入", "1", "100.00", "一、一般公共服务支出", "32", "90.00"],
            ["二、政府性基金预算财政拨款收入", "2", "", "二、社会保障和就业支出", "33", "20.00"],
            ["本年收入合计", "30", "100.00", "本年支出合计", "60", "110.00"],
            ["使用非财政拨款结余", "31", "", "结余分配", "61", ""],
            ["年初结转和结余", "32", "15.00", "年末结转和结余", "62", year_end],
            ["总计", "33", "115.00", "总计", "63", out_total]]


def test_a_final_accounts_summary_balances_its_总计_and_sums_its_formulas():
    """决算 T1: 总计 = 本年收入合计 + 年初结转和结余 (the table model's sums), 收入总计 = 支出总计 (BALANCE)."""
    ok = publication(tables=[("收入支出决算总表", final_summary("115.00", "5.00"))], year=2022, kind="决算")
    assert findings(ok) == []
    bad = publication(tables=[("收入支出决算总表", final_summary("120.00", "10.00"))], year=2022, kind="决算")
    (f,) = findings(bad, "BALANCE_MISMATCH")
    assert f["observed"] == 120.0 and f["expected"] == 115.0 and findings(bad, "SUM_MISMATCH") == []
    sums = findings(publication(tables=[("收入支出决算总表", final_summary("115.00", "10.00"))], year=2022, kind="决算"),
                    "SUM_MISMATCH")
    assert [(f["observed"], f["expected"]) for f in sums] == [(115.0, 120.0)]


def test_a_项_described_with_another_科目s_purpose_is_a_warning():
    wrong = publication("住房保障支出（类）住房改革支出（款）住房公积金（项）752.90万元，主要用于机关事业单位职工医疗保险缴费。")
    (f,) = findings(wrong, "CODE_NAME_MISMATCH")
    assert f["severity"] == "warning" and "住房公积金" in f["message"] and "医疗" in f["message"]
    right = publication("住房改革支出（款）住房公积金（项）752.90万元，主要用于按规定为职工缴存的住房公积金；"
                        "行政事业单位医疗（款）行政单位医疗（项）100万元，主要用于职工医疗保险缴费。")
    assert findings(right, "CODE_NAME_MISMATCH") == []


def test_a_final_accounts_说明_names_本年_and_总计_figures_of_its_summary():
    pub = publication("2022年度收入总计115.00万元，支出总计115.00万元。2022年度本年收入合计100.00万元，本年支出合计110.00万元。",
                      tables=[("收入支出决算总表", final_summary("115.00", "5.00"))], year=2022, kind="决算")
    assert findings(pub, "NARRATIVE_MISMATCH") == []
    pub = publication("2022年度本年支出合计120.00万元。", tables=[("收入支出决算总表", final_summary("115.00", "5.00"))],
                      year=2022, kind="决算")
    (f,) = findings(pub, "NARRATIVE_MISMATCH")
    assert f["observed"] == 120.0 and f["expected"] == 110.0 and "本年支出合计" in f["message"]


def test_a_final_accounts_fund_column_is_no_budget_column():
    """决算 T4: 合计 | 一般公共预算财政拨款 | 政府性基金预算财政拨款 — the 预算 in a fund's name is no 预算数, so no
    row is 'executed above budget' (合计 102 beside the 一般公共预算 column's 90)."""
    t4 = [["单位：万元"], ["收入", "", "", "支出", "", "", "", ""],
          ["项目", "行次", "金额", "项目", "行次", "合计", "一般公共预算财政拨款", "政府性基金预算财政拨款"],
          ["一、一般公共预算财政拨款", "1", "96.00", "一、一般公共服务支出", "30", "90.00", "90.00", ""],
          ["二、政府性基金预算财政拨款", "2", "14.00", "二、城乡社区支出", "31", "12.00", "", "12.00"],
          ["本年收入合计", "20", "110.00", "本年支出合计", "50", "102.00", "90.00", "12.00"],
          ["年初财政拨款结转和结余", "21", "0.00", "年末财政拨款结转和结余", "51", "8.00", "6.00", "2.00"],
          ["总计", "30", "110.00", "总计", "60", "110.00", "96.00", "14.00"]]
    pub = publication(tables=[("财政拨款收入支出决算总表", t4)], year=2022, kind="决算")
    assert "budget" not in {r["measure"] for r in pub["amounts"]}
    assert [f["rule"] for f in findings(pub) + run_rules(pub, only=["EXECUTION_OVER_BUDGET"])] == []
