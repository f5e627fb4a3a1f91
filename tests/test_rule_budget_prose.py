"""The rules that read the words of a 预算/决算公开: template leftovers, typos, years, comparisons, rates.

Synthetic sentences pin what each rule fires on and, as carefully, what it must leave alone
(the “Not:” cases of BUDGET_RULES.md). The real Jiangsu, Shanghai and Henan files pin the
findings a person confirmed by reading the PDF (see /work/notes/prose-findings.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.normalize.facts import extract_facts
from jixiao.validate.base import run_rules

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "real"
CODES = ("TEMPLATE_LEFTOVER", "TYPO", "YEAR_MISMATCH", "COMPARISON_MISMATCH", "RATE_MISMATCH", "VALUE_OUT_OF_RANGE")

HEADINGS_2019 = ["江苏省某某厅2019年度部门预算公开", "第一部分 部门概况", "第二部分 2019年度部门预算表",
                 "第三部分 2019年度部门预算情况说明", "一、2019年度收支预算总表"]
HEADINGS_2022_FINAL = ["某某局2022年度部门决算", "第一部分 2022年度部门决算表", "一、2022年度收入支出决算总表",
                       "第二部分 2022年度部门决算情况说明", "二、2022年度收入决算表"]


def run(*texts: str, headings: list[str] | None = None, page: int = 3, code: str | None = None,
        amounts: list[dict] | None = None) -> list[dict]:
    rows = [{"doc_id": "d", "seq": i + 1, "section": "", "text": h, "page": 1} for i, h in enumerate(headings or [])]
    rows += [{"doc_id": "d", "seq": len(rows) + i + 1, "section": "说明", "text": t, "page": page}
             for i, t in enumerate(texts)]
    tables = {"narrative": rows, "facts": extract_facts(rows), "amounts": amounts or []}
    found = run_rules(tables, only=[code] if code else list(CODES))
    return [f for f in found if f["table"] == "narrative"]


# ------------------------------------------------------------ TEMPLATE_LEFTOVER

def test_placeholders_left_from_the_template_are_warnings():
    (f,) = run("XX局2019年度收入预算总计1234.5万元，其中财政拨款1234.5万元。", code="TEMPLATE_LEFTOVER")
    assert f["severity"] == "warning" and "XX" in f["message"] and f["page"] == 3
    for text in ("本单位共有车辆××辆，其中一般公务用车3辆。", "{单位名称}2019年度支出预算100万元。",
                 "本部门主要职能是：待填写，具体以批复为准。"):
        assert [f["rule"] for f in run(text, code="TEMPLATE_LEFTOVER")] == ["TEMPLATE_LEFTOVER"], text


def test_alternatives_left_unchosen_are_info_beside_a_zero_and_warnings_otherwise():
    (f,) = run("政府性基金收入预算0万元，与上年相比增加（减少）0万元。", code="TEMPLATE_LEFTOVER")
    assert f["severity"] == "info" and "增加(减少)" in f["message"]
    (f,) = run("项目支出预算数为300万元，与上年相比增加（减少）12.5万元。", code="TEMPLATE_LEFTOVER")
    assert f["severity"] == "warning"
    (f,) = run("公务接待费预算支出20万元，比上年预算减少2万元，下降（增长）9.09%。", code="TEMPLATE_LEFTOVER")
    assert f["severity"] == "warning" and "下降(增长)" in f["message"]


def test_a_money_slot_without_its_figure_is_a_warning():
    (f,) = run("某某厅2019年政府性基金支出预算支出万元。与上年相比无变化。", code="TEMPLATE_LEFTOVER")
    assert f["severity"] == "warning" and "支出万元" in f["message"]
    assert run("三公经费支出预算为万元，主要用于公务接待。", code="TEMPLATE_LEFTOVER")[0]["severity"] == "warning"


def test_units_and_prices_are_no_empty_slots():
    assert run("本表金额单位为万元，下同，以上数据来自部门预算批复。",
               "本部门共有车辆54辆，单价20万元（含）以上的设备69台（套）。",
               "项目总投资达数百万元，资金来源为财政拨款。", code="TEMPLATE_LEFTOVER") == []


def test_a_filling_instruction_left_in_the_text_is_a_warning_but_a_cited_approval_is_not():
    (f,) = run("（一）人员经费5312.01万元。主要包括：基本工资、津贴补贴。（按“部门预算公开06表 财政拨款基本支出预算表”中实际发生经济分类支出事项填写）",
               code="TEMPLATE_LEFTOVER")
    assert f["severity"] == "warning" and "填写" in f["message"]
    assert run("本表反映部门年度总体收支预算情况。根据《江苏省财政厅关于2019年省级部门预算的批复》（苏财预〔2019〕7号）填列。",
               code="TEMPLATE_LEFTOVER") == []


def test_one_finding_per_page_and_pattern():
    found = run("政府性基金收入预算0万元，与上年相比增加（减少）0万元。",
                "其他资金收入预算总计0万元，与上年相比增加（减少）0万元。", code="TEMPLATE_LEFTOVER")
    assert len(found) == 1


def test_a_sentence_broken_by_a_page_is_read_whole():
    rows = [{"doc_id": "d", "seq": 1, "section": "s", "page": 9, "text": "4．上年结转资金预算数为0万元。与上年相比增加（减少）"},
            {"doc_id": "d", "seq": 2, "section": "s", "page": 10, "text": "0万元，增长（减少）0%。主要原因是本部门无此项收入。"}]
    found = run_rules({"narrative": rows}, only=["TEMPLATE_LEFTOVER"])
    assert sorted((f["row_label"], f["severity"], f["page"]) for f in found) == [
        ("增加(减少)", "info", 9), ("增长(减少)", "info", 10)]


def test_a_blank_template_is_one_finding():
    texts = [f"XX单位{n}、XX年度XX支出预算XX万元，与上年相比增加（减少）XX万元，增长（减少）XX%。" for n in range(12)]
    (f,) = run(*texts, code="TEMPLATE_LEFTOVER")
    assert f["severity"] == "warning" and "模板" in f["message"] and f["observed"] >= 12
    # the same placeholders in a document whose tables hold figures are reported one by one
    tables = [{"doc_id": "d", "value": 1234.5, "item": "合计"}]
    assert len(run(*texts, code="TEMPLATE_LEFTOVER", amounts=tables)) > 1


# ------------------------------------------------------------ TYPO

def test_doubled_punctuation_and_words_are_info():
    found = run("本部门2019年收入预算100万元。。支出预算100万元，，均为财政拨款；；无其他收入。",
                "编制部门预算预算时坚持统筹兼顾、、勤俭节约的原则。", code="TYPO")
    assert {f["row_label"] for f in found} == {"。。", ",,", ";;", "、、", "预算预算"}
    assert all(f["severity"] == "info" for f in found)


def test_no_typo_in_ellipses_names_chart_labels_or_table_rows():
    assert run("主要用于办公费、水费、电费……等支出，保障机关正常运转。",
               "制定了《河南省职业技能竞赛竞赛信息联络员工作细则》等制度，规范了赛事管理。",
               "项目支出, 34.20% 基本支出, 55.98%", "预留机动经费,,", "常常开展调研，人人参与，做到了清清楚楚。",
               code="TYPO") == []


def test_a_rate_without_its_percent_sign():
    (f,) = run("5．法院（款）案件执行（项）支出950万元，与上年相比减少100万元，减少9.52，主要原因是压减了经费。", code="TYPO")
    assert f["severity"] == "info" and f["observed"] == 9.52 and "9.52" in f["message"]
    assert run("本年新增编制2人，增加2.5，达到规定标准，完成了任务。", code="TYPO") == []  # no change in money before it


# ------------------------------------------------------------ YEAR_MISMATCH

def test_a_heading_with_last_years_year_is_a_warning():
    heads = [*HEADINGS_2019, "第四部分 2018年度部门预算情况说明"]
    (f,) = run("收入预算总计100万元。", headings=heads, code="YEAR_MISMATCH")
    assert f["severity"] == "warning" and f["observed"] == 2018 and f["expected"] == 2019
    assert "2018年度部门预算情况说明" in f["location"]


def test_years_that_are_no_heading_year_are_left_alone():
    heads = [*HEADINGS_2019, "（一）2018年度预算执行情况", "四、2018-2020年财政规划"]
    assert run("2019年收入预算总计2064.25万元，与2018年相比增加100万元。",
               "依据苏财预[2018]82号《关于编制省级2019年部门预算和2019-2021年财政规划的通知》编制。",
               "截至2018年12月31日，本部门共有车辆5辆。", "采购品目名称根据（财库[2013]189号）规定品目名称填写。",
               headings=heads, code="YEAR_MISMATCH") == []


def test_the_compilation_scope_with_another_year_is_a_warning():
    (f,) = run("从预算单位构成看，纳入本部门2018年部门汇总预算编制范围的预算单位共计1家。",
               headings=HEADINGS_2019, code="YEAR_MISMATCH")
    assert f["observed"] == 2018 and f["expected"] == 2019
    assert run("从预算单位构成看，纳入本部门2019年部门汇总预算编制范围的预算单位共计1家。",
               headings=HEADINGS_2019, code="YEAR_MISMATCH") == []


def test_a_final_account_dated_at_the_end_of_another_year():
    (f,) = run("截至2021年12月31日，本部门共有车辆5辆，其中一般公务用车3辆。", headings=HEADINGS_2022_FINAL,
               code="YEAR_MISMATCH")
    assert f["observed"] == 2021 and f["expected"] == 2022
    assert run("截至2022年12月31日，本部门共有车辆5辆。", headings=HEADINGS_2022_FINAL, code="YEAR_MISMATCH") == []


def test_no_year_finding_without_a_clear_fiscal_year():
    assert run("第三部分 2018年度部门预算情况说明", code="YEAR_MISMATCH") == []


# ------------------------------------------------------------ COMPARISON_MISMATCH

def test_decision_words_against_budget_and_final_figures():
    (f,) = run("一般公共服务（类）行政运行（项）年初预算为100.00万元，支出决算为90.00万元，完成年初预算的90%。"
               "决算数大于年初预算数的主要原因是人员增加。", code="COMPARISON_MISMATCH")
    assert f["severity"] == "error" and f["expected"] == 100 and f["observed"] == 90 and "大于" in f["message"]
    assert run("行政运行（项）年初预算为100.00万元，支出决算为120.00万元，完成年初预算的120%。"
               "决算数大于年初预算数的主要原因是人员增加。", code="COMPARISON_MISMATCH") == []
    (f,) = run("年初预算为100万元，支出决算为130万元，决算数小于预算数的主要原因是压减开支。", code="COMPARISON_MISMATCH")
    assert f["observed"] == 130


def test_equal_and_about_equal():
    assert run("年初预算为100.00万元，支出决算为100.00万元，决算数与年初预算数持平。", code="COMPARISON_MISMATCH") == []
    assert run("年初预算为100万元，支出决算为100.8万元，决算数与年初预算数基本持平。", code="COMPARISON_MISMATCH") == []
    assert len(run("年初预算为100万元，支出决算为103万元，决算数与年初预算数基本持平。", code="COMPARISON_MISMATCH")) == 1
    assert len(run("年初预算为100万元，支出决算为100.8万元，决算数等于年初预算数。", code="COMPARISON_MISMATCH")) == 1


def test_each_item_is_compared_with_its_own_figures():
    assert run("行政运行（项）年初预算为100万元，支出决算为120万元，决算数大于年初预算数的主要原因是增人。"
               "机关服务（项）年初预算为200万元，支出决算为150万元，决算数小于年初预算数的主要原因是节约。",
               code="COMPARISON_MISMATCH") == []


def test_the_budget_the_words_name_is_the_one_compared():
    text = ("年初预算为100万元，调整预算为150万元，支出决算为120万元，完成年初预算的120%。"
            "决算数大于年初预算数的主要原因是追加了项目。")
    assert run(text, code="COMPARISON_MISMATCH") == []
    assert len(run(text.replace("大于年初", "大于调整"), code="COMPARISON_MISMATCH")) == 1


def test_more_or_less_than_last_year_against_both_figures():
    (f,) = run("2023年度“三公”经费支出决算为120万元，比上年决算数100万元减少20万元。", code="COMPARISON_MISMATCH")
    assert f["severity"] == "error" and f["observed"] == 120 and f["expected"] == 100
    assert run("2023年度“三公”经费支出决算为80万元，比上年决算数100万元减少20万元。", code="COMPARISON_MISMATCH") == []
    (f,) = run("本年支出决算90万元，上年支出决算为100万元，与上年相比增加10万元。", code="COMPARISON_MISMATCH")
    assert f["observed"] == 90
    # another item's last year, and 上年结转, are no last year's figure of this one
    assert run("本年收入120万元，上年收入为100万元；本年支出80万元，比上年减少20万元。", code="COMPARISON_MISMATCH") == []
    assert run("本年收入120万元，上年结转为100万元，与上年相比减少5万元。", code="COMPARISON_MISMATCH") == []


def test_a_completion_rate_of_a_zero_budget():
    (f,) = run("年初预算为0万元，支出决算为5万元，完成年初预算的100%。", code="COMPARISON_MISMATCH")
    assert f["severity"] == "error" and f["observed"] == 100
    assert run("年初预算为0万元，支出决算为0万元，完成年初预算的0%。", code="COMPARISON_MISMATCH") == []


def test_both_ways_and_a_zero_that_grew():
    (f,) = run("公务接待费支出决算为5万元，与上年相比增加持平。", code="COMPARISON_MISMATCH")
    assert "增加持平" in f["message"]
    (f,) = run("政府性基金预算支出为0万元，比上年增加12万元。", code="COMPARISON_MISMATCH")
    assert f["observed"] == 12
    assert run("政府性基金收入预算0万元，与上年相比增加（减少）0万元。",
               "财政专户管理资金收入预算总计0万元。与上年相比减少147.20万元，减少100%。",
               "基本养老保险缴费（项）支出743.39万元，与上年相比增加743.39万元。", code="COMPARISON_MISMATCH") == []


# ------------------------------------------------------------ RATE_MISMATCH

def test_completion_rate_is_final_over_budget():
    (f,) = run("年初预算为200万元，支出决算为150万元，完成年初预算的80%。", code="RATE_MISMATCH")
    assert f["severity"] == "error" and f["expected"] == 75 and f["observed"] == 80
    assert run("年初预算为200万元，支出决算为150万元，完成年初预算的75%。", code="RATE_MISMATCH") == []
    (f,) = run("年初预算为3000.00万元，支出决算为2000.00万元，完成年初预算的66.66%。", code="RATE_MISMATCH")
    assert f["severity"] == "info"  # 66.666… cut off, not rounded
    (f,) = run("年初预算为150万元，支出决算为200万元，完成年初预算的75%。", code="RATE_MISMATCH")
    assert "预算÷决算" in f["message"]


def test_change_rates_in_more_wordings():
    (f,) = run("项目支出500万元，比上年增加100万元，增幅20%。", code="RATE_MISMATCH")
    assert f["expected"] == 25 and f["observed"] == 20 and "本年数" in f["message"]
    assert run("项目支出500万元，比上年增加100万元，增幅25%。", code="RATE_MISMATCH") == []
    assert run("公用经费300万元，较上年减少100万元，降幅25%。", code="RATE_MISMATCH") == []
    (f,) = run("公用经费300万元，较上年减少100万元，同比下降20%。", code="RATE_MISMATCH")
    assert f["expected"] == 25


def test_a_rate_in_the_sentence_after_its_change():
    (f,) = run("项目支出500万元，比上年增加100万元。增长20%。", code="RATE_MISMATCH")
    assert f["expected"] == 25


def test_a_change_against_a_named_year_counts_only_when_it_is_last_year():
    heads = ["某某局2025年单位预算", "2025年预算单位财务收支预算总表", "2025年预算单位收入预算总表"]
    (f,) = run("支出预算17,192万元，其中：财政拨款支出预算17,192万元，比2024年预算减少990万元，下降5.5%。",
               headings=heads, code="RATE_MISMATCH")
    assert f["expected"] == pytest.approx(990 / 18182 * 100, abs=1e-3)
    assert run("支出预算17,192万元，比2024年预算减少990万元，下降5.44%。", headings=heads, code="RATE_MISMATCH") == []
    assert run("支出预算17,192万元，比2023年预算减少990万元，下降5.5%。", headings=heads, code="RATE_MISMATCH") == []


def test_the_prose_change_rate_rule_is_not_repeated():
    found = run("2．法院（款）一般行政事务管理（项）支出6049.97万元，与上年相比减少392.92万元，减少5.95%。",
                code="RATE_MISMATCH")
    assert len(found) == 1 and found[0]["observed"] == 5.95


# ------------------------------------------------------------ VALUE_OUT_OF_RANGE

def test_a_share_above_a_hundred_percent():
    (f,) = run("本年支出合计100万元，其中基本支出120万元，占本年支出合计的120%。", code="VALUE_OUT_OF_RANGE")
    assert f["severity"] == "warning" and f["observed"] == 120
    assert run("支出决算112万元，占年初预算的112%。", "基本支出60万元，占本年支出合计的60%。", code="VALUE_OUT_OF_RANGE") == []


# ------------------------------------------------------------ the real files

@pytest.fixture(scope="module")
def real_findings() -> dict[str, list[tuple]]:
    from jixiao.pipeline import process_file

    out = {}
    for path in [*sorted(REAL.glob("*.pdf")), *sorted((REAL / "wild").glob("*.pdf")),
                 *sorted((REAL / "wild").glob("*.md"))]:
        result = process_file(path, REAL)
        out[path.name] = sorted((f["rule"], f["severity"], f["page"], f["row_label"])
                                for f in result.tables["findings"] if f["rule"] in CODES)
    return out


def test_real_files_raise_only_the_findings_a_reader_confirmed(real_findings):
    """Each read off the PDF or Markdown (pdftotext -layout); verdicts in /work/notes/prose-findings.md."""
    assert real_findings == {
        "江苏省人大常委会2019年度部门预算公开.pdf": sorted([
            # a 2019 budget says its compilation scope is the 2018 budget
            ("YEAR_MISMATCH", "warning", 5, "纳入本部门2018年部门汇总预算编制范围"),
            # 与上年相比增加（减少）0万元，增长（减少）0%: both alternatives left, beside a 0
            ("TEMPLATE_LEFTOVER", "info", 9, "增加(减少)"), ("TEMPLATE_LEFTOVER", "info", 9, "增长(减少)"),
            ("TEMPLATE_LEFTOVER", "info", 10, "增长(减少)"),
            ("TEMPLATE_LEFTOVER", "info", 16, "增加(减少)"), ("TEMPLATE_LEFTOVER", "info", 16, "增长(减少)"),
            # “…2019年政府性基金支出预算支出万元。”: the figure is missing
            ("TEMPLATE_LEFTOVER", "warning", 16, "支出万元"),
        ]),
        "江苏省委办公厅2018年度部门预算公开文件.pdf": [],
        "江苏省委办公厅2018年度部门预算公开表.pdf": [],
        "江苏省政协办公厅2019年度部门预算.pdf": sorted([
            # （按“部门预算公开06表 …”中实际发生经济分类支出事项填写） left under 人员经费 and 公用经费
            ("TEMPLATE_LEFTOVER", "warning", 14, "(按“部门预算公开06表财政拨款基本支出预算表”中实际发生经济分类支出事项填写)"),
            ("TEMPLATE_LEFTOVER", "warning", 15, "(按“部门预算公开08表财政拨款基本支出预算表”中实际发生经济分类支出事项填写)"),
        ]),
        "江苏省政协办公厅2019年预算公开表.pdf": [],
        "省法院2018年度部门预算公开.pdf": sorted([
            ("RATE_MISMATCH", "error", 19, "减少"),  # the prose change-rate rule's, not repeated
            ("TYPO", "info", 20, ",减少9.52"),  # 与上年相比减少100万元，减少9.52，
        ]),
        "上海市财政局2025年单位预算.pdf": [],
        "河南_职业技能竞赛经费项目绩效评价报告.md": [("TYPO", "info", None, ",;")],  # 不够清晰，；该指标得1.00分
    }
