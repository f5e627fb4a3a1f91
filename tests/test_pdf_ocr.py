"""Scanned pages and fonts without ToUnicode, read by OCR (fixtures/build_pdf.py makes both).

OCR is slow (seconds a page), so the fixtures are small: the scan holds seed 002's first
form (page 1 and the top of page 2, skewed and noisy), the broken-font file the top half
of one page. The scan is converted once, through the whole pipeline.
"""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from jixiao.extract.base import ExtractOptions
from jixiao.extract.pdf import extract
from jixiao.extract.pdf.quality import bad_text_share
from jixiao.pipeline import process_file

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
FIX = ROOT / "fixtures" / "pdf"
FIELDS = ("level1", "level2", "level3", "category", "target_op", "target_value", "target_unit",
          "actual_value", "actual_unit", "weight", "score")


@pytest.fixture(scope="module")
def scanned():
    return process_file(FIX / "seed002_scan.pdf", FIX)


def test_scan_fixture_is_image_only():
    with pdfplumber.open(FIX / "seed002_scan.pdf") as pdf:
        assert all(not p.chars and p.images for p in pdf.pages)


def test_scanned_seed_form_reads_like_the_text_seed(scanned):
    """≥95 % of the indicator fields of the scanned form equal the .txt seed's."""
    assert scanned.document["status"] == "ok", scanned.document["error"]
    assert scanned.document["source_format"] == "pdf_scanned"
    text = process_file(next(SEEDS.glob("002_*.txt")), SEEDS)
    form = scanned.tables["forms"][0]
    ref_form = next(f for f in text.tables["forms"] if f["subject"] == form["subject"])
    want = [r for r in text.tables["indicators"] if r["form_id"] == ref_form["form_id"]]
    got = scanned.tables["indicators"]
    assert want, "the reference form has indicators"
    total = len(want) * len(FIELDS)
    equal = sum(1 for x, y in zip(want, got, strict=False) for f in FIELDS if x[f] == y[f])
    share = equal / total
    print(f"scanned seed 002, form {form['subject']}: {equal}/{total} indicator fields equal ({share:.1%})")
    assert share >= 0.95
    assert (form["budget_wan"], form["executed_wan"]) == (ref_form["budget_wan"], ref_form["executed_wan"])


def test_scanned_form_over_the_page_break_is_one_form(scanned):
    (form,) = scanned.tables["forms"]
    assert (form["page_start"], form["page_end"]) == (1, 2)
    assert form["subject"] == "干部信息系统建设经费" and form["implementing_unit"] == "中共石家庄市委组织部"
    assert [r["page"] for r in scanned.tables["indicators"]] == [1, 1, 1, 2, 2]


def test_font_without_tounicode_is_detected_and_recovered():
    with pdfplumber.open(FIX / "seed002_cid.pdf") as pdf:  # the fixture really is broken
        assert "(cid:" in pdf.pages[0].extract_text()
    doc = extract(FIX / "seed002_cid.pdf", ExtractOptions())
    assert any("undecodable" in w and "OCR" in w for w in doc.warnings)
    assert doc.source_format == "pdf" and not doc.partial
    assert doc.n_pages_ocr == doc.n_pages == 1  # the page's text came from OCR
    text = doc.text()
    assert bad_text_share(text) == 0
    assert "中共石家庄市委组织部" in text and "干部信息系统建设经费" in text
    assert doc.tables and doc.tables[0].n_cols == 8


def test_ocr_threads_default_to_one_per_worker(monkeypatch):
    from jixiao.extract.pdf.ocr import ocr_threads

    monkeypatch.delenv("JIXIAO_OCR_THREADS", raising=False)
    assert ocr_threads() == 1
    monkeypatch.setenv("JIXIAO_OCR_THREADS", "2")
    assert ocr_threads() == 2
    monkeypatch.setenv("JIXIAO_OCR_THREADS", "many")
    assert ocr_threads() == 1


def test_a_dash_read_for_the_numeral_one_is_put_back():
    from jixiao.extract.pdf.ocr import dash_as_one

    assert dash_as_one("-级指标") == "一级指标"  # the heading that hides a whole indicator table
    assert dash_as_one("实物量标准-致程度") == "实物量标准一致程度"
    for kept in ("-", "2019-2020", "产出——数量", "A-B", "-5%"):
        assert dash_as_one(kept) == kept


def test_decimal_point_and_full_stop_misread_are_put_back():
    from jixiao.extract.pdf.ocr import ocr_punctuation

    assert ocr_punctuation("预算执行率为89:20%°") == "预算执行率为89.20%。"
    assert ocr_punctuation("实际支出12:5万元") == "实际支出12.5万元"
    assert ocr_punctuation("满意度达到95%以上°") == "满意度达到95%以上。"
    for kept in ("8:30开会", "比例1:2", "30°C", "1,234.56万元", "倾角15°"):
        assert ocr_punctuation(kept) == kept


def test_a_lone_header_row_keeps_its_column_rules():
    """A table cut at the foot of a scanned page: its header row's column rules are one row
    tall, too short for the long-line kernel; they join two horizontal rules with blank
    padding, unlike a glyph's stroke that touches both rules in a tight row."""
    import numpy as np

    from jixiao.extract.pdf.grid import grids_from_edges
    from jixiao.extract.pdf.image import rule_edges

    img = np.zeros((2000, 1400), np.uint8)  # binarised page: ink is 255
    img[1800:1803, 100:1300] = img[1836:1839, 100:1300] = img[1872:1875, 100:1300] = 255
    img[1800:1875, 100:103] = img[1800:1875, 1297:1300] = img[1800:1875, 300:303] = 255  # two rows tall
    for x in (600, 900):  # the header row's own column rules
        img[1836:1875, x:x + 3] = 255
    img[1836:1875, 1100:1103] = 255  # a stroke touching both rules, the rest of its glyph beside it
    img[1845:1865, 1106:1112] = 255
    (grid,) = grids_from_edges(rule_edges(img)[0])
    assert len(grid.xs) - 1 == 4  # 100 | 300 | 600 | 900 | 1300, the stroke is no rule


def test_skew_is_measured_from_the_rules():
    """The fixture's pages are turned 0.4° and -0.35° (fixtures/build_pdf.py); the angle the
    straightening undoes is read from the long table rules to a few hundredths of a degree."""
    import pypdfium2 as pdfium

    from jixiao.extract.pdf.image import binarise, render, skew_angle

    pdf = pdfium.PdfDocument(str(FIX / "seed002_scan.pdf"))
    angles = [skew_angle(binarise(render(pdf, i))) for i in range(2)]
    assert abs(angles[0] + 0.4) < 0.03 and abs(angles[1] - 0.35) < 0.03, angles


def test_ocr_runs_on_rapidocr_3_alone():
    """The deprecated rapidocr-onnxruntime (maybe still installed) is never imported."""
    import sys

    from jixiao.extract.pdf.ocr import ocr_engine

    assert type(ocr_engine()).__module__.startswith("rapidocr.")
    assert "rapidocr_onnxruntime" not in sys.modules


def test_a_cell_line_is_read_with_a_margin():
    """A cell's line cut tight to its ink gets white margins before recognition (目 read as 自 without)."""
    import numpy as np

    from jixiao.extract.pdf.ocr import padded

    crop = np.full((30, 60, 3), 255, np.uint8)
    crop[10:20, 10:50] = 0  # a line of text 10 px high
    assert padded(crop, 0.5, 0.3).shape == (30, 66, 3)  # room enough above and below already; 3 px each side
    assert padded(crop[8:22], 0.5).shape == (20, 60, 3)  # a tight crop: text is half its height
