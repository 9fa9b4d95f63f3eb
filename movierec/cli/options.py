"""Options several commands share: the filters of ``similar`` and ``recommend``, -k, --json."""

from __future__ import annotations

from typing import Annotated

import typer

from movierec.cli.fast import K_RANGE

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON on stdout for scripts.")]
K = Annotated[
    int, typer.Option("-k", "--k", min=K_RANGE[0], max=K_RANGE[1], help="How many movies.")
]
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
