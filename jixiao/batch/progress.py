"""What a person sees while a batch runs: a progress bar on a TTY and OUT/jixiao.log.

The log has one tab-separated line per file (status, seconds, path, error), written as
files finish, so even a killed run leaves a record of what was done. An internal error (a
bug of ours) is followed by its traceback, indented.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from jixiao.batch.task import Outcome

if TYPE_CHECKING:
    from rich.console import Console


def _files_per_second():
    """A rich progress column: files per second since the start (cached files included)."""
    from rich.progress import ProgressColumn
    from rich.text import Text

    class FilesPerSecond(ProgressColumn):
        def render(self, task) -> Text:  # type: ignore[override]
            elapsed = task.elapsed or 0.0
            rate = task.completed / elapsed if elapsed > 0 else 0.0
            return Text(f"{rate:.1f} files/s", style="progress.data.speed")

    return FilesPerSecond()


class BatchProgress:
    """Progress bar (only when `show`) plus the per-file log."""

    def __init__(self, total: int, log_path: Path, show: bool, console: Console | None = None, header: str = ""):
        self.failed = 0
        self.total = total
        self.progress = None  # rich (~30 ms to import) only for a bar that is shown
        if show:
            from rich.console import Console as RichConsole
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                     _files_per_second(), TextColumn("[red]{task.fields[failed]} failed"),
                                     TimeRemainingColumn(), console=console or RichConsole(stderr=True), transient=False)
            self.task = self.progress.add_task("converting", total=total, failed=0)
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log = open(log_path, "a", encoding="utf-8", buffering=1)
        self.log.write(f"# {datetime.now().isoformat(timespec='seconds')} run: {total} files {header}\n")
        self.start = time.monotonic()

    def __enter__(self) -> BatchProgress:
        if self.progress is not None:
            self.progress.start()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if self.progress is not None:
            self.progress.stop()
        ended = "finished" if exc_type is None else f"interrupted ({exc_type.__name__})"
        self.log.write(f"# {ended} after {time.monotonic() - self.start:.1f} s, {self.failed} failed\n")
        self.log.close()

    def done(self, outcome: Outcome) -> None:
        if outcome.status == "failed":
            self.failed += 1
        status = outcome.status + (" (cached)" if outcome.cached else "")
        error = outcome.error or ""
        self.log.write(f"{status}\t{outcome.seconds:.2f}s\t{outcome.source_path}\t{error}\n")
        if getattr(outcome, "trace", None):  # our bug: the whole traceback, indented under its line
            self.log.write("".join(f"    {line}\n" for line in outcome.trace.rstrip().splitlines()))
        if self.progress is not None:
            self.progress.update(self.task, advance=1, failed=self.failed)
