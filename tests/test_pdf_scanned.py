"""Scanned PDF (image only, 150 dpi, skewed, noisy): OCR recovers the forms and their indicator fields."""

from __future__ import annotations

from conftest import FIXTURES

from jixiao.pipeline import process_file

FIELDS = ("level1", "level2", "level3", "category", "target_op", "target_value", "target_unit",
          "actual_value", "actual_unit", "score")


def test_scanned_seed_002_matches_the_text(seed_results):
    got = process_file(FIXTURES / "pdf" / "seed002_scan.pdf")
    assert got.document["status"] == "ok"
    assert got.document["source_format"] == "pdf_scanned"
    ref = seed_results["002"]
    ref_forms = {f["subject"]: f for f in ref.tables["forms"]}
    assert got.tables["forms"], "no form recognised on the scan"
    pairs = []
    for form in got.tables["forms"]:
        want_form = ref_forms[form["subject"]]  # the scanned page's forms, found by project name
        assert (form["budget_wan"], form["executed_wan"], form["total_score"]) == (
            want_form["budget_wan"], want_form["executed_wan"], want_form["total_score"])
        want = [r for r in ref.tables["indicators"] if r["form_id"] == want_form["form_id"]]
        have = [r for r in got.tables["indicators"] if r["form_id"] == form["form_id"]]
        assert len(have) == len(want)
        pairs += [(a[f], b[f]) for a, b in zip(want, have, strict=True) for f in FIELDS]
    agree = sum(a == b for a, b in pairs) / len(pairs)
    print(f"scanned seed 002: {agree:.1%} of {len(pairs)} indicator fields equal to the text")
    assert agree >= 0.95
