"""jixiao/schema.py must say exactly what ../shared/SCHEMA.md says."""

from __future__ import annotations

import re

from conftest import SHARED

from jixiao import schema


def contract_tables() -> dict[str, list[str]]:
    tables: dict[str, list[str]] = {}
    current = None
    for line in (SHARED / "SCHEMA.md").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^## (\w+) —", line)
        if m:
            current = m.group(1)
            tables[current] = []
        elif line.startswith("#"):
            current = None if line.startswith("### ") else current
        elif current and line.startswith("| ") and not line.startswith(("| column", "|---")):
            tables[current] += [c.strip() for c in line.split("|")[1].split(",") if c.strip()]
    return tables


def test_required_columns_match_contract():
    assert schema.REQUIRED == contract_tables()


def test_rule_codes_match_contract():
    text = (SHARED / "SCHEMA.md").read_text(encoding="utf-8")
    assert set(schema.RULES) == set(re.findall(r"^\| ([A-Z][A-Z_]{3,}) \|", text, re.M))


def test_vocabulary_matches_contract():
    text = (SHARED / "SCHEMA.md").read_text(encoding="utf-8")
    vocab = text.split("## Canonical vocabulary", 1)[1]
    codes = set(re.findall(r"^\| ([a-z_]+) \|", vocab, re.M)) - {"code"}
    assert set(schema.LEVEL1_CODES) | set(schema.LEVEL2_CODES) == codes


def test_extra_columns_do_not_shadow_required():
    for table, extra in schema.EXTRA.items():
        assert not set(extra) & set(schema.REQUIRED[table]), table
