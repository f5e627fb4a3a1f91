"""Header `label：value` cells of a form, in the three ways forms write them."""

from __future__ import annotations

from jixiao.normalize.form_header import label_stem, read_header


def test_value_in_the_next_cell_with_two_pairs_per_row():
    rows = [["项目编码：", "440306231391500000193", "项目名称：", "社区工作站管理经费"],
            ["申请单位：", "某街道办事处（本级）", "一级预算单位：", "某街道办事处（本级）"],
            ["项目总金额（中期规划，万元）：", "1,551,300.00", "本年度项目金额（万元）：", "517,100.00"],
            ["年度目标：", "保证党群服务中心的安全稳定。", "", ""],
            ["一级指标", "二级指标", "三级指标", "目标值"]]
    h = read_header(rows)
    assert h["subject"].value == "社区工作站管理经费"
    assert h["reporting_unit"].value == "某街道办事处（本级）"
    assert h["implementing_unit"].value == "某街道办事处（本级）"
    assert (h["budget"].value, h["budget"].unit) == ("517,100.00", "万元")  # the year's amount, not the multi-year total
    assert h["goal_text"].value == "保证党群服务中心的安全稳定。"
    assert h["project_code"].value == "440306231391500000193"


def test_value_in_the_same_cell_stops_at_the_next_label():
    h = read_header([["申请单位：某区民政局    金额单位：万元"], ["项目名称：低保资金"]])
    assert h["reporting_unit"].value == "某区民政局"
    assert h["subject"].value == "低保资金"


def test_value_in_the_cell_below():
    h = read_header([["项目名称", "主管部门", "资金总额（元）"], ["农村公路养护", "某县交通运输局", "5,780,000"]])
    assert h["subject"].value == "农村公路养护"
    assert h["implementing_unit"].value == "某县交通运输局"
    assert (h["budget"].value, h["budget"].unit) == ("5,780,000", "元")


def test_a_label_is_never_a_value():
    h = read_header([["年度总体目标", "预期目标", "实际完成情况"], ["", "完成培训", "已完成"]])
    assert "goal_text" not in h


def test_label_stem_reads_the_bracket_unit():
    assert label_stem("项目总金额（中期规划，万元）：") == ("项目总金额", "万元")
    assert label_stem("填报单位（盖章）:") == ("填报单位", None)


def test_reporting_unit_line():
    from jixiao.normalize.interpret import reporting_unit_in

    assert reporting_unit_in("填报单位：武汉市新洲区人力资源和社会保障 局") == "武汉市新洲区人力资源和社会保障局"
    assert reporting_unit_in("填报单位（盖章）：某县民政局    金额单位：万元") == "某县民政局"
    assert reporting_unit_in("项目单位：河南省人力资源和社会保障厅  委托单位：河南省财政厅  评价机构：某咨询公司") == \
        "河南省人力资源和社会保障厅"
