"""The generated corpus (../shared/corpus/generated, 60 documents with full ground truth)
converted by the CLI and scored by its own scorer (../shared/tools/score.py): the headline
figures must not fall.

The born-digital formats (.txt, .xlsx, .docx, .doc, PDF) convert in about half a minute with
two workers; the six scanned PDFs need OCR (about two and a half minutes), so their test is
marked `slow` (scripts/test.sh runs it; `pytest -m "not slow"` leaves it out for a quick run).
The slow test scores all 60 documents together: the issue's headline figures.

Thresholds: issue 15's targets (finding precision ≥ 0.95, recall ≥ 0.90, indicator field
accuracy ≥ 0.97 in every format, scanned ≥ 0.93, form recall ≥ 0.98), all reached (see the
last measurement below). Never lower one to make a change pass.

Last measured on main (2 workers): born-digital 54 documents in ~30 s: precision 1.00, recall
0.98, form recall 1.00, field accuracy 1.00 in every format; with the six scanned PDFs
(~155 s more, ~215 s on a busy machine): recall 0.98 (64 of 65: a duplicated 重点项目 row),
scanned field accuracy 1.00.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, SHARED

CORPUS = SHARED / "corpus" / "generated"
SCORER = SHARED / "tools" / "score.py"
TABLES = ("documents", "forms", "indicators", "amounts", "findings")

# the targets
PRECISION, RECALL, FIELD_ACC, SCANNED_ACC, FORM_RECALL = 0.95, 0.90, 0.97, 0.93, 0.98

# born-digital documents (54 of 60)
FAST = {"finding_precision": PRECISION, "finding_recall": RECALL, "form_recall": FORM_RECALL,
        "doc": FIELD_ACC, "docx": FIELD_ACC, "pdf": FIELD_ACC, "txt": FIELD_ACC, "xlsx": FIELD_ACC}
# all 60 documents, scanned PDFs included
ALL = {**FAST, "pdf_scanned": SCANNED_ACC}


def _truth_formats() -> dict[str, str]:
    """Document path under docs/ -> source_format of its truth file."""
    mapping = json.loads((CORPUS / "map.json").read_text(encoding="utf-8"))
    return {rel: json.loads((CORPUS / t).read_text(encoding="utf-8"))["source_format"] for rel, t in mapping.items()}


def _convert(tmp: Path, name: str, scanned: bool) -> tuple[Path, Path]:
    """Link the chosen documents into one folder, convert it with two workers; (output, map)."""
    docs, out = tmp / name / "docs", tmp / name / "out"
    docs.mkdir(parents=True)
    mapping = json.loads((CORPUS / "map.json").read_text(encoding="utf-8"))
    formats = _truth_formats()
    chosen = {rel: str(CORPUS / t) for rel, t in mapping.items() if (formats[rel] == "pdf_scanned") == scanned}
    for rel in chosen:
        (docs / rel).symlink_to(CORPUS / "docs" / rel)
    (tmp / name / "map.json").write_text(json.dumps(chosen, ensure_ascii=False), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    # a scanned file takes up to ~110 s with two workers: the default 120 s limit is too close
    proc = subprocess.run([sys.executable, "-m", "jixiao", "convert", str(docs), "-o", str(out), "--quiet",
                           "-j", "2", "--timeout", "600", "--no-report"], env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out, tmp / name / "map.json"


def _score(out: Path, map_path: Path) -> dict:
    proc = subprocess.run([sys.executable, str(SCORER), "--truth", str(CORPUS / "truth"), "--out", str(out),
                           "--map", str(map_path), "--json-only"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _check(scores: dict, floors: dict[str, float]) -> list[str]:
    by_format = scores["indicator_field_by_format"]
    low = []
    for key, floor in floors.items():
        got = scores[key] if key in scores else by_format.get(key)
        if got is None or got < floor:
            low.append(f"{key}: {got} < {floor}")
    return low


@pytest.fixture(scope="module")
def born_digital(tmp_path_factory) -> tuple[Path, Path]:
    return _convert(tmp_path_factory.mktemp("corpus"), "digital", scanned=False)


def test_born_digital_formats(born_digital):
    scores = _score(*born_digital)
    assert not _check(scores, FAST), scores


@pytest.mark.slow
def test_all_formats_with_scanned_pdfs(born_digital, tmp_path_factory):
    scanned, scanned_map = _convert(tmp_path_factory.mktemp("corpus"), "scanned", scanned=True)
    merged = scanned.parent.parent / "merged"
    merged.mkdir()
    for name in TABLES:  # one output folder as one run over all 60 would write
        parts = [pd.read_csv(d / f"{name}.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
                 for d in (born_digital[0], scanned) if (d / f"{name}.csv").exists()]
        pd.concat(parts).to_csv(merged / f"{name}.csv", index=False, encoding="utf-8-sig")
    mapping = {**json.loads(born_digital[1].read_text(encoding="utf-8")),
               **json.loads(scanned_map.read_text(encoding="utf-8"))}
    (merged / "map.json").write_text(json.dumps(mapping, ensure_ascii=False), encoding="utf-8")
    scores = _score(merged, merged / "map.json")
    assert not _check(scores, ALL), scores
