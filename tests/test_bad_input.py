"""fixtures/bad/ converted together with good files: bad files fail alone, clearly.

Expectations that need a format's extractor (PDF, Word, HTML) apply once that extractor
is installed; until then the honest outcome is a failed row saying the format is not
supported, and that is what is asserted (see `expected`).
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import FIXTURES, SEEDS

sys.path.insert(0, str(FIXTURES))
from build_bad import add_runtime_cases  # noqa: E402

from jixiao.extract.base import EXTRACTORS  # noqa: E402

BAD = FIXTURES / "bad"

# name -> (format whose extractor decides, allowed statuses, words the error must contain)
EXPECTED: dict[str, tuple[str | None, set[str], tuple[str, ...]]] = {
    "empty.pdf": (None, {"failed"}, ("empty",)),
    "truncated.pdf": ("pdf", {"failed", "partial"}, ()),
    "broken-xref.pdf": ("pdf", {"ok", "partial"}, ()),
    "encrypted-user-password.pdf": ("pdf", {"failed"}, ("password",)),
    "encrypted-owner-only.pdf": ("pdf", {"ok"}, ()),
    "corrupt.docx": ("docx", {"partial"}, ("cut off",)),  # the parts before the cut are read
    "zip-bomb.docx": (None, {"failed"}, ("zip bomb", "GB")),
    "xxe-billion-laughs.docx": (None, {"failed"}, ("entities",)),
    "really-a-docx.pdf": ("docx", {"ok"}, ()),
    "really-a-pdf.docx": ("pdf", {"ok"}, ()),
    "html-saved-as.doc": ("html", {"ok"}, ()),
    "report-gbk.txt": ("txt", {"ok"}, ()),
    "report-utf16.txt": ("txt", {"ok"}, ()),
    "garbage-bytes.txt": ("txt", {"failed", "partial"}, ()),
    "2000-pages.pdf": ("pdf", {"partial"}, ("1000",)),
    "image-only.pdf": ("pdf", {"ok", "partial"}, ()),
    "-测试 文件　１.txt": ("txt", {"ok"}, ()),
    "loop-a.pdf": (None, {"failed"}, ("symbolic link loop",)),
    "loop-b.pdf": (None, {"failed"}, ("symbolic link loop",)),
    "self-loop.docx": (None, {"failed"}, ("symbolic link loop",)),
    "unreadable.pdf": (None, {"failed"}, ()),
    "dangling.pdf": (None, {"failed"}, ("missing file",)),
}


def installed(fmt: str) -> bool:
    return importlib.util.find_spec(EXTRACTORS[fmt].split(":")[0]) is not None


def expected(name: str) -> tuple[set[str], tuple[str, ...]]:
    fmt, statuses, words = EXPECTED[name]
    if fmt is not None and not installed(fmt):
        return {"failed"}, ("not supported in this installation",)
    return statuses, words


def run(inputs: list[Path], out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "jixiao", "convert", *map(str, inputs), "-o", str(out), "--json",
                           "--timeout", "60"], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    root = tmp_path_factory.mktemp("mixed")
    folder = root / "in"
    shutil.copytree(BAD, folder, symlinks=True)
    made = add_runtime_cases(folder)
    good = folder / "good"
    good.mkdir()
    for seed in SEEDS.glob("*.txt"):
        shutil.copy(seed, good / seed.name)
    out = root / "out"
    proc = run([folder], out)
    good_only = root / "good-only"
    good_proc = run([SEEDS], good_only)
    return made, proc, out, good_only, good_proc


def read(out: Path, table: str) -> pd.DataFrame:
    return pd.read_csv(out / f"{table}.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)


def test_every_bad_file_has_a_row_with_its_status_and_a_one_line_error(mixed):
    made, proc, out, _, _ = mixed
    assert proc.returncode == 1, proc.stderr
    docs = read(out, "documents").set_index("source_path")
    names = {p.name for p in BAD.iterdir()} | set(made)
    assert names <= set(EXPECTED)
    for name in sorted(names):
        assert name in docs.index, f"{name} has no documents row"
        row = docs.loc[name]
        statuses, words = expected(name)
        assert row["status"] in statuses, (name, row["status"], row["error"])
        if row["status"] != "ok":
            assert row["error"] and "\n" not in row["error"] and len(row["error"]) < 300, name
            assert "Traceback" not in row["error"] and "internal error" not in row["error"], (name, row["error"])
        for word in words:
            assert word in row["error"], (name, row["error"])
    summary = json.loads(proc.stdout)
    failed = set(docs.index[docs["status"] == "failed"])
    assert {f["path"] for f in summary["failures"]} == failed
    assert summary["failed"] == len(failed) >= 9


def test_good_files_rows_are_as_without_the_bad_ones(mixed):
    _, _, out, good_only, good_proc = mixed
    assert good_proc.returncode == 0
    good_docs = read(good_only, "documents")
    ids = set(good_docs["doc_id"])
    mixed_docs = read(out, "documents")
    mixed_docs = mixed_docs[mixed_docs["doc_id"].isin(ids)].copy()
    mixed_docs["source_path"] = mixed_docs["source_path"].str.removeprefix("good/")
    pd.testing.assert_frame_equal(mixed_docs.reset_index(drop=True), good_docs)
    for table in ("forms", "indicators", "amounts", "narrative", "facts", "findings"):
        alone = read(good_only, table)
        together = read(out, table)
        together = together[together["doc_id"].isin(ids)].reset_index(drop=True)
        pd.testing.assert_frame_equal(together, alone, obj=table)


def test_no_temporary_files_are_left(mixed):
    _, _, out, _, _ = mixed
    leftovers = [p for p in out.rglob("*") if p.name.endswith((".tmp", ".wal"))]
    assert leftovers == []
    assert (out / "jixiao.duckdb").exists() and (out / "documents.parquet").exists()


def test_the_committed_zip_bomb_is_small_but_claims_gigabytes():
    import zipfile

    bomb = BAD / "zip-bomb.docx"
    assert bomb.stat().st_size < 5_000_000
    with zipfile.ZipFile(bomb) as z:
        assert sum(i.file_size for i in z.infolist()) > 2_000_000_000
