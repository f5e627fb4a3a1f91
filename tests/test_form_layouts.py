"""Layouts beyond the seeds: the 2020 national project form, read from a Word-like table."""

from __future__ import annotations

from jixiao.extract.txt import parse_text
from jixiao.model import Document
from jixiao.normalize.interpret import interpret_document

NATIONAL = "\n".join([
    "项目支出绩效自评表",
    "（2021年度）",
    "项目名称\t干部教育培训项目",
    "主管部门\t中共某县委组织部\t实施单位\t某县干部学校",
    "项目资金（万元）\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分",
    "\t年度资金总额\t100\t120\t108\t10\t90%\t9",
    "\t其中：当年财政拨款\t100\t120\t108\t—\t—\t—",
    "\t上年结转资金\t\t\t\t—\t—\t—",
    "年度总体目标\t预期目标\t实际完成情况",
    "\t完成年度培训任务\t完成培训1200人次",
    "绩效指标\t一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施",
    "\t产出指标\t数量指标\t培训人次\t≥1000人次\t1200人次\t25\t25\t",
    "\t\t质量指标\t培训合格率\t≥95%\t96%\t25\t25\t",
    "\t效益指标\t社会效益指标\t干部能力提升\t明显提升\t有所提升\t30\t26\t部分课程效果一般",
    "\t满意度指标\t服务对象满意度指标\t学员满意度\t≥90%\t93%\t10\t10\t",
    "总分\t\t\t\t\t\t100\t95\t",
])


def test_national_project_form():
    doc = Document(blocks=parse_text(NATIONAL), source_format="txt")
    rows = interpret_document(doc, "0" * 16).tables
    (form,) = rows["forms"]
    assert form["form_type"] == "project_self_eval"
    assert form["subject"] == "干部教育培训项目"
    assert form["implementing_unit"] == "某县干部学校"
    assert (form["budget_initial_wan"], form["budget_wan"], form["executed_wan"]) == (100, 120, 108)
    assert form["execution_rate"] == 90
    assert form["total_score"] == 95
    assert form["fiscal_year"] == 2021
    ind = rows["indicators"]
    assert [r["level3"] for r in ind] == ["培训人次", "培训合格率", "干部能力提升", "学员满意度"]
    assert [r["level1"] for r in ind] == ["output", "output", "outcome", "satisfaction"]
    assert [(r["weight"], r["score"]) for r in ind] == [(25, 25), (25, 25), (30, 26), (10, 10)]
    assert ind[0]["target_op"] == ">=" and ind[0]["target_value"] == 1000 and ind[0]["target_unit"] == "人次"
    assert ind[2]["note"] == "部分课程效果一般"
    assert ind[1]["level2_raw"] == "质量指标" and ind[1]["level1_raw"] == "产出指标"


def test_national_funds_block_counts_in_totals():
    """预算执行率 分值 10 / 得分 9 of the 项目资金 block: weights 90 + 10 = 100, scores 86 + 9 = 95."""
    from jixiao.validate.base import run_rules

    doc = Document(blocks=parse_text(NATIONAL), source_format="txt")
    rows = interpret_document(doc, "0" * 16).tables
    (form,) = rows["forms"]
    assert (form["execution_weight"], form["execution_score"]) == (10, 9)
    money = [(a["item"], a["measure"], a["value"], a["is_total"]) for a in rows["amounts"]]
    assert ("年度资金总额", "budget_initial", 100, True) in money
    assert ("其中：当年财政拨款", "executed", 108, False) in money
    findings = run_rules(rows)
    assert not [f for f in findings if f["rule"] in ("SCORE_TOTAL_MISMATCH", "WEIGHT_TOTAL_MISMATCH")]
    assert not [f for f in findings if f["rule"] == "SCORE_RULE_MISMATCH"]  # 90% × 10 = 9


def test_national_block_score_checked_against_rate():
    """A block score that is neither the stated nor the computed 执行率 × 分值 is reported."""
    from jixiao.validate.base import run_rules

    text = NATIONAL.replace("\t年度资金总额\t100\t120\t108\t10\t90%\t9", "\t年度资金总额\t100\t120\t108\t10\t90%\t10")
    text = text.replace("总分\t\t\t\t\t\t100\t95\t", "总分\t\t\t\t\t\t100\t96\t")
    rows = interpret_document(Document(blocks=parse_text(text), source_format="txt"), "0" * 16).tables
    hits = [f for f in run_rules(rows) if f["rule"] == "SCORE_RULE_MISMATCH"]
    assert [(f["expected"], f["observed"]) for f in hits] == [(9.0, 10.0)]


def test_bare_pingfen_header_is_the_score_column():
    text = NATIONAL.replace("分值\t得分\t偏差原因分析及改进措施", "分值\t评分\t偏差原因分析及改进措施")
    rows = interpret_document(Document(blocks=parse_text(text), source_format="txt"), "0" * 16).tables
    assert [r["score"] for r in rows["indicators"]] == [25, 25, 26, 10]


def test_target_table_with_project_header_rows():
    """项目名称 / 主管部门 / 项目资金 rows above an indicator table without actuals or scores: a target table."""
    text = "\n".join([
        "1. 教师培训专项经费绩效目标表",
        "项目名称\t教师培训专项经费",
        "主管部门\t某区教育局",
        "项目资金（万元）\t372.36",
        "绩效目标\t完成教师培训任务。",
        "一级指标\t二级指标\t三级指标\t指标值\t指标值确定依据",
        "产出指标\t数量指标\t培训教师人次\t≥950人次\t往年数据",
        "满意度指标\t满意度指标\t受训教师满意度\t≥90%\t上年数据",
    ])
    rows = interpret_document(Document(blocks=parse_text(text), source_format="txt"), "0" * 16).tables
    (form,) = rows["forms"]
    assert form["form_type"] == "target_table"
    assert (form["subject"], form["budget_wan"], form["goal_text"]) == ("教师培训专项经费", 372.36, "完成教师培训任务。")
    assert len(rows["indicators"]) == 2


def test_scores_above_weights_on_most_rows_doubt_the_reading():
    """Scores above their weights on most rows mean the columns were misread: one LAYOUT_NOT_UNDERSTOOD
    info for the table, no SCORE_OUT_OF_RANGE on each row."""
    from jixiao.validate.base import run_rules

    text = "\n".join(ln.replace("\t25\t25\t", "\t5\t25\t").replace("\t30\t26\t", "\t6\t26\t").replace("\t10\t10\t", "\t2\t10\t")
                     if ln.startswith("\t") else ln for ln in NATIONAL.split("\n"))  # weight and score swapped
    rows = interpret_document(Document(blocks=parse_text(text), source_format="txt"), "0" * 16).tables
    findings = run_rules(rows)
    assert not [f for f in findings if f["rule"] == "SCORE_OUT_OF_RANGE"]
    layout = [f for f in findings if f["rule"] == "LAYOUT_NOT_UNDERSTOOD"]
    assert len(layout) == 1 and layout[0]["severity"] == "info"


def test_target_table_amount_stated_in_yuan_is_converted():
    text = "\n".join([
        "农村公路养护资金绩效目标表",
        "资金总额（元）\t5,780,000",
        "一级指标\t二级指标\t三级指标\t指标值",
        "产出指标\t数量指标\t养护里程\t≥1800公里",
    ])
    rows = interpret_document(Document(blocks=parse_text(text), source_format="txt"), "0" * 16).tables
    (form,) = rows["forms"]
    assert (form["budget_wan"], form["budget_raw"]) == (578, "5,780,000")
    (amount,) = rows["amounts"]
    assert (amount["table_kind"], amount["measure"], amount["value"], amount["value_raw"]) == ("projects", "budget", 578, "5,780,000")


def test_long_format_is_keyed_by_project_code_not_by_a_repeating_attribute():
    from jixiao.normalize.long_forms import find_long_table

    rows = [["一级指标", "二级指标", "三级指标", "指标类型", "指标值"]] + [
        ["产出", "数量", f"指标{i}", "定量" if i % 2 else "定性", "1"] for i in range(8)]
    assert find_long_table(rows) is None
    rows = [["项目编码", "一级指标", "二级指标", "三级指标", "指标值"]] + [
        [f"44030623139150000{k:04d}", "产出", "数量", f"指标{i}", "1"] for k in range(3) for i in range(4)]
    lt = find_long_table(rows)
    assert lt is not None and lt.key_col == 0 and [len(v) for v in lt.groups.values()] == [4, 4, 4]


def test_long_export_sheets_become_one_form_per_project():
    """A project sheet and an indicator sheet keyed by 项目编码: one target table per code, fields joined,
    the same indicator name in two projects is no duplicate."""
    from jixiao.model import Cell, Table
    from jixiao.validate.base import run_rules

    def table(rows):
        cells = [Cell(r, c, t) for r, row in enumerate(rows) for c, t in enumerate(row)]
        return Table(cells=cells, n_rows=len(rows), n_cols=len(rows[0]))

    info = [["项目编码", "项目名称", "申请单位", "本年金额", "年度目标"],
            ["P000000001", "社区饭堂经费（A社区）", "某街道办", "3000", "保障用餐"],
            ["P000000002", "社区饭堂经费（B社区）", "某街道办", "5000", "保障用餐"]]
    ind = [["项目编码", "一级指标", "二级指标", "三级指标", "指标值"]] + [
        [code, "产出", "数量", "社区饭堂数量", "1处"] for code in ("P000000001", "P000000002")] + [
        [code, "满意度", "服务对象满意度", "就餐满意度", "≥90%"] for code in ("P000000001", "P000000002")]
    rows = interpret_document(Document(blocks=[table(info), table(ind)], source_format="xlsx"), "0" * 16).tables
    assert [(f["form_type"], f["subject"], f["reporting_unit"], f["budget_wan"], f["project_code"]) for f in rows["forms"]] == [
        ("target_table", "社区饭堂经费（A社区）", "某街道办", 3000, "P000000001"),
        ("target_table", "社区饭堂经费（B社区）", "某街道办", 5000, "P000000002")]
    assert [len([r for r in rows["indicators"] if r["form_id"] == f["form_id"]]) for f in rows["forms"]] == [2, 2]
    assert not [f for f in run_rules(rows) if f["rule"] == "DUPLICATE_ENTRY" and f["severity"] != "info"]
