"""Every indicator row read from a PDF says on which page it stands, department forms included."""

from __future__ import annotations

import pytest
from conftest import FIXTURES

from jixiao.pipeline import process_file


@pytest.mark.parametrize("seed", ["000", "003"])
def test_department_form_rows_carry_pages(seed):
    r = process_file(FIXTURES / "pdf" / f"seed{seed}.pdf")
    pages = [i["page"] for i in r.tables["indicators"]]
    assert pages and all(p is not None for p in pages)
    assert pages == sorted(pages)  # reading order runs down the pages
    form = r.tables["forms"][0]
    assert form["page_start"] <= pages[0] and pages[-1] <= form["page_end"]
