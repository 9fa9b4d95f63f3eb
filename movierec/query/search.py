"""Finding movies: typo-tolerant title search, title (or id) resolution, stored details."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.rows import dict_row

from movierec.database import queries
from movierec.errors import AmbiguousTitleError, MovierecError, NotFoundError
from movierec.query.settings import TITLE_SEARCH_SETTINGS, ensure, set_local

MAX_K = 1000
MAX_TITLE = 200
"""Longer titles are refused (and never echoed whole)."""
_TITLE_YEAR = re.compile(r"^(?P<title>.*\S)\s*\((?P<year>\d{4})\)\s*$")


@dataclass(frozen=True)
class QueryVectors:
    """What the similarity query starts from: a film's (or a history's) three vectors."""

    embedding: Any
    creators: Any = None
    """The sparse creators vector (pgvector SparseVector), None if the film has none."""
    factors: Any = None
    """The collaborative factors, None for a film nobody rated."""


@dataclass(frozen=True)
class QueryMovie:
    """The movie a recommendation starts from."""

    id: int
    title: str
    year: int | None
    director: str | None
    genres: list[str]
    predicted_genres: list[str]


def check_k(k: int) -> int:
    """``k`` within 1..MAX_K, or a clear error."""
    if not 1 <= k <= MAX_K:
        raise MovierecError(f"-k must be between 1 and {MAX_K}, got {k}")
    return k


def check_text(text: str, what: str = "title") -> str:
    """User text fit for a query: no NUL byte, at most MAX_TITLE characters."""
    if "\x00" in text:
        raise MovierecError(f"the {what} contains a NUL byte; remove it")
    if len(text) > MAX_TITLE:
        raise MovierecError(
            f"the {what} is {len(text):,} characters long ({text[:40]!r}...); "
            f"titles have at most {MAX_TITLE}"
        )
    return text


def _movie(row: dict[str, Any]) -> QueryMovie:
    return QueryMovie(
        id=row["id"],
        title=row["title"],
        year=row["year"],
        director=row["director"],
        genres=list(row["genres"]),
        predicted_genres=list(row["predicted_genres"]),
    )


def _vectors(row: dict[str, Any]) -> QueryVectors:
    return QueryVectors(row["embedding"], row.get("creators"), row.get("factors"))


def resolve_title(
    conn: psycopg.Connection[Any], title: str, year: int | None = None
) -> tuple[QueryMovie, QueryVectors]:
    """Find the one movie called ``title`` (case-insensitive), with its vectors.

    Raises :class:`NotFoundError` with the closest titles, or :class:`AmbiguousTitleError` with
    the candidates when several movies share the title and no ``year`` tells them apart.
    """
    check_text(title)
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
            suggestions = search(conn, title, k=5) if title.strip() else []
            where = f" from {year}" if year is not None else ""
            raise NotFoundError(f"no movie titled {title!r}{where}", suggestions)
        if len(rows) > 1:
            candidates = [{k: r[k] for k in ("id", "title", "year", "director")} for r in rows]
            years = {r["year"] for r in rows}
            how = (
                f"pass --year, or write '{rows[0]['title']} ({rows[0]['year']})'"
                if len(years) == len(rows)
                else "pick one by its id (--id)"
            )
            raise AmbiguousTitleError(f"{len(rows)} movies are titled {title!r}; {how}", candidates)
    return _movie(rows[0]), _vectors(rows[0])


def movie_by_id(conn: psycopg.Connection[Any], movie_id: int) -> tuple[QueryMovie, QueryVectors]:
    """The movie with this id, with its vectors (for namesakes a title cannot tell apart)."""
    with conn.cursor(row_factory=dict_row) as cur:
        row = cur.execute(queries.get("movies", "find_by_id").sql, {"id": movie_id}).fetchone()
    if row is None:
        raise NotFoundError(f"no movie has id {movie_id}", [])
    return _movie(row), _vectors(row)


def resolve_ids(conn: psycopg.Connection[Any], titles: list[str]) -> list[int]:
    """The ids of several titles, each resolved like ``similar``'s (``Title (YEAR)`` picks one)."""
    return [resolve_title(conn, title)[0].id for title in titles]


def search(
    conn: psycopg.Connection[Any],
    text: str,
    *,
    k: int = 10,
    settings: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Typo-tolerant title search; a trailing year ("Hamlet 1996") narrows it, with
    TITLE_SEARCH_SETTINGS (``settings`` overrides them for the transaction)."""
    check_text(text, "search")
    if not text.strip():
        raise MovierecError("give some words of a title to search for")
    check_k(k)
    ensure(conn, TITLE_SEARCH_SETTINGS)
    if settings:
        set_local(conn, settings)
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(
            queries.get("search", "search_titles").sql, {"q": text.strip(), "limit": k}
        ).fetchall()


def details(conn: psycopg.Connection[Any], ids: list[int]) -> dict[int, dict[str, Any]]:
    """Stored fields of some movies, by id."""
    with conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(queries.get("search", "movie_details").sql, {"ids": ids}).fetchall()
    return {row["id"]: row for row in rows}
