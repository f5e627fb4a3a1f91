"""One file in, the contract's rows out: extract -> interpret -> normalize -> validate.

`process_file` is pure with respect to its input file (no shared state), returns plain
rows, and never raises for a bad file: the failure becomes the document row's
status/error. That makes it safe to run in a process pool or on a Dask worker.
"""

from __future__ import annotations

import hashlib
import json
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from jixiao.extract.base import ExtractionError, ExtractOptions, NotADocument, extract, sniff_format
from jixiao.model import Document


@dataclass
class PipelineOptions:
    """Options of one conversion run."""

    extract: ExtractOptions = field(default_factory=ExtractOptions)
    tolerance: float = 1.0
    validate: bool = True


@dataclass
class FileResult:
    """All rows produced from one input file, keyed by contract table name."""

    tables: dict[str, list[dict]]
    trace: str | None = None  # the traceback of an internal error (our bug), for the run's log

    @property
    def document(self) -> dict:
        return self.tables["documents"][0]

    @property
    def failed(self) -> bool:
        return self.document["status"] == "failed"


def file_digest(path: Path) -> tuple[str, int]:
    """SHA-256 hex of the file's bytes (streamed) and its size."""
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def relative_path(path: Path, root: Path | None) -> str:
    """Path relative to the input folder, '/'-separated (the file name for single files)."""
    try:
        rel = path.resolve().relative_to(root.resolve()) if root else Path(path.name)
    except ValueError:
        rel = Path(path.name)
    return rel.as_posix() if str(rel) != "." else path.name


def empty_document_row(doc_id: str, source_path: str) -> dict:
    return {
        "doc_id": doc_id, "source_path": source_path, "source_format": None, "status": "ok",
        "error": None, "unit_name": None, "province": None, "city": None, "county": None,
        "admin_code": None, "fiscal_year": None, "n_pages": None, "n_forms": 0,
        "n_indicators": 0, "n_findings": 0,
    }


def one_line(text: str) -> str:
    return " ".join(str(text).split())[:500]


def path_id(source_path: str) -> str:
    """A doc_id for a file whose bytes cannot be read: from its path instead of its content."""
    return hashlib.sha256(source_path.encode("utf-8", "surrogateescape")).hexdigest()[:16]


def failed_tables(source_path: str, message: str, digest: tuple[str, int] | None = None,
                  path: Path | None = None) -> dict[str, list[dict]]:
    """The rows of a file that could not be converted: one failed documents row.

    With the file's digest the row carries its hash, size and (read from `path`) format."""
    if digest is None:
        doc = empty_document_row(path_id(source_path), source_path)
    else:
        sha, size = digest
        doc = empty_document_row(sha[:16], source_path)
        doc.update(file_size=size, sha256=sha)
        if path is not None:
            try:
                doc["source_format"] = sniff_format(path) if size else None
            except OSError:
                pass
    doc.update(status="failed", error=one_line(message))
    return {"documents": [doc], "forms": [], "indicators": [], "findings": []}


def process_file(path: Path, root: Path | None = None, options: PipelineOptions | None = None, *,
                 source_path: str | None = None, digest: tuple[str, int] | None = None) -> FileResult:
    """Convert one file into rows of every contract table; failures become status rows.

    A caller that already has the file's relative path and digest (the batch task) hands them
    in: the path is worked out and the file hashed once."""
    options = options or PipelineOptions()
    return finish_file(read_file(path, root, options, source_path=source_path, digest=digest), options)


@dataclass
class ReadFile:
    """A file read into the document model (or why it could not be), not yet interpreted.

    `read_file` then `finish_file` is `process_file` in two steps, which may run in two
    processes (a small job reads the file in a child while the parent imports the
    interpreter): it is picklable. `result` is set when there is nothing left to do."""

    doc: dict
    document: Document | None = None
    trace: str | None = None
    result: FileResult | None = None


class _Failures:
    """Turns what stops a file into its document row's status and error (our bugs keep a trace)."""

    def __init__(self, doc: dict):
        self.doc = doc
        self.trace: str | None = None

    def __enter__(self) -> _Failures:
        return self

    def __exit__(self, exc_type, e, tb) -> bool:
        if exc_type is None or not issubclass(exc_type, Exception):
            return False  # MemoryError is an Exception; KeyboardInterrupt and timers' BaseExceptions pass
        doc = self.doc
        if isinstance(e, ExtractionError):
            doc.update(status="failed", error=one_line(str(e)))
            if isinstance(e, NotADocument):
                doc["source_format"] = None  # the bytes are no format we know
        elif isinstance(e, MemoryError):
            doc.update(status="failed", error="ran out of memory reading this file; split it or raise the limits")
        else:  # our bug (damaged files are ExtractionErrors): report, keep going
            frames = traceback.extract_tb(tb)
            where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
            doc.update(status="failed", error=one_line(f"internal error {type(e).__name__}: {e}{where} "
                                                       "(a bug of jixiao: the traceback is in OUT/jixiao.log)"))
            self.trace = "".join(traceback.format_exception(exc_type, e, tb))
        return True


def read_file(path: Path, root: Path | None = None, options: PipelineOptions | None = None, *,
              source_path: str | None = None, digest: tuple[str, int] | None = None) -> ReadFile:
    """The first step of `process_file`: the file's document row and its document model."""
    options = options or PipelineOptions()
    if source_path is None:
        source_path = relative_path(path, root)
    if digest is None:
        try:
            digest = file_digest(path)
        except OSError as e:
            failed = FileResult(failed_tables(source_path, f"cannot read the file: {e.strerror or e}. Check permissions."))
            return ReadFile(failed.document, result=failed)
    sha, size = digest
    doc_id = sha[:16]
    doc = empty_document_row(doc_id, source_path)
    doc.update(file_size=size, sha256=sha)
    document = None
    with _Failures(doc) as failures:
        if size == 0:
            raise ExtractionError("the file is empty (0 bytes); download it again")
        fmt = sniff_format(path)
        doc["source_format"] = fmt
        document = extract(path, fmt, options.extract)
        doc["source_format"] = document.source_format
        doc["n_pages"] = document.n_pages
        doc["n_pages_ocr"] = document.n_pages_ocr
    return ReadFile(doc, document, failures.trace)  # no document: extraction failed


def finish_file(read: ReadFile, options: PipelineOptions | None = None) -> FileResult:
    """The second step of `process_file`: interpret and validate the document read."""
    if read.result is not None:
        return read.result
    options = options or PipelineOptions()
    doc = read.doc
    tables: dict[str, list[dict]] = {"documents": [doc]}
    trace = read.trace
    document = read.document
    if document is not None:
        with _Failures(doc) as failures:
            from jixiao.normalize.interpret import interpret_document

            rows = interpret_document(document, doc["doc_id"])
            tables.update(rows.tables)
            doc.update(rows.metadata)
            if document.warnings:
                doc["warnings"] = " | ".join(document.warnings)
            if document.partial:
                doc["status"] = "partial"
                doc["error"] = one_line("; ".join(document.warnings) or "some parts could not be read")
            if options.validate:
                from jixiao.validate.base import run_rules

                # one file of a batch: whether a 说明's tables are in another file is the batch step's
                tables["findings"] = run_rules(tables, tolerance=options.tolerance, extra={"one_file": True})
                notes = [f"表未识别，未核对：{f['location']}（{f['message'].split('：', 1)[-1]}）"
                         for f in tables["findings"] if f["rule"] == "LAYOUT_NOT_UNDERSTOOD"]
                if notes:
                    doc["warnings"] = " | ".join(filter(None, [doc.get("warnings"), *notes]))
                add_context(document, tables["findings"])
        trace = trace or failures.trace
    for name in ("forms", "indicators", "findings"):
        tables.setdefault(name, [])
    doc["n_forms"] = len(tables["forms"])
    doc["n_indicators"] = len(tables["indicators"])
    doc["n_findings"] = len(tables["findings"])
    return FileResult(tables, trace)


def load_interpreter() -> None:
    """Import what `finish_file` needs (interpreter, rules, gazetteer), e.g. while a child reads the file."""
    import jixiao.normalize.interpret  # noqa: F401
    from jixiao.normalize.places import load_gazetteer
    from jixiao.validate.base import load_rules

    load_rules()
    load_gazetteer()


def add_context(document: Document, findings: list[dict]) -> None:
    """Office and text findings keep the rows around their cells (`context`, JSON) while the document
    is in memory: the report shows them without reading the file again (a .doc costs a LibreOffice run)."""
    if document.source_format in ("pdf", "pdf_scanned"):
        return  # PDF evidence is a page crop, rendered from the file
    for f in findings:
        if not f.get("source_ref"):
            continue
        related = [r for r in str(f.get("related_refs") or "").split(";") if r]
        found = document.context_of(f["source_ref"], related)
        if found is not None:
            f["context"] = json.dumps(found, ensure_ascii=False)


PUBLICATION_RULES = ("NARRATIVE_MISMATCH", "MAGNITUDE_MISMATCH", "MISSING_TABLE", "CODE_NAME_MISMATCH",
                     "CROSS_TABLE_MISMATCH")


def publication_key(tables: dict[str, list[dict]]) -> tuple | None:
    """What pairs this file with another of the same publication (unit, year, kind, has tables)."""
    from jixiao.validate.publication import publication_key as key

    return key(tables)


def check_publication(files: list[dict[str, list[dict]]], tolerance: float = 1.0) -> list[dict]:
    """Findings of the publication rules over the files of one publication (a 公开文件 and its
    公开表), beyond what each file's own check found: only comparisons across the files."""
    from jixiao.validate.base import run_rules

    combined: dict[str, list[dict]] = {}
    for tables in files:
        for name, rows in tables.items():
            combined.setdefault(name, []).extend(rows)
    combined.pop("findings", None)
    return run_rules(combined, tolerance=tolerance, only=PUBLICATION_RULES, extra={"pairs_only": True})


def check_unpaired(tables: dict[str, list[dict]], tolerance: float = 1.0) -> list[dict]:
    """Findings of a 预算/决算 说明 converted without its tables and left unpaired in its batch (no
    …公开表 of its unit and year): what only the batch can tell (MISSING_TABLE)."""
    from jixiao.validate.base import run_rules

    tables = {name: rows for name, rows in tables.items() if name != "findings"}
    return run_rules(tables, tolerance=tolerance, only=("MISSING_TABLE",), extra={"unpaired": True})
