"""`python -m jixiao` and the `jixiao` command.

A plain `jixiao convert …` runs without importing Typer (commands/argv.py); everything else
goes to the Typer app of jixiao.cli.
"""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:2] == ["convert"]:
        from jixiao.commands.argv import parse
        from jixiao.commands.convert import convert

        kwargs = parse(convert, sys.argv[2:])
        if kwargs is not None:
            convert(**kwargs)  # ends with SystemExit(exit code)
            sys.exit(0)
    from jixiao.cli import app

    app()


if __name__ == "__main__":
    main()
