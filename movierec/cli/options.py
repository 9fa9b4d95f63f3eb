"""Options several commands share: the filters of ``similar`` and ``recommend``, -k, --json."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

import typer

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON on stdout for scripts.")]
K = Annotated[int, typer.Option("-k", "--k", min=1, max=1000, help="How many movies.")]
Explain = Annotated[bool, typer.Option("--explain", help="Say why each movie is recommended.")]
YearFrom = Annotated[int | None, typer.Option(help="Only movies from this year on.")]
YearTo = Annotated[int | None, typer.Option(help="Only movies up to this year.")]
RuntimeMin = Annotated[int | None, typer.Option(help="Minimum runtime in minutes.")]
RuntimeMax = Annotated[int | None, typer.Option(help="Maximum runtime in minutes.")]
MinRating = Annotated[float | None, typer.Option(help="Minimum rating (0-10).")]
MinVotes = Annotated[int | None, typer.Option(help="Minimum number of votes.")]
Genre = Annotated[
    list[str] | None,
    typer.Option(
        "--genre", metavar="GENRE", help="Must have this genre (repeatable: all of them)."
    ),
]
ExcludeGenre = Annotated[
    list[str] | None,
    typer.Option("--exclude-genre", metavar="GENRE", help="Must not have this genre (repeatable)."),
]
Language = Annotated[str | None, typer.Option(help="Only movies in this language.")]
Exclude = Annotated[
    list[str] | None,
    typer.Option(
        "--exclude",
        metavar="TITLE",
        help="A title not to recommend, e.g. one already seen (repeatable).",
    ),
]


def filters(conn: Any, options: dict[str, Any]) -> Any:
    """The filter options of `similar` / `recommend` (their locals()) as checked Filters."""
    from movierec.query.search import resolve_ids
    from movierec.query.similar import Filters, known_genres

    wanted = Filters(
        year_from=options["year_from"],
        year_to=options["year_to"],
        runtime_min=options["runtime_min"],
        runtime_max=options["runtime_max"],
        min_rating=options["min_rating"],
        min_votes=options["min_votes"],
        required_genres=options["genre"] or None,
        excluded_genres=options["exclude_genre"] or None,
        language=options["language"],
    )
    genres = known_genres(conn) if wanted.required_genres or wanted.excluded_genres else None
    wanted.check(genres)
    excluded = resolve_ids(conn, options["exclude"] or [])
    return dataclasses.replace(wanted, exclude_ids=excluded or None)
