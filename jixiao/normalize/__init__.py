"""Normalizers: headings, values, places, grades, and the form interpreters."""
