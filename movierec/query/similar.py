"""Movies like a movie: the one similarity query (sql/similar.sql), its settings and filters."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, fields
from functools import cache, lru_cache
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import args_row

from movierec.database import queries
from movierec.errors import MovierecError
from movierec.query.counts import ONE_WALK, Arms, GenreCounts, arms_for, genre_counts
from movierec.query.search import (
    QueryMovie,
    QueryVectors,
    check_k,
    check_text,
    movie_by_id,
    resolve_title,
)
from movierec.query.settings import SEARCH_SETTINGS, ensure, set_local

FUNCTION_SETTINGS: dict[str, str] = dict(
    [
        *list(SEARCH_SETTINGS.items())[:2],
        # movierec_similar_to() takes the genres and filters as arguments, which a generic
        # plan cannot see: plan each call for its own (the CLI's statement has them as
        # literals instead).
        ("plan_cache_mode", "force_custom_plan"),
        *list(SEARCH_SETTINGS.items())[2:],
    ]
)

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
        # Not dataclasses.asdict: it deep-copies every value (70 us a query).
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        for key in ("required_genres", "excluded_genres", "exclude_ids"):
            values[key] = values[key] or None
        return values


@dataclass
class Neighbour:
    """One recommended movie: its blended score and the three parts' similarities; the fields
    are the similarity query's columns, in order (not frozen: a frozen dataclass takes 1.7 us
    a row to make, this one 0.3)."""

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


@dataclass(frozen=True)
class Condition:
    """One line of similar_filters: a condition on the parameter it names."""

    param: str
    text: str
    cast: str
    """The parameter as the line writes it, with its type: ``%(year_from)s::int``."""


@cache
def conditions() -> list[Condition]:
    """The optional filters of the similarity query (sql/similar.sql, similar_filters)."""
    lines = queries.get("similar", "similar_filters").text.splitlines()
    found = []
    for line in (x.strip() for x in lines):
        if line and not line.startswith("--"):
            match = re.search(r"%\((\w+)\)s(::[\w\[\]]+)?", line)
            assert match, f"similar_filters: {line!r} names no parameter"
            found.append(Condition(match[1], line, match[0]))
    return found


PARTS = ("embedding", "creators", "factors")
"""The query's vectors, one a part of the blend; each given one has its own candidate arm."""


def candidates_per_index(k: int, parts: int = len(PARTS)) -> int:
    """How many films each index search returns: enough for the blend to re-rank, or k for
    a query of one part (its index walk returns them in the ranking's own order)."""
    return max(4 * k, 40) if parts > 1 else k


@lru_cache(maxsize=512)
def statement(
    genres: tuple[str, ...],
    candidates: int,
    given: frozenset[str],
    parts: frozenset[str] = frozenset(PARTS),
    arms: Arms = ONE_WALK,
    required: tuple[str, ...] = (),
) -> sql.SQL:
    """The similarity query for these genres, given filters, given parts (the query's
    non-NULL vectors) and candidate ``arms`` (counts.arms_for), with the genres and the
    candidate count as literals (sql/similar.sql's template).

    Literals let a prepared statement's generic plan see what the planner needs: the genres,
    and a genre's partial HNSW index; the other values stay parameters, so that one plan
    serves every film asking for the same genres. The text is made once per genre set (quoted
    by psycopg, then kept as text). Arms that are ``shared`` (several wide genres, one walk of
    the global index) take the genres as the ``genres`` parameter instead: one text for all
    such sets (``genres`` is then ignored; statement_for passes ()). The ``required`` genres
    (``--genre``) are a literal too: see REQUIRED."""
    lines = [
        "and " + c.text.replace(c.cast, _literal(list(required)) + "::text[]")
        if c.param == REQUIRED and required
        else "and " + c.text
        for c in conditions()
        if c.param in given
    ]
    text = fill(genres, candidates, "\n       ".join(lines), parts, arms)
    # A line break inside a genre would put part of its literal at the start of a line.
    plain = not any("\n" in g or "\r" in g for g in (*genres, *required))
    return sql.SQL(compact(text) if plain else text)


REQUIRED = "required_genres"
"""The filter whose value goes into the statement as a literal, like the query genres: a
generic plan guesses `genres @> $n` at 0.5% of the films, so with ``--genre Drama`` (57% of
the sample) it ranked every Drama film by a sort and ran the creators arm once for each of
them: 2.0 s a query at 17k films (7389636), against 3 ms with the literal."""

PSYCOPG_CACHED_LENGTH = 4096
"""psycopg keeps the conversion of a query text (placeholders to $n) up to this length
(psycopg._queries.MAX_CACHED_STATEMENT_LENGTH); a longer one is converted again every call."""


def compact(text: str) -> str:
    """``text`` without its comment lines and indentation, for a statement whose literals hold
    no line break (so no line of one is touched). Then the statement of up to four genres
    fits psycopg's cache of converted queries (one genre's 4,440 -> 2,658 characters: 60 us
    -> 4 us a call)."""
    return "\n".join(
        line.lstrip() for line in text.splitlines() if not line.lstrip().startswith("--")
    )


def _literal(value: Any) -> str:
    return sql.Literal(value).as_string()


def fill(
    genres: tuple[str, ...], candidates: int, filters: str, parts: frozenset[str], arms: Arms
) -> str:
    """sql/similar.sql's template with its markers filled: ``genres`` (sorted, distinct) and
    the candidate count as literals, ``filters`` as given, and the candidate ``arms`` of the
    given ``parts`` (PARTS): every film of the genres when they are few; else for the content
    one index walk, or for several genres a walk of each one's own index and one exact arm for
    those too small for an index, merged; the creators and ratings arms (movierec_similar_to()
    does the same in plpgsql)."""
    literal = _literal
    named = queries.load("similar")
    chosen = []
    if arms.exact:
        chosen.append(named["similar_exact"].text)
    else:
        if "embedding" in parts:
            if arms.walk:
                chosen.append(named["similar_content_walk"].text)
            for genre in arms.indexed:
                genre_arm = named["similar_content_genre"].text
                chosen.append(genre_arm.replace("{genre}", literal([genre]) + "::text[]"))
            if arms.small:
                small = literal(list(arms.small)) + "::text[]"
                chosen.append(named["similar_content_small"].text.replace("{small}", small))
        if "creators" in parts:
            chosen.append(named["similar_creators"].text)
        if "factors" in parts:
            chosen.append(named["similar_ratings"].text)
    given_genres = "%(genres)s::text[]" if arms.shared else literal(list(genres)) + "::text[]"
    return (
        named["similar_to_vector"]
        .text.replace(
            "{arms}", "\n     union all\n    ".join(chosen or [named["similar_nothing"].text])
        )
        .replace("{genres}", given_genres)
        .replace("{candidates}", str(int(candidates)))
        .replace("{filters}", filters)
    )


EXACT_BELOW = float(SEARCH_SETTINGS["movierec.exact_below"])
"""The films under which a genre set's are ranked exactly (from which a genre has an index)."""


def statement_for(
    params: dict[str, Any], counts: GenreCounts, exact_below: float = EXACT_BELOW
) -> sql.SQL:
    """The similarity query for ``similarity_params(...)``, its arms chosen from ``counts``."""
    given = frozenset(c.param for c in conditions() if params.get(c.param) is not None)
    parts = frozenset(p for p in PARTS if params.get(p) is not None)
    genres = tuple(sorted(set(params["genres"] or [])))
    # Films already seen change no estimate; any other filter keeps the genres literal.
    arms = arms_for(genres, counts, exact_below, filtered=bool(given - {"exclude_ids"}))
    candidates = candidates_per_index(params["k"], len(parts))
    required = tuple(sorted(set(params.get(REQUIRED) or [])))
    return statement(() if arms.shared else genres, candidates, given, parts, arms, required)


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

    The query runs with SEARCH_SETTINGS: the session's when ``conn`` came from
    movierec.query.settings.connect, else set for the transaction; ``settings`` overrides
    them for the transaction (a bench sweep). Its candidate arms are chosen from ``conn``'s
    copy of the genre counts (movierec.query.counts).
    """
    check_k(k)
    params = similarity_params(vectors, genres, exclude_id, k, filters, blend, weights)
    ensure(conn, SEARCH_SETTINGS)
    bound = EXACT_BELOW
    if settings:
        set_local(conn, settings)
        bound = float(settings.get("movierec.exact_below", bound))
    query = statement_for(params, genre_counts(conn), bound)
    # Prepared at once: a film's genres are often asked again (one text per genre set). Rows in
    # binary, straight into Neighbour: 17k films, one genre, 0.06 ms a query less than text
    # rows made into dicts and then into frozen dataclasses.
    with conn.cursor(row_factory=args_row(Neighbour), binary=True) as cur:
        return cur.execute(query, params, prepare=True).fetchall()


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
    into the similarity query. ``settings`` overrides search settings for the transaction."""
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
