"""PDF extraction on the real published PDFs and on the seed fixtures (fixtures/build_pdf.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from jixiao.extract.base import ExtractionError, ExtractOptions
from jixiao.extract.pdf import extract
from jixiao.model import Table
from jixiao.pipeline import process_file

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
REAL = SHARED / "real"
FIX = ROOT / "fixtures" / "pdf"
FORM_FIELDS = ("form_type", "subject", "total_score", "budget_wan", "executed_wan")
FIELDS = ["level1", "level2", "level3", "category", "target_op", "target_value", "target_unit",
          "actual_value", "actual_unit", "weight", "score"]


def table_titled(doc, needle: str) -> Table:
    return next(t for t in doc.tables if needle in t.title)


@pytest.fixture(scope="module")
def court():
    return extract(REAL / "省法院2018年度部门预算公开.pdf", ExtractOptions())


@pytest.mark.parametrize("path", sorted(REAL.glob("*.pdf")), ids=lambda p: p.stem)
def test_every_real_pdf_extracts(path):
    doc = extract(path, ExtractOptions())
    assert doc.source_format == "pdf" and not doc.warnings and not doc.partial
    assert doc.n_pages and len(doc.paragraphs) > 5
    assert all(p.page for p in doc.paragraphs)


def test_word_made_summary_table_spans_two_pages(court):
    # 收支预算总表 starts on page 9 and ends on page 10 (pdftotext -layout -f 9 -l 10)
    t = table_titled(court, "收支预算总表")
    rows = t.logical_rows()
    assert rows[0] == ["收入", "支出"]
    assert rows[-1] == ["收入合计", "33,172.15", "支出合计", "33,172.15"]
    assert ["一、财政拨款", "33,172.15", "一、一般公共服务支出", "", "一、基本支出", "18,570.82"] in rows
    assert set(t.row_pages) == {9, 10} and len(t.row_pages) == t.n_rows


def test_header_row_alone_at_page_foot_joins_its_body(court):
    # 财政拨款收支预算总表: only its "收入 | 支出" row is on page 10, the rest on page 11
    t = table_titled(court, "财政拨款收支预算总表")
    rows = t.logical_rows()
    assert rows[0] == ["收入", "支出"] and rows[-1] == ["收入合计", "33,172.15", "支出合计", "33,172.15"]
    assert t.n_cols == 4 and set(t.row_pages) == {10, 11}


def test_continuation_without_top_rule_keeps_its_first_row(court):
    t = table_titled(court, "六、2018年度江苏省高级人民法院财政拨款基本支出预算表")
    rows = t.logical_rows()
    assert ["30108", "机关事业单位基本养老保险缴费", "1,326.81"] in rows  # first row on page 12
    assert rows[1] == ["", "合计", "18,570.82"]
    # the parts add up to the total as published
    parts = [float(r[2].replace(",", "")) for r in rows if re.fullmatch(r"30\d", r[0])]
    assert round(sum(parts), 2) == 18570.82


def test_rotated_excel_pages_and_vertical_merges():
    doc = extract(REAL / "江苏省委办公厅2018年度部门预算公开表.pdf", ExtractOptions())
    first = doc.tables[0]
    assert first.page == 3 and first.title == "收支预算总表"
    assert first.logical_rows()[-1] == ["收入合计", "24,458.43", "支出合计", "24,458.43"]
    income = table_titled(doc, "收入预算总表")
    merged = next(c for c in income.cells if c.text == "一般公共预算资金")
    assert merged.rowspan == 3  # 小计, 公共财政拨款(补助)资金 and 专项收入 beside it


def test_landscape_excel_caption_rows_become_paragraphs():
    doc = extract(REAL / "江苏省政协办公厅2019年预算公开表.pdf", ExtractOptions())
    t = doc.tables[0]
    assert t.title == "收支预算总表" and t.logical_rows()[0] == ["收入", "支出"]
    assert any(p.text.startswith("部门：江苏省政协办公厅") for p in doc.paragraphs)
    assert t.logical_rows()[-1] == ["收入合计", "13,377.11", "支出合计", "13,377.11"]


def test_prose_headings(court):
    heads = [p.text for p in court.paragraphs if p.heading_level == 1]
    assert "一、收支预算总体情况说明" in heads
    assert not any(re.fullmatch(r"[-—\s]*\d+[-—\s]*", p.text) for p in court.paragraphs)


@pytest.mark.parametrize("num", ["000", "001", "002", "003", "004"])
def test_seed_pdf_gives_the_same_forms_and_indicators_as_the_text(num):
    seed = next((SHARED / "seeds").glob(f"{num}_*.txt"))
    want, got = process_file(seed), process_file(FIX / f"seed{num}.pdf")
    assert got.document["status"] == "ok" and got.document["source_format"] == "pdf"
    assert got.document["n_pages_ocr"] == 0 and want.document["n_pages_ocr"] is None  # text layer read; no pages in .txt
    assert [tuple(f[k] for k in FORM_FIELDS) for f in got.tables["forms"]] == \
           [tuple(f[k] for k in FORM_FIELDS) for f in want.tables["forms"]]
    a, b = want.tables["indicators"], got.tables["indicators"]
    assert len(a) == len(b)
    diffs = [(x.get(f), y.get(f), f) for x, y in zip(a, b, strict=True) for f in FIELDS if x.get(f) != y.get(f)]
    print(f"seed {num}: {len(a) * len(FIELDS) - len(diffs)} of {len(a) * len(FIELDS)} indicator fields equal")
    assert not diffs, diffs[:5]


def test_seed000_form_runs_over_pages_and_is_one_table():
    doc = extract(FIX / "seed000.pdf", ExtractOptions())
    assert len(doc.tables) == 1
    t = doc.tables[0]
    assert len(set(t.row_pages)) >= 3 and t.n_rows == 72  # as many rows as the Word table
    assert len(t.row_pages) == t.n_rows and t.row_pages == sorted(t.row_pages)
    assert all(c.page and c.bbox for c in t.cells)


def test_scanned_pdf_with_ocr_off():
    with pytest.raises(ExtractionError, match="scanned PDF: OCR disabled"):
        extract(FIX / "seed002_scan.pdf", ExtractOptions(ocr=False))


def test_font_without_tounicode_and_ocr_off_fails_clearly():
    with pytest.raises(ExtractionError, match="undecodable"):
        extract(FIX / "seed002_cid.pdf", ExtractOptions(ocr=False))


def test_max_pages_reads_the_first_pages_and_marks_partial():
    doc = extract(REAL / "省法院2018年度部门预算公开.pdf", ExtractOptions(max_pages=3))
    assert doc.partial and doc.n_pages == 25
    assert any("only the first 3 of 25 pages" in w for w in doc.warnings)
    assert {p.page for p in doc.paragraphs} <= {1, 2, 3}


def test_truncated_pdf(tmp_path):
    bad = tmp_path / "cut.pdf"
    bad.write_bytes((FIX / "seed004.pdf").read_bytes()[:3000])
    with pytest.raises(ExtractionError):
        extract(bad, ExtractOptions())


def test_encrypted_pdfs(tmp_path):
    from pypdf import PdfReader, PdfWriter

    for user, ok in (("", True), ("secret", False)):
        w = PdfWriter(clone_from=PdfReader(str(FIX / "seed004.pdf")))
        w.encrypt(user_password=user, owner_password="owner")
        out = tmp_path / f"enc_{ok}.pdf"
        with open(out, "wb") as fh:
            w.write(fh)
        if ok:
            assert extract(out, ExtractOptions()).tables
        else:
            with pytest.raises(ExtractionError, match="password-protected PDF"):
                extract(out, ExtractOptions())


def test_prose_paragraphs_in_reading_order():
    doc = extract(REAL / "江苏省人大常委会2019年度部门预算公开.pdf", ExtractOptions())
    assert not doc.tables and doc.n_pages == 19
    texts = [p.text for p in doc.paragraphs]
    # a numbered item wrapped over two lines is one paragraph, not a heading and a tail
    item = next(t for t in texts if t.startswith("（一）在本省行政区域内"))
    assert item.endswith("决议的遵守和执行；")
    assert texts.index("一、主要职能") < texts.index(item)
    assert next(p for p in doc.paragraphs if p.text == "一、主要职能").heading_level == 1
    assert any("18330.37万元" in t for t in texts)  # 支出预算总计, page 10
    assert all(p.page and p.bbox and p.bbox[0] < p.bbox[2] for p in doc.paragraphs)
    assert [p.page for p in doc.paragraphs] == sorted(p.page for p in doc.paragraphs)


def test_purchase_table_over_two_rotated_pages_is_one_table():
    doc = extract(REAL / "江苏省委办公厅2018年度部门预算公开表.pdf", ExtractOptions())
    t = table_titled(doc, "政府采购预算表")
    rows = t.logical_rows()
    assert rows[0] == ["采购品目大类", "专项名称", "经济科目", "采购物品名称", "采购组织形式", "总计"]
    assert rows[1] == ["合计", "", "", "", "", "1,449.50"]
    assert ["", "行政运转保障经费", "物业管理费", "", "", "210.00"] in rows  # printed on page 15
    assert set(t.row_pages) == {14, 15} and t.row_pages[-1] == 15
    assert sum(1 for r in rows if r[0] == "采购品目大类") == 1


def test_searchable_scan_uses_its_text_layer_and_the_rules_in_the_image():
    # page image with every table rule, invisible text on top, no vector rules (fixtures/build_pdf.py)
    doc = extract(FIX / "seed002_searchable.pdf", ExtractOptions())
    assert doc.source_format == "pdf_scanned" and not doc.partial
    assert any("rules were found on the page image" in w for w in doc.warnings)
    (table,) = doc.tables
    assert table.n_cols == 8 and table.title == "市级部门预算项目绩效自评表"
    rows = table.logical_rows()
    assert rows[0][:3] == ["一、基本情况", "项目名称", "干部信息系统建设经费"]
    assert ["", "预算数:", "260", "到位数:", "260", "执行数:", "260", "100.00%"] in rows
    want = [r for r in process_file(FIX / "seed002.pdf").tables["indicators"] if r["page"] == 1]
    got = process_file(FIX / "seed002_searchable.pdf").tables["indicators"]
    # page 1 holds the form's first three indicators, the third cut by the page foot
    assert len(got) == 3 and got[2]["level3"] == "全年执行金额"
    assert [[r[f] for f in FIELDS] for r in got[:2]] == [[r[f] for f in FIELDS] for r in want[:2]]
