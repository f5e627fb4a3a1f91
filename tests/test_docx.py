"""The .docx extractor on small Word files built here: spans, nested tables, run text,
headings, body order, and files that must be refused (zip bombs, entities, passwords)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from docx import Document as WordDocument
from docx.oxml.ns import qn
from lxml import etree

from jixiao.extract.base import ExtractionError, ExtractOptions, sniff_format
from jixiao.extract.office.docx import extract
from jixiao.model import Paragraph, Table
from jixiao.pipeline import process_file

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def docx_with_body(path: Path, body: str, numbering: str | None = None) -> Path:
    """A real .docx (python-docx's package) whose document body (and list definitions) are given."""
    buf = io.BytesIO()
    WordDocument().save(buf)
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = f'<?xml version="1.0" encoding="UTF-8"?><w:document {W} {R}><w:body>{body}</w:body></w:document>'.encode()
            elif item.filename == "word/numbering.xml" and numbering is not None:
                data = f'<?xml version="1.0" encoding="UTF-8"?><w:numbering {W}>{numbering}</w:numbering>'.encode()
            dst.writestr(item, data)
    return path


def p(text: str, style: str | None = None) -> str:
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f"<w:p>{ppr}<w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"


def tc(text: str = "", span: int = 1, vmerge: str | None = None) -> str:
    props = (f'<w:gridSpan w:val="{span}"/>' if span > 1 else "") + \
            ("" if vmerge is None else ('<w:vMerge w:val="restart"/>' if vmerge == "restart" else "<w:vMerge/>"))
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{p(text)}</w:tc>"


def tr(*cells: str, before: int = 0, after: int = 0) -> str:
    pr = (f'<w:gridBefore w:val="{before}"/>' if before else "") + (f'<w:gridAfter w:val="{after}"/>' if after else "")
    return f"<w:tr><w:trPr>{pr}</w:trPr>{''.join(cells)}</w:tr>"


def tbl(*rows: str, n_cols: int) -> str:
    grid = "".join('<w:gridCol w:w="1000"/>' for _ in range(n_cols))
    return f"<w:tbl><w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"


def read(path: Path, **limits) -> list:
    return extract(path, ExtractOptions(**limits)).blocks


def spans(table: Table) -> dict[tuple[int, int], tuple[str, int, int]]:
    return {(c.row, c.col): (c.text, c.rowspan, c.colspan) for c in table.cells}


def test_two_row_header_merged_both_ways(tmp_path):
    """一级指标 spans two header rows; 指标值 spans two columns over 年度指标值 / 实际完成值."""
    body = tbl(
        tr(tc("一级指标", vmerge="restart"), tc("二级指标", vmerge="restart"), tc("指标值", span=2)),
        tr(tc(vmerge="continue"), tc(vmerge="continue"), tc("年度指标值"), tc("实际完成值")),
        tr(tc("产出指标", vmerge="restart"), tc("数量指标"), tc("≥90%"), tc("95%")),
        tr(tc(vmerge="continue"), tc("质量指标"), tc("100%"), tc("100%")),
        n_cols=4)
    (table,) = read(docx_with_body(tmp_path / "h.docx", body))
    assert (table.n_rows, table.n_cols) == (4, 4)
    assert spans(table) == {
        (0, 0): ("一级指标", 2, 1), (0, 1): ("二级指标", 2, 1), (0, 2): ("指标值", 1, 2),
        (1, 2): ("年度指标值", 1, 1), (1, 3): ("实际完成值", 1, 1),
        (2, 0): ("产出指标", 2, 1), (2, 1): ("数量指标", 1, 1), (2, 2): ("≥90%", 1, 1), (2, 3): ("95%", 1, 1),
        (3, 1): ("质量指标", 1, 1), (3, 2): ("100%", 1, 1), (3, 3): ("100%", 1, 1),
    }
    assert table.logical_rows() == [["一级指标", "二级指标", "指标值"], ["", "", "年度指标值", "实际完成值"],
                                    ["产出指标", "数量指标", "≥90%", "95%"], ["", "质量指标", "100%", "100%"]]


def test_grid_before_and_after_leave_columns_empty(tmp_path):
    body = tbl(tr(tc("a"), tc("b"), tc("c")), tr(tc("d"), before=1, after=1), tr(tc("e", span=2), after=1), n_cols=3)
    (table,) = read(docx_with_body(tmp_path / "g.docx", body))
    assert spans(table) == {(0, 0): ("a", 1, 1), (0, 1): ("b", 1, 1), (0, 2): ("c", 1, 1),
                            (1, 1): ("d", 1, 1), (2, 0): ("e", 1, 2)}
    assert table.grid() == [["a", "b", "c"], ["", "d", ""], ["e", "", ""]]


def test_a_vmerge_restart_after_a_merge_starts_a_new_cell(tmp_path):
    body = tbl(tr(tc("甲", vmerge="restart"), tc("1")), tr(tc(vmerge="continue"), tc("2")),
               tr(tc("乙", vmerge="restart"), tc("3")), tr(tc(vmerge="continue"), tc("4")), n_cols=2)
    (table,) = read(docx_with_body(tmp_path / "v.docx", body))
    assert [(c.text, c.row, c.rowspan) for c in table.cells if c.col == 0] == [("甲", 0, 2), ("乙", 2, 2)]


def test_nested_table_is_its_own_block_and_stays_in_its_cell(tmp_path):
    inner = tbl(tr(tc("子项"), tc("3")), tr(tc("子项二"), tc("4")), n_cols=2)
    body = p("表1") + tbl(tr(tc("项目"), f"<w:tc>{p('明细')}{inner}<w:p/></w:tc>"), tr(tc("合计"), tc("7")), n_cols=2) + p("其后")
    blocks = read(docx_with_body(tmp_path / "n.docx", body))
    assert [type(b).__name__ for b in blocks] == ["Paragraph", "Table", "Table", "Paragraph"]
    outer, nested = blocks[1], blocks[2]
    assert outer.logical_rows() == [["项目", "明细\n子项 3\n子项二 4"], ["合计", "7"]]
    assert nested.logical_rows() == [["子项", "3"], ["子项二", "4"]]
    assert outer.title == "表1"


def test_text_of_hyperlinks_fields_content_controls_and_tracked_changes(tmp_path):
    para = (
        '<w:p><w:r><w:t>见</w:t></w:r><w:hyperlink r:id="rId99"><w:r><w:t>附件</w:t></w:r></w:hyperlink>'
        '<w:fldSimple w:instr=" PAGE "><w:r><w:t>3</w:t></w:r></w:fldSimple>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> DATE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>2021年</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:sdt><w:sdtContent><w:r><w:t>单位名称</w:t></w:r></w:sdtContent></w:sdt>'
        '<w:del><w:r><w:delText>删去</w:delText></w:r></w:del><w:ins><w:r><w:t>补入</w:t></w:r></w:ins>'
        '<w:r><w:tab/><w:t>尾</w:t><w:br/><w:t>次行</w:t></w:r>'
        '<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        '<mc:Choice Requires="wps"><w:r><w:t>框</w:t></w:r></mc:Choice>'
        '<mc:Fallback><w:r><w:t>框</w:t></w:r></mc:Fallback></mc:AlternateContent></w:p>')
    block_sdt = f"<w:sdt><w:sdtContent>{p('控件里的段落')}</w:sdtContent></w:sdt>"
    cell_sdt = tbl(f"<w:tr><w:sdt><w:sdtContent>{tc('控件单元格')}</w:sdtContent></w:sdt>{tc('x')}</w:tr>", n_cols=2)
    blocks = read(docx_with_body(tmp_path / "t.docx", para + block_sdt + cell_sdt))
    assert blocks[0].text == "见附件32021年单位名称补入 尾\n次行框"  # the text box once, not its fallback copy
    assert blocks[1].text == "控件里的段落"
    assert blocks[2].logical_rows() == [["控件单元格", "x"]]


def test_cell_paragraphs_join_with_new_lines(tmp_path):
    body = tbl(f"<w:tr><w:tc>{p('第一段')}{p('第二段')}<w:p/></w:tc>{tc('x')}</w:tr>", n_cols=2)
    (table,) = read(docx_with_body(tmp_path / "c.docx", body))
    assert table.cells[0].text == "第一段\n第二段"


def test_headings_from_styles_and_numbering(tmp_path):
    doc = WordDocument()
    doc.add_paragraph("部门概况", style="Heading 2")
    doc.add_paragraph("一、基本情况")
    doc.add_paragraph("（一）部门职责")
    doc.add_paragraph("1. 主要任务")
    doc.add_paragraph("2、工作内容")
    doc.add_paragraph("（1）人员情况")
    doc.add_paragraph("1. 本年度共完成项目12个，资金执行率为98%，较上年提高3个百分点。")
    doc.add_paragraph("正文段落。")
    styles = doc.styles._element
    cn = etree.SubElement(styles, qn("w:style"), {qn("w:type"): "paragraph", qn("w:styleId"): "cn3"})
    etree.SubElement(cn, qn("w:name"), {qn("w:val"): "标题 3"})
    doc.add_paragraph("自定义样式标题")._p.get_or_add_pPr().get_or_add_pStyle().set(qn("w:val"), "cn3")
    table = doc.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "一、不是标题的单元格"
    doc.save(tmp_path / "h.docx")
    blocks = read(tmp_path / "h.docx")
    assert [(b.text, b.heading_level) for b in blocks if isinstance(b, Paragraph)] == [
        ("部门概况", 2), ("一、基本情况", 1), ("（一）部门职责", 2), ("1. 主要任务", 3), ("2、工作内容", 3),
        ("（1）人员情况", 4), ("1. 本年度共完成项目12个，资金执行率为98%，较上年提高3个百分点。", None),
        ("正文段落。", None), ("自定义样式标题", 3)]
    assert isinstance(blocks[-1], Table)


CHINESE_OUTLINE = (
    '<w:abstractNum w:abstractNumId="7">'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/><w:suff w:val="nothing"/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/><w:suff w:val="nothing"/></w:lvl>'
    '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>'
    '<w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="（%4）"/><w:suff w:val="nothing"/></w:lvl>'
    '<w:lvl w:ilvl="4"><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl>'
    '</w:abstractNum>'
    '<w:num w:numId="3"><w:abstractNumId w:val="7"/></w:num>'
    '<w:num w:numId="4"><w:abstractNumId w:val="7"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="9"/></w:lvlOverride></w:num>')


def numbered(text: str, level: int, num_id: int = 3) -> str:
    return (f'<w:p><w:pPr><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr></w:pPr>'
            f'<w:r><w:t>{text}</w:t></w:r></w:p>')


def test_list_numbering_is_rendered_and_read_as_heading_levels(tmp_path):
    """Auto-numbered headings keep only their words in the runs; the labels come from numbering.xml."""
    body = "".join([
        numbered("基本情况", 0), numbered("部门职责", 1), numbered("主要任务", 2), numbered("人员", 3),
        numbered("资产", 3), numbered("工作内容", 2), numbered("要点", 4), numbered("", 1), numbered("预算", 1),
        numbered("绩效情况", 0), numbered("另一清单", 0, num_id=4),
        tbl(f"<w:tr><w:tc>{numbered('指标', 2)}</w:tc>{tc('x')}</w:tr>", n_cols=2),
    ])
    blocks = read(docx_with_body(tmp_path / "n.docx", body, CHINESE_OUTLINE))
    assert [(b.text, b.heading_level) for b in blocks if isinstance(b, Paragraph)] == [
        ("一、基本情况", 1), ("（一）部门职责", 2), ("1. 主要任务", 3), ("（1）人员", 4), ("（2）资产", 4),
        ("2. 工作内容", 3), ("要点", None), ("（三）预算", 2), ("二、绩效情况", 1), ("九、另一清单", 1)]
    assert blocks[-1].logical_rows() == [["1. 指标", "x"]]


def test_too_many_parts_or_too_many_bytes_is_refused(tmp_path):
    path = docx_with_body(tmp_path / "z.docx", p("正文"))
    n_parts = len(zipfile.ZipFile(path).infolist())
    with pytest.raises(ExtractionError, match="zip bomb"):
        read(path, max_zip_members=n_parts - 1)
    with pytest.raises(ExtractionError, match="zip bomb"):
        read(path, max_unzipped_bytes=1000)
    assert read(path, max_zip_members=n_parts)[0].text == "正文"


def test_xml_entities_are_refused(tmp_path):
    path = docx_with_body(tmp_path / "x.docx", "")
    data = zipfile.ZipFile(path).read("word/document.xml").decode()
    bomb = data.replace("<w:document", '<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]><w:document', 1)
    bomb = bomb.replace("<w:body>", "<w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p>")
    rebuilt = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(rebuilt, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, bomb if item.filename == "word/document.xml" else src.read(item.filename))
    with pytest.raises(ExtractionError, match="entities"):
        read(rebuilt)


def test_password_protected_docx_fails_with_what_to_do(tmp_path):
    import msoffcrypto  # test extra: makes a genuinely encrypted file (OLE + EncryptedPackage)
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = docx_with_body(tmp_path / "plain.docx", p("机密"))
    locked = tmp_path / "locked.docx"
    with open(plain, "rb") as src, open(locked, "wb") as dst:
        OOXMLFile(src).encrypt("123456", dst)
    assert msoffcrypto.OfficeFile(open(locked, "rb")).is_encrypted()
    assert sniff_format(locked) == "docx"
    result = process_file(locked)
    assert result.document["status"] == "failed"
    assert result.document["error"].startswith("password-protected Word file: remove the password")


def test_counters_in_word_list_formats():
    from jixiao.extract.office.numbering import format_counter

    assert [format_counter(n, "chineseCounting") for n in (1, 10, 12, 20, 21, 99)] == ["一", "十", "十二", "二十", "二十一", "九十九"]
    assert [format_counter(n, f) for n, f in ((3, "ideographTraditional"), (2, "decimalEnclosedCircle"), (4, "upperRoman"),
                                                 (28, "lowerLetter"), (7, "decimalFullWidth"))] == ["丙", "②", "IV", "bb", "７"]
