"""Loading in tests: the real ``movierec load`` pipeline, with keyword options and no progress."""

from __future__ import annotations

from typing import Any

from movierec.pipeline.load import LoadOptions, LoadResult
from movierec.pipeline.load import load as run


def load(
    source: str | None, *, dsn: str, show_progress: bool = False, **options: Any
) -> LoadResult:
    """``movierec load SOURCE`` into ``dsn``; ``options`` are LoadOptions fields."""
    return run(source, dsn, LoadOptions(show_progress=show_progress, **options))
