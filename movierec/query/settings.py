"""The settings the queries run with, and how a connection gets them: once, when it opens.

A connection from :func:`connect` starts its session with them (libpq ``options``), so a
query pays no ``set_config`` round trip. Any other connection still gets them, per
transaction, from :func:`ensure`. psql users get them from the SQL functions' SET clauses.
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import sql

from movierec.records import GENRE_INDEX_MIN_FILMS

# The similarity query's. Iterative scans (pgvector 0.8) keep walking the HNSW graph until k
# rows pass the genre filter; relaxed_order is fast and the query re-sorts its candidates.
SEARCH_SETTINGS: dict[str, str] = {
    "hnsw.iterative_scan": "relaxed_order",
    # The candidates of an index walk (40) and room for the excluded film: a genre's own index
    # is walked with no filter, so a larger list buys no recall. At 1M films, against 100:
    # Drama 563k films 2.30 -> 1.35 ms of execution, Crime 1.19 -> 0.86 ms, recall 0.961 ->
    # 0.956 and 0.968 -> 0.960; the sample's evaluate figures are unchanged (docs/scaling.md).
    "hnsw.ef_search": "50",
    # When the query genres hold fewer films than this, the query ranks them all exactly; from
    # it up, a genre has an HNSW index of its own (the loader builds one), whose walk costs less:
    # p50 ms exact / own-index walk, 17k films: 27 films 0.13 / 0.14, 60 0.15 / 0.15, 117
    # 0.20 / 0.19, 157 0.34 / 0.22; 100k: 1,000 films 1.62 / 0.54, at recall 1.0
    # (docs/scaling.md). Until 2026-12-02 the bound was 6 * sqrt(movies), set against a walk of
    # the global index with the genre as a filter, before genres had indexes of their own.
    "movierec.exact_below": str(GENRE_INDEX_MIN_FILMS),
    # A worker start-up (about 6 ms) costs more than the whole query; the exact branch over a
    # common genre would otherwise plan a parallel scan, started even when it is switched off.
    "max_parallel_workers_per_gather": "0",
}

# pg_trgm thresholds for title search (search_movies() carries the same as SET clauses): a
# little looser than the defaults (0.3, 0.6) so that "matrx" still finds "The Matrix".
TITLE_SEARCH_SETTINGS: dict[str, str] = {
    "pg_trgm.similarity_threshold": "0.3",
    "pg_trgm.word_similarity_threshold": "0.5",
}

SESSION_SETTINGS: dict[str, str] = {
    **SEARCH_SETTINGS,
    **TITLE_SEARCH_SETTINGS,
    # Plan each prepared statement once. The similarity query writes what its plan depends on
    # as literals (the genres, the candidate count, which filters), so its generic plan is
    # the custom one without 1-2 ms of planning a call; PostgreSQL's own choice (auto) keeps
    # custom plans, which fold the unused branches and so look cheaper.
    "plan_cache_mode": "force_generic_plan",
}
"""What every query connection's session starts with."""


def options(settings: dict[str, str]) -> str:
    """libpq ``options`` that set ``settings`` for a whole session (values hold no spaces)."""
    return " ".join(f"-c {name}={value}" for name, value in settings.items())


def session_options(dsn: str) -> str:
    """The libpq ``options`` of a query connection to ``dsn``: any the URL carries, then
    SESSION_SETTINGS."""
    from psycopg.conninfo import conninfo_to_dict

    given = str(conninfo_to_dict(dsn).get("options") or "")
    return f"{given} {options(SESSION_SETTINGS)}".strip()


def connect(dsn: str, **kwargs: Any) -> psycopg.Connection[Any]:
    """A connection whose session starts with SESSION_SETTINGS, with pgvector's types."""
    from movierec.database.connection import connect as open_connection

    return open_connection(dsn, options=session_options(dsn), **kwargs)


_OPTIONS = options(SESSION_SETTINGS).encode()


def has_session_settings(conn: psycopg.Connection[Any]) -> bool:
    """Whether ``conn`` was opened with SESSION_SETTINGS (libpq's own copy of its options:
    no round trip, and no conninfo parse either)."""
    return _OPTIONS in (conn.pgconn.options or b"")


def ensure(conn: psycopg.Connection[Any], settings: dict[str, str]) -> None:
    """``settings`` for the current transaction, unless the session started with them."""
    if not has_session_settings(conn):
        set_local(conn, settings)


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
