"""The package's layers, checked from the source: no module imports a layer above it, and no
private name (`_x`) is imported from another file. docs/architecture.md says the same in prose.

A layer may import any layer below it; packages on one level are siblings that do not import
each other (extract and normalize both read the document model, neither knows the other).
Imports inside functions count as much as those at the top of a file.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "jixiao"

# bottom to top; each entry: the top-level modules/packages of jixiao on that level
LAYERS: list[tuple[str, ...]] = [
    ("__init__", "text", "model", "schema", "version", "extras"),  # no jixiao import but each other
    ("extract", "normalize"),  # document -> model; model -> contract rows
    ("validate",),  # rules over the rows
    ("output",),  # writers: CSV, Parquet, DuckDB, xlsx
    ("report", "dataset"),  # the HTML reports; panels and codebook
    ("pipeline",),  # one file: extract -> normalize -> validate
    ("batch", "inputs"),  # many files: engines, cache, progress; which files
    ("commands",),  # the CLI's subcommands
    ("cli", "api"),  # the typer app that registers them; the Python API (jixiao.convert, …)
    ("__main__",),  # python -m jixiao
]
LEVEL = {name: i for i, names in enumerate(LAYERS) for name in names}


def modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]
        out.append((".".join(parts), path))
    return out


def imported(module: str, path: Path) -> list[tuple[str, list[str], int]]:
    """(imported module, names taken from it, line) for every import in the file."""
    is_package = path.name == "__init__.py"
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(a.name, [], node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base if is_package else base[:-1]
                base = base[: len(base) - (node.level - 1)]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            out.append((name, [a.name for a in node.names], node.lineno))
    return out


def part_of(module: str) -> str | None:
    """The top-level part of jixiao a module belongs to (`jixiao.extract.pdf.grid` -> extract)."""
    parts = module.split(".")
    if parts[0] != "jixiao":
        return None
    return parts[1] if len(parts) > 1 else "__init__"


def test_every_part_of_the_package_has_a_layer():
    tops = {part_of(m) for m, _ in modules()}
    assert tops <= set(LEVEL), f"give these a layer in LAYERS and docs/architecture.md: {sorted(tops - set(LEVEL))}"


def test_no_module_imports_a_layer_above_it_or_a_sibling():
    wrong = []
    for module, path in modules():
        own = part_of(module)
        for target, _, line in imported(module, path):
            other = part_of(target)
            if other is None or other == own:
                continue
            if LEVEL[other] >= LEVEL[own] and not (LEVEL[own] == 0 and LEVEL[other] == 0):
                wrong.append(f"{path.relative_to(ROOT)}:{line} ({own}, layer {LEVEL[own]}) imports {target} "
                             f"({other}, layer {LEVEL[other]})")
    assert not wrong, "imports against the layering (docs/architecture.md):\n" + "\n".join(wrong)


@pytest.mark.parametrize("folder", ["jixiao", "tests", "bench"])
def test_no_private_name_is_imported_across_files(folder):
    wrong = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for target, names, line in imported(module, path):
            if part_of(target) is None or target == module:
                continue
            private = [n for n in names if n.startswith("_") and not n.startswith("__")]
            private += [p for p in target.split(".") if p.startswith("_") and not p.startswith("__")]
            if private:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {', '.join(private)} from {target}")
    assert not wrong, "private names used from another file (make them public or move them):\n" + "\n".join(wrong)
