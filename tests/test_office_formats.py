"""Word and Excel, new and old: the same document gives the same rows in every format."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import FIXTURES, SEEDS, seed_path
from docx import Document as WordDocument
from docx.oxml.ns import qn
from lxml import etree

from jixiao.extract.base import ExtractOptions, sniff_format
from jixiao.extract.docx import extract as extract_docx
from jixiao.extract.html import extract as extract_html
from jixiao.model import Table
from jixiao.pipeline import process_file

OFFICE = FIXTURES / "office"
FORM_FIELDS = ("form_type", "subject", "total_score", "budget_wan", "executed_wan")
ROW_FIELDS = ("level1", "level2", "level3", "category", "target_op", "target_value", "target_unit",
              "actual_value", "actual_unit", "weight", "score")


@pytest.fixture(scope="module")
def txt_results(seed_results):
    return seed_results


@pytest.mark.parametrize("fmt", ["docx", "doc", "xlsx"])
@pytest.mark.parametrize("seed", ["000", "001", "002", "003"])
def test_same_forms_and_indicators_as_the_text_seed(txt_results, seed, fmt):
    ref = txt_results[seed]
    got = process_file(OFFICE / f"seed{seed}.{fmt}", OFFICE)
    assert got.document["status"] == "ok", got.document["error"]
    assert got.document["source_format"] == fmt
    assert [tuple(f[k] for k in FORM_FIELDS) for f in got.tables["forms"]] == \
           [tuple(f[k] for k in FORM_FIELDS) for f in ref.tables["forms"]]
    assert [tuple(r[k] for k in ROW_FIELDS) for r in got.tables["indicators"]] == \
           [tuple(r[k] for k in ROW_FIELDS) for r in ref.tables["indicators"]]


def _docx_with_merges(path: Path) -> None:
    doc = WordDocument()
    doc.add_paragraph("一、基本情况")
    t = doc.add_table(rows=4, cols=4)
    t.cell(0, 0).text = "一级指标"
    t.cell(0, 1).text = "二级指标"
    t.cell(0, 2).merge(t.cell(0, 3)).text = "指标值"  # horizontal merge over two columns
    t.cell(1, 0).text = "产出指标"
    t.cell(1, 0).merge(t.cell(3, 0))  # vertical merge over three rows
    t.cell(1, 1).text = "数量"
    t.cell(1, 2).text = "≥90%"
    t.cell(1, 3).text = "95%"
    inner = t.cell(2, 1).add_table(rows=1, cols=2)  # a nested table
    inner.cell(0, 0).text = "子项"
    inner.cell(0, 1).text = "3"
    t.cell(3, 1).text = "质量"
    # a row that starts one grid column in (w:gridBefore)
    tr = t.rows[3]._tr
    trPr = tr.get_or_add_trPr()
    gb = etree.SubElement(trPr, qn("w:gridBefore"))
    gb.set(qn("w:val"), "1")
    tr.remove(tr.findall(qn("w:tc"))[0])  # the cell the gridBefore column replaces
    doc.save(path)


def test_docx_spans_nested_and_grid_before(tmp_path):
    p = tmp_path / "merged.docx"
    _docx_with_merges(p)
    doc = extract_docx(p, ExtractOptions())
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    assert len(tables) == 2  # the outer table and its nested table
    outer, nested = tables
    assert outer.title == "一、基本情况" and doc.blocks[0].heading_level == 1
    cells = {(c.row, c.col): c for c in outer.cells}
    assert (cells[(0, 2)].text, cells[(0, 2)].colspan) == ("指标值", 2)
    assert (cells[(1, 0)].text, cells[(1, 0)].rowspan) == ("产出指标", 2)  # row 3 starts after gridBefore
    assert (3, 0) not in cells and cells[(3, 1)].text == "质量"
    assert "子项 3" in cells[(2, 1)].text
    assert nested.logical_rows() == [["子项", "3"]]
    assert outer.logical_rows()[0] == ["一级指标", "二级指标", "指标值"]
    assert outer.logical_rows()[2][0] == ""  # vMerge continuation reads as Word writes it


def test_html_saved_as_doc(tmp_path):
    p = tmp_path / "report.doc"
    p.write_bytes("<html><head><meta charset='gb2312'></head><body><h2>一、部门概况</h2><p>年末总资产 169.57 万元。</p>"
                  "<table><tr><td rowspan=2>产出指标</td><td>数量</td></tr><tr><td>质量</td></tr></table></body></html>"
                  .encode("gb18030"))
    assert sniff_format(p) == "html"
    doc = extract_html(p, ExtractOptions())
    assert doc.blocks[0].text == "一、部门概况" and doc.blocks[0].heading_level == 2
    (table,) = doc.tables
    assert table.logical_rows() == [["产出指标", "数量"], ["", "质量"]]
    result = process_file(p)
    assert (result.document["status"], result.document["source_format"]) == ("ok", "html")


def test_mht_with_gbk_part(tmp_path):
    body = "<html><body><p>项目支出绩效自评表</p></body></html>".encode("gb18030")
    import base64

    mht = (b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"B\"\r\n\r\n--B\r\n"
           b"Content-Type: text/html; charset=\"gb2312\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
           + base64.encodebytes(body) + b"\r\n--B--\r\n")
    p = tmp_path / "saved-by-wps.doc"
    p.write_bytes(mht)
    doc = extract_html(p, ExtractOptions())
    assert doc.blocks[0].text == "项目支出绩效自评表"


def test_bad_office_files_fail_clearly_and_the_batch_goes_on(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    # an encrypted .docx is an OLE container holding an EncryptedPackage stream, not a zip
    (inputs / "locked.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
                                         + "EncryptedPackage".encode("utf-16-le") + b"\0" * 512)
    (inputs / "corrupt.xlsx").write_bytes(b"PK\x03\x04" + b"\x00garbage" * 50)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><d>&a;</d>')
    (inputs / "xxe.docx").write_bytes(buf.getvalue())
    (inputs / "good.txt").write_bytes(seed_path("004").read_bytes())
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "jixiao", "convert", str(inputs), "-o", str(out), "--quiet"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1
    import pandas as pd

    docs = pd.read_csv(out / "documents.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    status = dict(zip(docs["source_path"], zip(docs["status"], docs["error"], strict=True), strict=True))
    assert status["good.txt"][0] == "ok"
    assert status["locked.docx"][0] == "failed" and "password-protected" in status["locked.docx"][1]
    assert status["corrupt.xlsx"][0] == "failed" and "corrupt" in status["corrupt.xlsx"][1]
    assert status["xxe.docx"][0] == "failed" and "entit" in status["xxe.docx"][1]


def test_doc_without_libreoffice_says_what_to_install(monkeypatch, tmp_path):
    from jixiao.extract import doc

    monkeypatch.setattr(doc, "soffice_path", lambda: None)
    result = process_file(OFFICE / "seed003.doc", OFFICE)
    assert result.document["status"] == "failed"
    assert "apt-get install libreoffice" in result.document["error"]


def test_seed_fixtures_exist():
    for seed in ("000", "001", "002", "003"):
        for fmt in ("docx", "doc", "xlsx"):
            assert (OFFICE / f"seed{seed}.{fmt}").stat().st_size > 1000
    assert SEEDS.exists()
