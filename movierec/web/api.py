"""The JSON API (/api/v1) and the health checks: thin routes over the query path."""

from __future__ import annotations

import dataclasses
import hmac
import tempfile
from pathlib import Path
from typing import Annotated, Any

import psycopg
from fastapi import APIRouter, Depends, File, Header, Query, Request, UploadFile
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from movierec.database import queries
from movierec.web import schemas
from movierec.web.pool import connection
from movierec.web.problems import Problem

router = APIRouter(prefix="/api/v1", tags=["movies"])
health = APIRouter(tags=["health"])

Conn = Annotated[psycopg.Connection[Any], Depends(connection)]
K = Annotated[int, Query(ge=1, le=schemas.MAX_K, description="How many films.")]
Offset = Annotated[
    int, Query(ge=0, le=schemas.MAX_OFFSET, description="Films to skip (score order, then id).")
]
"""The pool set the search settings on each connection already."""


def _movie(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row.get(k) for k in ("id", "title", "year", "director", "genres")}


def resolve(conn: psycopg.Connection[Any], films: list[int | str]) -> list[Any]:
    """Films given by id or 'Title (Year)' (errors: 404 with suggestions, 409 ambiguous)."""
    from movierec.query.search import movie_by_id, resolve_title

    out = []
    for film in films:
        if isinstance(film, int) or (isinstance(film, str) and film.strip().isdigit()):
            out.append(movie_by_id(conn, int(film))[0])
        else:
            out.append(resolve_title(conn, film)[0])
    return out


def filters_of(conn: psycopg.Connection[Any], wanted: schemas.Filters) -> Any:
    """The query's Filters, checked (an unknown genre is a 422 naming the known ones)."""
    from movierec.query.similar import Filters, known_genres

    filters = Filters(
        year_from=wanted.year_from,
        year_to=wanted.year_to,
        runtime_min=wanted.runtime_min,
        runtime_max=wanted.runtime_max,
        min_rating=wanted.min_rating,
        min_votes=wanted.min_votes,
        required_genres=wanted.genre or None,
        excluded_genres=wanted.exclude_genre or None,
        language=wanted.language,
    )
    filters.check(known_genres(conn) if wanted.genre or wanted.exclude_genre else None)
    excluded = [m.id for m in resolve(conn, wanted.exclude)]
    return dataclasses.replace(filters, exclude_ids=excluded or None)


def neighbours(
    conn: psycopg.Connection[Any],
    found: list[Any],
    sources: list[int],
    explain: bool,
    blend: str = "similar",
) -> list[dict[str, Any]]:
    rows = [dataclasses.asdict(n) for n in found]
    if explain and found:
        from movierec.query.explain import explain as explain_results

        reasons = explain_results(conn, sources, found, blend=blend)
        for row in rows:
            row["explain"] = reasons[row["id"]]
    return rows


@router.get("/movies/search", response_model=schemas.SearchResponse)
def search_movies(
    conn: Conn,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=schemas.MAX_QUERY,
            description="Title words, typos allowed; a trailing year narrows it.",
        ),
    ],
    limit: K = 10,
) -> dict[str, Any]:
    """Films by title, typo-tolerant (pg_trgm): the same search as `movierec search`."""
    from movierec.query.search import search

    return {"query": q, "results": search(conn, q, k=limit)}


@router.get("/movies/{movie_id}", response_model=schemas.MovieDetails)
def movie_details(conn: Conn, movie_id: int) -> dict[str, Any]:
    """One film's stored details, labelled and predicted genres, and genre scores."""
    from movierec.query.search import details

    found = details(conn, [movie_id]).get(movie_id)
    if found is None:
        raise Problem("not-found", f"no movie has id {movie_id}")
    return found


@router.get("/movies/{movie_id}/similar", response_model=schemas.SimilarResponse)
async def similar_movies(
    request: Request,
    movie_id: int,
    k: K = 10,
    offset: Offset = 0,
    year_from: Annotated[int | None, Query(ge=1870, le=2100)] = None,
    year_to: Annotated[int | None, Query(ge=1870, le=2100)] = None,
    runtime_min: Annotated[int | None, Query(ge=0, le=100_000)] = None,
    runtime_max: Annotated[int | None, Query(ge=0, le=100_000)] = None,
    min_rating: Annotated[float | None, Query(ge=0, le=10)] = None,
    min_votes: Annotated[int | None, Query(ge=0, le=2**31 - 1)] = None,
    genre: Annotated[
        list[str], Query(max_length=schemas.MAX_QUERY, description="Must have (all).")
    ] = [],  # noqa: B006
    exclude_genre: Annotated[list[str], Query(max_length=schemas.MAX_QUERY)] = [],  # noqa: B006
    language: Annotated[str | None, Query(max_length=schemas.MAX_QUERY)] = None,
    exclude: Annotated[
        list[str],
        Query(max_length=schemas.MAX_QUERY, description="Seen films: ids or 'Title (Year)'."),
    ] = [],  # noqa: B006
    explain: bool = False,
) -> JSONResponse:
    """Films like this one: the one similarity query, every filter inside it."""
    wanted = schemas.Filters(
        year_from=year_from,
        year_to=year_to,
        runtime_min=runtime_min,
        runtime_max=runtime_max,
        min_rating=min_rating,
        min_votes=min_votes,
        genre=genre,
        exclude_genre=exclude_genre,
        language=language,
        exclude=list(exclude),
    )
    # The busiest route does its blocking work in one worker-thread hop (taking the pooled
    # connection included), where a Depends(connection) would add two more.
    body = await run_in_threadpool(
        _similar, request.app.state.pool, movie_id, k, offset, wanted, explain
    )
    more = body.pop("more")
    body["next"] = str(request.url.include_query_params(offset=offset + k)) if more else None
    # The shape is SimilarResponse (the OpenAPI document says so); built by hand, it skips
    # pydantic's validation of what the query returned, a third of the request's time.
    return JSONResponse(body)


def _similar(
    pool: Any, movie_id: int, k: int, offset: int, wanted: schemas.Filters, explain: bool
) -> dict[str, Any]:
    from movierec.query.similar import similar

    with pool.connection() as conn:
        movie, found = similar(
            conn,
            movie_id=movie_id,
            k=k + offset,
            filters=filters_of(conn, wanted),
        )
        page = found[offset : offset + k]
        return {
            "query": dataclasses.asdict(movie),
            "results": neighbours(conn, page, [movie.id], explain),
            "more": len(found) == k + offset and offset + k <= schemas.MAX_OFFSET,
        }


@router.post("/recommendations", response_model=schemas.RecommendationResponse)
def recommendations(conn: Conn, body: schemas.RecommendationRequest) -> dict[str, Any]:
    """Films for a person: liked and disliked films (by id or 'Title (Year)'), and/or a
    viewing history (rows by movie_id, imdb_id, or title and year, rated 0-5)."""
    from movierec.records import HistoryRow

    liked, disliked = resolve(conn, body.like), resolve(conn, body.dislike)
    both = {m.id for m in liked} & {m.id for m in disliked}
    if both:
        raise Problem("invalid-request", f"films {sorted(both)} are both liked and disliked")
    rows = [HistoryRow(**item.model_dump()) for item in body.history]
    rows += [HistoryRow(movie_id=m.id, rating=5.0) for m in liked]
    rows += [HistoryRow(movie_id=m.id, rating=1.0) for m in disliked]
    if not rows:
        raise Problem("invalid-request", "give at least one liked film or a history")
    result = _recommend(conn, rows, body.filters, body.k, body.offset, body.explain)
    result["liked"] = [_as_movie(m) for m in liked]
    result["disliked"] = [_as_movie(m) for m in disliked]
    return result


def _as_movie(m: Any) -> dict[str, Any]:
    return {
        "id": m.id,
        "title": m.title,
        "year": m.year,
        "director": m.director,
        "genres": m.genres,
    }


def _recommend(
    conn: psycopg.Connection[Any],
    rows: list[Any],
    wanted: schemas.Filters,
    k: int,
    offset: int,
    explain: bool,
    kind: str | None = None,
    rejects: list[Any] | None = None,
) -> dict[str, Any]:
    from movierec.query.recommend import recommend_history

    history, found = recommend_history(conn, rows, k=k + offset, filters=filters_of(conn, wanted))
    page = found[offset : offset + k]
    results = neighbours(conn, page, history.ids, explain, blend="history")
    if explain and page:
        from movierec.query.explain import led_by

        weights = sorted(
            {m.movie_id: (m.row.rating - 2.5 if m.row.rating is not None else 0.5)
             for m in history.matches if m.movie_id}.items()
        )  # fmt: skip
        leaders = led_by(conn, weights, page)
        for row in results:
            row["explain"]["led_by"] = leaders.get(row["id"], [])
    report = history.report(kind, rejects or []) if kind else None
    more = len(found) == k + offset and offset + k <= schemas.MAX_OFFSET
    return {"history": report, "results": results, "next_offset": offset + k if more else None}


@router.post("/recommendations/history", response_model=schemas.RecommendationResponse)
def history_upload(
    conn: Conn,
    file: Annotated[
        UploadFile, File(description="A Letterboxd (ZIP or CSV), IMDb, Trakt or plain CSV export.")
    ],
    k: K = 10,
    offset: Offset = 0,
    explain: bool = False,
) -> dict[str, Any]:
    """Films for the person whose viewing history this export is (nothing in it recommended);
    the report says what matched and what did not, by reason."""
    from movierec.sources.history import read_history

    suffix = Path(file.filename or "history.csv").suffix or ".csv"
    with tempfile.TemporaryDirectory(prefix="movierec-history-") as folder:
        path = Path(folder) / f"export{suffix}"
        path.write_bytes(file.file.read())
        kind, rows, rejects = read_history(path)
    return _recommend(conn, rows, schemas.Filters(), k, offset, explain, kind, rejects)


@router.post("/movies", status_code=201, response_model=schemas.AddResponse)
def add_movies(
    request: Request,
    films: schemas.NewMovie | list[schemas.NewMovie],
    authorization: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    """Add films no loaded source had (embedded and classified with the stored models).
    Needs `Authorization: Bearer $MOVIEREC_API_TOKEN`; off when the server has no token."""
    from movierec.pipeline.add import add_movies as add
    from movierec.records import MovieRecord

    token = request.app.state.token
    if not token:
        raise Problem("disabled", "adding films is off: the server has no MOVIEREC_API_TOKEN")
    given = (authorization or "").removeprefix("Bearer ").strip()
    if not authorization or not hmac.compare_digest(given.encode(), token.encode()):
        raise Problem("unauthorized", "give Authorization: Bearer <MOVIEREC_API_TOKEN>")
    items = films if isinstance(films, list) else [films]
    records = [
        MovieRecord(source_id="", **{k: v for k, v in f.model_dump().items()}) for f in items
    ]
    from movierec.database.connection import connect

    # A connection of its own: the films go in one transaction (pooled ones autocommit).
    with connect(request.app.state.dsn) as conn:
        added = add(conn, records)
    return {"added": [dataclasses.asdict(a) for a in added]}


@router.get("/genres", response_model=schemas.GenresResponse)
def genres(conn: Conn) -> dict[str, Any]:
    """The catalogue's labelled genres and how many films carry each."""
    rows = conn.execute(queries.get("movies", "genre_counts").sql).fetchall()
    return {"genres": [{"genre": g, "movies": n} for g, n in rows]}


@health.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up (it does not touch the database)."""
    return {"status": "ok"}


@health.get("/readyz", responses={503: {"description": "Not ready: the problem says why."}})
def readyz(request: Request) -> Any:
    """The database answers, its schema is at the newest migration, and films are loaded."""
    from movierec.database import migrate

    try:
        with request.app.state.pool.connection() as conn:
            row = conn.execute(queries.get("movies", "readiness").sql).fetchone()
    except psycopg.errors.UndefinedTable:
        return _not_ready("the database has no movierec schema: run `movierec db upgrade`")
    revision, loaded = row if row else (None, False)
    head = migrate.head()
    if revision != head:
        return _not_ready(
            f"the schema is at {revision or 'nothing'}, not {head}: run `movierec db upgrade`"
        )
    if not loaded:
        return _not_ready("no film is loaded: run `movierec load`")
    return {"status": "ready", "schema": revision, "loaded": True}


def _not_ready(detail: str) -> JSONResponse:
    from movierec.web import problems

    return problems.response("unavailable", detail)
