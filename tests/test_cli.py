"""`jixiao convert` options: exit codes, --strict, --max-pages in the cache key, --quiet, --help."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import SEEDS
from typer.testing import CliRunner

from jixiao.batch.cache import options_fingerprint
from jixiao.cli import app
from jixiao.extract.base import ExtractOptions
from jixiao.pipeline import PipelineOptions

runner = CliRunner()


@pytest.fixture
def folder(tmp_path) -> Path:
    """Two good seeds and an empty file (which fails)."""
    d = tmp_path / "in"
    d.mkdir()
    for seed in sorted(SEEDS.glob("*.txt"))[3:]:
        shutil.copy(seed, d / seed.name)
    (d / "0-empty.pdf").write_bytes(b"")
    return d


def test_help_documents_exit_codes_and_options():
    result = runner.invoke(app, ["convert", "--help"], env={"COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"})
    assert result.exit_code == 0
    text = re.sub(r"\s+", " ", re.sub(r"\x1b\[[0-9;]*m", "", result.output))
    assert "0 when every file converted, 1 when any file failed" in text and "2 on bad usage" in text
    for option in ("--workers", "--engine", "--scheduler", "--timeout", "--max-memory", "--max-pages", "--force",
                   "--strict"):
        assert option in text


@pytest.mark.parametrize("args", [
    ["convert", "--out", "OUT", "--no-such-option", "x"],
    ["convert", "NO/SUCH/FOLDER", "--out", "OUT"],
    ["convert", "IN", "--out", "OUT", "--engine", "spark"],
    ["convert", "IN", "--out", "OUT", "--scheduler", "tcp://127.0.0.1:8786"],
])
def test_usage_errors_exit_2(args, folder, tmp_path):
    args = [str(folder) if a == "IN" else str(tmp_path / "out") if a == "OUT" else a for a in args]
    assert runner.invoke(app, args).exit_code == 2


def test_strict_stops_at_the_first_failure_without_writing_tables(folder, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["convert", str(folder), "-o", str(out), "--strict", "--workers", "1", "--json"])
    assert result.exit_code == 1
    summary = json.loads(result.output)
    assert summary["stopped_early"] and summary["failed"] == 1
    assert summary["failures"][0]["path"] == "0-empty.pdf"
    assert summary["files"] < 3  # the run ended at the failure (the empty file is first)
    assert not (out / "documents.csv").exists()
    # without --strict the same folder converts fully and still exits 1
    result = runner.invoke(app, ["convert", str(folder), "-o", str(out), "--json"])
    assert result.exit_code == 1
    assert json.loads(result.output)["files"] == 3 and (out / "documents.csv").exists()


def test_options_that_change_rows_change_the_cache_key():
    base = options_fingerprint(PipelineOptions())
    assert options_fingerprint(PipelineOptions(extract=ExtractOptions(max_pages=5))) != base
    assert options_fingerprint(PipelineOptions(tolerance=2.0)) != base
    assert options_fingerprint(PipelineOptions(extract=ExtractOptions(ocr_det_side=2000))) != base
    assert options_fingerprint(PipelineOptions(extract=ExtractOptions(timeout=5))) == base  # limits only


def test_max_pages_reconverts_and_quiet_prints_nothing(folder, tmp_path):
    out = tmp_path / "out"
    assert runner.invoke(app, ["convert", str(folder), "-o", str(out), "--quiet"]).output == ""
    again = json.loads(runner.invoke(app, ["convert", str(folder), "-o", str(out), "--json"]).output)
    assert again["cached"] == 2  # the two good files; the failed empty file is always retried
    other = json.loads(runner.invoke(app, ["convert", str(folder), "-o", str(out), "--json", "--max-pages", "3"]).output)
    assert other["cached"] == 0


def test_an_output_folder_that_cannot_be_made_is_named_as_such(folder, tmp_path):
    """OUT an existing file: exit 2 saying the output folder cannot be written (no word of Dask)."""
    out = tmp_path / "taken"
    out.write_text("not a folder")
    result = runner.invoke(app, ["convert", str(folder), "-o", str(out), "--quiet"])
    assert result.exit_code == 2
    assert "output folder" in result.output and str(out) in result.output and "Dask" not in result.output


def test_ctrl_c_while_the_report_is_written_says_the_tables_are_there(folder, tmp_path, monkeypatch):
    """Ctrl-C after the tables were written, during report.html: exit 130 with a word on what is done,
    as during the conversion (no traceback on the fast path, no bare 'Aborted!' on Typer's)."""
    import jixiao.commands.convert as convert_command

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(convert_command, "write_extras", interrupted)
    out = tmp_path / "out"
    result = runner.invoke(app, ["convert", str(folder), "-o", str(out)])
    assert result.exit_code == 130 and "interrupted" in result.output
    assert (out / "forms.csv").exists()
