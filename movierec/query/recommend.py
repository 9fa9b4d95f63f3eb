"""Movies for a taste: several liked (and disliked) movies, one similarity query."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import psycopg

from movierec.database import queries
from movierec.errors import MovierecError
from movierec.query.search import QueryMovie, resolve_title
from movierec.query.similar import Filters, Neighbour, similar_to_vector

DISLIKE_WEIGHT = 0.5


@dataclass(frozen=True)
class Taste:
    """A taste profile built from liked and disliked movies."""

    liked: list[QueryMovie]
    disliked: list[QueryMovie]
    genres: list[str] = field(default_factory=list)


def recommend(
    conn: psycopg.Connection[Any],
    liked: list[str],
    disliked: list[str] | None = None,
    *,
    k: int = 10,
    filters: Filters | None = None,
    dislike_weight: float = DISLIKE_WEIGHT,
) -> tuple[Taste, list[Neighbour]]:
    """Movies for someone who liked ``liked`` (and disliked ``disliked``), inputs excluded.

    Scoring: the query vector is the mean embedding of the liked movies minus
    ``dislike_weight`` times the mean of the disliked ones; the genre filter is the union of the
    liked movies' predicted genres; ranking is by cosine distance to that vector.
    """
    if not liked:
        raise MovierecError("give at least one movie with --like")
    liked_movies = [resolve_title(conn, t)[0] for t in liked]
    disliked_movies = [resolve_title(conn, t)[0] for t in disliked or []]
    liked_ids = [m.id for m in liked_movies]
    disliked_ids = [m.id for m in disliked_movies]
    both = [m for m in liked_movies if m.id in disliked_ids]
    if both:
        names = ", ".join(f"{m.title} ({m.year})" for m in both)
        raise MovierecError(f"{names}: both liked and disliked; keep it on one side")
    row = conn.execute(
        queries.get("similar", "taste_vector").sql,
        {"liked": liked_ids, "disliked": disliked_ids, "dislike_weight": dislike_weight},
    ).fetchone()
    assert row is not None
    embedding, genres = row
    base = filters or Filters()
    excluded = sorted({*liked_ids, *disliked_ids, *(base.exclude_ids or [])})
    merged = Filters(**{**asdict(base), "exclude_ids": excluded})
    neighbours = similar_to_vector(conn, embedding, list(genres or []), k=k, filters=merged)
    return Taste(liked_movies, disliked_movies, list(genres or [])), neighbours
