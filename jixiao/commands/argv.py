"""A command line parsed from a command's own declarations, without Typer.

Typer checks every option of the invoked command through pydantic: importing pydantic and
building a validator per option costs ~0.1 s, and Typer itself ~25 ms, against ~0.5 s for
converting a 12-page PDF. A command declares its parameters with `Option`/`Argument` below
(what `typer.Option`/`typer.Argument` take, recorded without importing Typer);
`typer_command` hands Typer the same declarations for the app. A plain command line — the
command's options spelled as Click spells them (`-o OUT`, `--out OUT`, `--out=OUT`, flags,
`--report/--no-report`), valid values — is read here by `parse`. Anything else (help, an
unknown, repeated-short or malformed option, a value out of range, `--`) returns None and
the Typer app parses it, reporting errors as always. tests/test_argv.py checks both readings
agree.
"""

from __future__ import annotations

import functools
import inspect
import re
import typing
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Any


class Option:
    """`typer.Option(default, *param_decls, **kwargs)`, recorded."""

    def __init__(self, default: Any, *param_decls: str, **kwargs: Any):
        self.default, self.param_decls, self.kwargs = default, param_decls, kwargs
        self.min, self.max = kwargs.get("min"), kwargs.get("max")
        self.callback, self.envvar, self.parser = kwargs.get("callback"), kwargs.get("envvar"), kwargs.get("parser")
        self.is_eager = kwargs.get("is_eager", False)

    def for_typer(self) -> Any:
        import typer

        return typer.Option(self.default, *self.param_decls, **self.kwargs)


class Argument(Option):
    """`typer.Argument(default, **kwargs)`, recorded."""

    def for_typer(self) -> Any:
        import typer

        return typer.Argument(self.default, *self.param_decls, **self.kwargs)


def typer_command(command: Callable[..., Any]) -> Callable[..., Any]:
    """`command` as Typer takes it: its declarations made typer.Option/Argument, its types resolved."""
    hints = typing.get_type_hints(command)
    sig = inspect.signature(command)

    @functools.wraps(command)
    def run(**kwargs: Any) -> Any:
        return command(**kwargs)

    run.__signature__ = sig.replace(parameters=[  # type: ignore[attr-defined]
        p.replace(default=p.default.for_typer() if isinstance(p.default, Option) else p.default,
                  annotation=hints.get(name, p.annotation)) for name, p in sig.parameters.items()])
    run.__annotations__ = dict(hints)
    return run

_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


class _Unsure(Exception):
    """This command line is left to Typer."""


def _decls(name: str, info: Option, is_bool: bool) -> tuple[list[str], list[str]]:
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


def _value(text: str, kind: Any, info: Option) -> Any:
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
    options: dict[str, tuple[str, Any, Option, bool]] = {}  # spelling -> (param, type, info, bool value)
    values: dict[str, Any] = {}
    argument: tuple[str, Any, Argument] | None = None
    for name, param in inspect.signature(command).parameters.items():
        info, kind = param.default, hints.get(name)
        if isinstance(info, Argument):
            if argument is not None or typing.get_origin(kind) is not list:
                raise _Unsure
            argument = (name, typing.get_args(kind)[0], info)
            continue
        if not isinstance(info, Option) or info.callback or info.envvar or info.parser or info.is_eager:
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
                if type(p.default) is Option and p.default.default is ... and n not in values]
    if required or not positional and argument[2].default is ...:
        raise _Unsure
    values[argument[0]] = positional
    return values
