"""`movierec similar` without typer: its start-up is Python's, psycopg's and the query's.

Importing typer (with click and pydantic) costs more than the whole query, so the entry point
tries this parser first. It knows `similar`'s options only; anything it does not take as it is
(another command, --help, an unknown or malformed option, a value out of range) goes to the
typer app, which parses again and answers as it always does. tests/cli/test_fast.py checks that
OPTIONS are the typer command's options and that both parse the same arguments the same way.
"""

from __future__ import annotations

import argparse
from typing import Any, NoReturn

# (flags, keyword, type, repeatable): the typer command `similar` in cli/query.py, option by
# option.
OPTIONS: list[tuple[tuple[str, ...], str, type, bool]] = [
    (("--year",), "year", int, False),
    (("--id",), "movie_id", int, False),
    (("-k", "--k"), "k", int, False),
    (("--year-from",), "year_from", int, False),
    (("--year-to",), "year_to", int, False),
    (("--runtime-min",), "runtime_min", int, False),
    (("--runtime-max",), "runtime_max", int, False),
    (("--min-rating",), "min_rating", float, False),
    (("--min-votes",), "min_votes", int, False),
    (("--genre",), "genre", str, True),
    (("--exclude-genre",), "exclude_genre", str, True),
    (("--language",), "language", str, False),
    (("--exclude",), "exclude", str, True),
]
FLAGS: list[tuple[str, str]] = [("--explain", "explain"), ("--json", "as_json")]
K_RANGE = (1, 1000)
"""-k's bounds, as the typer option declares them (cli/options.py)."""


class _NotMine(Exception):
    """The arguments are not a plain `similar` call: the typer app takes them."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _NotMine(message)


def _parser() -> _Parser:
    parser = _Parser(prog="movierec similar", add_help=False, allow_abbrev=False)
    parser.add_argument("title", nargs="?", default=None)
    for flags, dest, kind, repeatable in OPTIONS:
        if repeatable:
            parser.add_argument(*flags, dest=dest, type=kind, action="append", default=None)
        else:
            parser.add_argument(*flags, dest=dest, type=kind, default=None)
    for flag, dest in FLAGS:
        parser.add_argument(flag, dest=dest, action="store_true", default=False)
    return parser


def parse(argv: list[str]) -> dict[str, Any] | None:
    """`similar`'s options as the typer command would receive them, or None when the typer
    app should take ``argv``."""
    if not argv or argv[0] != "similar":
        return None
    rest = argv[1:]
    if any(a in ("--help", "-h") for a in rest):
        return None
    try:
        options = vars(_parser().parse_args(rest))
    except _NotMine:
        return None
    if options["k"] is None:
        options["k"] = 10
    if not K_RANGE[0] <= options["k"] <= K_RANGE[1]:
        return None
    return options


def title_or_id(title: str | None, movie_id: int | None) -> None:
    """`similar` and `show` take a title or an id, one of the two."""
    from movierec.errors import MovierecError

    if title is None and movie_id is None:
        raise MovierecError("give a TITLE, or a movie's id with --id")
    if title is not None and movie_id is not None:
        raise MovierecError("give a TITLE or --id, not both")


def similar(options: dict[str, Any]) -> None:
    """Run `similar` with parsed ``options`` and print its answer (text, or JSON)."""
    from movierec.cli.filters import filters
    from movierec.cli.output import echo, movie_json, neighbours_json, print_json, print_neighbours
    from movierec.cli.url import database_url
    from movierec.query.settings import connect
    from movierec.query.similar import similar as run_similar

    title, movie_id = options["title"], options["movie_id"]
    title_or_id(title, movie_id)
    with connect(database_url()) as conn:
        wanted = filters(conn, options)
        movie, neighbours = run_similar(
            conn, title, year=options["year"], movie_id=movie_id, k=options["k"], filters=wanted
        )
        reasons = None
        if options["explain"]:
            from movierec.query.explain import explain

            reasons = explain(conn, [movie.id], neighbours)
    if options["as_json"]:
        print_json({"query": movie_json(movie), "results": neighbours_json(neighbours, reasons)})
        return
    year_text = f" ({movie.year})" if movie.year else ""
    predicted = ", ".join(movie.predicted_genres) or "none (any genre)"
    echo(f"Movies like {movie.title}{year_text}; predicted genres: {predicted}")
    print_neighbours(neighbours, reasons)
