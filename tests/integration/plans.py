"""Query plans in tests: force the HNSW path, read which branch of the query ran."""

from __future__ import annotations

from typing import Any

import psycopg


def force_index_scans(conn: psycopg.Connection[Any]) -> None:
    """Rule out sequential and bitmap scans for this transaction: on the small fixture they cost
    about the same as HNSW and the planner's pick varies, so tests of the HNSW path force it."""
    conn.execute("select set_config('enable_seqscan', 'off', true)")
    conn.execute("select set_config('enable_bitmapscan', 'off', true)")


def explain_similar(
    conn: psycopg.Connection[Any],
    embedding: Any,
    genres: list[str],
    exclude_id: int | None,
    k: int = 10,
    filters: Any = None,
    settings: dict[str, str] | None = None,
) -> str:
    """EXPLAIN ANALYZE of the similarity query as `similar` runs it (same settings unless
    ``settings`` adds to them, same parameters). The branch not taken reads "never executed"."""
    from movierec.bench.postgres import explain_similar as explain
    from movierec.query.settings import set_local
    from movierec.query.similar import SEARCH_SETTINGS, similarity_params

    set_local(conn, {**SEARCH_SETTINGS, **(settings or {})})
    return explain(conn, similarity_params(embedding, genres, exclude_id, k, filters))
