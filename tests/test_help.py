"""`jixiao --help` and every subcommand's help read as prose with examples at 80 columns.

Rich reflows help text to the terminal; a line break that rich did not make (a docstring's
hard newline) shows as a line that ends although the next word would have fitted. Every
paragraph of the description and every entry of a Commands panel is checked for that, the
options' help strings must not contain newlines, and each help shows an example command.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from rich.cells import cell_len

from jixiao.cli import app

ROOT = Path(__file__).resolve().parents[1]
WIDTH = 80
SLACK = 3  # rich's padding: a word that would fit within WIDTH - SLACK was not wrapped by rich


def _commands(group: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """Every command of the app (click's, whether typer vendors click or not), with its path."""
    found = [(path, group)]
    if hasattr(group, "commands"):
        for name, cmd in sorted(group.commands.items()):
            found += _commands(cmd, (*path, name))
    return found


COMMANDS = _commands(typer.main.get_command(app))


def render(path: tuple[str, ...]) -> str:
    env = {**os.environ, "COLUMNS": str(WIDTH), "TERM": "dumb", "NO_COLOR": "1", "PYTHONPATH": str(ROOT)}
    env.pop("FORCE_COLOR", None)
    proc = subprocess.run([sys.executable, "-m", "jixiao", *path, "--help"], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def hard_breaks(lines: list[str], width: int) -> list[str]:
    """Pairs of consecutive lines of one paragraph where the next line's first word would have fitted."""
    bad = []
    for a, b in zip(lines, lines[1:], strict=False):
        if not a.strip() or not b.strip():
            continue
        first = b.split()[0]
        if cell_len(a.rstrip()) + 1 + cell_len(first) <= width - SLACK:
            bad.append(f"{a.rstrip()!r} / {b.strip()!r}")
    return bad


def description_lines(text: str) -> list[str]:
    """The prose between Usage and the first panel, without the example code blocks."""
    lines = text.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.strip().startswith("Usage:")) + 1
    end = next((i for i, ln in enumerate(lines) if ln.lstrip().startswith("╭")), len(lines))
    # prose is indented by one space; rich's code blocks (the examples) by two
    return ["" if re.match(r"^\s{2,}\S", ln) else ln for ln in lines[start:end]]


def panel_entries(text: str) -> list[tuple[list[str], int]]:
    """(help-column lines, column width) of each entry of two-column panels (Commands)."""
    entries: list[tuple[list[str], int]] = []
    inside, title = False, ""
    for ln in text.splitlines():
        s = ln.strip()
        if s.startswith("╭"):
            inside, title = True, s
            continue
        if s.startswith("╰"):
            inside = False
            continue
        if not inside or "Commands" not in title or not s.startswith("│"):
            continue
        inner = s.strip("│")
        m = re.match(r"^ (\S+)(\s+)(\S.*)$", inner)
        if m:
            col = 1 + len(m.group(1)) + len(m.group(2))
            entries.append(([inner[col:]], len(inner) - col))
        elif entries:
            entries[-1][0].append(inner[entries[-1][1] and len(inner) - entries[-1][1]:])
    return entries


def test_the_check_finds_a_hard_break() -> None:
    assert hard_breaks([" Files run in parallel (one process per core), each with", " a time limit."], WIDTH)
    assert not hard_breaks([" " + "word " * 15, " next"], WIDTH)


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=lambda p: " ".join(p) or "jixiao")
def test_help_reflows_and_has_an_example(path: tuple[str, ...]) -> None:
    text = render(path)
    assert max(cell_len(ln) for ln in text.splitlines()) <= WIDTH
    assert hard_breaks(description_lines(text), WIDTH) == []
    for lines, width in panel_entries(text):
        assert hard_breaks(lines, width) == [], lines
    examples = [ln.strip() for ln in text.splitlines() if ln.strip().startswith("jixiao ")]
    assert "Example" in text and examples, f"`jixiao {' '.join(path)} --help` shows no example"


@pytest.mark.parametrize("path,command", COMMANDS, ids=lambda p: " ".join(p) if isinstance(p, tuple) else "")
def test_option_help_is_one_line(path: tuple[str, ...], command: Any) -> None:
    for param in command.params:
        assert "\n" not in (getattr(param, "help", None) or ""), f"{' '.join(path)} {param.name}"


def test_version() -> None:
    from jixiao import __version__

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-m", "jixiao", "--version"], capture_output=True, text=True, env=env,
                         cwd=ROOT, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == f"jixiao {__version__}"
