"""The web pages: server-rendered (Jinja2, autoescaped), plain forms that work without
JavaScript; static/app.js only adds title suggestions as you type."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated, Any

import psycopg
from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

from movierec.errors import AmbiguousTitleError, MovierecError, NotFoundError
from movierec.web import problems, schemas
from movierec.web.pool import connection

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(
    env=Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
)
Conn = Annotated[psycopg.Connection[Any], Depends(connection)]


def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render a template; every value is HTML-escaped."""
    return templates.TemplateResponse(request, name, context, status_code=status)


def error_page(request: Request, kind: str, detail: str, **extensions: Any) -> HTMLResponse:
    """A problem as a page: what went wrong, and what to do (closest titles, candidates)."""
    status, title, meaning = problems.TYPES[kind]
    return page(
        request,
        "error.html",
        status,
        title=title,
        status_code=status,
        detail=detail,
        meaning=meaning,
        suggestions=extensions.get("suggestions") or [],
        candidates=extensions.get("candidates") or [],
    )


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    return page(request, "index.html")


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    conn: Conn,
    q: Annotated[str, Query(max_length=schemas.MAX_QUERY)] = "",
) -> Response:
    """Titles like the query: the page to pick a film from, namesakes told apart by year,
    director and genres."""
    from movierec.query.search import search

    if not q.strip():
        return RedirectResponse("/", status_code=303)
    rows = search(conn, q, k=20)
    return page(request, "search.html", q=q, results=rows)


def _filters_from(request: Request, conn: psycopg.Connection[Any], exclude: list[int]) -> Any:
    from movierec.web.api import filters_of

    params = request.query_params

    def number(name: str, kind: type) -> Any:
        value = params.get(name, "").strip()
        return kind(value) if value else None

    try:
        wanted = schemas.Filters(
            year_from=number("year_from", int),
            year_to=number("year_to", int),
            min_rating=number("min_rating", float),
            runtime_min=number("runtime_min", int),
            runtime_max=number("runtime_max", int),
            genre=[g for g in params.getlist("genre") if g],
            exclude_genre=[g for g in params.getlist("exclude_genre") if g],
            language=params.get("language") or None,
            exclude=list(exclude),
        )
    except ValueError as exc:
        raise MovierecError(f"a filter is not valid: {exc.__class__.__name__}") from None
    return filters_of(conn, wanted)


@router.get("/films/{movie_id}", response_class=HTMLResponse)
def film_page(
    request: Request,
    conn: Conn,
    movie_id: int,
    exclude: Annotated[list[int], Query(max_length=schemas.MAX_TITLES)] = [],  # noqa: B006
    k: Annotated[int, Query(ge=1, le=schemas.MAX_K)] = 10,
) -> HTMLResponse:
    """A film: its details, genres with scores, and films like it, with filters, a why for
    each, and a way to leave out films already seen."""
    from movierec.query.explain import explain
    from movierec.query.search import details
    from movierec.query.similar import known_genres, similar

    info = details(conn, [movie_id]).get(movie_id)
    if info is None:
        return error_page(request, "not-found", f"no movie has id {movie_id}")
    filters = _filters_from(request, conn, exclude)
    movie, found = similar(conn, movie_id=movie_id, k=k, filters=filters)
    reasons = explain(conn, [movie.id], found)
    scores = sorted(info["genre_scores"].items(), key=lambda kv: -kv[1])[:8]
    return page(
        request,
        "film.html",
        film=info,
        scores=scores,
        results=found,
        reasons=reasons,
        genres=known_genres(conn),
        params=request.query_params,
        exclude=exclude,
        excluded=details(conn, exclude) if exclude else {},
        seen_links={n.id: _seen_link(request, n.id) for n in found},
    )


def _seen_link(request: Request, movie_id: int) -> str:
    """This page's address with one more film left out."""
    pairs = [(k, v) for k, v in request.query_params.multi_items()]
    pairs.append(("exclude", str(movie_id)))
    from urllib.parse import urlencode

    return f"{request.url.path}?{urlencode(pairs)}"


def _resolve_lines(
    conn: psycopg.Connection[Any], text: str
) -> tuple[list[Any], list[dict[str, Any]]]:
    """Films from one-per-line titles, and for each line that names none (or several) what
    the person can pick instead."""
    from movierec.query.search import resolve_title

    found, problems_found = [], []
    for line in [t.strip() for t in text.splitlines() if t.strip()][: schemas.MAX_TITLES]:
        try:
            found.append(resolve_title(conn, line[: schemas.MAX_QUERY])[0])
        except AmbiguousTitleError as exc:
            problems_found.append({"line": line, "why": "several films", "pick": exc.candidates})
        except NotFoundError as exc:
            problems_found.append({"line": line, "why": "no such film", "pick": exc.suggestions})
    return found, problems_found


@router.get("/taste", response_class=HTMLResponse)
def taste_page(
    request: Request,
    conn: Conn,
    liked: Annotated[str, Query(max_length=50_000)] = "",
    disliked: Annotated[str, Query(max_length=50_000)] = "",
) -> HTMLResponse:
    """Films for a taste: liked and disliked films, one per line."""
    from movierec.query.recommend import recommend_history
    from movierec.records import HistoryRow

    likes, like_problems = _resolve_lines(conn, liked)
    dislikes, dislike_problems = _resolve_lines(conn, disliked)
    results: list[Any] = []
    leaders: dict[int, Any] = {}
    if likes:
        from movierec.query.explain import led_by

        rows = [HistoryRow(movie_id=m.id, rating=5.0) for m in likes]
        rows += [
            HistoryRow(movie_id=m.id, rating=1.0)
            for m in dislikes
            if m.id not in {x.id for x in likes}
        ]
        _, results = recommend_history(conn, rows, k=12)
        leaders = led_by(conn, sorted((m.id, 1.0) for m in likes), results)
    return page(
        request,
        "taste.html",
        liked=liked,
        disliked=disliked,
        likes=likes,
        dislikes=dislikes,
        problems=like_problems + dislike_problems,
        results=results,
        leaders=leaders,
        asked=bool(liked.strip() or disliked.strip()),
    )


@router.get("/history", response_class=HTMLResponse)
def history_form(request: Request) -> HTMLResponse:
    return page(request, "history.html", report=None, results=[], leaders={})


@router.post("/history", response_class=HTMLResponse)
def history_page(
    request: Request,
    conn: Conn,
    file: Annotated[UploadFile, File()],
) -> HTMLResponse:
    """Films from an uploaded viewing history, with what matched and what did not."""
    import tempfile
    from pathlib import Path

    from movierec.query.explain import led_by
    from movierec.query.recommend import recommend_history
    from movierec.sources.history import read_history

    suffix = Path(file.filename or "history.csv").suffix or ".csv"
    with tempfile.TemporaryDirectory(prefix="movierec-history-") as folder:
        path = Path(folder) / f"export{suffix}"
        path.write_bytes(file.file.read())
        kind, rows, rejects = read_history(path)
    history, results = recommend_history(conn, rows, k=12)
    weights = sorted(
        {m.movie_id: (m.row.rating - 2.5 if m.row.rating is not None else 0.5)
         for m in history.matches if m.movie_id}.items()
    )  # fmt: skip
    leaders = led_by(conn, weights, results)
    return page(
        request,
        "history.html",
        report=history.report(kind, rejects),
        results=results,
        leaders=leaders,
        filename=file.filename,
    )


def movie_dict(movie: Any) -> dict[str, Any]:
    return dataclasses.asdict(movie)
