"""`python -m jixiao` and the `jixiao` command.

A plain `jixiao convert …` runs without importing Typer (commands/argv.py) and, once done,
leaves without tearing the interpreter down; everything else goes to the Typer app of
jixiao.cli.
"""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:2] == ["convert"]:
        from jixiao.commands.argv import parse
        from jixiao.commands.convert import convert

        kwargs = parse(convert, sys.argv[2:])
        if kwargs is not None:
            try:
                convert(**kwargs)  # ends with SystemExit(exit code)
            except SystemExit as e:
                leave(e.code)
            except BrokenPipeError:  # whoever read the output went away (`| head`): end quietly, as Click does
                leave(1)
            leave(0)
    from jixiao.cli import app

    app()


def leave(code: object) -> None:
    """Exit now: exit handlers run and the output streams are flushed, but the interpreter is not
    torn down (freeing some 500 modules, DuckDB's among them, took ~0.1 s of a 0.5 s conversion).
    Every file of the run is closed by then. As the interpreter would: a code that is not a number
    is a message, printed, and exit 1; output that could not be written (`| head`) makes it 1 too."""
    import atexit
    import os

    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe or stream: nothing more to say
            code = code or 1
    os._exit(code or 0)


if __name__ == "__main__":
    main()
