"""The public Python API: convert, read, validate, show; the README's Python block runs."""

from __future__ import annotations

import os
import pydoc
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import jixiao
from jixiao.schema import TABLES

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


@pytest.fixture(scope="module")
def seeds() -> jixiao.Result:
    return jixiao.convert(SEEDS)  # five files: the parallel runner


@pytest.fixture(scope="module")
def cli_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cli")
    subprocess.run([sys.executable, "-m", "jixiao", "convert", str(SEEDS), "-o", str(out), "-q"],
                   env=ENV, cwd=ROOT, check=True, timeout=300)
    return out


def test_public_names() -> None:
    assert set(jixiao.__all__) == {"Evidence", "Result", "__version__", "convert", "read", "show", "validate"}
    for name in jixiao.__all__:
        assert getattr(jixiao, name) is not None
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", jixiao.__version__)


def test_import_is_cheap_and_validate_stays_the_function() -> None:
    code = ("import sys, jixiao, jixiao.cli\n"
            "assert 'pandas' not in sys.modules and 'jixiao.api' not in sys.modules, 'import jixiao loads pandas'\n"
            "from jixiao.validate.base import run_rules\n"          # the subpackage, imported first
            "from jixiao.pipeline import process_file\n"
            "assert callable(jixiao.validate) and jixiao.validate.__module__ == 'jixiao.api'\n"
            "from jixiao.validate import rules\n"
            "assert callable(jixiao.validate)\n")
    subprocess.run([sys.executable, "-c", code], env=ENV, cwd=ROOT, check=True, timeout=60)


def test_help_explains_convert() -> None:
    text = pydoc.render_doc(jixiao.convert, renderer=pydoc.plaintext)
    for word in ("Result", "workers", "tolerance", "ocr", "failed", "Example", "write"):
        assert word in text
    assert "Evidence" in pydoc.render_doc(jixiao.show, renderer=pydoc.plaintext)


def test_result_holds_the_contract_tables(seeds: jixiao.Result) -> None:
    assert list(seeds.tables) == TABLES
    assert len(seeds.documents) == 5 and len(seeds.forms) and len(seeds.indicators) and len(seeds.findings)
    assert str(seeds.indicators["weight"].dtype) == "Float64" and str(seeds.forms["page_start"].dtype) == "Int64"
    assert seeds["forms"] is seeds.forms
    assert seeds.failed.empty and seeds.problems == []
    assert "5 documents" in repr(seeds)


def test_write_gives_the_folder_jixiao_convert_writes(seeds: jixiao.Result, cli_out: Path, tmp_path: Path) -> None:
    out = seeds.write(tmp_path / "api")
    for name in TABLES:
        assert (out / f"{name}.csv").read_bytes() == (cli_out / f"{name}.csv").read_bytes(), name
        pd.testing.assert_frame_equal(pd.read_parquet(out / f"{name}.parquet"),
                                      pd.read_parquet(cli_out / f"{name}.parquet"), check_dtype=True)
    assert (out / "jixiao.duckdb").exists() and (out / "report.html").exists()
    only_csv = seeds.write(tmp_path / "csv", formats=["csv"], report=False)
    assert sorted(p.name for p in only_csv.iterdir()) == sorted(f"{n}.csv" for n in TABLES)
    with pytest.raises(ValueError):
        seeds.write(tmp_path / "bad", formats=["pdf"])


def test_one_file_runs_in_process_like_the_cli(tmp_path: Path) -> None:
    seed = next(SEEDS.glob("002_*.txt"))
    result = jixiao.convert(seed)
    out = tmp_path / "cli"
    subprocess.run([sys.executable, "-m", "jixiao", "convert", str(seed), "-o", str(out), "-q"],
                   env=ENV, cwd=ROOT, check=True, timeout=300)
    result.write(tmp_path / "api", formats=["csv"], report=False)
    for name in TABLES:
        assert (tmp_path / "api" / f"{name}.csv").read_bytes() == (out / f"{name}.csv").read_bytes(), name


def test_read_round_trips(seeds: jixiao.Result, tmp_path: Path) -> None:
    back = jixiao.read(seeds.write(tmp_path / "out", report=False))
    for name in TABLES:
        pd.testing.assert_frame_equal(back[name], seeds[name])
    seeds.write(tmp_path / "csv", formats=["csv"], report=False)
    from_csv = jixiao.read(tmp_path / "csv")
    pd.testing.assert_frame_equal(from_csv.indicators, seeds.indicators)
    with pytest.raises(FileNotFoundError):
        jixiao.read(tmp_path / "nothing")


def test_validate(seeds: jixiao.Result, cli_out: Path) -> None:
    again = jixiao.validate(seeds)
    pd.testing.assert_frame_equal(again, seeds.findings)
    assert len(jixiao.validate(seeds, tolerance=1000)) <= len(again)
    from_folder = jixiao.validate(cli_out)
    assert len(from_folder) == len(again)
    only = jixiao.validate(seeds, rules=["SUM_MISMATCH"])
    assert set(only["rule"]) <= {"SUM_MISMATCH"} and len(only) == (again["rule"] == "SUM_MISMATCH").sum()


def test_show_gives_the_rows_of_every_finding(seeds: jixiao.Result) -> None:
    findings = seeds.findings
    for i in range(len(findings)):
        f = findings.iloc[i]
        ev = jixiao.show(seeds, f)
        assert isinstance(ev, jixiao.Evidence) and ev.finding["rule"] == f["rule"]
        assert ev.table in {"indicators", "amounts", "forms", "narrative", "documents"}
        assert ev.source_path and ev.source_path.endswith(".txt")
        assert all(0 <= j < len(ev.rows) for j in ev.focus)
        assert ev.image is None
        if ev.table == "indicators" and pd.notna(f["indicator"]) and ev.focus:
            assert set(ev.rows.iloc[ev.focus]["level3"]) == {f["indicator"]}
        if ev.table == "amounts" and ev.focus:
            assert set(ev.rows.iloc[ev.focus]["item"]) == {f["row_label"]}
        assert f["rule"] in str(ev)
    located = [jixiao.show(seeds, i) for i in range(len(findings))]
    assert sum(bool(e.focus) for e in located) >= 0.9 * len(located)  # findings point at their rows
    assert jixiao.show(seeds, 0).finding == jixiao.show(seeds, findings.iloc[0].to_dict()).finding


def test_headings_outside_the_vocabulary_are_other(seeds: jixiao.Result) -> None:
    ind = seeds.indicators
    free = ind[ind["level2_raw"] == "省管干部考核奖金发放率"]
    assert len(free) and set(free["level2"]) == {"other"}
    for level in ("level1", "level2"):
        written = ind[f"{level}_raw"].notna()
        assert ind.loc[written, level].notna().all(), f"{level}: a written heading without a code"
        assert ind.loc[~written, level].isna().all(), f"{level}: a code without a written heading"


def test_output_passes_the_contract_checker(cli_out: Path) -> None:
    checker = ROOT.parent / "shared" / "tools" / "check_output.py"
    proc = subprocess.run([sys.executable, str(checker), str(cli_out)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_missing_extra_says_what_to_install() -> None:
    from jixiao.extras import MissingExtra, require

    with pytest.raises(MissingExtra, match=r"pip install 'jixiao\[dask\]'"):
        require("no_such_module_for_jixiao", extra="dask", purpose="--engine dask")
    require("json", extra="dask", purpose="x")


def test_no_input_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no input files"):
        jixiao.convert(tmp_path / "missing")


def readme_python_block() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Python\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) == 1, "README's Python section has one python block"
    return blocks[0]


def test_readme_python_block_runs(tmp_path: Path) -> None:
    code = readme_python_block()
    # run from a copy of the layout (repo/ with ../shared beside it) so out/python lands in tmp
    repo = tmp_path / "repo"
    repo.mkdir()
    (tmp_path / "shared").symlink_to(ROOT.parent / "shared")
    proc = subprocess.run([sys.executable, "-c", code], env=ENV, cwd=repo, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "Result(5 documents" in proc.stdout
    assert (repo / "out" / "python" / "forms.csv").exists()
