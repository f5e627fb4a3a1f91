"""Shared fixtures: where ../shared is, and the seeds converted once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
FIXTURES = ROOT / "fixtures"


def seed_path(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*.txt"))


@pytest.fixture(scope="session")
def seed_results():
    """process_file on each of the five seeds: {'000': FileResult, ...}."""
    from jixiao.pipeline import process_file

    return {p.name[:3]: process_file(p, SEEDS) for p in sorted(SEEDS.glob("*.txt"))}
