"""A 预算/决算 publication as a whole: a 说明 without its tables, and a 科目 of the 说明 against its row.

Fixtures are the real Jiangsu files (../shared/real) converted once, with one line or one figure
changed: the untouched files must stay silent (or raise the info a reader confirmed), the changed
ones must raise exactly the finding the change planted.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from jixiao.normalize.facts import extract_facts
from jixiao.validate.base import run_rules

REAL = next(p for p in (Path(__file__).resolve().parents[1].parent / "shared" / "real", Path("/work/shared/real"))
            if p.exists())
PROSE = "江苏省委办公厅2018年度部门预算公开文件.pdf"  # the 说明, “具体公开表样附后”
TABLES = "江苏省委办公厅2018年度部门预算公开表.pdf"  # its tables
NPC = "江苏省人大常委会2019年度部门预算公开.pdf"  # a 说明 whose 公开表 is not in the folder: “…公开表附后”


@pytest.fixture(scope="module")
def real() -> dict[str, dict[str, list[dict]]]:
    from jixiao.pipeline import process_file

    return {n: process_file(REAL / n, REAL).tables for n in (PROSE, TABLES, NPC)}


def with_text(tables: dict[str, list[dict]], change: dict[str, str]) -> dict[str, list[dict]]:
    """The file's rows with narrative texts replaced (old -> new, "" deletes the row) and its facts read again."""
    narrative = []
    for r in tables["narrative"]:
        text = r["text"]
        for old, new in change.items():
            if old in text:
                text = text.replace(old, new)
        if text.strip():
            narrative.append({**r, "text": text})
    return {**tables, "narrative": narrative, "facts": extract_facts(narrative)}


def missing(tables: dict[str, list[dict]]) -> list[tuple[str, str]]:
    from jixiao.pipeline import check_unpaired

    return [(f["severity"], f["row_label"]) for f in check_unpaired(tables)]


# ------------------------------------------------------------ a 说明 without its tables

def test_a_说明_saying_its_tables_are_attached_is_an_info_when_they_are_not_in_the_batch(real):
    from jixiao.pipeline import check_unpaired

    (f,) = check_unpaired(real[PROSE])
    assert f["rule"] == "MISSING_TABLE" and f["severity"] == "info" and "表样附后" in f["row_label"]
    assert f["page"] == 5 and f["source_ref"]  # the PDF page of “具体公开表样附后”
    ((severity, label),) = missing(real[NPC])
    assert severity == "info" and "公开表附后" in label


def test_a_说明_listing_its_tables_without_them_or_a_word_is_a_warning(real):
    alone = with_text(real[PROSE], {"具体公开表样附后": ""})
    ((severity, label),) = missing(alone)
    assert severity == "warning" and label == "第二部分 2018年度部门预算表"
    # the other wordings of the genre count as saying it: 详见附表, 见附件, 另行公开
    for words in ("本部门预算公开表详见附表。", "预算表见附件1。", "部门预算表另行公开。"):
        said = with_text(real[PROSE], {"具体公开表样附后": words})
        assert [s for s, _ in missing(said)] == ["info"], words


def test_a_说明_with_its_公开表_in_the_batch_raises_nothing(real):
    from jixiao.pipeline import check_publication

    alone = with_text(real[PROSE], {"具体公开表样附后": ""})
    assert [f for f in check_publication([alone, real[TABLES]]) if f["rule"] == "MISSING_TABLE"] == []
    # `jixiao validate` over the folder (no batch step): the pair is one publication, the 说明 alone is not
    both = {name: alone.get(name, []) + real[TABLES].get(name, []) for name in {*alone, *real[TABLES]} - {"findings"}}
    assert [f for f in run_rules(both, only=["MISSING_TABLE"])] == []
    assert [f["severity"] for f in run_rules({k: v for k, v in alone.items() if k != "findings"},
                                            only=["MISSING_TABLE"])] == ["warning"]


def test_a_file_converted_alone_leaves_it_to_the_batch(real):
    """process_file cannot know the batch: no MISSING_TABLE from the file's own check."""
    assert [f for f in real[PROSE]["findings"] if f["rule"] == "MISSING_TABLE"] == []


def test_a_情况说明_that_never_names_its_tables_is_not_accused(real):
    """A 预算信息公开情况说明 quoting figures without a table listing: nothing says tables belong to it."""
    listing = [r["text"] for r in real[PROSE]["narrative"] if r["page"] == 2 and ("表" in r["text"] or "部分" in r["text"])]
    alone = with_text(real[PROSE], {**dict.fromkeys(listing, ""), "第二部分 2018年度部门预算表": "", "具体公开表样附后": ""})
    from jixiao.validate.base import Context
    from jixiao.validate.publication import publications

    assert [p.kind for p in publications(Context({k: v for k, v in alone.items() if k != "findings"}))] == ["预算"]
    assert missing(alone) == []


def test_convert_reports_a_说明_alone_and_not_one_with_its_公开表(tmp_path):
    """End to end through `jixiao convert`: the batch step decides, and `jixiao validate` agrees."""
    from typer.testing import CliRunner

    from jixiao.cli import app

    prose = ("# 江苏省某某厅2019年度部门预算公开\n\n第二部分 2019年度部门预算表\n\n"
             "# 第三部分 江苏省某某厅2019年度部门预算情况说明\n\n"
             "江苏省某某厅2019年度收入、支出预算总计1,000.00万元。其中：一般公共预算收入预算1,000.00万元。"
             "基本支出预算数为600.00万元。项目支出预算数为400.00万元。\n\n"
             "2019年度一般公共预算拨款安排的“三公”经费预算支出中，因公出国（境）费支出10万元，公务接待费支出20万元。\n")
    table = ("# 江苏省某某厅2019年度部门预算公开表\n\n部门：江苏省某某厅\n\n支出预算总表\n\n单位：万元\n\n"
             "| 合计 | 基本支出 | 项目支出 |\n|---|---|---|\n| 1,000.00 | 600.00 | 400.00 |\n")

    def convert(files: dict[str, str], name: str) -> list[dict]:
        src, out = tmp_path / name, tmp_path / f"{name}-out"
        src.mkdir()
        for fname, text in files.items():
            (src / fname).write_text(text, encoding="utf-8")
        result = CliRunner().invoke(app, ["convert", str(src), "-o", str(out), "--quiet", "--no-report"])
        assert result.exit_code in (0, 1), result.output
        with open(out / "findings.csv", encoding="utf-8-sig") as fh:
            found = [r for r in csv.DictReader(fh) if r["rule"] == "MISSING_TABLE"]
        again = CliRunner().invoke(app, ["validate", str(out), "--fail-on", "info"])
        assert again.exit_code in (0, 1), again.output
        with open(out / "findings.csv", encoding="utf-8-sig") as fh:
            assert [r["severity"] for r in csv.DictReader(fh) if r["rule"] == "MISSING_TABLE"] == \
                [r["severity"] for r in found]
        return found

    (f,) = convert({"某某厅2019年度部门预算公开文件.md": prose}, "alone")
    assert f["severity"] == "warning" and "部门预算表" in f["row_label"]
    assert convert({"某某厅2019年度部门预算公开文件.md": prose, "某某厅2019年度部门预算公开表.md": table}, "pair") == []
