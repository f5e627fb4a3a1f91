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
        "Excel and text into clean, validated tables.\n\n"
        "Start with:  jixiao convert REPORTS/ -o out/   then open out/findings.csv or out/report.html."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)

for _info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
    _module = importlib.import_module(f"jixiao.commands.{_info.name}")
    if hasattr(_module, "register"):
        _module.register(app)


@app.callback()
def _main() -> None:
    """jixiao: budget-performance documents to validated datasets."""


if __name__ == "__main__":  # pragma: no cover
    app()
