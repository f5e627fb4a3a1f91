"""A command line parsed from a Typer command's own declarations, without building the app.

Typer checks every option of the invoked command through pydantic: importing pydantic and
building a validator per option costs ~0.1 s, a fifth of converting a 12-page PDF. A plain
command line — the command's options spelled as Click spells them (`-o OUT`, `--out OUT`,
`--out=OUT`, flags, `--report/--no-report`), valid values — is read here from the same
`typer.Option`/`typer.Argument` defaults. Anything else (help, an unknown, repeated-short or
malformed option, a value out of range, `--`) returns None and the Typer app parses it,
reporting errors as always. tests/test_argv.py checks both readings agree.
"""

from __future__ import annotations

import inspect
import re
import typing
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Any

from typer.models import ArgumentInfo, OptionInfo

_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


class _Unsure(Exception):
    """This command line is left to Typer."""


def _decls(name: str, info: OptionInfo, is_bool: bool) -> tuple[list[str], list[str]]:
    """(options that set the value, options that set a bool to False), as Typer declares them."""
    decls = list(info.param_decls or [])
    if not decls:
        flag = name.replace("_", "-")
        decls = [f"--{flag}/--no-{flag}" if is_bool else f"--{flag}"]
    on: list[str] = []
    off: list[str] = []
    for d in decls:
        if "/" in d:
            if not is_bool or d.startswith("/"):
                raise _Unsure
            first, second = (s.strip() for s in d.split("/", 1))
            on += [first] if first else []
            off += [second] if second else []
        else:
            on.append(d)
    return on, off


def _value(text: str, kind: Any, info: OptionInfo | ArgumentInfo) -> Any:
    """The value Typer would pass for `text`, or _Unsure (Typer then reports the error)."""
    if kind is Path:
        if not text:
            raise _Unsure
        return Path(text)
    if kind is str:
        return text
    if isinstance(kind, type) and issubclass(kind, Enum):
        for member in kind:
            if member.value == text:
                return member
        raise _Unsure
    if kind is int and _INT.fullmatch(text):
        value: int | float = int(text)
    elif kind is float and _FLOAT.fullmatch(text):
        value = float(text)
    else:
        raise _Unsure
    if (info.min is not None and value < info.min) or (info.max is not None and value > info.max):
        raise _Unsure
    return value


def parse(command: Callable[..., Any], args: list[str]) -> dict[str, Any] | None:
    """Keyword arguments for `command` from `args`, or None when Typer should parse them."""
    try:
        return _parse(command, args)
    except _Unsure:
        return None


def _parse(command: Callable[..., Any], args: list[str]) -> dict[str, Any]:
    hints = typing.get_type_hints(command)
    options: dict[str, tuple[str, Any, OptionInfo, bool]] = {}  # spelling -> (param, type, info, bool value)
    values: dict[str, Any] = {}
    argument: tuple[str, Any, ArgumentInfo] | None = None
    for name, param in inspect.signature(command).parameters.items():
        info, kind = param.default, hints.get(name)
        if isinstance(info, ArgumentInfo):
            if argument is not None or typing.get_origin(kind) is not list:
                raise _Unsure
            argument = (name, typing.get_args(kind)[0], info)
            continue
        if not isinstance(info, OptionInfo) or info.callback or info.envvar or info.parser or info.is_eager:
            raise _Unsure
        if kind not in (bool, int, float, str, Path) and not (isinstance(kind, type) and issubclass(kind, Enum)):
            if kind != (str | None):
                raise _Unsure
            kind = str
        on, off = _decls(name, info, kind is bool)
        for spelling in on:
            options[spelling] = (name, kind, info, True)
        for spelling in off:
            options[spelling] = (name, kind, info, False)
        if info.default is not ...:
            values[name] = info.default
    if argument is None:
        raise _Unsure
    positional: list[Any] = []
    i = 0
    while i < len(args):
        token = args[i]
        i += 1
        if not token.startswith("-") or token == "-":
            if token == "-":
                raise _Unsure
            positional.append(_value(token, argument[1], argument[2]))
            continue
        spelling, eq, inline = token.partition("=")
        if spelling not in options or (eq and not spelling.startswith("--")):
            raise _Unsure
        name, kind, info, flag = options[spelling]
        if kind is bool:
            if eq:
                raise _Unsure
            values[name] = flag
            continue
        if not eq:
            if i >= len(args) or args[i].startswith("-"):
                raise _Unsure
            inline = args[i]
            i += 1
        values[name] = _value(inline, kind, info)
    required = [n for n, p in inspect.signature(command).parameters.items()
                if isinstance(p.default, OptionInfo) and p.default.default is ... and n not in values]
    if required or not positional and argument[2].default is ...:
        raise _Unsure
    values[argument[0]] = positional
    return values
