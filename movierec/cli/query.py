"""``similar``, ``recommend``, ``search`` and ``show``: the commands that only read."""

from __future__ import annotations

from typing import Annotated

import typer

from movierec.cli.app import app, database_url
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
    filters,
)
from movierec.errors import MovierecError

Year = Annotated[int | None, typer.Option(help="The year, when several films share the title.")]
MovieId = Annotated[
    int | None,
    typer.Option("--id", help="The movie's id (see `search`), for namesakes of the same year."),
]


def _title_or_id(title: str | None, movie_id: int | None) -> None:
    if title is None and movie_id is None:
        raise MovierecError("give a TITLE, or a movie's id with --id")
    if title is not None and movie_id is not None:
        raise MovierecError("give a TITLE or --id, not both")


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
    from movierec.cli.output import movie_json, neighbours_json, print_json, print_neighbours
    from movierec.database.connection import connect
    from movierec.query.explain import explain as explain_results
    from movierec.query.similar import similar as run_similar

    _title_or_id(title, movie_id)
    options = dict(locals())
    with connect(database_url()) as conn:
        wanted = filters(conn, options)
        movie, neighbours = run_similar(
            conn, title, year=year, movie_id=movie_id, k=k, filters=wanted
        )
        reasons = explain_results(conn, [movie.id], neighbours) if explain else None
    if as_json:
        print_json({"query": movie_json(movie), "results": neighbours_json(neighbours, reasons)})
        return
    year_text = f" ({movie.year})" if movie.year else ""
    predicted = ", ".join(movie.predicted_genres) or "none (any genre)"
    typer.echo(f"Movies like {movie.title}{year_text}; predicted genres: {predicted}")
    print_neighbours(neighbours, reasons)


@app.command()
def recommend(
    like: Annotated[
        list[str], typer.Option("--like", metavar="TITLE", help="A movie you liked (repeatable).")
    ],
    dislike: Annotated[
        list[str] | None,
        typer.Option("--dislike", metavar="TITLE", help="A movie you did not like (repeatable)."),
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
    """Movies for a taste: several liked (and disliked) movies, the inputs excluded.

    The query vector is the mean embedding of the liked movies minus half the mean of the
    disliked ones; the genre filter is the union of the liked movies' predicted genres.

    \b
    Example: movierec recommend --like "The Matrix" --like "Heat (1995)"
    Example: movierec recommend --like "Alien" --dislike "Titanic (1997)" -k 5
    """
    from movierec.cli.output import neighbours_json, print_json, print_neighbours
    from movierec.database.connection import connect
    from movierec.query.explain import explain as explain_results
    from movierec.query.recommend import recommend as run_recommend

    options = dict(locals())
    with connect(database_url()) as conn:
        wanted = filters(conn, options)
        taste, neighbours = run_recommend(conn, like, dislike or [], k=k, filters=wanted)
        reasons = (
            explain_results(conn, [m.id for m in taste.liked], neighbours) if explain else None
        )
    if as_json:
        print_json(
            {
                "liked": [{"id": m.id, "title": m.title, "year": m.year} for m in taste.liked],
                "disliked": [
                    {"id": m.id, "title": m.title, "year": m.year} for m in taste.disliked
                ],
                "genres": taste.genres,
                "results": neighbours_json(neighbours, reasons),
            }
        )
        return
    names = ", ".join(f"{m.title} ({m.year})" for m in taste.liked)
    typer.echo(f"For a taste for {names}; genres: {', '.join(taste.genres) or 'any'}")
    print_neighbours(neighbours, reasons)


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
    from movierec.database.connection import connect
    from movierec.query.search import search as run_search

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
    from movierec.database.connection import connect
    from movierec.query.search import details
    from movierec.query.similar import similar as run_similar

    _title_or_id(title, movie_id)
    with connect(database_url()) as conn:
        movie, neighbours = run_similar(conn, title, year=year, movie_id=movie_id, k=k)
        info = details(conn, [movie.id])[movie.id]
    info["neighbours"] = [
        {"id": n.id, "title": n.title, "year": n.year, "distance": n.distance} for n in neighbours
    ]
    if as_json:
        print_json(info)
    else:
        print_show(info)
