"""Per-transaction settings for the queries (``set_config(..., true)`` in one round trip)."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import sql


def set_local(conn: psycopg.Connection[Any], settings: dict[str, str]) -> None:
    """Apply settings for the current transaction only, in one round trip."""
    if not settings:
        return
    calls = sql.SQL(", ").join([sql.SQL("set_config(%s, %s, true)")] * len(settings))
    values = [v for item in settings.items() for v in item]
    conn.execute(sql.SQL("select {}").format(calls), values)


def set_session(conn: psycopg.Connection[Any], settings: dict[str, str]) -> None:
    """Apply settings for the whole session (a pooled connection's life), in one round trip."""
    if not settings:
        return
    calls = sql.SQL(", ").join([sql.SQL("set_config(%s, %s, false)")] * len(settings))
    values = [v for item in settings.items() for v in item]
    conn.execute(sql.SQL("select {}").format(calls), values)
