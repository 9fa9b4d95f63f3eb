"""The PostgreSQL side of the bench: ingest into a scratch database, build indexes, time the
production similarity query."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import psycopg
from psycopg import sql

from movierec.bench.synthetic import Chunk
from movierec.database import store
from movierec.database.store import Advance
from movierec.query.settings import SEARCH_SETTINGS
from movierec.query.similar import similar_to_vector, similarity_params
from movierec.records import MOVIE_COLUMNS


def _rows(chunk: Chunk) -> Iterator[tuple[Any, ...]]:
    """Bench movies as movies rows: a title, a year, genres (labelled = predicted), a vector."""
    empty: list[str] = []
    blank: dict[str, Any] = {
        c.name: (empty if c.copy_type == "text[]" else None) for c in MOVIE_COLUMNS
    }
    names = [c.name for c in MOVIE_COLUMNS]
    for i, movie_id in enumerate(chunk.ids.tolist()):
        genres = chunk.genres[i]
        row = dict(blank)
        row.update(
            id=movie_id,
            source="bench",
            source_id=str(movie_id),
            title=f"Movie {movie_id}",
            year=int(chunk.years[i]),
            genres=genres,
            predicted_genres=genres,
            genre_scores={},
            embedding=chunk.vectors[i],
        )
        yield tuple(row[name] for name in names)


@dataclass
class Ingest:
    """What loading the catalogue cost."""

    rows: int
    copy_seconds: float
    index_seconds: dict[str, float]
    swap_seconds: float

    def as_json(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "rows": self.rows,
            "copy_seconds": round(self.copy_seconds, 3),
            "copy_rows_per_second": round(self.rows / self.copy_seconds),
            "index_seconds": {k: round(v, 3) for k, v in self.index_seconds.items()},
            "swap_seconds": round(self.swap_seconds, 3),
        }


def ingest(conn: psycopg.Connection[Any], chunks: Iterator[Chunk], advance: Advance) -> Ingest:
    """Binary COPY into staging, build each live index on it (timed), swap: a load's write path."""
    indexes = store.index_definitions(conn, store.MOVIES)
    store.create_staging(conn, store.MOVIES)
    rows = 0
    copy_seconds = 0.0
    for chunk in chunks:
        start = time.perf_counter()
        rows += store.copy_rows(conn, _rows(chunk), advance)
        copy_seconds += time.perf_counter() - start
    indexes += store.genre_indexes(conn, indexes, store.MOVIES.staging)
    index_seconds = {}
    for index in indexes:
        start = time.perf_counter()
        store.build_indexes(conn, [index], lambda _: None)
        index_seconds[index.name] = time.perf_counter() - start
    start = time.perf_counter()
    model = store.ModelRow("bench", b"", b"", b"", [], [], {"bench": True}, {})
    store.swap(conn, [(store.MOVIES, indexes)], model)
    conn.commit()
    swap_seconds = time.perf_counter() - start
    return Ingest(rows, copy_seconds, index_seconds, swap_seconds)


def settle(conn: psycopg.Connection[Any]) -> float | None:
    """Write the build's dirty pages out now (CHECKPOINT), so that the queries are not timed
    against the checkpoint a 1M-movie build sets off; its seconds, or None without the
    privilege (pg_checkpoint or superuser)."""
    start = time.perf_counter()
    try:
        conn.execute("checkpoint")
    except psycopg.errors.InsufficientPrivilege:
        return None
    return round(time.perf_counter() - start, 3)


def index_sizes(conn: psycopg.Connection[Any]) -> dict[str, Any]:
    """The HNSW indexes' sizes: the global one, and the per-genre ones in all."""
    from movierec.database import queries

    row = conn.execute(
        queries.get("bench", "index_sizes").sql, {"prefix": store.GENRE_INDEX_PREFIX}
    ).fetchone()
    assert row is not None
    return {
        "hnsw_index_mb": round(row[0] / 2**20, 1),
        "genre_hnsw_mb": round(row[1] / 2**20, 1),
        "genre_hnsw_indexes": int(row[2]),
        "table_total_mb": round(row[3] / 2**20, 1),
    }


def _percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


Query = tuple[int, np.ndarray[Any, Any], list[str]]
"""A bench query: the film's id, its vector and the genres it asks for."""


def time_queries(
    conn: psycopg.Connection[Any],
    queries: list[Query],
    settings: dict[str, str] | None = None,
    k: int = 10,
) -> tuple[list[list[int]], list[float]]:
    """Run the production similarity query per query as the server does (on an autocommit
    connection with the session's settings, the caller's); results and milliseconds.
    ``settings`` overrides some for a sweep, in a transaction of the query's own."""
    results, millis = [], []
    for movie_id, vector, genres in queries:
        start = time.perf_counter()
        if settings:
            with conn.transaction():
                rows = similar_to_vector(
                    conn, vector, genres, exclude_id=movie_id, k=k, settings=settings
                )
        else:
            rows = similar_to_vector(conn, vector, genres, exclude_id=movie_id, k=k)
        millis.append((time.perf_counter() - start) * 1000)
        results.append([r.id for r in rows])
    return results, millis


Timed = tuple[list[list[int]], list[float]]
"""Each query's ids and milliseconds, in query order."""


def in_turn(runs: Sequence[Callable[[int], list[int]]], count: int) -> list[Timed]:
    """Each of ``runs`` on n in range(count), timed in turn, so that all see the same minute
    of a noisy machine: (ids, milliseconds) of each, in query order.

    No run takes the query the run before it just ran: it would find that one's index and
    heap pages in memory (at 1M movies, whose indexes outgrow shared_buffers, that alone made
    the second of a pair 1.9x faster). The i-th of r runs takes the query i/r of the list
    away."""
    timed: list[Timed] = [([[] for _ in range(count)], [0.0] * count) for _ in runs]
    for n in range(count):
        for i, run in enumerate(runs):
            m = (n + count * i // len(runs)) % count
            start = time.perf_counter()
            found = run(m)
            timed[i][1][m] = (time.perf_counter() - start) * 1000
            timed[i][0][m] = found
    return timed


def time_side_by_side(
    conn: psycopg.Connection[Any],
    bare_conn: psycopg.Connection[Any],
    queries: list[Query],
    k: int = 10,
) -> tuple[Timed, Timed]:
    """The production query (on ``conn``) and the plain filtered HNSW statement a pgvector
    user writes (sql/bench.sql, on ``bare_conn`` as it is: the bench gives it the search
    settings and psycopg's and PostgreSQL's default plan caching), in turn (``in_turn``);
    (results, milliseconds) of each, in query order."""
    from movierec.database import queries as named

    statement = named.get("bench", "bare_hnsw").sql

    def ours(n: int) -> list[int]:
        movie_id, vector, genres = queries[n]
        rows = similar_to_vector(conn, vector, genres, exclude_id=movie_id, k=k)
        return [r.id for r in rows]

    def bare(n: int) -> list[int]:
        movie_id, vector, genres = queries[n]
        params = {"embedding": vector, "genres": genres, "exclude_id": movie_id, "k": k}
        return [r[0] for r in bare_conn.execute(statement, params)]

    ours_timed, bare_timed = in_turn([ours, bare], len(queries))
    return ours_timed, bare_timed


HNSW_SCAN = "Index Scan using movies_embedding_hnsw"
GENRE_HNSW_SCAN = "Index Scan using movies_genre_hnsw_"
EXACT_SCAN = "Bitmap Index Scan on movies_genres_gin"
HNSW_INDEX = "_hnsw"
"""In the name of every HNSW index movierec builds (global, per genre, the factors')."""


def ran(plan: str, node: str) -> bool:
    """Whether an EXPLAIN ANALYZE plan executed a node whose line contains ``node`` (the branch
    of the similarity query not taken reads "never executed")."""
    return any(node in line and "never executed" not in line for line in plan.splitlines())


def exact_branch_ran(plan: str) -> bool:
    """Whether the similarity query ranked every film of its genres (the exact arm, chosen
    when they are few) rather than walk an HNSW index: for a query with an embedding, the
    only plan in which no HNSW index scan runs."""
    return not any(
        "Index Scan using " in line and HNSW_INDEX in line and "never executed" not in line
        for line in plan.splitlines()
    )


def explain_similar(conn: psycopg.Connection[Any], params: dict[str, Any]) -> str:
    """EXPLAIN ANALYZE text of the similarity query for ``params`` as similar_to_vector makes
    it on ``conn`` (its arms from the connection's genre counts and the transaction's
    movierec.exact_below), in the current transaction and its settings."""
    from movierec.query.counts import genre_counts
    from movierec.query.similar import EXACT_BELOW, statement_for

    row = conn.execute("select current_setting('movierec.exact_below', true)").fetchone()
    bound = float(row[0]) if row and row[0] else EXACT_BELOW
    explain = sql.SQL("explain (analyze, costs off, timing off, summary off) ")
    statement = explain + statement_for(params, genre_counts(conn), bound)
    return "\n".join(row[0] for row in conn.execute(statement, params))


def plan_node(conn: psycopg.Connection[Any], vector: Any, genres: list[str]) -> str:
    """The scan the query ran: a genre's own HNSW index, the global one, or an exact GIN (or
    sequential) scan and sort."""
    with conn.transaction():
        plan = explain_similar(conn, similarity_params(vector, genres))
    if exact_branch_ran(plan):
        return "gin+sort" if ran(plan, EXACT_SCAN) else "seq+sort"
    if ran(plan, GENRE_HNSW_SCAN):
        return "genre hnsw"
    return "hnsw" if ran(plan, HNSW_SCAN) else "none"


def summarize(millis: list[float], recall: list[float], short: int, n: int) -> dict[str, Any]:
    """Latency percentiles, mean recall and the share of queries with fewer than k rows."""
    return {
        "p50_ms": round(statistics.median(millis), 3),
        "p95_ms": round(_percentile(millis, 95), 3),
        "p99_ms": round(_percentile(millis, 99), 3),
        "recall_at_10": round(float(np.mean(recall)), 4),
        "short_share": round(short / n, 4),
    }


DEFAULT_SETTINGS = dict(SEARCH_SETTINGS)
