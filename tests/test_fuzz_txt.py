"""Property tests for the text extractor: any input decodes and parses; tables round-trip."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.extract.encoding import decode_bytes
from jixiao.extract.txt import parse_text
from jixiao.model import Paragraph, Table

FAST = settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
WORD = st.text(alphabet=st.one_of(CJK, st.sampled_from("0123456789.%≥≤（）()")), min_size=1, max_size=8)


@FAST
@given(st.text())
def test_any_text_parses(text):
    blocks = parse_text(text)
    for b in blocks:
        assert isinstance(b, Paragraph | Table)
        if isinstance(b, Table):
            b.logical_rows()


@FAST
@given(st.binary(max_size=400))
def test_any_bytes_decode(data):
    text, encoding, warnings = decode_bytes(data)
    assert isinstance(text, str) and encoding


@FAST
@given(st.lists(st.lists(WORD, min_size=2, max_size=6), min_size=1, max_size=6).filter(
    lambda rows: len({len(r) for r in rows}) == 1))
def test_row_per_line_tables_round_trip(rows):
    text = "表头说明\n" + "\n".join("\t".join(r) for r in rows) + "\n"
    tables = [b for b in parse_text(text) if isinstance(b, Table)]
    assert len(tables) == 1
    assert tables[0].logical_rows() == rows


@FAST
@given(st.lists(st.lists(WORD, min_size=2, max_size=5), min_size=2, max_size=5).filter(
    lambda rows: len({len(r) for r in rows}) == 1))
def test_cell_per_line_tables_round_trip(rows):
    # Word's "save as text": one TAB-led line per cell, a blank line between rows
    text = "\n\n".join("\n".join("\t" + c for c in r) for r in rows) + "\n"
    tables = [b for b in parse_text(text) if isinstance(b, Table)]
    assert len(tables) == 1
    assert tables[0].logical_rows() == rows


@FAST
@given(st.text(alphabet=CJK, min_size=8, max_size=60), st.text(alphabet=st.sampled_from("，。\t\n 0123456789"), max_size=40))
def test_same_rows_in_every_encoding(words, marks):
    # a published file holds more than a handful of characters; two-byte snippets are ambiguous by nature
    text = "".join(a + b for a, b in zip(words, marks + " " * len(words), strict=False))
    for enc in ("gb18030", "utf-16"):
        decoded, _, _ = decode_bytes(text.encode(enc))
        assert decoded.replace("\r", "") == text.replace("\r", "")
