"""The plain-text extractor on the two encodings of tables and on the encodings of bytes."""

from __future__ import annotations

from conftest import seed_path

from jixiao.extract.base import ExtractOptions, sniff_format
from jixiao.extract.encoding import decode_bytes
from jixiao.extract.outline import heading_level
from jixiao.extract.txt import extract, parse_text
from jixiao.model import Paragraph, Table


def test_cell_per_line_rows_and_multiline_cells():
    text = "标题\n\n\t一级\n指标\n\t二级\n\n\t产出\n\t数量\n\n正文一段。\n"
    blocks = parse_text(text)
    table = next(b for b in blocks if isinstance(b, Table))
    assert table.logical_rows() == [["一级\n指标", "二级"], ["产出", "数量"]]
    assert [b.text for b in blocks if isinstance(b, Paragraph)] == ["标题", "正文一段。"]


def test_row_split_by_trailing_empty_paragraph_is_repaired():
    # seed 000 lines 741-764: a cell ending in an empty paragraph looks like a row break
    text = "\tA\n\tB\n\tC\n\tD\n\n\t\n\t社会\n效益\n\n\tx\n\ty\n"
    table = parse_text(text)[0]
    assert table.logical_rows() == [["A", "B", "C", "D"], ["", "社会\n效益", "x", "y"]]


def test_row_per_line_with_math_and_bold():
    text = "**表头**\n一级\t二级\t值\n\t产出指标(40)\t$\\geq 90\\%$\n"
    blocks = parse_text(text)
    assert blocks[0].text == "表头"
    assert blocks[1].logical_rows() == [["一级", "二级", "值"], ["", "产出指标(40)", "≥90%"]]


def test_heading_levels():
    assert heading_level("一、部门基本情况") == 1
    assert heading_level("（一）部门概况") == 2
    assert heading_level("3. 资产情况") == 3
    assert heading_level("（2）加强干部队伍建设") == 4
    assert heading_level("1、农村、社区干部“素质工程”经费(包括对农村、社区干部扫黑除恶专项培训)；") is None
    assert heading_level("年末总资产 169.57 万元，其中流动资产 6.34 万元。") is None


def test_continued_table_is_joined():
    # seed 003 lines 426-703: 评分表 and 评分表（续） with a repeated header become one table
    doc = extract(seed_path("003"), ExtractOptions())
    score = [t for t in doc.tables if "评分表" in t.title]
    assert len(score) == 1
    rows = score[0].logical_rows()
    assert sum(1 for r in rows if r and r[0] == "一级指标") == 1
    assert rows[-1][0] == "总 分"


def test_seed_000_is_text_not_an_executable():
    # `file` calls seed 000 a DOS executable; the bytes are UTF-8 text
    assert sniff_format(seed_path("000")) == "txt"


def test_decodes_gbk_utf16_and_bom():
    s = "部门整体绩效自评表\t得分\n"
    assert decode_bytes(s.encode("gb18030"))[0] == s
    assert decode_bytes(s.encode("utf-16"))[0] == s
    assert decode_bytes(s.encode("utf-16-le"))[0] == s
    assert decode_bytes(b"\xef\xbb\xbf" + s.encode())[0] == s
