"""Where movierec's SQL files and Alembic scripts are: in a checkout, or where pip put them.

A wheel carries ``sql/`` and ``migrations/`` as data files under ``share/movierec``; where that
is depends on how it was installed (a virtualenv, ``--user``, ``--prefix``), so the installed
copy is found through the package's own record of its files.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parents[2]
_MARKERS = {"sql": "similar.sql", "migrations": "env.py"}


def _in_checkout(name: str) -> Path | None:
    folder = _CHECKOUT / name
    if (_CHECKOUT / "pyproject.toml").is_file() and (folder / _MARKERS[name]).is_file():
        return folder
    return None


def _installed(name: str) -> Path | None:
    from importlib import metadata

    try:
        files = metadata.distribution("movierec").files or []
    except metadata.PackageNotFoundError:
        return None
    wanted = f"share/movierec/{name}/{_MARKERS[name]}"
    for file in files:
        if file.as_posix().endswith(wanted):
            return Path(str(file.locate())).resolve().parent
    return None


@cache
def find(name: str) -> Path:
    """The ``sql`` or ``migrations`` folder."""
    folder = _in_checkout(name) or _installed(name)
    if folder is None:
        raise FileNotFoundError(f"movierec cannot find its {name}/ folder; reinstall movierec")
    return folder


def sql_dir() -> Path:
    """The folder of ``*.sql`` query files."""
    return find("sql")


def migrations_dir() -> Path:
    """The Alembic script folder."""
    return find("migrations")
