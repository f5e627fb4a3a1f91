"""Grades: canonical names, bands stated by a document, band of a score."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from jixiao.normalize.grades import DEFAULT_BANDS, canonical_grade, grade_for, parse_grade_bands

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


@pytest.mark.parametrize(
    ("raw", "grade"),
    [
        ("优", "优"),                  # 003:311
        ("优秀", "优"), ("“优”", "优"), (" 优 ", "优"), ("优等", "优"),
        ("良", "良"), ("良好", "良"),
        ("中", "中"), ("中等", "中"), ("合格", "中"),
        ("差", "差"), ("较差", "差"), ("不合格", "差"),
        ("项目绩效评价综合得分平均为99.4分，绩效评价综合等级为优。", "优"),  # 000:843
        ("评价等级：良好", "良"),
        ("作为中心", None), ("其中", None), ("中共香河县委组织部", None),
        ("", None), (None, None), ("A", None), (99.4, None),
    ],
)
def test_canonical_grade(raw, grade):
    assert canonical_grade(raw) == grade


@pytest.mark.parametrize(("prefix", "has_bands"), [("000", True), ("001", False), ("002", False),
                                                  ("003", False), ("004", False)])
def test_bands_found_in_whole_documents_only_where_stated(prefix, has_bands):
    text = next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")
    bands = parse_grade_bands(text)
    assert (bands is not None) == has_bands


def test_seed_000_states_its_own_bands():
    line = (SEEDS.glob("000_*.txt").__next__()).read_text(encoding="utf-8").splitlines()[869]  # 000:870
    assert "等次" in line
    assert parse_grade_bands(line) == [("优", 90.0), ("良", 80.0), ("中", 60.0), ("差", 0.0)]


@pytest.mark.parametrize(
    ("text", "bands"),
    [
        ("综合得分90分以上为优秀，80-89分为良好，60-79分为合格，60分以下为不合格。",
         [("优", 90.0), ("良", 80.0), ("中", 60.0), ("差", 0.0)]),
        ("“优”等次：85分（含）以上、“良”等次：75分（含）—85分、“中”等次：60分（含）—75分、“差”等次：60分以下",
         [("优", 85.0), ("良", 75.0), ("中", 60.0), ("差", 0.0)]),
        ("“优”等次：95分以上；“良”等次：85-95分；“中”等次：70-85分",  # no 差 stated: below 中
         [("优", 95.0), ("良", 85.0), ("中", 70.0), ("差", 0.0)]),
        ("优：90分及以上；良：80（含）-90分；中：60（含）-80分；差：60分以下",
         [("优", 90.0), ("良", 80.0), ("中", 60.0), ("差", 0.0)]),
        ("1.优≥90分\n2.良80-89分\n3.中60-79分\n4.差<60分",  # list numbers are not scores
         [("优", 90.0), ("良", 80.0), ("中", 60.0), ("差", 0.0)]),
    ],
)
def test_parse_grade_bands(text, bands):
    assert parse_grade_bands(text) == bands


@pytest.mark.parametrize(
    "text",
    [
        None, "", "绩效评价综合等级为优。",                       # a grade is not a band
        "分别按照该指标对应分值区间100%-80%（含）、80%-60%（含）、60%-0（含）合理确定分值。",  # 000:720
        "“优”等次：80分以上、“良”等次：90分以上、“中”等次：60分以上",  # not decreasing
    ],
)
def test_no_bands(text):
    assert parse_grade_bands(text) is None


@pytest.mark.parametrize(
    ("score", "grade"),
    [(99.4, "优"), (98, "优"), (90, "优"), (89.99, "良"), (80, "良"), (79.99, "中"), (60, "中"),
     (59.99, "差"), (0, "差"), (-5, "差"), (100, "优")],
)
def test_grade_for_default_bands(score, grade):
    assert grade_for(score) == grade
    assert grade_for(score, DEFAULT_BANDS) == grade


def test_grade_for_document_bands():
    bands = parse_grade_bands("“优”等次：85分（含）以上、“良”等次：75分（含）—85分、“中”等次：60分（含）—75分、“差”等次：60分以下")
    assert grade_for(86, bands) == "优"
    assert grade_for(86) == "良"
    assert grade_for(74.9, bands) == "中"


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_grade_for_rejects_non_scores(bad):
    with pytest.raises(ValueError):
        grade_for(bad)
