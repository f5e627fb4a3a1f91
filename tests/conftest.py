"""Shared fixtures: where ../shared is, the seeds converted once per session, a headless browser check."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
FIXTURES = ROOT / "fixtures"


def seed_path(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*.txt"))


def write_seed_tables(out: Path, seed_results: dict) -> Path:
    """The five seeds' rows written as one converted folder (what `jixiao convert` writes)."""
    from jixiao.output.writer import write_tables

    tables: dict[str, list[dict]] = {}
    for res in seed_results.values():
        for name, rows in res.tables.items():
            tables.setdefault(name, []).extend(rows)
    write_tables(out, tables)
    return out


@pytest.fixture(scope="session")
def seed_results():
    """process_file on each of the five seeds: {'000': FileResult, ...}."""
    from jixiao.pipeline import process_file

    return {p.name[:3]: process_file(p, SEEDS) for p in sorted(SEEDS.glob("*.txt"))}


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"


def _chromium_console(page: Path, tmp: Path, screenshot: Path | None = None) -> list[str]:
    """Console messages (errors, uncaught exceptions, logs) the page produced in headless Chromium."""
    assert Path(CHROMIUM).exists(), "headless Chromium is needed: apt-get install chromium (scripts/system-deps.sh)"
    screenshot = screenshot or tmp / "shot.png"
    proc = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", f"--user-data-dir={tmp / 'chromium-profile'}",
         "--enable-logging=stderr", "--v=0", "--hide-scrollbars", "--window-size=1280,3100",
         f"--screenshot={screenshot}", page.resolve().as_uri()],
        capture_output=True, text=True, timeout=120)
    return [ln for ln in proc.stderr.splitlines() if ("CONSOLE" in ln or "Uncaught" in ln) and page.name in ln]


@pytest.fixture(scope="session")
def chromium_console() -> Callable[..., list[str]]:
    """chromium_console(page, tmp, screenshot=None) -> console lines of the page in headless Chromium."""
    return _chromium_console
