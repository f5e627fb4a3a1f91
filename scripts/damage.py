"""Broken copies of real files, as interrupted downloads and bad disks make them, and a run over them.

    python scripts/damage.py OUT_DIR [FILES...] [--per-file N] [--seed S]

writes mutated copies (truncated, bytes flipped, a 4 KB block zeroed, a block duplicated) of the
given files (default: fixtures/, ../shared/seeds, ../shared/real), converts each with the
pipeline and prints how each came out: status, error, and whether its content still equals the
intact file's. The suite runs a small fixed sample of the same (tests/test_damaged.py).
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from pathlib import Path

BLOCK = 4096
KINDS = ("truncate", "flip", "zero", "duplicate")


def mutate(data: bytes, kind: str, rng: random.Random) -> bytes:
    """One damaged copy of `data`: the damage falls past the first 1 KB (a file whose header is gone
    is no longer the same format, which is a different test) and before the last bytes."""
    n = len(data)
    lo = min(1024, n // 4)
    if kind == "truncate":
        return data[: rng.randint(lo, max(lo, n - 16))]
    if kind == "flip":
        out = bytearray(data)
        start = rng.randint(lo, max(lo, n - 1))
        for i in range(start, min(n, start + 64), rng.randint(1, 8)):
            out[i] ^= 0xFF
        return bytes(out)
    if kind == "zero":
        start = rng.randint(lo, max(lo, n - BLOCK))
        return data[:start] + b"\0" * min(BLOCK, n - start) + data[start + BLOCK:]
    if kind == "duplicate":
        start = rng.randint(lo, max(lo, n - BLOCK))
        at = rng.randint(lo, n)
        return data[:at] + data[start:start + BLOCK] + data[at:]
    raise ValueError(kind)


def mutations(path: Path, per_kind: int, seed: int) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of per_kind copies of each kind of damage, reproducible from the seed."""
    data = path.read_bytes()
    rng = random.Random(f"{seed}:{path.name}")
    for kind in KINDS:
        for i in range(per_kind):
            yield f"{path.stem}.{kind}{i}{path.suffix}", mutate(data, kind, rng)


def content(result) -> list:
    """What a conversion says about a file's content, without ids that follow from its bytes."""
    skip = {"doc_id", "form_id", "sha256", "file_size", "source_path"}
    out = []
    for name in ("forms", "indicators", "amounts", "narrative"):
        for row in result.tables.get(name, []):
            out.append((name, tuple(sorted((k, str(v)) for k, v in row.items() if k not in skip))))
    return sorted(out)


def main(argv: list[str]) -> int:
    import argparse

    from jixiao.pipeline import PipelineOptions, process_file

    root = Path(__file__).resolve().parents[1]
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--per-kind", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-ocr", action="store_true")
    args = ap.parse_args(argv)
    files = args.files or sorted(
        p for d in (root / "fixtures" / "pdf", root / "fixtures" / "office", root.parent / "shared" / "seeds",
                    root.parent / "shared" / "real", root.parent / "shared" / "real" / "wild")
        for p in d.glob("*") if p.is_file() and p.name != "README.md" and p.suffix in (".pdf", ".docx", ".doc", ".xlsx", ".xls", ".txt", ".md"))
    opts = PipelineOptions()
    opts.extract.ocr = not args.no_ocr
    args.out.mkdir(parents=True, exist_ok=True)
    slips = internal = 0
    for src in files:
        intact = process_file(src, src.parent, opts)
        for name, data in mutations(src, args.per_kind, args.seed):
            p = args.out / name
            p.write_bytes(data)
            res = process_file(p, args.out, opts)
            doc = res.document
            same = content(res) == content(intact)
            flag = ""
            if doc["status"] == "ok" and not same:
                flag, slips = "SLIP", slips + 1
            if "internal error" in (doc["error"] or ""):
                flag, internal = "INTERNAL", internal + 1
            print(f"{flag:8} {name:50} {doc['source_format'] or '-':11} {doc['status']:8} same={same!s:5} "
                  f"{(doc['error'] or '')[:150]}", flush=True)
    print(f"slips={slips} internal={internal}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
