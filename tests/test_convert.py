"""`jixiao convert` end to end on the real seeds: contract kept, stable output, encodings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import SEEDS, SHARED, seed_path

from jixiao.pipeline import process_file

CSV_TABLES = ("documents", "forms", "indicators", "amounts", "narrative", "facts", "findings")


def run_convert(inputs: list[Path], out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "jixiao", "convert", *map(str, inputs), "-o", str(out), "--quiet"],
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    proc = run_convert([SEEDS], out)
    return out, proc


def test_convert_seeds_keeps_the_contract(converted):
    out, proc = converted
    assert proc.returncode == 0, proc.stderr
    check = subprocess.run([sys.executable, str(SHARED / "tools" / "check_output.py"), str(out)],
                           capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stdout
    docs = pd.read_csv(out / "documents.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert sorted(docs["source_path"]) == sorted(p.name for p in SEEDS.glob("*.txt"))
    assert set(docs["status"]) == {"ok"}


def test_rerun_is_byte_identical(converted, tmp_path):
    out, _ = converted
    again = tmp_path / "again"
    assert run_convert([SEEDS], again).returncode == 0
    for name in CSV_TABLES:
        assert (out / f"{name}.csv").read_bytes() == (again / f"{name}.csv").read_bytes(), name


def _rows_without_ids(result, table: str) -> list[dict]:
    drop = {"doc_id", "form_id"}
    return [{k: v for k, v in r.items() if k not in drop} for r in result.tables[table]]


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16"])
def test_same_rows_in_gbk_and_utf16(tmp_path, encoding):
    for prefix in ("000", "002"):
        src = seed_path(prefix)
        copy = tmp_path / f"{prefix}-{encoding}.txt"
        copy.write_bytes(src.read_text(encoding="utf-8").encode(encoding))
        a, b = process_file(src, SEEDS), process_file(copy, tmp_path)
        assert b.document["status"] == "ok"
        for table in ("forms", "indicators", "amounts", "narrative"):
            assert _rows_without_ids(a, table) == _rows_without_ids(b, table), (prefix, table)


def test_exit_code_and_json_summary_on_a_failed_file(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "empty.pdf").write_bytes(b"")
    (inputs / "good.txt").write_bytes(seed_path("004").read_bytes())
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "jixiao", "convert", str(inputs), "-o", str(out), "--json"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1
    import json

    summary = json.loads(proc.stdout)
    assert summary["files"] == 2 and summary["failed"] == 1
    assert "empty" in summary["failures"][0]["error"]
    docs = pd.read_csv(out / "documents.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert dict(zip(docs["source_path"], docs["status"], strict=True)) == {"empty.pdf": "failed", "good.txt": "ok"}
