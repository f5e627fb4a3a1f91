"""`jixiao convert`'s fast command-line reading (commands/argv.py) gives the arguments Typer gives,
and leaves to Typer every command line it is not sure of."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
import typing
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from jixiao.commands.argv import parse, typer_command
from jixiao.commands.convert import convert

ROOT = Path(__file__).resolve().parents[1]


def typer_reading(args: list[str]) -> dict | None:
    """The keyword arguments Typer passes to `convert` for `args` (None: a usage error)."""
    got: dict = {}

    def capture(**kwargs):
        got.update(kwargs)

    capture.__signature__ = inspect.signature(convert)
    capture.__annotations__ = typing.get_type_hints(convert)
    app = typer.Typer()
    app.command("convert")(typer_command(capture))

    @app.callback()
    def _root() -> None:
        pass

    result = CliRunner().invoke(app, ["convert", *args])
    return got if result.exit_code == 0 else None


@pytest.mark.parametrize("args", [
    ["a.pdf", "-o", "out"],
    ["a.pdf", "b.docx", "dir/", "--out", "out", "--quiet", "--force"],
    ["--out=out", "a.pdf", "-q", "--json", "--xlsx", "--no-report", "--strict"],
    ["a.pdf", "-o", "out", "--report", "--workers", "2", "--engine", "dask", "--scheduler", "tcp://h:8786"],
    ["a.pdf", "-o", "out", "-j", "0", "--timeout", "2.5", "--max-memory", "300", "--max-pages", "7"],
    ["a.pdf", "-o", "out", "--ocr-det-side", "2000", "--tolerance", "1e1", "--timeout=30"],
    ["a.pdf", "-o", "first", "-o", "second", "--tolerance", ".5"],
])
def test_same_arguments_as_typer(args):
    mine = parse(convert, args)
    assert mine is not None
    assert mine == typer_reading(args)
    assert {k: type(v) for k, v in mine.items()} == {k: type(v) for k, v in typer_reading(args).items()}


@pytest.mark.parametrize("args", [
    [], ["a.pdf"], ["-o", "out"], ["a.pdf", "-o"], ["a.pdf", "-o", "out", "--help"],
    ["a.pdf", "-o", "out", "--no-such"], ["a.pdf", "-o", "out", "--engine", "spark"],
    ["a.pdf", "-o", "out", "--workers", "-1"], ["a.pdf", "-o", "out", "--timeout", "0.5"],
    ["a.pdf", "-o", "out", "--ocr-det-side", "5000"], ["a.pdf", "-o", "out", "--workers", "two"],
    ["a.pdf", "-ojunk"], ["a.pdf", "-o", "out", "-qj", "2"], ["a.pdf", "-o", "out", "--", "-b.pdf"],
    ["a.pdf", "-o", "out", "--quiet=yes"], ["a.pdf", "-o", "out", "--tolerance", "nan"],
])
def test_unsure_command_lines_go_to_typer(args):
    assert parse(convert, args) is None


def test_the_command_runs_without_typer_and_exits_as_typer(tmp_path):
    """A plain convert never imports Typer (nor pydantic, its validators); usage errors still exit 2."""
    code = ("import atexit, sys, runpy; sys.argv = ['jixiao', *sys.argv[1:]]\n"
            "atexit.register(lambda: print('typer' in sys.modules or 'pydantic' in sys.modules, file=sys.stderr))\n"
            "runpy.run_module('jixiao', run_name='__main__')")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    empty = tmp_path / "empty"
    empty.mkdir()
    run = subprocess.run([sys.executable, "-c", code, "convert", str(empty), "-o", str(tmp_path / "out"), "--quiet"],
                         capture_output=True, text=True, env=env, cwd=tmp_path)
    assert run.returncode == 2 and "no input files found" in run.stderr
    assert run.stderr.strip().endswith("False")
    run = subprocess.run([sys.executable, "-c", code, "convert", str(empty), "--bad-option"],
                         capture_output=True, text=True, env=env, cwd=tmp_path)
    assert run.returncode == 2 and "No such option" in run.stderr


def _leave(code: str, stdout) -> subprocess.CompletedProcess:
    """A process that prints a line and leaves through __main__.leave(code), stdout buffered as usual."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-c", f"from jixiao.__main__ import leave\nprint('line')\nleave({code})"],
                          stdout=stdout, stderr=subprocess.PIPE, text=True, env=env)


def test_leaving_with_a_closed_stdout_exits_1():
    """`jixiao convert --json | head -0`: the summary could not be written, so the exit is 1, not 0."""
    read, write = os.pipe()
    os.close(read)
    with os.fdopen(write, "w") as stdout:
        run = _leave("0", stdout)
    assert run.returncode == 1 and "Traceback" not in run.stderr


def test_leaving_with_a_message_prints_it():
    """SystemExit('text') prints its text and exits 1, as the interpreter does: os._exit must not swallow it."""
    run = _leave("'cannot go on'", subprocess.PIPE)
    assert run.returncode == 1 and "cannot go on" in run.stderr and run.stdout == "line\n"
