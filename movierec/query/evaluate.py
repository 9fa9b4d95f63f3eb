"""Quality figures for what is loaded: classifier F1, leave-last-out ranking, genre agreement."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any

import psycopg

from movierec.database import queries
from movierec.errors import MovierecError
from movierec.likes import LIKE_AT, MIN_LIKES
from movierec.query.similar import similar_to_vector

K = 10


@dataclass(frozen=True)
class RankingScore:
    """Hit rate and NDCG at k over users, with 95% confidence half-widths."""

    hr_at_10: float
    hr_ci95: float
    ndcg_at_10: float
    ndcg_ci95: float

    def as_json(self) -> dict[str, float]:
        """The ``--json`` form."""
        return {
            "hr_at_10": round(self.hr_at_10, 4),
            "hr_at_10_ci95": round(self.hr_ci95, 4),
            "ndcg_at_10": round(self.ndcg_at_10, 4),
            "ndcg_at_10_ci95": round(self.ndcg_ci95, 4),
        }


def score(rankings: list[tuple[list[int], int]]) -> RankingScore:
    """HR@10 and NDCG@10 of (ranked ids, target) pairs; CIs from the normal approximation."""
    if not rankings:
        raise MovierecError("no user to evaluate")
    hits, gains = [], []
    for ranked, target in rankings:
        top = ranked[:K]
        rank = top.index(target) + 1 if target in top else 0
        hits.append(1.0 if rank else 0.0)
        gains.append(1.0 / math.log2(rank + 1) if rank else 0.0)
    return RankingScore(*_mean_ci(hits), *_mean_ci(gains))


def _mean_ci(values: list[float]) -> tuple[float, float]:
    n = len(values)
    mean = sum(values) / n
    if n < 2:
        return mean, float("nan")
    variance = sum((v - mean) ** 2 for v in values) / (n - 1)
    return mean, 1.96 * math.sqrt(variance / n)


def _embeddings(conn: psycopg.Connection[Any], ids: list[int]) -> dict[int, tuple[Any, list[str]]]:
    rows = conn.execute(queries.get("evaluate", "query_vectors").sql, {"ids": ids}).fetchall()
    return {row[0]: (row[1], list(row[2])) for row in rows}


def ranking(conn: psycopg.Connection[Any], seed: int = 42) -> dict[str, Any] | None:
    """Leave-last-out HR@10 / NDCG@10 of ``similar``, with popularity and random baselines.

    A like is a rating >= 4. For each user with >= 5 likes, the query is the second-to-last like
    and the target the last; the held-out last likes are not counted for popularity.
    """
    pairs = conn.execute(
        queries.get("evaluate", "leave_last_out").sql,
        {"like_at": LIKE_AT, "min_likes": MIN_LIKES},
    ).fetchall()
    pairs = [(u, q, t) for u, q, t in pairs if q is not None and t is not None]
    if not pairs:
        return None
    vectors = _embeddings(conn, [q for _, q, _ in pairs])
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
        embedding, genres = vectors[query_id]
        neighbours = similar_to_vector(conn, embedding, genres, exclude_id=query_id, k=K)
        ours.append(([n.id for n in neighbours], target_id))
        popular_rankings.append(([m for m in popular if m != query_id][:K], target_id))
        random_rankings.append((rng.sample([m for m in all_ids if m != query_id], K), target_id))
    return {
        **score(ours).as_json(),
        "users": len(pairs),
        "baselines": {
            "popularity": score(popular_rankings).as_json(),
            "random": score(random_rankings).as_json(),
        },
    }


def genre_agreement(conn: psycopg.Connection[Any], sample: int = 500, seed: int = 42) -> float:
    """Share of the top-10 ``similar`` results that share a labelled genre with the query movie."""
    rows = conn.execute(
        queries.get("evaluate", "sample_labelled_movies").sql, {"seed": seed, "limit": sample}
    ).fetchall()
    shared = total = 0
    for movie_id, genres, predicted, embedding in rows:
        for n in similar_to_vector(conn, embedding, list(predicted), exclude_id=movie_id, k=K):
            total += 1
            shared += bool(set(n.genres) & set(genres))
    if not total:
        raise MovierecError("no labelled movie to measure genre agreement on")
    return shared / total


def evaluate(conn: psycopg.Connection[Any], seed: int = 42) -> dict[str, Any]:
    """Every figure ``movierec evaluate`` prints."""
    row = conn.execute(queries.get("evaluate", "stored_classifier_metrics").sql).fetchone()
    if row is None:
        raise MovierecError("nothing is loaded; run `movierec load` first")
    metrics, params = row
    collab = params.get("collaborative")
    return {
        "embedding": {
            "encoder": params.get("encoder", "doc2vec"),
            "layout": params.get("layout"),
            "collaborative": collab is not None and bool(params.get("rated_movies")),
            # Without the holdout the ranking figures score movies trained on their targets.
            "holdout": bool(collab and collab.get("holdout")),
        },
        "classifier": {
            "micro_f1": metrics["micro_f1"],
            "macro_f1": metrics["macro_f1"],
            "per_genre": metrics["per_genre"],
            "test_movies": metrics.get("test_movies"),
        },
        "ranking": ranking(conn, seed),
        "genre_agreement": round(genre_agreement(conn, seed=seed), 4),
    }
