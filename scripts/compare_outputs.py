"""Byte-for-byte check that a refactor leaves `jixiao convert`'s CSVs unchanged.

    python scripts/compare_outputs.py convert OUT [convert options]   # the shared inputs into OUT/<set>
    python scripts/compare_outputs.py compare BEFORE AFTER

Run `convert` with the old code (e.g. a `git archive` of it on PYTHONPATH) and with the new
code, then `compare`: every *.csv under either folder must exist under both with the same
bytes. Exit 0 when identical, 1 otherwise. On a busy machine pass e.g. `--timeout 900`: a
file that runs out of time becomes a failed row (the timeout does not change rows otherwise).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"
SETS = ("seeds", "real", "corpus/generated/docs", "real/wild")


def convert(out: Path, extra: list[str]) -> int:
    status = 0
    for name in SETS:
        src = SHARED / name
        if not src.is_dir():
            print(f"skip {name}: {src} missing")
            continue
        target = out / name.replace("/", "_")
        cmd = [sys.executable, "-m", "jixiao", "convert", str(src), "-o", str(target), "--quiet", *extra]
        rc = subprocess.run(cmd, env=os.environ.copy()).returncode
        print(f"{name}: rc={rc}")
        status = status or rc
    return status


def compare(before: Path, after: Path) -> int:
    a = {p.relative_to(before) for p in before.rglob("*.csv")}
    b = {p.relative_to(after) for p in after.rglob("*.csv")}
    missing, extra = sorted(a - b), sorted(b - a)
    differ = sorted(p for p in a & b if (before / p).read_bytes() != (after / p).read_bytes())
    for p in missing:
        print(f"missing after: {p}")
    for p in extra:
        print(f"new after: {p}")
    for p in differ:
        print(f"differs: {p}")
    same = len(a & b) - len(differ)
    print(f"{same} of {len(a | b)} CSV files byte-identical"
          f" ({len(differ)} differ, {len(missing)} missing, {len(extra)} new)")
    return 0 if not (missing or extra or differ) else 1


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "convert":
        return convert(Path(argv[1]), argv[2:])
    if len(argv) == 3 and argv[0] == "compare":
        return compare(Path(argv[1]), Path(argv[2]))
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
