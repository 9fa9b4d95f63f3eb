"""The query path: resolve a title, then run the one similarity query (no torch, no gensim)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from movierec import queries
from movierec.errors import AmbiguousTitleError, MovierecError, NotFoundError

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

# pg_trgm thresholds for title search (search_movies() carries the same as SET clauses): a
# little looser than the defaults (0.3, 0.6) so that "matrx" still finds "The Matrix".
TITLE_SEARCH_SETTINGS: dict[str, str] = {
    "pg_trgm.similarity_threshold": "0.3",
    "pg_trgm.word_similarity_threshold": "0.5",
}

MAX_K = 1000
DISLIKE_WEIGHT = 0.5
_TITLE_YEAR = re.compile(r"^(?P<title>.*\S)\s*\((?P<year>\d{4})\)\s*$")


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

    def params(self) -> dict[str, Any]:
        """The query parameters, empty lists as NULL."""
        values = asdict(self)
        for key in ("required_genres", "excluded_genres", "exclude_ids"):
            values[key] = values[key] or None
        return values


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


def set_local(conn: psycopg.Connection[Any], settings: dict[str, str]) -> None:
    """Apply settings for the current transaction only, in one round trip."""
    if not settings:
        return
    calls = sql.SQL(", ").join([sql.SQL("set_config(%s, %s, true)")] * len(settings))
    values = [v for item in settings.items() for v in item]
    conn.execute(sql.SQL("select {}").format(calls), values)


def apply_search_settings(conn: psycopg.Connection[Any]) -> None:
    """Set the similarity query's settings for the current transaction only."""
    set_local(conn, SEARCH_SETTINGS)


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
        written = _TITLE_YEAR.match(title)
        if not rows and written and year is None:
            # "Hamlet (1996)" names one of several films with a title.
            rows = cur.execute(
                queries.get("movies", "find_by_title").sql,
                {"title": written["title"], "year": int(written["year"])},
            ).fetchall()
        if not rows:
            suggestions = search(conn, title, k=5)
            where = f" from {year}" if year is not None else ""
            raise NotFoundError(f"no movie titled {title!r}{where}", suggestions)
        if len(rows) > 1:
            candidates = [{k: r[k] for k in ("id", "title", "year", "director")} for r in rows]
            raise AmbiguousTitleError(
                f"{len(rows)} movies are titled {title!r}; pass --year, or write "
                f"'{rows[0]['title']} ({rows[0]['year']})'",
                candidates,
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


def similarity_params(
    embedding: Any,
    genres: list[str],
    exclude_id: int | None = None,
    k: int = 10,
    filters: Filters | None = None,
) -> dict[str, Any]:
    """The parameters of sql/similar.sql's similarity query; unused filters are NULL."""
    params = (filters or Filters()).params()
    params.update(embedding=embedding, genres=genres, exclude_id=exclude_id, k=k)
    return params


def similar_to_vector(
    conn: psycopg.Connection[Any],
    embedding: Any,
    genres: list[str],
    *,
    exclude_id: int | None = None,
    k: int = 10,
    filters: Filters | None = None,
    settings: dict[str, str] | None = None,
) -> list[Neighbour]:
    """The k movies nearest ``embedding`` whose labelled genres overlap ``genres``.

    ``settings`` replaces the index settings (SEARCH_SETTINGS) for this transaction.
    """
    if not 1 <= k <= MAX_K:
        raise MovierecError(f"-k must be between 1 and {MAX_K}, got {k}")
    if not genres:
        raise MovierecError("the genre filter is empty; give at least one genre")
    params = similarity_params(embedding, genres, exclude_id, k, filters)
    set_local(conn, SEARCH_SETTINGS if settings is None else settings)
    with conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(queries.get("similar", "similar_to_vector").sql, params).fetchall()
    return [Neighbour(**row) for row in rows]


def similar(
    conn: psycopg.Connection[Any],
    title: str,
    *,
    year: int | None = None,
    k: int = 10,
    filters: Filters | None = None,
) -> tuple[QueryMovie, list[Neighbour]]:
    """Movies like ``title``: its embedding and predicted genres into the similarity query."""
    movie, embedding = resolve_title(conn, title, year)
    neighbours = similar_to_vector(
        conn, embedding, movie.predicted_genres, exclude_id=movie.id, k=k, filters=filters
    )
    return movie, neighbours


def resolve_ids(conn: psycopg.Connection[Any], titles: list[str]) -> list[int]:
    """The ids of several titles, each resolved like ``similar``'s (``Title (YEAR)`` picks one)."""
    return [resolve_title(conn, title)[0].id for title in titles]


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
    row = conn.execute(
        queries.get("similar", "taste_vector").sql,
        {"liked": liked_ids, "disliked": disliked_ids, "dislike_weight": dislike_weight},
    ).fetchone()
    assert row is not None
    embedding, genres = row
    base = filters or Filters()
    excluded = sorted({*liked_ids, *disliked_ids, *(base.exclude_ids or [])})
    merged = Filters(**{**asdict(base), "exclude_ids": excluded})
    neighbours = similar_to_vector(conn, embedding, list(genres), k=k, filters=merged)
    return Taste(liked_movies, disliked_movies, list(genres)), neighbours


def search(conn: psycopg.Connection[Any], text: str, *, k: int = 10) -> list[dict[str, Any]]:
    """Typo-tolerant title search; a trailing year ("Hamlet 1996") narrows it."""
    if not text.strip():
        raise MovierecError("give some words of a title to search for")
    if not 1 <= k <= MAX_K:
        raise MovierecError(f"-k must be between 1 and {MAX_K}, got {k}")
    set_local(conn, TITLE_SEARCH_SETTINGS)
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(
            queries.get("search", "search_titles").sql, {"q": text.strip(), "limit": k}
        ).fetchall()


def details(conn: psycopg.Connection[Any], ids: list[int]) -> dict[int, dict[str, Any]]:
    """Stored fields of some movies, by id."""
    with conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(queries.get("search", "movie_details").sql, {"ids": ids}).fetchall()
    return {row["id"]: row for row in rows}


def explain(
    conn: psycopg.Connection[Any], sources: list[int], neighbours: list[Neighbour]
) -> dict[int, dict[str, Any]]:
    """Why each neighbour was recommended for the movies ``sources``: similarity and overlaps."""
    info = details(conn, [*sources, *(n.id for n in neighbours)])
    src = [info[i] for i in sources if i in info]
    src_genres = {g for s in src for g in s["genres"]}
    src_predicted = {g for s in src for g in s["predicted_genres"]}
    src_directors = {d.strip() for s in src for d in (s["director"] or "").split(",") if d.strip()}
    src_cast = {c for s in src for c in s["cast_members"]}
    parts = embedding_parts(conn, sources, [n.id for n in neighbours])
    reasons: dict[int, dict[str, Any]] = {}
    for n in neighbours:
        row = info[n.id]
        directors = {d.strip() for d in (row["director"] or "").split(",") if d.strip()}
        reasons[n.id] = {
            "cosine_similarity": round(1.0 - n.distance, 4),
            "shared_genres": sorted(src_genres & set(row["genres"])),
            "genres_matching_prediction": sorted(src_predicted & set(row["genres"])),
            "shared_directors": sorted(src_directors & directors),
            "shared_cast": sorted(src_cast & set(row["cast_members"]))[:5],
            "embedding": parts.get(n.id, {}),
        }
    return reasons


def embedding_parts(
    conn: psycopg.Connection[Any], sources: list[int], ids: list[int]
) -> dict[int, dict[str, float]]:
    """Each movie's cosine similarity to the mean of ``sources``, split into the content and the
    collaborative part (the two add up to the cosine)."""
    import numpy as np

    row = conn.execute(queries.get("movies", "embedding_layout").sql).fetchone()
    layout = row[0] if row and row[0] else None
    rows = conn.execute(
        queries.get("movies", "embeddings_of").sql, {"ids": [*sources, *ids]}
    ).fetchall()
    vectors = {r[0]: np.asarray(r[1].to_list(), dtype=np.float64) for r in rows}
    query = [vectors[i] for i in sources if i in vectors]
    if not query:
        return {}
    q = np.mean(query, axis=0)
    split = int(layout["content_dims"]) if layout else len(q)
    parts = {}
    for i in ids:
        v = vectors.get(i)
        if v is None:
            continue
        scale = float(np.linalg.norm(q) * np.linalg.norm(v)) or 1.0
        parts[i] = {
            "content": round(float(q[:split] @ v[:split]) / scale, 4),
            "collaborative": round(float(q[split:] @ v[split:]) / scale, 4),
        }
    return parts


def as_json(movie: QueryMovie, neighbours: list[Neighbour]) -> dict[str, Any]:
    """The ``--json`` shape of a recommendation."""
    query = asdict(movie)
    query.pop("director")
    return {"query": query, "results": [asdict(n) for n in neighbours]}
