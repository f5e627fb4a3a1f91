"""Tables written as markup in text files: inline HTML `<table>` (MinerU, pandoc) and pipe tables.

The real file is the Henan 绩效评价报告 in ../shared/real/wild: Markdown written from a PDF with
108 `<table>` elements, tables cut by pages into pieces that repeat the header row.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SHARED
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.extract.base import ExtractOptions, extract, sniff_format
from jixiao.extract.txt import parse_text
from jixiao.model import Paragraph, Table
from jixiao.text import squash

HENAN = SHARED / "real" / "wild" / "河南_职业技能竞赛经费项目绩效评价报告.md"


def _tables(blocks: list) -> list[Table]:
    return [b for b in blocks if isinstance(b, Table)]


def test_inline_html_table_between_prose_lines_keeps_spans_and_reading_order():
    text = ("项目概况\n\n表1：资金表\n"
            '<table><tr><td>项目</td><td>年度</td><td>金额</td></tr>'
            '<tr><td rowspan="2">补贴</td><td>2021</td><td>5</td></tr><tr><td>2022</td><td>7</td></tr>'
            '<tr><td colspan="2">合计</td><td>12</td></tr></table>\n\n结论一段。\n')
    blocks = parse_text(text)
    assert [type(b).__name__ for b in blocks] == ["Paragraph", "Paragraph", "Table", "Paragraph"]
    table = blocks[2]
    assert table.title == "表1：资金表" and (table.n_rows, table.n_cols) == (4, 3)
    assert table.grid(fill=True) == [["项目", "年度", "金额"], ["补贴", "2021", "5"], ["补贴", "2022", "7"],
                                     ["合计", "合计", "12"]]
    assert table.line == 4 and blocks[3].line == 6 and blocks[0].line == 1


def test_table_on_the_first_line_reads_like_a_table_further_down():
    table = '<table><tr><td>指标</td><td>分值</td></tr><tr><td>产出</td><td>40</td></tr></table>'
    first = parse_text(table + "\n\n说明。\n")
    later = parse_text("说明。\n\n" + table + "\n")
    assert _tables(first)[0].logical_rows() == _tables(later)[0].logical_rows() == [["指标", "分值"], ["产出", "40"]]


def test_cells_keep_raw_line_breaks_and_their_lines():
    text = "前言\n<table><tr><td>指标</td><td>说明</td></tr>\n<tr><td>满意度</td><td>项目所设定的绩\n效目标</td></tr></table>\n"
    (table,) = _tables(parse_text(text))
    assert table.logical_rows()[1] == ["满意度", "项目所设定的绩\n效目标"]
    assert {c.text: c.line for c in table.cells}["满意度"] == 3


def test_pipe_table_with_escaped_pipe_and_br():
    text = "# 一、概况\n\n| 指标 | 目标值 |\n|:---|---:|\n| 满意度 | ≥90% |\n| 时效 | 3个小时内<br>完成 |\n| a\\|b | 1 |\n\n后文\n"
    blocks = parse_text(text)
    (table,) = _tables(blocks)
    assert table.logical_rows() == [["指标", "目标值"], ["满意度", "≥90%"], ["时效", "3个小时内\n完成"], ["a|b", "1"]]
    assert table.line == 3 and [c.line for c in table.cells if c.col == 0] == [3, 5, 6, 7]
    assert blocks[0].text == "一、概况" and blocks[0].heading_level == 1


def test_markdown_headings_drop_their_marks_and_captions_are_not_headings():
    blocks = parse_text("# 报告摘要\n\n## 数据来源\n\n# （一）项目背景\n\n# 表2-1：得分情况\n")
    assert [(b.text, b.heading_level) for b in blocks] == [
        ("报告摘要", 1), ("数据来源", 2), ("（一）项目背景", 2), ("表2-1：得分情况", None)]


def test_pieces_of_one_table_are_joined_and_a_cut_row_made_whole():
    header = "<tr><td>一级</td><td>三级指标</td><td>分值</td><td>评价意见</td><td>得分</td></tr>"
    first = (f"<table>{header}<tr><td rowspan=\"2\">A决策</td><td>A101立项依据</td><td>2</td><td>符合要点</td><td>2.00</td></tr>"
             "<tr><td>A102立项程序规范</td><td>3</td><td>文件（豫人社函〔2022〕200</td><td>0.00</td></tr></table>")
    # the page cut A102's name and opinion; the converter lost the figure column, shifting words left
    second = (f"<table>{header}<tr><td></td><td>性</td><td>反映规范性</td><td>号）等文件</td><td></td></tr>"
              "<tr><td></td><td>A201目标合理性</td><td>2</td><td>符合</td><td>2.00</td></tr></table>")
    third = f"<table>{header}<tr><td>合计</td><td></td><td>100</td><td></td><td>65.00</td></tr></table>"
    (table,) = _tables(parse_text(f"评分表\n{first}\n\n{second}\n\n{third}\n"))
    rows = table.grid(fill=True)
    assert [r[1] for r in rows] == ["三级指标", "A101立项依据", "A102立项程序规范性", "A201目标合理性", ""]
    assert rows[2][2] == "3" and rows[2][4] == "0.00"  # the figures stay figures
    assert rows[2][3] == "文件（豫人社函〔2022〕200反映规范性号）等文件"  # words moved right, never lost
    assert rows[3][0] == "A决策"  # the group cut by the page goes on over the empty cell
    assert rows[4] == ["合计", "", "100", "", "65.00"]


def test_a_new_row_with_figures_is_not_taken_for_the_rest_of_the_cut_row():
    header = "<tr><td>年份</td><td>类别</td><td>数量</td><td>金额</td></tr>"
    a = f"<table>{header}<tr><td rowspan=\"2\">2022</td><td>省赛</td><td>544</td><td>201.5</td></tr><tr><td>行业赛</td><td>58</td><td>32.5</td></tr></table>"
    b = f"<table>{header}<tr><td></td><td>世赛</td><td>5</td><td>114</td></tr><tr><td>合计</td><td></td><td>607</td><td>348</td></tr></table>"
    (table,) = _tables(parse_text(a + "\n\n" + b))
    assert table.grid(fill=True)[1:] == [["2022", "省赛", "544", "201.5"], ["2022", "行业赛", "58", "32.5"],
                                         ["2022", "世赛", "5", "114"], ["合计", "", "607", "348"]]


def test_tables_with_prose_between_or_other_widths_stay_apart():
    a = "<table><tr><td>a</td><td>b</td></tr><tr><td>1</td><td>2</td></tr></table>"
    b = "<table><tr><td>a</td><td>b</td><td>c</td></tr></table>"
    assert len(_tables(parse_text(a + "\n\n" + b))) == 2
    assert len(_tables(parse_text(a + "\n\n说明。\n\n" + a))) == 2


def test_sniffing_markup(tmp_path):
    md = tmp_path / "report.txt"
    md.write_text("# 报告\n\n正文。\n\n<table><tr><td>a</td><td>b</td></tr></table>\n", encoding="utf-8")
    assert sniff_format(md) == "md"
    assert extract(md, options=ExtractOptions()).source_format == "md"
    page = tmp_path / "page.txt"
    page.write_text("<html><body><p>正文</p><table><tr><td>a</td></tr></table></body></html>", encoding="utf-8")
    assert sniff_format(page) == "html"
    plain = tmp_path / "plain.txt"
    plain.write_text("一、概况\n正文。\n", encoding="utf-8")
    assert sniff_format(plain) == "txt"


def test_html_pieces_of_one_table_are_joined(tmp_path):
    header = "<tr><td>序号</td><td>问题</td></tr>"
    p = tmp_path / "x.html"
    p.write_text(f"<html><body><p>问题清单</p><table>{header}<tr><td>1</td><td>缺项</td></tr></table>\n"
                 f"<table>{header}<tr><td>2</td><td>缺论证</td></tr></table><p>完</p>"
                 f"<table>{header}<tr><td>3</td><td>另表</td></tr></table></body></html>", encoding="utf-8")
    doc = extract(p, options=ExtractOptions())
    assert [t.logical_rows() for t in doc.tables] == [[["序号", "问题"], ["1", "缺项"], ["2", "缺论证"]],
                                                      [["序号", "问题"], ["3", "另表"]]]


@pytest.fixture(scope="module")
def henan():
    return extract(HENAN, options=ExtractOptions())


def _table(doc, title_part: str) -> Table:
    return next(t for t in doc.tables if title_part in t.title)


def test_henan_is_markdown_with_its_tables_in_reading_order(henan):
    assert sniff_format(HENAN) == "md" and henan.source_format == "md"
    # 108 <table> elements are 44 tables once the page pieces are joined
    assert len(henan.tables) == 44
    heads = [b.text for b in henan.paragraphs if b.heading_level == 1]
    assert "报告摘要" in heads and "一、基本情况" in heads
    i = henan.blocks.index(_table(henan, "表1-1"))
    assert isinstance(henan.blocks[i - 1], Paragraph) and henan.blocks[i - 1].text.startswith("表1-1")


def test_henan_score_table_is_one_table_with_every_indicator(henan):
    table = _table(henan, "附件1：绩效评价指标体系评分表")
    rows = table.grid(fill=True)
    assert [squash(c) for c in rows[0]] == ["一级指标", "二级指标", "三级指标", "分值", "指标解释", "指标说明",
                                            "评分标准和评分规则", "评价意见", "得分"]
    codes = [squash(r[2])[:4] for r in rows if squash(r[2])[:1] in "ABCD" and squash(r[2])[1:4].isdigit()]
    assert len(set(codes)) == 28 and codes == sorted(codes)  # the 28 三级指标 the report counts, in order
    assert rows[-1][0] == "合计" and rows[-1][3] == "100" and rows[-1][8] == "65.00"
    by_code = {squash(r[2])[:4]: r for r in rows}
    assert squash(by_code["A102"][2]) == "A102立项程序规范性" and by_code["A102"][3] == "3"
    assert squash(by_code["B102"][2]) == "B102制度执行有效性" and by_code["B102"][3] == "8"
    assert by_code["A201"][0] == "A决策15分" and by_code["D102"][0] == "D效益35分"  # groups go on over the cut
    assert by_code["C202"][1] == "C2产出质量10分"


def test_henan_money_table_and_split_tables(henan):
    t11 = _table(henan, "表1-1")
    rows = t11.grid(fill=True)
    assert rows[0][3] == "预算安排(万元)" and rows[-1][:5] == ["总计", "总计", "总计", "13534.70", "12634.70"]
    assert [r[2] for r in rows[1:6]] == ["2021", "2022", "2023", "2024", "小计"]
    t14 = _table(henan, "表1-4")  # two pieces, the second starting with a new row of the year 2022
    assert len(t14.logical_rows()) == 16 and t14.grid(fill=True)[6][0] == "2022"
    assert t14.logical_rows()[-1] == ["合计", "2806", "1669.7"]
    score = _table(henan, "绩效评价得分情况表")  # a header-only piece and its body
    assert [r[0] for r in score.logical_rows()] == ["一级指标", "分值", "得分", "得分率"]
    assert score.logical_rows()[2][-1] == "65.00"


def test_henan_cells_and_paragraphs_point_at_their_lines(henan):
    lines = Path(HENAN).read_text(encoding="utf-8").split("\n")
    checked = 0
    for t in henan.tables:
        for c in t.cells:
            first = squash(c.text.split("\n")[0])[:3]  # a cut cell's text goes on in a later piece
            if c.line is not None and len(first) == 3:
                assert first in squash(lines[c.line - 1]), (c.line, c.text[:20])
                checked += 1
    assert checked > 1500
    for p in henan.paragraphs:
        assert squash(p.text)[:6] in squash(lines[p.line - 1])


_TOKENS = ["<table>", "</table>", "<tr>", "</tr>", "<td>", "</td>", '<td rowspan="3">', '<td colspan="2">', "<th>",
           "|", " --- ", "|:---:|", "\n", "\n\n", "# ", "\t", "合计", "2.00", "指标", "<br>", "<TABLE border=1>"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_TOKENS), max_size=60))
def test_any_markup_parses_and_every_line_is_inside_the_text(tokens):
    text = "".join(tokens)
    n_lines = text.count("\n") + 1
    for b in parse_text(text):
        if isinstance(b, Table):
            b.logical_rows()
            b.grid(fill=True)
            assert all(c.line is None or 1 <= c.line <= n_lines for c in b.cells)
        else:
            assert b.line is None or 1 <= b.line <= n_lines
