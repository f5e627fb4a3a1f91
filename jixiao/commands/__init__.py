"""Subcommands of the `jixiao` CLI; each module exposes register(app)."""
