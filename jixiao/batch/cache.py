"""One shard per converted file in OUT/.jixiao/cache, written atomically.

A shard holds every table's rows for one file. Its name is the cache key: the file's
content hash, the pipeline version, a fingerprint of the options that change rows
(tolerance, page limit, OCR, ...) and of the file's relative path (ids and metadata may
depend on it). Re-running finds the shard and skips the file; changed bytes, a new
pipeline version or new options give a new key, so the file is redone.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path

from jixiao import PIPELINE_VERSION
from jixiao.pipeline import PipelineOptions

CACHE_DIR = Path(".jixiao") / "cache"


def options_fingerprint(options: PipelineOptions) -> str:
    """Short hash of every option that can change a file's rows (not timeouts)."""
    extract = asdict(options.extract)
    extract.pop("timeout", None)
    payload = json.dumps({"extract": extract, "tolerance": options.tolerance, "validate": options.validate,
                          "pipeline": PIPELINE_VERSION}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:10]


def shard_name(doc_id: str, source_path: str, fingerprint: str) -> str:
    path_hash = hashlib.sha256(source_path.encode("utf-8", "surrogateescape")).hexdigest()[:10]
    return f"{doc_id}-v{PIPELINE_VERSION}-{fingerprint}-{path_hash}.json"


def _json_default(value: object) -> object:
    item = getattr(value, "item", None)  # numpy / pandas scalars
    if callable(item):
        return item()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


def write_shard(path: Path, tables: dict[str, list[dict]], cacheable: bool) -> None:
    """Write a shard to a temporary name and rename it into place (never half-written)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            # dumps, not dump: json.dump streams through the pure-Python encoder, dumps uses the C one
            fh.write(json.dumps({"cacheable": cacheable, "tables": tables}, ensure_ascii=False, default=_json_default))
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def read_shard(path: Path) -> dict:
    """A shard's content: {"cacheable": bool, "tables": {name: rows}}."""
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def usable_shard(path: Path) -> dict | None:
    """The shard if it exists, parses and may be reused (timeouts and crashes are redone)."""
    try:
        shard = read_shard(path)
    except (OSError, ValueError):
        return None
    return shard if shard.get("cacheable") else None


def remove_stale_temp_files(folder: Path) -> int:
    """Delete temporary files an interrupted run left in OUT and its cache."""
    removed = 0
    for d in (folder, folder / CACHE_DIR):
        if not d.is_dir():
            continue
        for p in d.glob(".*.tmp"):
            p.unlink(missing_ok=True)
            removed += 1
        for p in d.glob(".*.tmp.wal"):
            p.unlink(missing_ok=True)
    return removed
