"""The query path: resolve a title, then run the one similarity query (no torch, no gensim)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import psycopg
from psycopg.rows import dict_row

from movierec import queries
from movierec.errors import AmbiguousTitleError, MovierecError, NotFoundError

# Session settings for the similarity query; the SQL function movierec_similar_to() carries the
# same ones as SET clauses. Iterative scans (pgvector 0.8) keep walking the HNSW graph until k
# rows pass the genre filter; relaxed_order is fast and the query re-sorts its candidates.
SEARCH_SETTINGS: dict[str, str] = {
    "hnsw.iterative_scan": "relaxed_order",
    "hnsw.ef_search": "100",
}

MAX_K = 1000


@dataclass(frozen=True)
class QueryMovie:
    """The movie a recommendation starts from."""

    id: int
    title: str
    year: int | None
    director: str | None
    genres: list[str]
    predicted_genres: list[str]


@dataclass(frozen=True)
class Neighbour:
    """One recommended movie and its cosine distance to the query."""

    id: int
    title: str
    year: int | None
    genres: list[str]
    distance: float


def apply_search_settings(conn: psycopg.Connection[Any]) -> None:
    """Set the similarity query's settings for the current transaction only."""
    for name, value in SEARCH_SETTINGS.items():
        conn.execute("select set_config(%s, %s, true)", (name, value))


def resolve_title(
    conn: psycopg.Connection[Any], title: str, year: int | None = None
) -> tuple[QueryMovie, Any]:
    """Find the one movie called ``title`` (case-insensitive), with its embedding.

    Raises :class:`NotFoundError` with the closest titles, or :class:`AmbiguousTitleError` with
    the candidates when several movies share the title and no ``year`` tells them apart.
    """
    with conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(
            queries.get("movies", "find_by_title").sql, {"title": title, "year": year}
        ).fetchall()
        if not rows:
            suggestions = cur.execute(
                queries.get("movies", "closest_titles").sql, {"title": title, "limit": 5}
            ).fetchall()
            where = f" from {year}" if year is not None else ""
            raise NotFoundError(f"no movie titled {title!r}{where}", suggestions)
        if len(rows) > 1:
            candidates = [{k: r[k] for k in ("id", "title", "year", "director")} for r in rows]
            raise AmbiguousTitleError(
                f"{len(rows)} movies are titled {title!r}; pass --year to choose one", candidates
            )
    row = rows[0]
    movie = QueryMovie(
        id=row["id"],
        title=row["title"],
        year=row["year"],
        director=row["director"],
        genres=list(row["genres"]),
        predicted_genres=list(row["predicted_genres"]),
    )
    return movie, row["embedding"]


def similar_to_vector(
    conn: psycopg.Connection[Any],
    embedding: Any,
    genres: list[str],
    *,
    exclude_id: int | None = None,
    k: int = 10,
) -> list[Neighbour]:
    """The k movies nearest ``embedding`` whose labelled genres overlap ``genres``."""
    if not 1 <= k <= MAX_K:
        raise MovierecError(f"-k must be between 1 and {MAX_K}, got {k}")
    if not genres:
        raise MovierecError("the genre filter is empty; give at least one genre")
    apply_search_settings(conn)
    with conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(
            queries.get("similar", "similar_to_vector").sql,
            {"embedding": embedding, "genres": genres, "exclude_id": exclude_id, "k": k},
        ).fetchall()
    return [Neighbour(**row) for row in rows]


def similar(
    conn: psycopg.Connection[Any], title: str, *, year: int | None = None, k: int = 10
) -> tuple[QueryMovie, list[Neighbour]]:
    """Movies like ``title``: its embedding and predicted genres into the similarity query."""
    movie, embedding = resolve_title(conn, title, year)
    neighbours = similar_to_vector(
        conn, embedding, movie.predicted_genres, exclude_id=movie.id, k=k
    )
    return movie, neighbours


def as_json(movie: QueryMovie, neighbours: list[Neighbour]) -> dict[str, Any]:
    """The ``--json`` shape of a recommendation."""
    query = asdict(movie)
    query.pop("director")
    return {"query": query, "results": [asdict(n) for n in neighbours]}
