"""kill -9 in the middle of a run, run again: the same output as an uninterrupted run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import SEEDS

from jixiao.schema import TABLES

N_COPIES = 30


def command(inputs: Path, out: Path, workers: int = 1) -> list[str]:
    return [sys.executable, "-m", "jixiao", "convert", str(inputs), "-o", str(out), "--quiet", "--workers", str(workers)]


def make_corpus(folder: Path) -> None:
    """Copies of the seeds with distinct bytes (a unique last line each)."""
    seeds = sorted(SEEDS.glob("*.txt"))
    folder.mkdir()
    for i in range(N_COPIES):
        seed = seeds[i % len(seeds)]
        (folder / f"{i:02d}-{seed.name}").write_bytes(seed.read_bytes() + f"\n（第{i}份）\n".encode())


def test_kill_9_then_rerun_gives_the_uninterrupted_output(tmp_path):
    corpus = tmp_path / "corpus"
    make_corpus(corpus)
    clean, resumed = tmp_path / "clean", tmp_path / "resumed"
    # the reference run uses two workers: the output may depend on neither the kill nor the pool size
    assert subprocess.run(command(corpus, clean, workers=2), capture_output=True, timeout=300).returncode == 0

    proc = subprocess.Popen(command(corpus, resumed), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    cache = resumed / ".jixiao" / "cache"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (cache.is_dir() and len(list(cache.glob("*.json"))) >= 2):
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)  # the parent, its workers and the fork server, all at once
    proc.wait()
    done_before_kill = len(list(cache.glob("*.json")))
    assert 2 <= done_before_kill < N_COPIES, "the kill must land in the middle of the run"
    assert not (resumed / "documents.csv").exists()

    rerun = subprocess.run(command(corpus, resumed, workers=2), capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    for name in TABLES:
        assert (resumed / f"{name}.csv").read_bytes() == (clean / f"{name}.csv").read_bytes(), name
    log = (resumed / "jixiao.log").read_text(encoding="utf-8")
    last_run = log.rsplit("# ", 2)[-2]
    assert last_run.count("ok (cached)") >= done_before_kill - 1  # finished shards were reused
    assert [p for p in resumed.rglob("*") if p.name.endswith(".tmp")] == []
