"""Peak memory of the batch engine's workers as a user pays it, sampled from outside.

A worker is a fork of a parent that imported the pipeline first (jixiao.batch.warm), so
its resident set (RSS, VmHWM) counts every page it still shares copy-on-write with the
parent and its siblings: N workers' RSS added up is far more than the machine spends.
This samples each Python process under the bench process (workers, directly or through a
forkserver) every `interval` seconds from a separate process — a thread in the bench
process would stop the engine forking — and keeps per process the peak of
- USS: pages only that process holds, freed when it exits (what one more worker costs);
- PSS: USS plus its share of each shared page (the processes' PSS add up to the RAM used);
- RSS: for comparison with the figure the workers report themselves.

usage (by bench/run.py): `with Watch() as w: …` then `w.peaks` (MB; USS / PSS / RSS).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Peaks:
    """Largest per-process peak of each measure (MB), and how many processes were seen."""

    uss_mb: float = 0.0
    pss_mb: float = 0.0
    rss_mb: float = 0.0
    processes: int = 0


class Watch:
    """Samples the memory of this process's Python descendants while the block runs."""

    def __init__(self, interval: float = 0.1) -> None:
        self.interval = interval
        self.peaks = Peaks()

    def __enter__(self) -> Watch:
        fd, name = tempfile.mkstemp(prefix="jixiao-memory-", suffix=".json")
        os.close(fd)
        self._out = Path(name)
        self._proc = subprocess.Popen([sys.executable, __file__, str(os.getpid()), name, str(self.interval)])
        return self

    def __exit__(self, *exc: object) -> None:
        self._proc.send_signal(signal.SIGTERM)
        self._proc.wait(timeout=30)
        per = json.loads(self._out.read_text(encoding="utf-8") or "{}")
        self._out.unlink(missing_ok=True)
        mb = 1024 * 1024
        self.peaks = Peaks(max((p["uss"] for p in per.values()), default=0) / mb,
                           max((p["pss"] for p in per.values()), default=0) / mb,
                           max((p["rss"] for p in per.values()), default=0) / mb, len(per))


def _sample(parent_pid: int, out: Path, interval: float) -> None:
    """Poll until SIGTERM, then write {pid: peak uss/pss/rss in bytes} to `out`."""
    import psutil

    stop = False

    def _stop(*_: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, _stop)
    parent, me = psutil.Process(parent_pid), os.getpid()
    peaks: dict[int, dict[str, int]] = {}
    while not stop:
        for child in parent.children(recursive=True):
            try:
                if child.pid == me or "python" not in child.name():
                    continue  # not soffice & co.: a worker's own memory
                info = child.memory_full_info()
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                continue
            got = peaks.setdefault(child.pid, {"uss": 0, "pss": 0, "rss": 0})
            for key in got:
                got[key] = max(got[key], getattr(info, key))
        time.sleep(interval)
    out.write_text(json.dumps(peaks), encoding="utf-8")


if __name__ == "__main__":
    _sample(int(sys.argv[1]), Path(sys.argv[2]), float(sys.argv[3]))
