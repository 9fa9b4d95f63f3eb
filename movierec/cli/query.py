"""``similar``, ``recommend``, ``search`` and ``show``: the commands that only read."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from movierec.cli.app import app, database_url
from movierec.cli.fast import title_or_id
from movierec.cli.filters import filters
from movierec.cli.options import (
    Exclude,
    ExcludeGenre,
    Explain,
    Genre,
    JsonFlag,
    K,
    Language,
    MinRating,
    MinVotes,
    RuntimeMax,
    RuntimeMin,
    YearFrom,
    YearTo,
)
from movierec.errors import MovierecError

Year = Annotated[int | None, typer.Option(help="The year, when several films share the title.")]
MovieId = Annotated[
    int | None,
    typer.Option("--id", help="The movie's id (see `search`), for namesakes of the same year."),
]


@app.command()
def similar(
    title: Annotated[
        str | None,
        typer.Argument(
            metavar="TITLE", help="The movie's title (case-insensitive); 'Title (YEAR)' picks one."
        ),
    ] = None,
    year: Year = None,
    movie_id: MovieId = None,
    k: K = 10,
    year_from: YearFrom = None,
    year_to: YearTo = None,
    runtime_min: RuntimeMin = None,
    runtime_max: RuntimeMax = None,
    min_rating: MinRating = None,
    min_votes: MinVotes = None,
    genre: Genre = None,
    exclude_genre: ExcludeGenre = None,
    language: Language = None,
    exclude: Exclude = None,
    explain: Explain = False,
    as_json: JsonFlag = False,
) -> None:
    """Movies like TITLE: nearest embeddings among films sharing its predicted genres.

    Every filter runs inside the same single SQL query, on the HNSW index.

    \b
    Example: movierec similar "The Matrix" -k 5 --year-from 1990
    Example: movierec similar "Hamlet (1996)" --exclude-genre Romance --explain
    """
    from movierec.cli.fast import similar as run_similar

    # The body is the fast path's (cli/fast.py), which the entry point runs without typer.
    run_similar(dict(locals()))


@app.command()
def recommend(
    like: Annotated[
        list[str] | None,
        typer.Option("--like", metavar="TITLE", help="A movie you liked (repeatable)."),
    ] = None,
    dislike: Annotated[
        list[str] | None,
        typer.Option("--dislike", metavar="TITLE", help="A movie you did not like (repeatable)."),
    ] = None,
    history: Annotated[
        Path | None,
        typer.Option(
            "--history",
            metavar="FILE",
            help="Your viewing history: a Letterboxd export (.zip or its CSVs), IMDb "
            "ratings.csv, Trakt ratings-movies.json / watched-movies.json, or a CSV of "
            "title, year, rating.",
        ),
    ] = None,
    k: K = 10,
    year_from: YearFrom = None,
    year_to: YearTo = None,
    runtime_min: RuntimeMin = None,
    runtime_max: RuntimeMax = None,
    min_rating: MinRating = None,
    min_votes: MinVotes = None,
    genre: Genre = None,
    exclude_genre: ExcludeGenre = None,
    language: Language = None,
    exclude: Exclude = None,
    explain: Explain = False,
    as_json: JsonFlag = False,
) -> None:
    """Movies for you: from your viewing history, or from films you liked and disliked.

    Films match the catalogue by imdb id, else by title within a year. Liked films (3.5 of 5,
    7 of 10, or more) pull, disliked ones (2 of 5, 4 of 10, or less) push away; newer ones
    weigh a little more. Nothing you have seen is recommended.

    \b
    Example: movierec recommend --history letterboxd-export.zip --explain
    Example: movierec recommend --like "The Matrix" --dislike "Titanic (1997)"
    """
    from movierec.cli.output import (
        neighbours_json,
        print_history,
        print_json,
        print_neighbours,
    )
    from movierec.query.explain import explain as explain_results
    from movierec.query.explain import led_by
    from movierec.query.recommend import recommend_history
    from movierec.query.search import resolve_title
    from movierec.query.settings import connect
    from movierec.records import HistoryRow, Reject

    if not like and not history:
        raise MovierecError("give --history FILE, or at least one --like TITLE")
    options = dict(locals())
    kind, rows, rejects = "likes", list[HistoryRow](), list[Reject]()
    if history is not None:
        from movierec.sources.history import read_history

        kind, rows, rejects = read_history(history)
    with connect(database_url()) as conn:
        wanted = filters(conn, options)
        liked = [resolve_title(conn, t)[0] for t in like or []]
        disliked = [resolve_title(conn, t)[0] for t in dislike or []]
        both = {m.id for m in liked} & {m.id for m in disliked}
        if both:
            names = ", ".join(f"{m.title} ({m.year})" for m in liked if m.id in both)
            raise MovierecError(f"{names}: both liked and disliked; keep it on one side")
        rows += [HistoryRow(movie_id=m.id, rating=5.0, where="--like") for m in liked]
        rows += [HistoryRow(movie_id=m.id, rating=1.0, where="--dislike") for m in disliked]
        matched, neighbours = recommend_history(conn, rows, k=k, filters=wanted)
        reasons = leaders = None
        if explain:
            reasons = explain_results(conn, matched.ids, neighbours, blend="history")
            leaders = led_by(conn, _weights(matched), neighbours)
    if as_json:
        results = neighbours_json(neighbours, reasons)
        if leaders is not None:
            for row in results:
                row["explain"]["led_by"] = leaders.get(row["id"], [])
        print_json({"history": matched.report(kind, rejects), "results": results})
        return
    print_history(kind, matched, rejects)
    print_neighbours(neighbours, reasons, leaders)


def _weights(history: Any) -> list[tuple[int, float]]:
    """Each matched film and its pull (rating - 2.5, a mild 0.5 without a rating)."""
    weight: dict[int, float] = {}
    for m in history.matches:
        if m.movie_id is not None:
            r = m.row.rating
            weight[m.movie_id] = (r - 2.5) if r is not None else 0.5
    return sorted(weight.items())


@app.command()
def search(
    query: Annotated[
        str,
        typer.Argument(
            metavar="QUERY", help="Words of a title, typos allowed; a trailing year narrows it."
        ),
    ],
    k: K = 10,
    as_json: JsonFlag = False,
) -> None:
    """Find movies by title, typo-tolerant (pg_trgm), to pick the exact film.

    \b
    Example: movierec search "matrx"
    Example: movierec search "hamlet 1996"
    """
    from movierec.cli.output import print_json
    from movierec.query.search import search as run_search
    from movierec.query.settings import connect

    with connect(database_url()) as conn:
        rows = run_search(conn, query, k=k)
    if as_json:
        print_json({"query": query, "results": rows})
        return
    if not rows:
        typer.echo(f"no title looks like {query!r}")
    width = max((len(r["title"]) for r in rows), default=10)
    for r in rows:
        typer.echo(
            f"{r['id']:>7}  {r['title']:<{width}}  {r['year'] or '':>4}  "
            f"{r['director'] or '':<28.28}  {', '.join(r['genres'])}"
        )


@app.command()
def show(
    title: Annotated[
        str | None,
        typer.Argument(metavar="TITLE", help="The movie's title; 'Title (YEAR)' picks one."),
    ] = None,
    year: Year = None,
    movie_id: MovieId = None,
    k: K = 5,
    as_json: JsonFlag = False,
) -> None:
    """One movie's stored details, its labelled and predicted genres, and its neighbours.

    \b
    Example: movierec show "The Matrix"
    """
    from movierec.cli.output import print_json, print_show
    from movierec.query.search import details
    from movierec.query.settings import connect
    from movierec.query.similar import similar as run_similar

    title_or_id(title, movie_id)
    with connect(database_url()) as conn:
        movie, neighbours = run_similar(conn, title, year=year, movie_id=movie_id, k=k)
        info = details(conn, [movie.id])[movie.id]
    info["neighbours"] = [
        {"id": n.id, "title": n.title, "year": n.year, "score": round(n.score, 4)}
        for n in neighbours
    ]
    if as_json:
        print_json(info)
    else:
        print_show(info)
