"""The database a command uses, resolved once per process: MOVIEREC_DATABASE_URL, else the
embedded server (started if needed). Typer-free: `similar`'s fast path uses it too."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from movierec.settings import Settings


def database_url() -> str:
    """The database a command uses, resolved once per process and settings:
    MOVIEREC_DATABASE_URL, else the embedded server (started if needed)."""
    from movierec.settings import get_settings

    return _resolve(get_settings())


@cache
def _resolve(settings: Settings) -> str:
    from movierec.database.connection import resolve_url

    return resolve_url(settings)
