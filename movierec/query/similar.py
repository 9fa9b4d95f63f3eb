"""Movies like a movie: the one similarity query (sql/similar.sql), its settings and filters."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import psycopg
from psycopg.rows import dict_row

from movierec.database import queries
from movierec.errors import MovierecError
from movierec.query.search import (
    QueryMovie,
    QueryVectors,
    check_k,
    check_text,
    movie_by_id,
    resolve_title,
)
from movierec.query.settings import set_local

# Session settings for the similarity query; the SQL function movierec_similar_to() carries the
# same ones as SET clauses. Iterative scans (pgvector 0.8) keep walking the HNSW graph until k
# rows pass the genre filter; relaxed_order is fast and the query re-sorts its candidates.
SEARCH_SETTINGS: dict[str, str] = {
    "hnsw.iterative_scan": "relaxed_order",
    "hnsw.ef_search": "100",
    # psycopg prepares a statement run 5 times, and PostgreSQL may then switch to a generic
    # plan that cannot see how rare the genre filter is; plan each query for its genres.
    "plan_cache_mode": "force_custom_plan",
    # When the genre filter matches fewer than exact_scale * sqrt(movies) movies, the query ranks
    # every match exactly instead of walking the HNSW graph, where a rare genre makes the
    # iterative scan visit much of the index. 6 is where the two cost the same (1.9k matches at
    # 100k movies, 6k at 1M; docs/scaling.md).
    "movierec.exact_scale": "6",
    # A worker start-up (about 6 ms) costs more than the whole query; the exact branch over a
    # common genre would otherwise plan a parallel scan, started even when it is switched off.
    "max_parallel_workers_per_gather": "0",
}

INT4 = 2**31 - 1


@dataclass(frozen=True)
class Filters:
    """Conditions every recommended movie must meet; None means no condition."""

    year_from: int | None = None
    year_to: int | None = None
    runtime_min: int | None = None
    runtime_max: int | None = None
    min_rating: float | None = None
    min_votes: int | None = None
    required_genres: list[str] | None = None
    """The movie must have all of these labelled genres."""
    excluded_genres: list[str] | None = None
    """The movie must have none of these."""
    language: str | None = None
    exclude_ids: list[int] | None = None
    """Movies not to recommend (already seen, or the inputs of a taste profile)."""

    def check(self, known_genres: list[str] | None = None) -> Filters:
        """These filters, or a clear error for one no movie could pass or the database cannot
        hold (a year past 2^31, a NaN rating, a genre nobody has)."""
        for name in ("year_from", "year_to", "runtime_min", "runtime_max", "min_votes"):
            value = getattr(self, name)
            if value is not None and not -INT4 <= value <= INT4:
                raise MovierecError(f"--{name.replace('_', '-')} {value} is out of range")
        if self.min_rating is not None and not (
            math.isfinite(self.min_rating) and 0 <= self.min_rating <= 10
        ):
            raise MovierecError(f"--min-rating {self.min_rating} must be a number from 0 to 10")
        for text in [
            self.language or "",
            *(self.required_genres or []),
            *(self.excluded_genres or []),
        ]:
            check_text(text, "filter")
        if known_genres is not None:
            known = {g.casefold(): g for g in known_genres}
            for option, names in (
                ("--genre", self.required_genres),
                ("--exclude-genre", self.excluded_genres),
            ):
                for name in names or []:
                    if name not in known_genres:
                        close = known.get(name.casefold())
                        hint = (
                            f"did you mean {close!r}?"
                            if close
                            else "known genres: " + ", ".join(known_genres)
                        )
                        raise MovierecError(f"{option} {name!r}: no movie has this genre; {hint}")
        return self

    def params(self) -> dict[str, Any]:
        """The query parameters, empty lists as NULL."""
        values = asdict(self)
        for key in ("required_genres", "excluded_genres", "exclude_ids"):
            values[key] = values[key] or None
        return values


@dataclass(frozen=True)
class Neighbour:
    """One recommended movie: its blended score and the three parts' similarities."""

    id: int
    title: str
    year: int | None
    genres: list[str]
    score: float
    """The blend: content, creators and ratings similarities, weighted (higher is closer)."""
    content: float
    """Cosine of the dense content embeddings (genres, year, text)."""
    creators: float
    """Cosine of the sparse creators vectors (people, franchise, keywords, genres)."""
    ratings: float
    """Factor inner product over the query's length (0 without ratings)."""


@dataclass(frozen=True)
class Weights:
    """Blend weights that override the stored ones (None: the load's own)."""

    content: float | None = None
    creators: float | None = None
    ratings: float | None = None


def similarity_params(
    vectors: QueryVectors | Any,
    genres: list[str],
    exclude_id: int | None = None,
    k: int = 10,
    filters: Filters | None = None,
    blend: str = "similar",
    weights: Weights | None = None,
) -> dict[str, Any]:
    """The parameters of sql/similar.sql's similarity query; unused filters are NULL.

    ``vectors`` may be a bare dense embedding (the other parts then play no role)."""
    if not isinstance(vectors, QueryVectors):
        vectors = QueryVectors(vectors)
    params = (filters or Filters()).params()
    w = weights or Weights()
    params.update(
        embedding=vectors.embedding,
        creators=vectors.creators,
        factors=vectors.factors,
        genres=genres,
        exclude_id=exclude_id,
        k=k,
        blend=blend,
        w_content=w.content,
        w_creators=w.creators,
        w_ratings=w.ratings,
    )
    return params


def similar_to_vector(
    conn: psycopg.Connection[Any],
    vectors: QueryVectors | Any,
    genres: list[str],
    *,
    exclude_id: int | None = None,
    k: int = 10,
    filters: Filters | None = None,
    settings: dict[str, str] | None = None,
    blend: str = "similar",
    weights: Weights | None = None,
) -> list[Neighbour]:
    """The k movies most similar to ``vectors`` whose labelled genres overlap ``genres`` (an
    empty list: any genre), by the stored ``blend`` ('similar' or 'history') or ``weights``.

    ``settings`` replaces the index settings (SEARCH_SETTINGS) for this transaction.
    """
    check_k(k)
    params = similarity_params(vectors, genres, exclude_id, k, filters, blend, weights)
    set_local(conn, SEARCH_SETTINGS if settings is None else settings)
    with conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(queries.get("similar", "similar_to_vector").sql, params).fetchall()
    return [Neighbour(**row) for row in rows]


def known_genres(conn: psycopg.Connection[Any]) -> list[str]:
    """Every labelled genre of the catalogue, by name."""
    return [row[0] for row in conn.execute(queries.get("movies", "genres").sql)]


def similar(
    conn: psycopg.Connection[Any],
    title: str | None = None,
    *,
    year: int | None = None,
    movie_id: int | None = None,
    k: int = 10,
    filters: Filters | None = None,
    weights: Weights | None = None,
    settings: dict[str, str] | None = None,
) -> tuple[QueryMovie, list[Neighbour]]:
    """Movies like ``title`` (or the movie ``movie_id``): its vectors and predicted genres
    into the similarity query. ``settings={}`` when the connection already has the search
    settings for its session (the web server's pool sets them once)."""
    if movie_id is not None:
        movie, vectors = movie_by_id(conn, movie_id)
    elif title is not None:
        movie, vectors = resolve_title(conn, title, year)
    else:
        raise MovierecError("give a title or an id")
    neighbours = similar_to_vector(
        conn,
        vectors,
        movie.predicted_genres,
        exclude_id=movie.id,
        k=k,
        filters=filters,
        weights=weights,
        settings=settings,
    )
    return movie, neighbours
