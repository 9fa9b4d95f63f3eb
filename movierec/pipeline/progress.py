"""Per-stage progress bars on stderr, and the wall time of each stage."""

from __future__ import annotations

import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager

from movierec.database.store import Advance


def _noop(_: int = 1) -> None:
    pass


class Stages:
    """Times named stages; with ``show``, draws a progress bar per stage on stderr."""

    def __init__(self, show: bool = True) -> None:
        self.show = show
        self.seconds: dict[str, float] = {}
        self.peak_rss_mb: dict[str, float] = {}
        """The process's peak resident memory at the end of each stage (it never goes down)."""

    @contextmanager
    def stage(self, name: str, total: int | None = None) -> Iterator[Advance]:
        """Run one stage; the yielded function advances its bar by n steps."""
        start = time.perf_counter()
        try:
            if not self.show:
                yield _noop
                return
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            columns = [
                SpinnerColumn(),
                TextColumn("{task.description:<12}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
            ]
            with Progress(*columns, console=Console(stderr=True)) as bar:
                task = bar.add_task(name, total=total)

                def advance(n: int = 1) -> None:
                    bar.advance(task, n)

                yield advance
                if total is None:
                    bar.update(task, total=1, completed=1)
                else:
                    bar.update(task, completed=total)
        finally:
            self.seconds[name] = round(time.perf_counter() - start, 3)
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
            self.peak_rss_mb[name] = round(peak / 1024, 1)
