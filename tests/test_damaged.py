"""Damaged copies of real files (truncated, bytes flipped, a 4 KB block zeroed, a block repeated):
never an internal error, never another format's name, and a damaged PDF/Word/Excel file whose
content changed is `partial` or `failed`, never `ok`.

A fixed, seeded sample runs here (scripts/damage.py has the same mutations for a long run over
every fixture; docs/damage.md has its numbers and what no check can see, and why). A slip of this
sample that cannot be seen is listed in SLIPS with the reason.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, SEEDS, SHARED

sys.path.insert(0, str(ROOT / "scripts"))
from damage import content, mutations  # noqa: E402

from jixiao.pipeline import PipelineOptions, process_file  # noqa: E402

# (file, copies per kind of damage): small real files of every format
SOURCES = [
    (FIXTURES / "pdf" / "seed001.pdf", 2),
    (SHARED / "real" / "江苏省委办公厅2018年度部门预算公开表.pdf", 2),
    (FIXTURES / "office" / "seed003.docx", 2),
    (FIXTURES / "office" / "seed001.xlsx", 2),
    (SHARED / "real" / "wild" / "深圳宝安松岗_二级项目支出绩效目标申报表.xlsx", 1),
    (FIXTURES / "office" / "seed003.xls", 2),
    (SEEDS / "004_64bd6c28bc5762b2.txt", 2),
    (FIXTURES / "office" / "seed003-web.doc", 1),
]
CHECKED = {"pdf", "docx", "xlsx", "doc", "xls"}  # formats with structure a damage shows in
# .doc runs LibreOffice (seconds a file): its damaged copies are checked at the container here
# (test_damaged_word_files) and converted whole by scripts/damage.py
# damaged copies that stay `ok` with changed content, and why nobody can see it
SLIPS: dict[str, str] = {}
WORDS = {"pdf": "PDF", "docx": "Word", "doc": "Word", "xlsx": "Excel", "xls": "Excel", "txt": "text", "html": "web page"}


def _options() -> PipelineOptions:
    options = PipelineOptions()
    options.extract.ocr = False  # speed: a page whose text is lost is reported without being read again
    return options


@pytest.mark.parametrize(("source", "per_kind"), SOURCES, ids=[s.name for s, _ in SOURCES])
def test_damaged_copies(source: Path, per_kind: int, tmp_path: Path):
    intact = process_file(source, source.parent, _options())
    fmt = intact.document["source_format"]
    assert intact.document["status"] == "ok", intact.document["error"]
    slips, seen = [], 0
    for name, data in mutations(source, per_kind, seed=7):
        path = tmp_path / name
        path.write_bytes(data)
        result = process_file(path, tmp_path, _options())
        doc = result.document
        seen += 1
        error = doc["error"] or ""
        assert "internal error" not in error, (name, error)
        assert doc["source_format"] in (fmt, "md" if fmt == "txt" else fmt, None), (name, doc["source_format"])
        assert doc["source_format"] is not None or doc["status"] == "failed"
        if doc["status"] != "ok":
            assert WORDS[fmt] in error or "damaged" in error or "cut off" in error, (name, error)
        if fmt in CHECKED and doc["status"] == "ok" and content(result) != content(intact):
            slips.append(name)
    assert seen == 4 * per_kind
    assert set(slips) <= set(SLIPS), f"damaged, changed and still ok: {sorted(set(slips) - set(SLIPS))}"


def test_not_documents_fail_clearly(tmp_path: Path):
    import random

    rng = random.Random(5)
    cases = {
        "._report.xlsx": b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        " + bytes(4000),
        "noise.txt": bytes(rng.randrange(256) for _ in range(20_000)),
        "noise-without-zeros.txt": bytes(rng.randrange(1, 256) for _ in range(20_000)),
        "noise.xlsx": bytes(rng.randrange(1, 256) for _ in range(20_000)),
        "photo.docx": b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(rng.randrange(256) for _ in range(5000)),
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        doc = process_file(tmp_path / name, tmp_path).document
        assert (doc["status"], doc["source_format"]) == ("failed", None), (name, doc)
        assert "internal error" not in doc["error"]
    errors = {name: process_file(tmp_path / name, tmp_path).document["error"] for name in cases}
    assert "resource fork" in errors["._report.xlsx"]
    assert errors["noise.xlsx"].startswith("this file is named .xlsx but is not an Excel workbook")
    assert "JPEG" in errors["photo.docx"]


def test_text_with_a_zeroed_block_or_bad_bytes_is_partial_and_says_where(tmp_path: Path):
    text = (SEEDS / "001_5e3810e3d5220777.txt").read_bytes()
    zeroed = tmp_path / "zeroed.txt"
    zeroed.write_bytes(text[:3000] + bytes(4096) + text[7096:])
    doc = process_file(zeroed, tmp_path).document
    assert doc["status"] == "partial" and "4096 zero bytes" in doc["error"] and "line" in doc["error"]
    flipped = bytearray(text)
    for i in range(20_000, 20_040, 4):
        flipped[i] ^= 0xFF
    bad = tmp_path / "flipped.txt"
    bad.write_bytes(bytes(flipped))
    doc = process_file(bad, tmp_path).document
    line = text[:20_000].count(b"\n") + 1
    assert doc["status"] == "partial" and f"line {line}" in doc["error"] and "utf-8" in doc["error"]
    # the rest is still read as UTF-8 (not as GB18030 mojibake): the unit's name is found
    assert process_file(bad, tmp_path).document["unit_name"] == process_file(SEEDS / "001_5e3810e3d5220777.txt",
                                                                               SEEDS).document["unit_name"]


def test_damaged_word_files(tmp_path: Path):
    """A .doc's OLE container tells truncation and repeated blocks; its structures checked against
    each other (office/word97.py) tell a zeroed block in its text, formatting or table layouts and
    most flipped bytes in its formatting. Never an Excel file."""
    from jixiao.extract import damage
    from jixiao.extract.base import ExtractionError, ExtractOptions, sniff_format

    seen: dict[str, str] = {}
    for name, data in mutations(FIXTURES / "office" / "seed003.doc", 2, seed=7):
        path = tmp_path / name
        path.write_bytes(data)
        assert sniff_format(path) == "doc", name
        try:
            warnings = damage.check(path, "doc", ExtractOptions())
            seen[name] = "partial" if warnings else "unseen"
            assert all(w.startswith("the Word file (.doc) is damaged") for w in warnings)
        except ExtractionError as e:
            seen[name] = "failed"
            assert str(e).startswith("the Word file (.doc) is damaged") and "download it again" in str(e)
    assert all(seen[n] == "failed" for n in seen if ".truncate" in n)
    assert all(seen[n] == "partial" for n in seen if ".duplicate" in n)
    # zeroed: the text (WordDocument), the table layouts kept in the Data stream (sprmPHugePapx)
    assert all(seen[n] == "partial" for n in seen if ".zero" in n)
    # flipped inside the text: seen when the file is read (garble.py), not in its structures
    assert [n for n in seen if seen[n] == "unseen"] == ["seed003.flip1.doc"]
    renamed = tmp_path / "report.xls"  # a Word file under an Excel name is still a Word file
    renamed.write_bytes((FIXTURES / "office" / "seed000.doc").read_bytes())
    assert sniff_format(renamed) == "doc"


def test_an_internal_error_is_called_a_bug_and_its_traceback_reaches_the_log(tmp_path: Path, monkeypatch):
    from jixiao.batch.progress import BatchProgress
    from jixiao.batch.task import Outcome
    from jixiao.extract import txt

    def broken(text: str) -> list:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(txt, "parse_text", broken)
    result = process_file(SEEDS / "004_64bd6c28bc5762b2.txt", SEEDS)
    assert result.document["status"] == "failed"
    assert result.document["error"].startswith("internal error ZeroDivisionError") and "jixiao.log" in result.document["error"]
    assert "ZeroDivisionError: a bug" in result.trace and "parse_text" not in result.document["error"]
    log = tmp_path / "jixiao.log"
    with BatchProgress(1, log, show=False) as progress:
        progress.done(Outcome(0, "004.txt", "failed", result.document["error"], 0.1, "", trace=result.trace))
    lines = log.read_text(encoding="utf-8").splitlines()
    row = next(i for i, ln in enumerate(lines) if ln.startswith("failed\t"))
    assert lines[row + 1].startswith("    Traceback") and any("ZeroDivisionError: a bug" in ln for ln in lines[row + 1:])


def test_broken_xls_records_never_reach_calamine(tmp_path: Path):
    """These copies made python-calamine panic, and one made it abort the whole process asking
    for 171 GB: broken records are a damaged file, said by xlrd's error."""
    for name, data in mutations(FIXTURES / "office" / "seed000.xls", 3, seed=3):
        if ".flip" not in name:
            continue
        path = tmp_path / name
        path.write_bytes(data)
        doc = process_file(path, tmp_path).document
        assert doc["status"] == "failed" and doc["error"].startswith("the Excel file (.xls) is damaged"), (name, doc)



def test_a_cut_off_pdf_keeps_the_pages_before_the_cut(tmp_path: Path):
    source = SHARED / "real" / "wild" / "上海市财政局2025年单位预算.pdf"
    data = source.read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: len(data) * 7 // 10])
    result = process_file(cut, tmp_path, _options())
    doc = result.document
    assert doc["status"] == "partial" and doc["error"].startswith("the PDF is cut off")
    assert "qpdf rebuilt it" in doc["error"] and doc["n_pages"] >= 10
    assert len(result.tables["amounts"]) > 50  # the tables of the pages before the cut are read


def test_a_cut_off_docx_is_read_from_the_parts_before_the_cut(tmp_path: Path):
    source = FIXTURES / "office" / "seed003.docx"
    data = source.read_bytes()
    cut = tmp_path / "cut.docx"
    cut.write_bytes(data[: len(data) // 2])  # the zip directory at the end is gone
    result, intact = process_file(cut, tmp_path), process_file(source, source.parent)
    assert result.document["status"] == "partial" and "word/document.xml" in result.document["error"]
    fields = ("level3", "target_raw", "actual_raw", "weight", "score")
    assert [[r[k] for k in fields] for r in result.tables["indicators"]] == \
           [[r[k] for k in fields] for r in intact.tables["indicators"]]
    cut_xlsx = tmp_path / "cut.xlsx"  # a workbook's shared strings come late: nothing to salvage
    xlsx = (FIXTURES / "office" / "seed001.xlsx").read_bytes()
    cut_xlsx.write_bytes(xlsx[: len(xlsx) * 7 // 10])
    doc = process_file(cut_xlsx, tmp_path).document
    assert doc["status"] == "failed" and doc["error"].startswith("the Excel file (.xlsx) is damaged")


def test_a_zeroed_block_in_a_scanned_page_picture_is_seen(tmp_path: Path):
    import pikepdf

    from jixiao.extract.damage import jpeg_problem

    source = FIXTURES / "pdf" / "seed002_scan.pdf"
    with pikepdf.open(source) as pdf:
        jpeg = next(bytes(o.read_raw_bytes()) for o in pdf.objects
                    if isinstance(o, pikepdf.Stream) and str(o.get("/Filter")) == "/DCTDecode")
    assert jpeg_problem(jpeg) is None
    at = len(jpeg) // 2
    assert jpeg_problem(jpeg[:at] + bytes(4096) + jpeg[at + 4096:]) == "picture data overwritten with zeros"
    assert jpeg_problem(jpeg[:at]) == "picture data cut short"


def test_a_flipped_byte_in_a_cell_or_a_word_page_is_seen(tmp_path: Path):
    """No checksum covers an .xls cell's text or a .doc's formatting pages: what the flipped bytes
    make of them shows it (a code point that is no character; a property list that no longer fits
    its page)."""
    from jixiao.extract import damage
    from jixiao.extract.base import ExtractOptions

    cell = dict(mutations(FIXTURES / "office" / "seed003.xls", 2, seed=7))["seed003.flip1.xls"]
    (tmp_path / "cell.xls").write_bytes(cell)
    doc = process_file(tmp_path / "cell.xls", tmp_path).document
    assert doc["status"] == "partial", doc
    assert doc["error"].startswith("the Excel file (.xls) is damaged: 表3!A18 reads “") and "U+FFF3 is no character" in doc["error"]
    page = dict(mutations(FIXTURES / "office" / "seed000.doc", 3, seed=1))["seed000.flip0.doc"]
    (tmp_path / "page.doc").write_bytes(page)
    assert damage.check(tmp_path / "page.doc", "doc", ExtractOptions()) == [
        "the Word file (.doc) is damaged (its paragraph formatting is broken: its text ranges are out of order): what "
        f"could be read is shown; {damage.AGAIN}"]


def test_characters_a_flipped_byte_makes_in_chinese_text():
    from jixiao.extract.garble import find_garbled

    def seen(*texts: str) -> list[str]:
        return [g.reason for g in find_garbled([(f"A{i}", t) for i, t in enumerate(texts)])]

    # intact: a rare place name once, the middle dot of foreign names, Korean of its own, symbol fonts
    assert seen("武汉市硚口区财政局", "马克思・恩格斯", "예산 공개 / 预算公开", "完成情况\uf0a8良好", "一、\t二、\n") == []
    assert seen("统筹性\u30fe针对性") == ["ヾ (katakana voiced iteration mark) is a letter of another script alone among Chinese characters"]
    assert seen("实效性\ufff3全面") == ["U+FFF3 is no character"]
    assert seen("Í、部门主要职能") == ["Í (latin capital letter i with acute) is a letter of another script alone among "
                                  "Chinese characters"]
    assert seen("Café咖啡", "Pàn 盼") == []
    assert seen("较多的\x0c要") == ["a control character (U+000C) inside Chinese text"]
    assert seen("按照嘂家相册法律氪规，勉定了距务收旐、公犖购置侀用") == ["4 rare characters close together (嘂旐犖侀)"]
    # a document written in rare characters (traditional Chinese) is its own normal
    assert seen("國際預算報告書與績效評價", "嘂旐犖侀") == []


def test_overwritten_pdf_objects_and_a_jpeg_out_of_step_are_seen(tmp_path: Path):
    """Objects qpdf can only read in part (a zeroed block over a page's fonts) are named by page;
    a flipped byte in a scanned page's JPEG puts libjpeg out of step, which it says."""
    import pikepdf

    from jixiao.extract import damage

    source = SHARED / "real" / "江苏省委办公厅2018年度部门预算公开表.pdf"
    (tmp_path / "fonts.pdf").write_bytes(dict(mutations(source, 3, seed=1))[f"{source.stem}.zero0.pdf"])
    found = damage.pdf_damage(tmp_path / "fonts.pdf")
    assert any(w.startswith("the PDF is damaged: 2 objects used on page 12 are corrupt") for w in found), found
    scan = FIXTURES / "pdf" / "seed002_scan.pdf"
    (tmp_path / "scan.pdf").write_bytes(dict(mutations(scan, 3, seed=1))["seed002_scan.flip1.pdf"])
    with pikepdf.open(tmp_path / "scan.pdf") as pdf:
        jpeg = next(bytes(o.read_raw_bytes()) for o in pdf.objects
                    if isinstance(o, pikepdf.Stream) and o.objgen == (7, 0))
    assert damage.jpeg_problem(jpeg) is None  # its markers are in place: only a decoder sees it
    assert damage.jpeg_decoder_problem(jpeg) == \
        "picture data broken, the JPEG decoder says “premature end of data segment”"
    with pikepdf.open(scan) as pdf:
        assert all(damage.jpeg_decoder_problem(bytes(o.read_raw_bytes())) is None for o in pdf.objects
                   if isinstance(o, pikepdf.Stream) and str(o.get("/Filter")) == "/DCTDecode")


def test_xls_records_that_contradict_each_other_are_seen(tmp_path: Path):
    """A merged range past the last row Excel has (a flipped byte in MERGEDCELLS): xlrd notes it
    and reads on; the file is partial, in xlrd's words."""
    import shutil
    import struct

    import olefile

    path = tmp_path / "merged.xls"
    shutil.copyfile(FIXTURES / "office" / "seed001.xls", path)
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        stream = bytearray(ole.openstream("Workbook").read())
        at = 0
        while struct.unpack_from("<H", stream, at)[0] != 0x00E5:  # the first MERGEDCELLS record
            at += 4 + struct.unpack_from("<H", stream, at + 2)[0]
        stream[at + 7] ^= 0xFF  # the high byte of its first range's first row
        ole.write_stream("Workbook", bytes(stream))
    doc = process_file(path, tmp_path).document
    assert doc["status"] == "partial"
    assert doc["error"].startswith("the Excel file (.xls) is damaged: its records contradict each other (xlrd: "
                                   "WARNING: sheet #") and "MERGEDCELLS bad range" in doc["error"]


def test_a_word_picture_header_in_the_data_stream_is_checked():
    """A character formatting page whose run draws a picture (sprmCFSpec, sprmCPicLocation → the
    PICF in the Data stream): the header fits, or a zeroed block over it is said."""
    import struct

    from jixiao.extract.office.word97 import Broken, check_character_page

    grpprl = struct.pack("<HB", 0x0855, 1) + struct.pack("<HI", 0x6A03, 0)
    page = bytearray(512)
    page[511] = 1  # one run
    page[0:8] = struct.pack("<II", 2048, 2050)
    page[8] = 200 // 2  # its properties at byte 200
    page[200] = len(grpprl)
    page[201:201 + len(grpprl)] = grpprl
    picture = struct.pack("<IH", 0x44 + 100, 0x44) + bytes(0x44 - 6 + 100)
    check_character_page(bytes(page), 2048, 2050, picture)
    with pytest.raises(Broken, match="a picture's header in the Data stream is broken"):
        check_character_page(bytes(page), 2048, 2050, bytes(len(picture)))
