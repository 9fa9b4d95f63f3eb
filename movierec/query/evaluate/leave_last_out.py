"""Leave-last-out: each user's last like predicted from their second-to-last (the films of
that last like never trained the collaborative factors, see likes.held_out)."""

from __future__ import annotations

import random
from typing import Any

import psycopg

from movierec.database import queries
from movierec.likes import LIKE_AT, MIN_LIKES
from movierec.query.evaluate.metrics import K, score
from movierec.query.search import QueryVectors
from movierec.query.similar import similar_to_vector


def query_vectors(
    conn: psycopg.Connection[Any], ids: list[int]
) -> dict[int, tuple[QueryVectors, list[str]]]:
    """The vectors and predicted genres of some films: the inputs of their `similar`."""
    rows = conn.execute(queries.get("evaluate", "query_vectors").sql, {"ids": ids}).fetchall()
    return {r[0]: (QueryVectors(r[1], r[2], r[3]), list(r[4])) for r in rows}


def ranking(conn: psycopg.Connection[Any], seed: int = 42) -> dict[str, Any] | None:
    """Leave-last-out HR@10 / NDCG@10 of ``similar``, with popularity and random baselines.

    A like is a rating >= 4. For each user with >= 5 likes, the query is the second-to-last
    like and the target the last; the held-out last likes are not counted for popularity.
    """
    pairs = conn.execute(
        queries.get("evaluate", "leave_last_out").sql,
        {"like_at": LIKE_AT, "min_likes": MIN_LIKES},
    ).fetchall()
    pairs = [(u, q, t) for u, q, t in pairs if q is not None and t is not None]
    if not pairs:
        return None
    vectors = query_vectors(conn, [q for _, q, _ in pairs])
    ours, popular_rankings, random_rankings = [], [], []
    popular = [
        row[0]
        for row in conn.execute(
            queries.get("evaluate", "popular_likes").sql, {"like_at": LIKE_AT, "limit": K + 1}
        )
    ]
    all_ids = [row[0] for row in conn.execute(queries.get("evaluate", "movie_ids").sql)]
    rng = random.Random(seed)
    for _, query_id, target_id in pairs:
        query, genres = vectors[query_id]
        neighbours = similar_to_vector(conn, query, genres, exclude_id=query_id, k=K)
        ours.append(([n.id for n in neighbours], {target_id}))
        popular_rankings.append(([m for m in popular if m != query_id][:K], {target_id}))
        sample = rng.sample([m for m in all_ids if m != query_id], K)
        random_rankings.append((sample, {target_id}))
    return {
        **score(ours).as_json(),
        "users": len(pairs),
        "baselines": {
            "popularity": score(popular_rankings).as_json(),
            "random": score(random_rankings).as_json(),
        },
    }


def genre_agreement(conn: psycopg.Connection[Any], sample: int = 500, seed: int = 42) -> float:
    """Share of the top-10 ``similar`` results that share a labelled genre with the query."""
    rows = conn.execute(
        queries.get("evaluate", "sample_labelled_movies").sql, {"seed": seed, "limit": sample}
    ).fetchall()
    shared = total = 0
    for movie_id, genres, predicted, embedding, creators, factors in rows:
        query = QueryVectors(embedding, creators, factors)
        for n in similar_to_vector(conn, query, list(predicted), exclude_id=movie_id, k=K):
            total += 1
            shared += bool(set(n.genres) & set(genres))
    return shared / total if total else float("nan")
