"""Document metadata: unit name, place and admin code (gazetteer), fiscal year."""

from __future__ import annotations

from collections import Counter

from jixiao.model import Document
from jixiao.normalize.places import locate
from jixiao.normalize.years import fiscal_year_from


def head_text(document: Document, limit: int = 6000) -> str:
    """The first part of the document's text, where titles and headers are."""
    return document.text()[:limit]


def document_metadata(document: Document, unit_name: str | None, drafts: list) -> dict:
    """Fields of the documents row that come from the content."""
    text = head_text(document)
    place = locate(unit_name, text)
    years = Counter(d.fiscal_year for d in drafts if getattr(d, "fiscal_year", None))
    year = years.most_common(1)[0][0] if years else fiscal_year_from(text)
    return {
        "unit_name": unit_name, "province": place.province, "city": place.city, "county": place.county,
        "admin_code": place.admin_code, "fiscal_year": year,
    }
