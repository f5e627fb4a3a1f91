"""Prose sentences with figures become facts rows that keep the 其中/包括/主要为 structure."""

from __future__ import annotations

import pytest

from jixiao.normalize.facts import extract_facts


def facts_of(text: str) -> list[dict]:
    return extract_facts([{"doc_id": "d", "seq": 7, "section": "s", "text": text}])


def test_nested_parts():
    f = facts_of("2020年支出预算4945.05万元，其中基本支出639.31万元，包括人员经费558.00万元和日常公用经费81.31万元；"
                 "项目支出4305.74万元。")
    by = {x["label"]: x for x in f}
    assert by["支出预算"]["value"] == 4945.05 and by["支出预算"]["parts_of"] is None
    assert by["基本支出"]["parts_of"] == by["支出预算"]["seq"] and by["基本支出"]["relation"] == "part"
    assert by["日常公用经费"]["parts_of"] == by["基本支出"]["seq"]
    assert by["项目支出"]["parts_of"] == by["支出预算"]["seq"]
    assert all(x["narrative_seq"] == 7 and x["unit"] == "万元" for x in f)


def test_main_list_and_semicolon():
    f = facts_of("较2019年预算增加2729.18万元，其中：基本支出增加146.04万元，主要为人员增加支出；项目支出增加2583.17万元，"
                 "主要为增加其他组织事务支出600万元，农林水事务支出2000万元。")
    by = {x["value"]: x for x in f}
    assert by[2583.17]["parts_of"] == by[2729.18]["seq"]
    assert by[600]["relation"] == "main" and by[600]["parts_of"] == by[2583.17]["seq"]


def test_share_and_x_zhong():
    f = facts_of("2020年本单位整体支出717.06万元，其中基本支出555.6万元，占总支出的77.48%，基本支出中人员支出为395.39万元，"
                 "公用支出160.21万元；项目支出161.46万元，占总支出的22.52%。")
    by = {x["value"]: x for x in f}
    assert by[77.48]["relation"] == "share" and by[77.48]["parts_of"] == by[555.6]["seq"] and by[77.48]["unit"] == "%"
    assert by[395.39]["parts_of"] == by[555.6]["seq"] and by[395.39]["label"] == "人员支出"
    assert by[161.46]["parts_of"] == by[717.06]["seq"]


def test_brackets_and_yi_yuan():
    f = facts_of("“三公”经费预算安排8.75万元（有则写，无则填0万元）。总额1.2亿元。")
    by = {x["value"]: x for x in f}
    assert by[0.0]["parts_of"] is None
    assert by[12000.0]["unit"] == "万元"


def test_no_figures_no_facts():
    assert facts_of("加强党的建设，提高服务水平。") == []
    assert extract_facts([]) == [] and extract_facts([{"doc_id": "d", "seq": 1, "text": None}]) == []


@pytest.mark.parametrize("text,label", [("实际收入3637.82万元", "实际收入"), ("年末总资产169.57万元", "年末总资产"),
                                        ("2019年度预算收入3546.3万元", "预算收入"),
                                        ("1.一般公共服务(类)支出13907.78万元", "一般公共服务(类)支出"),
                                        ("1．因公出国（境）费预算支出199.25万元", "因公出国(境)费预算支出"),
                                        ("本单位(含所属单位)上年末固定资产金额为137.4万元", "上年末固定资产金额")])
def test_labels(text, label):
    assert facts_of(text)[0]["label"] == label


def test_year_on_year_change_and_its_rate():
    f = facts_of("1.一般公共服务(类)支出13907.78万元，主要用于机关运转。与上年相比增加1201.5万元，增长9.46%。"
                 "因公出国（境）费预算支出199.25万元，比上年预算减少23.25万元，下降10.45%。")
    by = {x["value"]: x for x in f}
    assert by[1201.5]["relation"] == "change_up" and by[1201.5]["parts_of"] == by[13907.78]["seq"]
    assert by[9.46]["relation"] == "change_rate" and by[9.46]["parts_of"] == by[1201.5]["seq"]
    assert by[23.25]["relation"] == "change_down" and by[23.25]["parts_of"] == by[199.25]["seq"]
    assert by[10.45]["parts_of"] == by[23.25]["seq"]


def test_a_change_is_not_an_item_of_the_list_before_it():
    f = facts_of("支出预算500万元，其中基本支出300万元，项目支出200万元，比上年增加20万元，增长4.17%。")
    by = {x["value"]: x for x in f}
    assert by[200]["relation"] == "part"
    assert by[20]["relation"] == "change_up" and by[20]["parts_of"] == by[200]["seq"]
