"""examples/ runs, so it cannot rot: the quickstart converts ../shared/real/wild and ../shared/seeds."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def test_quickstart(tmp_path: Path) -> None:
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "JIXIAO_SHARED": str(SHARED)}
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / "quickstart.py"), "-o", str(out), "--show", "3"],
                          env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    text = proc.stdout
    n_inputs = sum(1 for d in (SHARED / "real" / "wild", SHARED / "seeds") for p in d.iterdir() if p.is_file())
    assert f"Result({n_inputs} documents" in text
    assert "chart: " in text
    chart = Path(text.split("chart: ", 1)[1].split()[0])
    assert chart.exists() and chart.stat().st_size > 1000
    assert text.count(" rows:") == 3  # three findings, each with its evidence
    assert (out / "forms.csv").exists() and (out / "report.html").exists()
