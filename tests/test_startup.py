"""A small `jixiao convert` starts fast: the modules it loads, checked (not timed) in fresh processes.

pandas (~1 s), pyarrow with numpy (~0.2 s), pydantic (Typer's validators, ~0.1 s), rich
(~30 ms) and Dask were each paid by a one-file conversion once; docs/benchmarks.md ("Whole process") has the times.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PDF = ROOT.parent / "shared" / "real" / "江苏省政协办公厅2019年预算公开表.pdf"
HEAVY = ("pandas", "pyarrow", "numpy", "pydantic", "dask", "distributed", "PIL", "cv2", "onnxruntime", "rapidocr",
         "openpyxl", "xlsxwriter", "plotly", "rich")  # rich: only to print (a quiet run prints nothing)


def loaded(code: str, *args: str, cwd: Path) -> tuple[list[str], subprocess.CompletedProcess]:
    """Which of HEAVY (and duckdb) the process running `code` had imported when it ended."""
    wrapped = ("import atexit, json, sys\n"
               f"atexit.register(lambda: print('LOADED' + json.dumps(sorted(m for m in {(*HEAVY, 'duckdb')!r} "
               "if m in sys.modules)), file=sys.stderr))\n" + code)
    run = subprocess.run([sys.executable, "-c", wrapped, *args], capture_output=True, text=True, cwd=cwd,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    line = [s for s in run.stderr.splitlines() if s.startswith("LOADED")][-1]
    return json.loads(line.removeprefix("LOADED")), run


def test_the_command_line_imports_no_heavy_module(tmp_path):
    assert loaded("import jixiao.cli", cwd=tmp_path)[0] == []


def test_converting_one_pdf_loads_only_duckdb_for_the_tables(tmp_path):
    """The parent of a small job (it writes CSV, Parquet, DuckDB and report.html) and the
    conversion itself, here in one process as when fork is unavailable."""
    out = tmp_path / "out"
    code = ("import runpy, sys; sys.argv = ['jixiao', *sys.argv[1:]]\n"
            "import jixiao.batch.inline as inline\n"
            "original = inline.inline_outcomes\n"
            "inline.inline_outcomes = lambda tasks, settings, fork=None, **kw: original(tasks, settings, False, **kw)\n"
            "runpy.run_module('jixiao', run_name='__main__')")
    mods, run = loaded(code, "convert", str(PDF), "-o", str(out), "--quiet", cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    assert mods == ["duckdb"]
    assert {"documents.csv", "amounts.parquet", "jixiao.duckdb", "report.html"} <= {p.name for p in out.iterdir()}
    assert len((out / "amounts.csv").read_text(encoding="utf-8-sig").splitlines()) > 100  # the file was read
