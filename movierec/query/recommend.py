"""Movies for a person: their viewing history (or a few liked and disliked films) matched to
the catalogue, summed into query vectors in PostgreSQL, and the one similarity query.

A history row gives a film by ``movie_id``, ``imdb_id``, or ``title`` and ``year``, with an
optional ``rating`` on a 0-5 scale and a ``date``. sql/history.sql matches the rows (imdb id
first, else the title within a year) and weighs each film by ``rating - 2.5`` (no rating: a
mild like, 0.5) and by recency (0.99 a step, newest first), so liked films pull and disliked
ones (2 or less) push away. The sums of the films' three vectors are the query; nothing in
the history is recommended. psql: ``select * from recommend_for_history('[...]'::jsonb, 10)``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from movierec.database import queries
from movierec.errors import MovierecError
from movierec.query.search import QueryMovie, QueryVectors, resolve_title
from movierec.query.similar import Filters, Neighbour, Weights, similar_to_vector
from movierec.records import HistoryRow, Reject

LIKED_AT = 3.5
"""A history rating at or above this (of 5; 7 of 10) is a like."""
DISLIKED_AT = 2.0
"""A history rating at or below this (of 5; 4 of 10) is a dislike."""


@dataclass(frozen=True)
class Match:
    """What a history row matched: a film's id and by which rule, or why nothing."""

    row: HistoryRow
    movie_id: int | None
    how: str
    """id, imdb or title; else no-title or not-in-catalogue."""

    @property
    def liked(self) -> bool:
        return self.row.rating is None or self.row.rating >= LIKED_AT

    @property
    def disliked(self) -> bool:
        return self.row.rating is not None and self.row.rating <= DISLIKED_AT


@dataclass
class History:
    """A matched history and the query vectors it makes."""

    matches: list[Match]
    vectors: QueryVectors | None
    ids: list[int] = field(default_factory=list)
    """Every matched film (none of them is recommended)."""

    @property
    def unmatched(self) -> list[Match]:
        return [m for m in self.matches if m.movie_id is None]

    def report(self, kind: str, rejects: list[Reject]) -> dict[str, Any]:
        """What was read and matched: counts by rule and reason, and the first examples."""
        from collections import Counter

        unmatched = Counter(m.how for m in self.unmatched)
        unmatched.update(r.reason for r in rejects)
        examples = [str(r) for r in rejects[:5]] + [
            f"{m.row.where}: {m.how}: {m.row.title or m.row.imdb_id} ({m.row.year or '?'})"
            for m in self.unmatched[:5]
        ]
        matched = [m for m in self.matches if m.movie_id]
        return {
            "format": kind,
            "rows": len(self.matches) + len(rejects),
            "matched": len(self.ids),
            "matched_by": dict(Counter(m.how for m in matched)),
            "liked": sum(1 for m in matched if m.liked),
            "disliked": sum(1 for m in matched if m.disliked),
            "unmatched": dict(unmatched),
            "unmatched_examples": examples,
        }


def _payload(rows: list[HistoryRow]) -> Jsonb:
    return Jsonb([r.as_json() for r in rows])


def match(conn: psycopg.Connection[Any], rows: list[HistoryRow]) -> History:
    """Match ``rows`` to films and sum their vectors (both in PostgreSQL)."""
    payload = _payload(rows)
    with conn.cursor(row_factory=dict_row) as cur:
        found = cur.execute(
            queries.get("history", "match_history").sql, {"history": payload}
        ).fetchall()
        summed = cur.execute(
            queries.get("history", "history_vectors").sql, {"history": payload}
        ).fetchone()
    matches = [Match(rows[r["row_number"] - 1], r["movie_id"], r["how"]) for r in found]
    if not summed or summed["ids"] is None:
        return History(matches, None)
    vectors = QueryVectors(summed["embedding"], summed["creators"], summed["factors"])
    return History(matches, vectors, list(summed["ids"]))


def recommend_history(
    conn: psycopg.Connection[Any],
    rows: list[HistoryRow],
    *,
    k: int = 10,
    filters: Filters | None = None,
    weights: Weights | None = None,
    settings: dict[str, str] | None = None,
) -> tuple[History, list[Neighbour]]:
    """Movies for the person whose history ``rows`` are (none of them recommended)."""
    if not rows:
        raise MovierecError("the history is empty; give at least one film")
    history = match(conn, rows)
    if history.vectors is None:
        raise MovierecError(
            f"none of the history's {len(rows)} films is in the catalogue "
            "(rows match by imdb id, or by title and year)"
        )
    base = filters or Filters()
    excluded = sorted({*history.ids, *(base.exclude_ids or [])})
    neighbours = similar_to_vector(
        conn,
        history.vectors,
        [],
        k=k,
        filters=dataclasses.replace(base, exclude_ids=excluded),
        blend="history",
        weights=weights,
        settings=settings,
    )
    return history, neighbours


@dataclass(frozen=True)
class Taste:
    """Liked and disliked films given by title."""

    liked: list[QueryMovie]
    disliked: list[QueryMovie]


def recommend(
    conn: psycopg.Connection[Any],
    liked: list[str],
    disliked: list[str] | None = None,
    *,
    k: int = 10,
    filters: Filters | None = None,
) -> tuple[Taste, list[Neighbour]]:
    """Movies for someone who liked ``liked`` (and disliked ``disliked``), inputs excluded:
    a history of those films rated 5 and 1."""
    if not liked:
        raise MovierecError("give at least one movie with --like")
    liked_movies = [resolve_title(conn, t)[0] for t in liked]
    disliked_movies = [resolve_title(conn, t)[0] for t in disliked or []]
    both = [m for m in liked_movies if m.id in {d.id for d in disliked_movies}]
    if both:
        names = ", ".join(f"{m.title} ({m.year})" for m in both)
        raise MovierecError(f"{names}: both liked and disliked; keep it on one side")
    rows = [HistoryRow(movie_id=m.id, rating=5.0) for m in liked_movies]
    rows += [HistoryRow(movie_id=m.id, rating=1.0) for m in disliked_movies]
    _, neighbours = recommend_history(conn, rows, k=k, filters=filters)
    return Taste(liked_movies, disliked_movies), neighbours
