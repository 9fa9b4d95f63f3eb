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
    from movierec.query.settings import SEARCH_SETTINGS, set_local
    from movierec.query.similar import similarity_params

    set_local(conn, {**SEARCH_SETTINGS, **(settings or {})})
    return explain(conn, similarity_params(embedding, genres, exclude_id, k, filters))


def brute_force(
    conn: psycopg.Connection[Any], vectors: Any, genres: list[str], exclude: int | None, k: int
) -> list[int]:
    """The exact top k by the stored 'similar' blend, scoring every film that passes the genre
    filter (no index), as a check of what the query returns."""
    row = conn.execute(
        "select content, creators, ratings from similarity_blend where blend = 'similar'"
    ).fetchone()
    blend = dict(zip(("content", "creators", "ratings"), row or (1, 0, 0), strict=True))
    rows = conn.execute(
        "select id from movies"
        " where (cardinality(%(genres)s::text[]) = 0 or genres && %(genres)s::text[])"
        "   and id is distinct from %(exclude)s::bigint"
        " order by %(wc)s * (1 - (embedding <=> %(e)s::vector))"
        "        + %(ws)s * coalesce(1 - (creators <=> %(s)s::sparsevec), 0)"
        "        + %(wr)s * coalesce(-(factors <#> %(f)s::vector) / nullif(vector_norm(%(f)s::vector), 0), 0)"
        "          desc, id"
        " limit %(k)s",
        {
            "genres": genres,
            "exclude": exclude,
            "e": vectors.embedding,
            "s": vectors.creators,
            "f": vectors.factors,
            "wc": blend["content"],
            "ws": blend["creators"],
            "wr": blend["ratings"],
            "k": k,
        },
    ).fetchall()
    return [r[0] for r in rows]
