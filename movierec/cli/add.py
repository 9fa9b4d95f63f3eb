"""``movierec add``: movies no loaded file had, embedded with the stored models."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from movierec.cli.app import app, database_url
from movierec.cli.options import JsonFlag
from movierec.errors import MovierecError


@app.command()
def add(
    title: Annotated[
        str | None, typer.Argument(metavar="TITLE", help="The new movie's title (or use --file).")
    ] = None,
    year: Annotated[int | None, typer.Option(help="Release year.")] = None,
    genre: Annotated[
        list[str] | None,
        typer.Option("--genre", metavar="GENRE", help="A labelled genre (repeatable)."),
    ] = None,
    overview: Annotated[str | None, typer.Option(help="A plot summary.")] = None,
    director: Annotated[str | None, typer.Option(help="Director(s), comma-separated.")] = None,
    cast: Annotated[
        list[str] | None,
        typer.Option("--cast", metavar="NAME", help="A cast member (repeatable)."),
    ] = None,
    imdb_id: Annotated[str | None, typer.Option(help="The IMDb id (tt...).")] = None,
    file: Annotated[
        Path | None, typer.Option(help="A JSON or JSON Lines file of movies to add.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Add movies that no loaded file had, using the stored models (no retraining).

    Their embedding and predicted genres come from the Doc2Vec model and classifier in the
    database; they are recommendable at once. A movie already loaded (same imdb id, else same
    title and year) is refused. A full reload replaces added movies (use --append).

    \b
    Example: movierec add "Dune: Part Two" --year 2024 --genre Sci-Fi
    Example: movierec add --file new-films.jsonl
    """
    from dataclasses import asdict

    from movierec.cli.output import print_json
    from movierec.database.connection import connect
    from movierec.pipeline.add import add_movies, read_records
    from movierec.query.search import check_text
    from movierec.records import MovieRecord

    if file is not None:
        records = read_records(file)
        if not records:
            raise MovierecError(f"{file}: no movies in the file")
    elif title is not None:
        check_text(title)
        records = [
            MovieRecord(
                source_id="",
                title=title,
                year=year,
                genres=genre or [],
                overview=overview,
                director=director,
                cast=cast or [],
                imdb_id=imdb_id,
            )
        ]
    else:
        raise MovierecError("give a TITLE or --file with movies to add")
    with connect(database_url()) as conn:
        added = add_movies(conn, records)
    if as_json:
        print_json({"added": [asdict(a) for a in added]})
        return
    for a in added:
        predicted = ", ".join(a.predicted_genres) or "none"
        typer.echo(f"added {a.title} ({a.year or '?'}) as id {a.id}; predicted genres: {predicted}")
