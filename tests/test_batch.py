"""The batch engine: parallel = sequential byte for byte, resume, time limits, isolation."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS

from jixiao.batch.local import LocalPool
from jixiao.batch.task import Settings, make_task, run_task
from jixiao.inputs import collect_inputs
from jixiao.output.writer import write_tables
from jixiao.pipeline import PipelineOptions, process_file
from jixiao.schema import TABLES


def convert(inputs: list[Path], out: Path, *extra: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "jixiao", "convert", *map(str, inputs), "-o", str(out), "--json",
                           *extra], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **env} if env else None)


def csv_bytes(out: Path) -> dict[str, bytes]:
    return {name: (out / f"{name}.csv").read_bytes() for name in TABLES}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The seeds plus renamed copies with distinct bytes, in nested folders."""
    root = tmp_path_factory.mktemp("corpus")
    for i, seed in enumerate(sorted(SEEDS.glob("*.txt"))):
        (root / "a").mkdir(exist_ok=True)
        (root / "a" / seed.name).write_bytes(seed.read_bytes())
        (root / "b" / "c").mkdir(parents=True, exist_ok=True)
        (root / "b" / "c" / f"copy-{i}.txt").write_bytes(seed.read_bytes() + f"\n（副本 {i}）\n".encode())
    return root


@pytest.fixture(scope="module")
def parallel_run(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("parallel")
    proc = convert([corpus], out, "--workers", "2")
    assert proc.returncode == 0, proc.stderr
    return out, json.loads(proc.stdout)


def test_parallel_output_equals_sequential_byte_for_byte(corpus, parallel_run, tmp_path):
    out, summary = parallel_run
    files = collect_inputs([corpus]).files
    assert summary["files"] == len(files) == 10 and summary["cached"] == 0
    tables: dict[str, list[dict]] = {t: [] for t in TABLES}
    for path, root in files:
        for name, rows in process_file(path, root).tables.items():
            tables[name].extend(rows)
    write_tables(tmp_path, tables)
    assert csv_bytes(out) == csv_bytes(tmp_path)
    assert len(tables["indicators"]) > 100  # the comparison covers real rows


def test_log_has_one_line_per_file(parallel_run):
    out, summary = parallel_run
    lines = [ln for ln in (out / "jixiao.log").read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    assert len(lines) == summary["files"]
    status, seconds, path, error = lines[0].split("\t")
    assert status == "ok" and seconds.endswith("s") and float(seconds[:-1]) >= 0 and error == ""


def test_resume_skips_unchanged_and_redoes_changed(tmp_path):
    from typer.testing import CliRunner

    from jixiao.cli import app

    def run(*extra: str) -> dict:
        result = CliRunner().invoke(app, ["convert", str(work), "-o", str(out), "--json", *extra])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    work, out = tmp_path / "in", tmp_path / "out"
    work.mkdir()
    for seed in sorted(SEEDS.glob("*.txt"))[2:]:  # the three smaller seeds
        (work / seed.name).write_bytes(seed.read_bytes())
    first = run()
    before = csv_bytes(out)
    again = run()
    assert again["cached"] == again["files"] == first["files"] == 3
    assert csv_bytes(out) == before
    changed = sorted(work.iterdir())[0]
    changed.write_bytes(changed.read_bytes() + "（修订）\n".encode())
    (work / "new.txt").write_bytes(changed.read_bytes() + b"\n")
    third = run()
    assert third["files"] == 4 and third["cached"] == 2  # the changed and the new file were converted
    assert run("--force")["cached"] == 0
    # findings depend on the tolerance: a new tolerance must not reuse old shards
    assert run("--tolerance", "2")["cached"] == 0


def test_dask_engine_output_equals_local(corpus, parallel_run, tmp_path):
    out, _ = parallel_run
    proc = convert([corpus], tmp_path, "--engine", "dask", "--workers", "2")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["cached"] == 0
    assert csv_bytes(tmp_path) == csv_bytes(out)


# Task functions for the isolation tests: module level, so worker processes can import them.

def misbehaving_task(task, settings):
    name = Path(task.path).name
    if name.startswith("hang"):
        time.sleep(60)
    if name.startswith("crash"):
        os.kill(os.getpid(), signal.SIGSEGV)
    if name.startswith("hog"):
        bytearray(3 << 30)  # over the 1 GB address-space limit: MemoryError in this worker only
    return run_task(task, settings)


def test_hung_crashing_and_hungry_files_fail_alone(tmp_path):
    seeds = sorted(SEEDS.glob("*.txt"))
    folder = tmp_path / "in"
    folder.mkdir()
    for name, seed in zip(["crash.txt", "good-1.txt", "hang.txt", "hog.txt", "good-2.txt"], seeds, strict=False):
        (folder / name).write_bytes(seed.read_bytes())
    files = collect_inputs([folder]).files
    settings = Settings(PipelineOptions(), str(tmp_path / "cache"), timeout=3, max_memory_mb=1024)
    started = time.monotonic()
    outcomes = {o.source_path: o for o in
                LocalPool(settings, workers=2, func=misbehaving_task).imap(make_task(i, p, r)
                                                                          for i, (p, r) in enumerate(files))}
    assert time.monotonic() - started < 30
    assert {k: o.status for k, o in outcomes.items()} == {
        "crash.txt": "failed", "good-1.txt": "ok", "hang.txt": "failed", "hog.txt": "failed", "good-2.txt": "ok"}
    assert "SIGSEGV" in outcomes["crash.txt"].error
    assert "gave up after 3 s" in outcomes["hang.txt"].error
    assert "out of memory" in outcomes["hog.txt"].error
    for o in outcomes.values():  # every file, failed or not, has its rows on disk
        shard = json.loads(Path(o.shard).read_text(encoding="utf-8"))
        assert shard["tables"]["documents"][0]["source_path"] == o.source_path
        assert shard["cacheable"] == (o.status == "ok")


def test_streamed_tables_equal_one_shot_tables_across_chunks(monkeypatch, tmp_path):
    """Chunked writing (flat memory) prints exactly what write_tables prints, extras included."""
    import jixiao.output.stream as stream
    from jixiao.output.writer import all_columns

    results = [process_file(p, SEEDS).tables for p in sorted(SEEDS.glob("*.txt"))]
    results[1]["documents"][0]["late_extra"] = "only here"
    results[0]["documents"][0]["warnings"] = 'quotes " \' \\ new\nline, tab\t, 中文 ✓'
    amount = next(r for tables in results for r in tables["amounts"] if r.get("value") is not None)
    amount["value"] = float("inf")  # JSON cannot hold it; the Parquet files must
    merged: dict[str, list[dict]] = {t: [] for t in TABLES}
    for tables in results:
        for name, rows in tables.items():
            merged[name].extend(rows)
    write_tables(tmp_path / "one", merged)
    monkeypatch.setattr(stream, "CHUNK_ROWS", 7)
    sink = stream.TableStream(tmp_path / "chunked", {t: all_columns(t, merged[t]) for t in TABLES})
    for tables in results:
        sink.add(tables)
    sink.close()
    assert csv_bytes(tmp_path / "chunked") == csv_bytes(tmp_path / "one")
    assert b"late_extra" in (tmp_path / "chunked" / "documents.csv").read_bytes()
    import duckdb

    con = duckdb.connect(str(tmp_path / "chunked" / "jixiao.duckdb"), read_only=True)
    assert con.execute("select count(*) from indicators").fetchone()[0] == len(merged["indicators"]) > 7
    assert [p.name for p in (tmp_path / "chunked").iterdir() if p.name.endswith(".tmp")] == []
    # the rows kept for the report are those read back
    from jixiao.output.typed import read_records

    assert sink.records() == read_records(tmp_path / "chunked", TABLES)
    # DuckDB's Parquet files read back as the pandas/pyarrow writer's do: values and nullable dtypes
    import pandas as pd

    for name in TABLES:
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "chunked" / f"{name}.parquet"),
                                      pd.read_parquet(tmp_path / "one" / f"{name}.parquet"), check_dtype=True)


def test_progress_bar_shows_rate_and_failures_and_logs_each_file(tmp_path):
    from io import StringIO

    from rich.console import Console

    from jixiao.batch.progress import BatchProgress
    from jixiao.batch.task import Outcome

    screen = StringIO()
    console = Console(file=screen, force_terminal=True, width=120)
    with BatchProgress(2, tmp_path / "jixiao.log", show=True, console=console) as progress:
        progress.done(Outcome(0, "a.txt", "ok", None, 0.5, "s0"))
        progress.done(Outcome(1, "b.pdf", "failed", "the file is empty (0 bytes)", 0.01, "s1"))
        progress.progress.refresh()
    shown = screen.getvalue()
    assert "files/s" in shown and "1 failed" in shown and "2/2" in shown
    log = (tmp_path / "jixiao.log").read_text(encoding="utf-8").splitlines()
    assert log[1:3] == ["ok\t0.50s\ta.txt\t", "failed\t0.01s\tb.pdf\tthe file is empty (0 bytes)"]


def test_old_shards_of_a_changed_file_are_pruned(tmp_path):
    from typer.testing import CliRunner

    from jixiao.cli import app

    work, out = tmp_path / "in", tmp_path / "out"
    work.mkdir()
    doc = work / "report.txt"
    doc.write_bytes(sorted(SEEDS.glob("*.txt"))[4].read_bytes())
    cache = out / ".jixiao" / "cache"
    assert CliRunner().invoke(app, ["convert", str(work), "-o", str(out), "-q"]).exit_code == 0
    first = {p.name for p in cache.glob("*.json")}
    doc.write_bytes(doc.read_bytes() + "（修订）\n".encode())
    assert CliRunner().invoke(app, ["convert", str(work), "-o", str(out), "-q"]).exit_code == 0
    second = {p.name for p in cache.glob("*.json")}
    assert len(first) == len(second) == 1 and first != second


def test_existing_dask_scheduler_gives_the_same_output(corpus, parallel_run, tmp_path):
    from distributed import LocalCluster

    out, _ = parallel_run
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None, silence_logs=40) as cluster:
        proc = convert([corpus], tmp_path / "dask", "--engine", "dask", "--scheduler", cluster.scheduler_address)
    assert proc.returncode == 0, proc.stderr
    assert csv_bytes(tmp_path / "dask") == csv_bytes(out)
    unreachable = convert([corpus], tmp_path / "nowhere", "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9",
                          env={"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "1s"})
    assert unreachable.returncode == 2 and "cannot use the Dask scheduler" in unreachable.stderr


def test_workers_that_cannot_start_stop_the_run_with_a_clear_error(tmp_path):
    """A broken environment (here: a main module that cannot be re-imported) is not a bad file.

    Three files: one or two small ones are converted in-process, without workers. A thread
    keeps running, so workers cannot be forked and come from the forkserver, which must
    re-import the main module."""
    script = "import sys, threading; sys.argv = ['jixiao', 'convert', sys.argv[1], '-o', sys.argv[2], '-q']\n" \
             "threading.Thread(target=threading.Event().wait, daemon=True).start()\n" \
             "from jixiao.cli import app\napp()\n"
    proc = subprocess.run([sys.executable, "-", str(SEEDS), str(tmp_path / "out")],
                          input=script, capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[1])
    assert proc.returncode == 2
    assert "worker process could not start" in proc.stderr


def test_longest_expected_files_are_handed_out_first(tmp_path):
    from jixiao.batch.runner import longest_first

    sizes = {"a.txt": 10, "b.pdf": 3_000_000, "c.doc": 20_000, "d.docx": 50_000}
    for name, size in sizes.items():
        (tmp_path / name).write_bytes(b"x" * size)
    tasks = [make_task(i, tmp_path / name, tmp_path) for i, name in enumerate(sizes)]
    order = [Path(t.path).name for t in longest_first(tasks)]
    assert order == ["b.pdf", "c.doc", "d.docx", "a.txt"]  # a .doc starts LibreOffice: costly though small
    assert sorted(t.index for t in longest_first(tasks)) == [0, 1, 2, 3]


def test_workers_convert_without_loading_the_table_writers():
    """pandas and pyarrow belong to the parent that writes the tables (~110 MB a worker otherwise)."""
    code = (
        "import sys; from pathlib import Path; import jixiao.batch.preload\n"
        "import jixiao.batch.task\n"
        "from jixiao.pipeline import process_file\n"
        f"root = Path({str(ROOT / 'fixtures')!r})\n"
        "for f in ('office/seed003.docx', 'office/seed003.xlsx', 'pdf/seed003.pdf'):\n"
        "    assert process_file(root / f, root).document['status'] == 'ok'\n"
        "print(sorted(m for m in ('pandas', 'pyarrow', 'duckdb') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_the_command_line_module_is_light_because_workers_import_it_again():
    """Forkserver workers re-import the parent's main script (the `jixiao` entry point, bench/run.py)."""
    code = ("import sys, runpy; import jixiao.cli; sys.argv = ['run.py']\n"
            f"runpy.run_path({str(ROOT / 'bench' / 'run.py')!r}, run_name='__mp_main__')\n"
            "print(sorted(m for m in ('pandas', 'pyarrow', 'duckdb') if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_one_small_file_is_converted_in_process_without_pandas(tmp_path):
    """A small job pays for no worker pool and no pandas; the folder still has CSV, Parquet, DuckDB."""
    script = ("import sys; sys.argv = ['jixiao', 'convert', sys.argv[1], '-o', sys.argv[2], '-q']\n"
              "import jixiao.batch.local as local\n"
              "local.LocalPool.imap = lambda *a, **k: (_ for _ in ()).throw(AssertionError('pool used'))\n"
              "from jixiao.cli import app\n"
              "try:\n    app()\nexcept SystemExit as e:\n    code = e.code\n"
              "print('pandas' in sys.modules, code)\n")
    proc = subprocess.run([sys.executable, "-", str(sorted(SEEDS.glob("*.txt"))[4]), str(tmp_path / "out")],
                          input=script, capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[1])
    assert proc.stdout.split() == ["False", "0"], proc.stderr
    names = {p.name for p in (tmp_path / "out").iterdir()}
    assert {"indicators.csv", "indicators.parquet", "jixiao.duckdb", "report.html"} <= names
    import pandas as pd

    assert str(pd.read_parquet(tmp_path / "out" / "indicators.parquet")["weight"].dtype) == "Float64"


def test_small_job_interpretation_keeps_the_time_limit(tmp_path, monkeypatch):
    """A small job interprets in the parent what its child read: a hang there still ends at --timeout."""
    import jixiao.batch.inline as inline

    def slow(read, options):
        time.sleep(30)

    monkeypatch.setattr(inline, "finish_file", slow)
    settings = Settings(options=PipelineOptions(), cache_dir=str(tmp_path / "cache"), timeout=2)
    src = sorted(SEEDS.glob("*.txt"))[4]
    start = time.monotonic()
    (outcome,) = inline.inline_outcomes([make_task(0, src, SEEDS)], settings, fork=True)
    assert time.monotonic() - start < 10
    assert outcome.status == "failed" and "gave up after 2 s" in outcome.error


def test_in_process_run_keeps_the_time_limit(tmp_path, monkeypatch):
    """In-process conversion still gives up on a file after --timeout, as a failed row."""
    import jixiao.batch.inline as inline

    def slow(task, settings):
        time.sleep(30)

    monkeypatch.setattr(inline, "run_task", slow)
    settings = Settings(options=PipelineOptions(), cache_dir=str(tmp_path / "cache"), timeout=1)
    src = sorted(SEEDS.glob("*.txt"))[4]
    start = time.monotonic()
    outcome = inline.run_inline(make_task(0, src, SEEDS), settings)
    assert time.monotonic() - start < 10
    assert outcome.status == "failed" and "gave up after 1 s" in outcome.error


def test_in_process_time_limit_inside_calamine_is_a_timeout_not_damage(tmp_path, monkeypatch):
    """The time limit's signal arriving while calamine reads an .xls gives the file up after --timeout;
    it is not reported as a damaged .xls. A calamine panic still is."""
    import xlrd

    import jixiao.batch.inline as inline
    import jixiao.extract.office.xls as xls

    def unsupported(path):
        raise xlrd.biffh.XLRDError("Unsupported format, or corrupt file")

    def times_up(path):
        raise inline._TimeUp

    monkeypatch.setattr(xls, "_with_xlrd", unsupported)
    monkeypatch.setattr(xls, "_with_calamine", times_up)
    settings = Settings(options=PipelineOptions(), cache_dir=str(tmp_path / "cache"), timeout=5)
    src = ROOT / "fixtures" / "office" / "seed001.xls"
    outcome = inline.run_inline(make_task(0, src, src.parent), settings)
    assert outcome.status == "failed" and "gave up after 5 s" in outcome.error, outcome.error

    panic = type("PanicException", (BaseException,), {"__module__": "pyo3_runtime"})

    def panics(path):
        raise panic("index out of bounds")

    monkeypatch.setattr(xls, "_with_calamine", panics)
    outcome = inline.run_inline(make_task(0, src, src.parent), replace(settings, cache_dir=str(tmp_path / "c2")))
    assert "the Excel file (.xls) is damaged" in outcome.error and "PanicException" in outcome.error, outcome.error


def test_small_job_child_that_crashes_costs_only_its_file(tmp_path, monkeypatch):
    """Two small files are read in forked children: one crashing gives a failed row, the other converts."""
    import jixiao.batch.inline as inline

    real = inline.read_task
    seeds = sorted(SEEDS.glob("*.txt"))[2:4]

    def crash_on_first(task, settings, pending):
        if task.index == 0:
            import faulthandler

            faulthandler.disable()  # the crash is intended: no traceback in the test log
            os.kill(os.getpid(), signal.SIGSEGV)
        return real(task, settings, pending)

    monkeypatch.setattr(inline, "read_task", crash_on_first)
    settings = Settings(options=PipelineOptions(), cache_dir=str(tmp_path / "cache"), timeout=60)
    tasks = [make_task(i, p, SEEDS) for i, p in enumerate(seeds)]
    first, second = list(inline.inline_outcomes(tasks, settings, fork=True))
    assert first.status == "failed" and "SIGSEGV" in first.error
    assert second.status == "ok" and second.counts["indicators"] > 0


def test_small_job_reads_in_a_child_under_a_progress_bar(tmp_path, monkeypatch):
    """On a terminal the progress bar runs a thread: the small job's children must be forked before
    it starts, or the file is read in this process (a crash in a reader would end the whole run)."""
    import io
    import threading

    from rich.console import Console

    import jixiao.batch.inline as inline
    from jixiao.batch.runner import run_batch

    before, count = threading.active_count(), threading.active_count
    monkeypatch.setattr(threading, "active_count", lambda: count() - before + 1)  # threads of earlier tests aside
    readers = tmp_path / "readers"
    real = inline.read_task

    def note_reader(task, settings, pending):
        with open(readers, "a") as f:
            f.write(f"{os.getpid()}\n")
        return real(task, settings, pending)

    monkeypatch.setattr(inline, "read_task", note_reader)
    src = sorted(SEEDS.glob("*.txt"))[2]
    settings = Settings(options=PipelineOptions(), cache_dir=str(tmp_path / "cache"), timeout=60)
    console = Console(file=io.StringIO(), force_terminal=True)
    result = run_batch([(src, SEEDS)], tmp_path / "out", settings, workers=2, show_progress=True, console=console)
    assert [o.status for o in result.outcomes] == ["ok"]
    assert readers.exists(), "the file was read in this process, not in a child"
    assert str(os.getpid()) not in readers.read_text().split()


def test_small_job_with_one_worker_reads_one_file_at_a_time(tmp_path, monkeypatch):
    """--workers 1 with two small files: the second file's child starts reading only after the first
    child's read was collected (both are forked at the start, before a progress bar's thread)."""
    import threading

    import jixiao.batch.inline as inline
    from jixiao.batch.runner import run_batch

    before, count = threading.active_count(), threading.active_count
    monkeypatch.setattr(threading, "active_count", lambda: count() - before + 1)  # threads of earlier tests aside
    log = tmp_path / "log"
    real_read, real_collect = inline.read_task, inline._collect

    def note(line: str) -> None:
        with open(log, "a") as f:
            f.write(line + "\n")

    def noted_read(task, settings, pending):
        note(f"read {task.index} {os.getpid()}")
        read = real_read(task, settings, pending)
        note(f"read {task.index} done")
        return read

    def noted_collect(task, *args):
        read = real_collect(task, *args)
        note(f"collected {task.index}")
        return read

    monkeypatch.setattr(inline, "read_task", noted_read)
    monkeypatch.setattr(inline, "_collect", noted_collect)
    seeds = sorted(SEEDS.glob("*.txt"))[2:4]
    settings = Settings(options=PipelineOptions(), cache_dir=str(tmp_path / "cache"), timeout=60)
    result = run_batch([(p, SEEDS) for p in seeds], tmp_path / "out", settings, workers=1)
    assert [o.status for o in result.outcomes] == ["ok", "ok"]
    lines = log.read_text().splitlines()
    assert [" ".join(line.split()[:2]) for line in lines] == [
        "read 0", "read 0", "collected 0", "read 1", "read 1", "collected 1"], lines
    assert str(os.getpid()) not in {line.split()[2] for line in lines if not line.endswith("done")
                                    and line.startswith("read")}


def test_small_job_file_whose_interpretation_hangs_costs_only_its_file(tmp_path, monkeypatch):
    """The parent interprets the two files one after the other: the first given up at --timeout must
    not use up the second's time (its child read it meanwhile)."""
    import jixiao.batch.inline as inline

    real = inline.finish_file

    def hang_on_first(read, options=None):
        if read.doc["source_path"].startswith(seeds[0].name):
            time.sleep(30)
        return real(read, options)

    seeds = sorted(SEEDS.glob("*.txt"))[2:4]
    monkeypatch.setattr(inline, "finish_file", hang_on_first)
    settings = Settings(options=PipelineOptions(), cache_dir=str(tmp_path / "cache"), timeout=2)
    tasks = [make_task(i, p, SEEDS) for i, p in enumerate(seeds)]
    first, second = list(inline.inline_outcomes(tasks, settings, fork=True))
    assert first.status == "failed" and "gave up after 2 s" in first.error
    assert second.status == "ok" and second.counts["indicators"] > 0
