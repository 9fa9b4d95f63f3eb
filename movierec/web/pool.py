"""The database side of the web server: a psycopg pool whose connections get pgvector's types
and the search settings once, when opened (libpq options: no round trip), and a dependency
that lends one to a request."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import suppress
from typing import Any

import psycopg
from fastapi import Request

POOL_TIMEOUT = 2.0
"""Seconds a request waits for a connection before it is answered 503."""


def _configure(conn: psycopg.Connection[Any]) -> None:
    """A new pooled connection: the vector types (its session settings came with it).

    Pooled connections autocommit: every route only reads (each statement is its own
    snapshot), and no BEGIN / COMMIT round trips are paid; adding films takes a connection
    of its own with a transaction."""
    _register_vector(conn)


def _register_vector(conn: psycopg.Connection[Any]) -> None:
    """pgvector's types, if the database has them yet (a new database gets them from its
    first migration; /readyz says so meanwhile)."""
    from pgvector.psycopg import register_vector

    with suppress(psycopg.ProgrammingError):
        register_vector(conn)


def _check(conn: psycopg.Connection[Any]) -> None:
    """Before a pooled connection is handed out: it still answers (a database restart kills
    them all), and it knows pgvector's types if it was opened before the schema existed."""
    from psycopg_pool import ConnectionPool

    ConnectionPool.check_connection(conn)
    if conn.adapters.types.get("vector") is None:
        _register_vector(conn)


def make_pool(dsn: str, size: int) -> Any:
    """The connection pool (opened by the app's lifespan)."""
    from psycopg_pool import ConnectionPool

    from movierec.query.settings import session_options

    return ConnectionPool(
        dsn,
        min_size=1,
        max_size=size,
        open=False,
        configure=_configure,
        # A connection that died with its server (a restart) is replaced, not handed out.
        check=_check,
        timeout=POOL_TIMEOUT,
        reconnect_timeout=0,
        kwargs={"autocommit": True, "options": session_options(dsn)},
        name="movierec",
    )


def connection(request: Request) -> Iterator[psycopg.Connection[Any]]:
    """A pooled connection for one request (autocommit: it only reads)."""
    with request.app.state.pool.connection() as conn:
        yield conn
