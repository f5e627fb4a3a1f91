"""Extractors: one per format, all returning a jixiao.model.Document."""

from jixiao.extract.base import ExtractionError, ExtractOptions, extract, sniff_format

__all__ = ["ExtractionError", "ExtractOptions", "extract", "sniff_format"]
