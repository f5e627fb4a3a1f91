"""The `jixiao` command line: every module in jixiao.commands adds its subcommands.

Each command module exposes ``register(app)``, so commands are added without editing
this file (and people working on different commands do not collide).
"""

from __future__ import annotations

import importlib
import pkgutil

import typer

import jixiao.commands as commands

app = typer.Typer(
    name="jixiao",
    help=(
        "jixiao (绩效) turns folders of published Chinese budget-performance documents "
        "(项目支出绩效自评表, 部门整体绩效自评表, 绩效目标表, 预决算公开, 自评报告) in PDF, Word, "
        "Excel and text into clean, validated tables, and reports every figure that does not add up.\n\n"
        "Start by converting a folder, then open out/report.html or out/findings.csv. "
        "`jixiao COMMAND --help` explains each command.\n\n"
        "Examples:\n\n"
        "    jixiao convert reports/ -o out/\n"
        "    jixiao validate out/ --tolerance 2\n"
        "    jixiao dataset build out-2019/ out-2020/ -o panel/\n"
        "    jixiao report panel/ -o panel.html\n"
        "    jixiao query panel/ \"select rule, count(*) from findings group by rule\"\n"
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="markdown",
)

for _info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
    _module = importlib.import_module(f"jixiao.commands.{_info.name}")
    if hasattr(_module, "register"):
        _module.register(app)


def _print_version(value: bool) -> None:
    if value:
        from jixiao import __version__

        typer.echo(f"jixiao {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", "-V", callback=_print_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """jixiao: budget-performance documents to validated datasets."""


if __name__ == "__main__":  # pragma: no cover
    app()
