"""Excel (.xlsx, .xls), HTML/MHT saved under Office names, .doc, and bad Office files
that must fail alone with a message saying what to do."""

from __future__ import annotations

import base64
import subprocess
import sys
from pathlib import Path

import olefile
import openpyxl
import pandas as pd
from conftest import FIXTURES, seed_path

from jixiao.extract.base import ExtractOptions, sniff_format
from jixiao.extract.base import extract as extract_any
from jixiao.extract.html import extract as extract_html
from jixiao.extract.office.xls import extract as extract_xls
from jixiao.extract.office.xlsx import extract as extract_xlsx
from jixiao.model import Paragraph, Table
from jixiao.pipeline import process_file

OFFICE = FIXTURES / "office"


def workbook(path: Path) -> Path:
    """Two stacked tables with a title and notes, merges, formulas, formats, a hidden sheet."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "绩效"
    ws["A1"] = "项目支出绩效自评表"
    ws.merge_cells("A1:D1")
    ws["A2"] = "单位：万元"
    ws.append([])
    ws.append(["一级指标", "二级指标", "指标值", None])
    ws.merge_cells("C4:D4")
    ws.append([None, None, "年度指标值", "实际完成值"])
    ws.merge_cells("A4:A5")
    ws.merge_cells("B4:B5")
    ws.append(["产出指标", "数量", 0.9, 0.2773])
    ws["C6"].number_format = "0%"
    ws["D6"].number_format = "0.00%"
    ws.append([None, "金额", 3546.3, "=C7*2"])
    ws["C7"].number_format = "0.00"
    ws.merge_cells("A6:A7")
    ws.append(["合计", None, 1234567.5, 0.1 + 0.2])
    ws["C8"].number_format = "#,##0.00"
    ws.append(["填报人：张三"])
    ws.append([])
    ws.append(["项目", "金额"])
    ws.append(["收入", 12.0])
    hidden = wb.create_sheet("隐藏")
    hidden.append(["不应出现", "x"])
    hidden.sheet_state = "hidden"
    wb.save(path)
    return path


def with_cached_values(path: Path) -> Path:
    """Let LibreOffice compute and store formula results, as Excel does on save."""
    out = path.parent / "calc"
    out.mkdir()
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{path.parent}/lo",
                    "--convert-to", path.suffix.lstrip("."), "--outdir", str(out), str(path)],
                   check=True, capture_output=True, timeout=120)
    return out / path.name


def check_workbook_blocks(blocks: list) -> None:
    kinds = [(type(b).__name__, b.text if isinstance(b, Paragraph) else b.n_rows) for b in blocks]
    assert kinds == [("Paragraph", "项目支出绩效自评表"), ("Paragraph", "单位：万元"), ("Table", 5),
                     ("Paragraph", "填报人：张三"), ("Table", 2)]
    first, second = blocks[2], blocks[4]
    assert first.logical_rows() == [
        ["一级指标", "二级指标", "指标值"],
        ["", "", "年度指标值", "实际完成值"],
        ["产出指标", "数量", "90%", "27.73%"],
        ["", "金额", "3546.30", "7092.6"],
        ["合计", "", "1,234,567.50", "0.3"],
    ]
    assert {(c.row, c.col): (c.rowspan, c.colspan) for c in first.cells if c.rowspan * c.colspan > 1} == \
           {(0, 0): (2, 1), (0, 1): (2, 1), (0, 2): (1, 2), (2, 0): (2, 1)}
    assert second.logical_rows() == [["项目", "金额"], ["收入", "12"]]
    assert first.title == "单位：万元"


def test_xlsx_merges_formats_formulas_prose_and_hidden_sheets(tmp_path):
    path = with_cached_values(workbook(tmp_path / "book.xlsx"))
    doc = extract_xlsx(path, ExtractOptions())
    check_workbook_blocks(doc.blocks)
    assert "不应出现" not in doc.text()


def test_xls_reads_the_same_workbook(tmp_path):
    xlsx = workbook(tmp_path / "book.xlsx")
    out = tmp_path / "xls"
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "xls", "--outdir", str(out), str(xlsx)], check=True, capture_output=True, timeout=120)
    path = out / "book.xls"
    assert sniff_format(path) == "xls"
    doc = extract_xls(path, ExtractOptions())
    assert doc.source_format == "xls" and not doc.warnings
    check_workbook_blocks(doc.blocks)
    assert "不应出现" not in doc.text()


def test_web_page_saved_as_doc_reads_like_the_word_file():
    """LibreOffice's HTML of a seed, named .doc: same paragraphs and table rows as the .docx."""
    from jixiao.extract.office.docx import extract as extract_docx

    for seed in ("000", "003"):
        web = OFFICE / f"seed{seed}-web.doc"
        assert sniff_format(web) == "html"
        got = extract_html(web, ExtractOptions())
        ref = extract_docx(OFFICE / f"seed{seed}.docx", ExtractOptions())
        assert [p.text for p in got.paragraphs] == [p.text for p in ref.paragraphs]
        assert [t.logical_rows() for t in got.tables] == [t.logical_rows() for t in ref.tables]


def test_web_page_saved_as_doc_gives_the_seed_rows(seed_results):
    got = process_file(OFFICE / "seed003-web.doc", OFFICE)
    ref = seed_results["003"]
    assert (got.document["status"], got.document["source_format"]) == ("ok", "html")
    fields = ("level1", "level2", "level3", "target_value", "actual_value", "weight", "score")
    assert [tuple(r[k] for k in fields) for r in got.tables["indicators"]] == \
           [tuple(r[k] for k in fields) for r in ref.tables["indicators"]]


def test_html_saved_as_doc(tmp_path):
    p = tmp_path / "report.doc"
    p.write_bytes("<html><head><meta charset='gb2312'></head><body><h2>一、部门概况</h2><p>年末总资产\n  169.57 万元。</p>"
                  "<table><tr><td rowspan=2>产出\n指标</td><td>数量<br>指标</td></tr><tr><td>质量</td></tr></table></body></html>"
                  .encode("gb18030"))
    assert sniff_format(p) == "html"
    doc = extract_html(p, ExtractOptions())
    assert [(b.text, b.heading_level) for b in doc.paragraphs] == [("一、部门概况", 2), ("年末总资产 169.57 万元。", None)]
    (table,) = doc.tables
    assert table.logical_rows() == [["产出 指标", "数量\n指标"], ["", "质量"]]
    result = process_file(p)
    assert (result.document["status"], result.document["source_format"]) == ("ok", "html")


def test_mht_with_gbk_quoted_printable_part(tmp_path):
    html = "<html><body><p>项目支出绩效自评表</p><table><tr><td colspan=2>合计</td></tr><tr><td>1</td><td>2</td></tr></table></body></html>"
    import quopri

    qp = quopri.encodestring(html.encode("gbk"))
    mht = (b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"B\"\r\n\r\n--B\r\n"
           b"Content-Type: text/html; charset=\"gb2312\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
           + qp + b"\r\n--B\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\n"
           + base64.encodebytes(b"\x89PNG....") + b"\r\n--B--\r\n")
    p = tmp_path / "saved-by-wps.xls"
    p.write_bytes(mht)
    assert sniff_format(p) == "html"
    doc = extract_html(p, ExtractOptions())
    assert doc.blocks[0].text == "项目支出绩效自评表"
    assert isinstance(doc.blocks[1], Table) and doc.blocks[1].logical_rows() == [["合计"], ["1", "2"]]


def test_bad_office_files_fail_clearly_and_the_batch_goes_on(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "corrupt.xlsx").write_bytes(b"PK\x03\x04" + b"\x00garbage" * 50)
    (inputs / "truncated.docx").write_bytes((OFFICE / "seed003.docx").read_bytes()[:20000])
    (inputs / "corrupt.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "Workbook".encode("utf-16-le") + b"\x00" * 600)
    (inputs / "empty.mht.doc").write_bytes(b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"B\"\r\n\r\n--B--\r\n")
    locked = inputs / "locked.doc"  # seed 003 as .doc with the FIB's fEncrypted flag set, as Word writes it
    locked.write_bytes((OFFICE / "seed003.doc").read_bytes())
    with olefile.OleFileIO(str(locked), write_mode=True) as ole:
        fib = bytearray(ole.openstream("WordDocument").read())
        fib[0x0B] |= 0x01
        ole.write_stream("WordDocument", bytes(fib))
    (inputs / "good.docx").write_bytes((OFFICE / "seed003.docx").read_bytes())
    (inputs / "good.txt").write_bytes(seed_path("004").read_bytes())
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "jixiao", "convert", str(inputs), "-o", str(out), "--quiet"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr
    docs = pd.read_csv(out / "documents.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    status = {row.source_path: (row.status, row.error) for row in docs.itertuples()}
    assert status["good.docx"][0] == "ok" and status["good.txt"][0] == "ok"
    assert status["corrupt.xlsx"][0] == "failed" and "Excel file (.xlsx) is damaged" in status["corrupt.xlsx"][1]
    # cut off: the parts before the cut are read again (test_damaged.py), the rest is said to be missing
    assert status["truncated.docx"][0] == "partial" and "Word file (.docx) is cut off" in status["truncated.docx"][1]
    assert status["corrupt.xls"][0] == "failed" and "Excel file (.xls) is damaged" in status["corrupt.xls"][1]
    assert all("download it again" in status[n][1] for n in ("corrupt.xlsx", "truncated.docx", "corrupt.xls"))
    assert status["locked.doc"][0] == "failed" and status["locked.doc"][1].startswith("password-protected Word file")
    assert status["empty.mht.doc"][0] == "failed" and "HTML part" in status["empty.mht.doc"][1]
    indicators = pd.read_csv(out / "indicators.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    good_id = docs.set_index("source_path").loc["good.docx", "doc_id"]
    assert (indicators["doc_id"] == good_id).sum() == int(docs.set_index("source_path").loc["good.docx", "n_indicators"]) > 0


def test_doc_without_libreoffice_says_what_to_install(monkeypatch):
    from jixiao.extract.office import doc

    monkeypatch.setattr(doc, "soffice_path", lambda: None)
    result = process_file(OFFICE / "seed003.doc", OFFICE)
    assert result.document["status"] == "failed"
    assert "needs LibreOffice: apt-get install libreoffice-writer" in result.document["error"]


def test_doc_that_libreoffice_cannot_read_fails_alone(tmp_path):
    bad = tmp_path / "broken.doc"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") + b"\xff" * 3000)
    result = process_file(bad)
    assert result.document["status"] == "failed"
    assert "Word file (.doc) is damaged" in result.document["error"]  # the OLE check says it before LibreOffice


def test_rtf_saved_as_doc_is_read_through_libreoffice(tmp_path):
    def u(text: str) -> str:
        return "".join(f"\\u{ord(ch)}?" if ord(ch) > 127 else ch for ch in text)

    rtf = ("{\\rtf1\\ansi\\deff0 {\\fonttbl{\\f0 SimSun;}}\n"
           f"\\pard {u('一、基本情况')}\\par\n"
           "\\trowd\\cellx2000\\clmgf\\cellx4000\\clmrg\\cellx6000\n"
           f"\\intbl {u('项目名称')}\\cell {u('干部信息系统建设经费')}\\cell \\cell\\row\n"
           "\\trowd\\cellx2000\\cellx4000\\cellx6000\n"
           f"\\intbl {u('预算数')}\\cell 260\\cell 100%\\cell\\row\n"
           "\\pard\\par}")
    path = tmp_path / "published.doc"
    path.write_text(rtf, encoding="ascii")
    assert sniff_format(path) == "doc"
    doc = extract_any(path)  # dispatch on the sniffed format, as process_file does
    assert doc.source_format == "doc"
    assert doc.blocks[0].text == "一、基本情况" and doc.blocks[0].heading_level == 1
    (table,) = doc.tables
    assert table.logical_rows() == [["项目名称", "干部信息系统建设经费"], ["预算数", "260", "100%"]]


def test_html_nested_table_follows_its_parent(tmp_path):
    p = tmp_path / "nested.htm"
    p.write_text("<html><body><p>表1</p><table><tr><td>项目</td><td>明细<table><tr><td>子项</td><td>3</td></tr>"
                 "<tr><td>子项二</td><td>4</td></tr></table></td></tr><tr><td>合计</td><td>7</td></tr></table>"
                 "<p>其后</p></body></html>", encoding="utf-8")
    blocks = extract_html(p, ExtractOptions()).blocks
    assert [type(b).__name__ for b in blocks] == ["Paragraph", "Table", "Table", "Paragraph"]
    assert blocks[1].logical_rows() == [["项目", "明细\n子项 3\n子项二 4"], ["合计", "7"]]
    assert blocks[2].logical_rows() == [["子项", "3"], ["子项二", "4"]]
