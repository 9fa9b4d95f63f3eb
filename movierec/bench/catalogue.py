"""The bench on the loaded catalogue: the whole similarity query as `similar` runs it (a
film's dense, creators and ratings vectors, its predicted genres), beside the bare HNSW
statement on the dense embedding alone and the bare two-index query a pgvector user would
write for the same blend (sql/bench.sql bare_hybrid).

The synthetic catalogues have a dense vector only, so there the query has one arm a genre;
a loaded film also brings its creators (a GIN arm) and, with ratings, its factors (a second
HNSW index), and the blend re-ranks 4k candidates. Each is scored against the exact answer
to its own question: ours and the bare hybrid against the exact blend over every film of the
genres, the bare dense statement against the exact dense top k."""

from __future__ import annotations

from typing import Any

from movierec.bench import postgres
from movierec.database import queries
from movierec.database.connection import connect as plain_connect
from movierec.query.search import movie_by_id
from movierec.query.settings import connect, set_session
from movierec.query.similar import candidates_per_index, similar_to_vector

K = 10


def bench_catalogue(url: str, count: int = 200, seed: int = 42) -> dict[str, Any] | None:
    """p50/p95/p99 and recall@10 of the similarity query and of the bare statement on
    ``count`` films of the catalogue at ``url`` (each asking for its predicted genres, as
    `similar` does), run in turn but never on the same film back to back; None when nothing
    is loaded."""
    with connect(url, autocommit=True) as conn, plain_connect(url, autocommit=True) as bare:
        row = conn.execute(_sql("catalogue_size")).fetchone()
        movies = int(row[0]) if row else 0
        if not movies:
            return None
        set_session(bare, postgres.DEFAULT_SETTINGS)
        ids = [r[0] for r in conn.execute(_sql("catalogue_films"), {"seed": seed, "k": count})]
        films = [movie_by_id(conn, i) for i in ids]
        asked = [
            {
                "embedding": v.embedding,
                "creators": v.creators,
                "factors": v.factors,
                "genres": m.predicted_genres,
                "exclude_id": m.id,
                "k": K,
                "candidates": candidates_per_index(K),
            }
            for m, v in films
        ]
        blend_truth = [[r[0] for r in conn.execute(_sql("exact_blend"), a)] for a in asked]
        dense_truth = [[r[0] for r in conn.execute(_sql("exact_content"), a)] for a in asked]
        statement, hybrid_statement = _sql("bare_hnsw"), _sql("bare_hybrid")

        def ours(n: int) -> list[int]:
            movie, vectors = films[n]
            rows = similar_to_vector(
                conn, vectors, movie.predicted_genres, exclude_id=movie.id, k=K
            )
            return [r.id for r in rows]

        def plain(n: int) -> list[int]:
            return [r[0] for r in bare.execute(statement, asked[n])]

        def hybrid(n: int) -> list[int]:
            return [r[0] for r in bare.execute(hybrid_statement, asked[n])]

        for n in range(min(20, len(films))):  # warm-up
            ours(n)
            plain(n)
            hybrid(n)
        timed = postgres.in_turn([ours, plain, hybrid], len(films))
    (our_ids, our_ms), (bare_ids, bare_ms), (hybrid_ids, hybrid_ms) = timed
    report = {
        "movies": movies,
        "queries": len(films),
        "with_creators": sum(v.creators is not None for _, v in films),
        "with_factors": sum(v.factors is not None for _, v in films),
        "mean_genres": round(sum(len(m.predicted_genres) for m, _ in films) / len(films), 2),
        "movierec": _summary(our_ids, our_ms, blend_truth),
        "bare_hnsw": _summary(bare_ids, bare_ms, dense_truth),
        "bare_hybrid": _summary(hybrid_ids, hybrid_ms, blend_truth),
    }
    ours_p50 = report["movierec"]["p50_ms"]
    report["movierec_over_bare"] = round(ours_p50 / report["bare_hnsw"]["p50_ms"], 2)
    report["movierec_over_bare_hybrid"] = round(ours_p50 / report["bare_hybrid"]["p50_ms"], 2)
    return report


def _sql(name: str) -> Any:
    return queries.get("bench", name).sql


def _summary(found: list[list[int]], millis: list[float], truth: list[list[int]]) -> Any:
    recall = [
        len(set(f) & set(t)) / len(t) if t else 1.0 for f, t in zip(found, truth, strict=True)
    ]
    return postgres.summarize(millis, recall, sum(len(f) < K for f in found), len(found))
