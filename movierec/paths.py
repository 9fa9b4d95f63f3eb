"""Where movierec's SQL files and Alembic scripts live, in a checkout or an installed wheel."""

from __future__ import annotations

import sys
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent
_INSTALLED = Path(sys.prefix) / "share" / "movierec"


def _find(name: str) -> Path:
    for base in (_CHECKOUT, _INSTALLED):
        candidate = base / name
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"movierec cannot find its {name}/ folder; reinstall movierec")


def sql_dir() -> Path:
    """The folder of ``*.sql`` query files."""
    return _find("sql")


def migrations_dir() -> Path:
    """The Alembic script folder."""
    return _find("migrations")
