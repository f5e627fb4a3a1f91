"""The rule registry: one function per rule code, each yielding Findings.

Like frictionless' checks: a rule gets the tables of one or more documents (as
DataFrames with the contract's columns plus extras) and yields findings that carry
where a person looks (form, table, row label, indicator, page). Rules never raise on
odd input: a rule that cannot decide stays silent or reports `info`.
"""

from __future__ import annotations

import importlib
import math
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from jixiao.model import parse_ref
from jixiao.schema import RULES as RULE_CODES

if TYPE_CHECKING:  # pandas is only imported by callers that hand in DataFrames (the validate command)
    import pandas as pd

    from jixiao.validate.slack import Slack


@dataclass
class Finding:
    """One discrepancy; the first fields are the contract's findings columns."""

    doc_id: str
    form_id: str | None
    rule: str
    severity: str
    location: str
    message: str
    expected: float | None = None
    observed: float | None = None
    page: int | None = None
    source_ref: str | None = None  # where the observed figure sits (SCHEMA.md notation)
    table: str | None = None
    row_label: str | None = None
    indicator: str | None = None
    related_refs: str | None = None  # `;`-joined refs of the figures `expected` comes from

    def row(self) -> dict:
        return asdict(self)


@dataclass
class Context:
    """What every rule sees: the tables, the rounding tolerance factor, the document's own grade bands.

    Tables come as DataFrames (read back from a converted folder) or as lists of row
    dicts (straight from the pipeline); rules read them through `records`."""

    tables: dict[str, pd.DataFrame | list[dict]]
    tolerance: float = 1.0
    extra: dict = field(default_factory=dict)
    _records: dict[str, list[dict]] = field(default_factory=dict, repr=False)
    _built: dict[str, Any] = field(default_factory=dict, repr=False)

    def records(self, name: str) -> list[dict]:
        """The table's rows as dicts, NA as None: converted once, each caller gets its own copies.

        Converting a DataFrame to dicts was the costliest step of validating a document;
        rules ask for the same tables dozens of times."""
        if name not in self._records:
            t = self.tables.get(name)
            rows = t.to_dict("records") if hasattr(t, "to_dict") else (t or [])
            self._records[name] = [{k: _none_if_na(v) for k, v in row.items()} for row in rows]
        return [dict(r) for r in self._records[name]]

    def built(self, key: str, build: Callable[[Context], Any]) -> Any:
        """What `build` makes of these tables, made once for all the rules that read it (read only)."""
        if key not in self._built:
            self._built[key] = build(self)
        return self._built[key]

    @cached_property
    def slack(self) -> Slack:
        """Rounding allowances at this run's tolerance: `ctx.slack.of(a, b)`, `ctx.slack.score(...)`."""
        from jixiao.validate.slack import (
            Slack,  # slack.py reads numbers through records.py, which imports this
        )

        return Slack(self.tolerance)


RuleFunc = Callable[[Context], Iterable[Finding]]
RULES: dict[str, list[RuleFunc]] = {}


def rule(code: str) -> Callable[[RuleFunc], RuleFunc]:
    """Register a rule function under its SCHEMA.md code (a code may have several: tables, prose)."""
    if code not in RULE_CODES:
        raise ValueError(f"unknown rule code {code}")

    def deco(func: RuleFunc) -> RuleFunc:
        funcs = RULES.setdefault(code, [])
        if all(f.__qualname__ != func.__qualname__ or f.__module__ != func.__module__ for f in funcs):
            funcs.append(func)
        func.code = code  # type: ignore[attr-defined]
        return func

    return deco


# Rule modules in the order they register: rules of one code run in that order, which is the order of
# their findings. A module not listed (a new one) registers after these, by name.
RULE_MODULES = ("amounts", "amount_columns", "goals", "prose", "scores", "scoring_rules", "indicator_texts")


def load_rules() -> None:
    """Import every rule module once (importing a module registers its rules)."""
    # not `import jixiao.validate.rules`: jixiao.validate is also the API function
    from jixiao.validate import rules as pkg

    found = sorted(info.name for info in pkgutil.iter_modules(pkg.__path__))
    for name in [*RULE_MODULES, *(n for n in found if n not in RULE_MODULES)]:
        importlib.import_module(f"jixiao.validate.rules.{name}")


def run_rules(tables: dict[str, pd.DataFrame | list[dict]], tolerance: float = 1.0,
              only: Iterable[str] | None = None, extra: dict | None = None) -> list[dict]:
    """Run every registered rule (or `only` these codes) and return findings rows.

    `extra` seeds Context.extra (``{"pairs_only": True}``: the publication rules check only
    publications of two or more files, the batch step after each file was checked alone)."""
    load_rules()
    ctx = Context(dict(tables), tolerance, dict(extra or {}))
    out: list[dict] = []
    seq: dict[str, int] = {}
    for code in RULE_CODES:
        if code not in RULES or (only is not None and code not in set(only)):
            continue
        for func in RULES[code]:
            for f in func(ctx):
                row = f.row()
                for k in ("expected", "observed"):
                    if isinstance(row[k], float) and (math.isnan(row[k]) or math.isinf(row[k])):
                        row[k] = None
                    elif row[k] is not None:
                        row[k] = round(float(row[k]), 6)
                at = parse_ref(row.get("source_ref"))
                if at is not None and at.page is not None:
                    row["page"] = at.page  # SCHEMA: the page of the observed value (a form's total may sit pages later)
                seq[row["doc_id"]] = seq.get(row["doc_id"], 0) + 1
                row["finding_id"] = finding_id(row["doc_id"], seq[row["doc_id"]])
                out.append(row)
    return out


def finding_id(doc_id: str, n: int) -> str:
    """`{doc_id}-F{n}`: stable while the file and the rules stay the same (n counts in rule order)."""
    return f"{doc_id}-F{n}"


def is_na(v: object) -> bool:
    """None, NaN or pandas' NA — tested without importing pandas, which workers never load (~70 MB)."""
    return v is None or (isinstance(v, float) and math.isnan(v)) or type(v).__name__ == "NAType"


def _none_if_na(v: object) -> object:
    return None if is_na(v) else v
