"""The ``movierec`` command line: thin typer commands over the library."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from movierec import __version__
from movierec.errors import AmbiguousTitleError, MovierecError, NotFoundError

app = typer.Typer(
    name="movierec",
    help="Movie recommendations from PostgreSQL + pgvector: load a catalogue, ask for similar films.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(
    help="The database: its URL, schema migrations, the embedded server.",
    no_args_is_help=True,
)
app.add_typer(db_app, name="db")

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON on stdout for scripts.")]


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"movierec {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool | None,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = None,
) -> None:
    """Movie recommendations from PostgreSQL + pgvector.

    Without MOVIEREC_DATABASE_URL, movierec runs an embedded PostgreSQL under MOVIEREC_HOME.
    """


@app.command()
def load(
    source: Annotated[
        str | None,
        typer.Argument(
            help="A sample (wikidata-films, movielens-small), a file, or a folder holding one.",
            show_default="wikidata-films",
        ),
    ] = None,
    format: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="wikidata, tmdb, ml-100k, ml-1m, ml-latest, csv or jsonl (default: detected).",
        ),
    ] = None,
    mapping: Annotated[
        str | None,
        typer.Option(
            "--map", help="For csv/jsonl: FIELD=COLUMN pairs, e.g. title=name,genres=tags."
        ),
    ] = None,
    genre_sep: Annotated[
        str | None, typer.Option(help="Separator of genre lists in csv/jsonl (default: | or ,).")
    ] = None,
    rejects: Annotated[
        Path | None, typer.Option(help="Write every rejected row to this CSV file.")
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on any rejected row.")] = False,
    append: Annotated[
        bool,
        typer.Option(
            "--append", help="Add to the loaded movies (deduplicated) instead of replacing them."
        ),
    ] = False,
    seed: Annotated[int, typer.Option(help="Seed for every random choice.")] = 42,
    epochs: Annotated[int, typer.Option(min=1, help="Doc2Vec training epochs.")] = 20,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Load movies (and ratings), train the embedding and genre models, and replace the catalogue.

    Rows that cannot be used are rejected and counted by reason; the rest load. The previous
    catalogue stays queryable during the load and is kept if the load fails.

    Example: movierec load            (the 17,472-film Wikidata sample)

    Example: movierec load ml-latest-small/ --append --rejects rejects.csv
    """
    from movierec.classifier import ClassifierParams
    from movierec.embeddings import Doc2VecParams
    from movierec.loader import load as run_load
    from movierec.sources.tabular import parse_mapping

    result = run_load(
        source,
        doc2vec=Doc2VecParams(epochs=epochs, seed=seed),
        classifier_params=ClassifierParams(seed=seed),
        show_progress=not quiet and not as_json,
        format=format,
        mapping=parse_mapping(mapping),
        genre_sep=genre_sep,
        rejects_path=rejects,
        strict=strict,
        append=append,
    )
    if as_json:
        _print_json(result.as_json())
        return
    metrics = result.metrics
    merged = f", {result.merged:,} already loaded" if result.merged else ""
    typer.echo(
        f"loaded {result.movies:,} movies from {result.source}{merged} "
        f"({result.labelled:,} with genres, {len(result.genres)} genres predicted), "
        f"{result.ratings:,} ratings"
    )
    rejected = result.rejected
    if rejected["total"]:
        by_reason = ", ".join(f"{n:,} {reason}" for reason, n in rejected["by_reason"].items())
        typer.echo(f"rejected {rejected['total']:,} rows: {by_reason}")
        for example in rejected["examples"]:
            typer.echo(f"  {example}")
        if rejected["file"]:
            typer.echo(f"  all rejected rows: {rejected['file']}")
    typer.echo(
        f"genre classifier, held out ({metrics['test_movies']:,} movies, genre words withheld): "
        f"micro-F1 {metrics['micro_f1']:.3f}, macro-F1 {metrics['macro_f1']:.3f}"
    )
    stages = ", ".join(f"{name} {sec:.1f}s" for name, sec in result.seconds.items())
    typer.echo(f"time: {sum(result.seconds.values()):.1f}s ({stages})")


@app.command()
def similar(
    title: Annotated[str, typer.Argument(help="The movie's title (case-insensitive).")],
    year: Annotated[
        int | None, typer.Option(help="The year, when several films share the title.")
    ] = None,
    k: Annotated[int, typer.Option("-k", "--k", min=1, max=1000, help="How many movies.")] = 10,
    as_json: JsonFlag = False,
) -> None:
    """Movies like TITLE: nearest embeddings among films sharing its predicted genres.

    Example: movierec similar "The Matrix" -k 5
    """
    from movierec.database import connect
    from movierec.recommend import as_json as to_json
    from movierec.recommend import similar as run_similar

    with connect() as conn:
        movie, neighbours = run_similar(conn, title, year=year, k=k)
    if as_json:
        _print_json(to_json(movie, neighbours))
        return
    year_text = f" ({movie.year})" if movie.year else ""
    typer.echo(
        f"Movies like {movie.title}{year_text}; predicted genres: {', '.join(movie.predicted_genres)}"
    )
    width = max((len(n.title) for n in neighbours), default=10)
    for rank, n in enumerate(neighbours, start=1):
        typer.echo(
            f"{rank:>3}. {n.title:<{width}}  {n.year or '':>4}  {n.distance:.3f}  {', '.join(n.genres)}"
        )
    if not neighbours:
        typer.echo("no movie shares its predicted genres")


@db_app.command("url")
def db_url(
    show_password: Annotated[bool, typer.Option(help="Print the password instead of ***.")] = False,
) -> None:
    """Print the database URL, for psql or other tools (starts the embedded server if needed).

    Example: psql "$(movierec db url)" -c "select * from similar_movies('The Matrix', 5)"
    """
    from movierec.database import database_url, libpq_url, mask_password

    url = libpq_url(database_url())
    typer.echo(url if show_password else mask_password(url))


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Migrate the schema up (``movierec load`` does this by itself).

    Example: movierec db upgrade
    """
    from movierec import migrate

    migrate.upgrade(None, revision)
    typer.echo(f"schema at {migrate.current() or 'base'}")


@db_app.command("downgrade")
def db_downgrade(
    revision: Annotated[
        str, typer.Argument(help="Target revision; 'base' drops movierec's tables.")
    ],
) -> None:
    """Migrate the schema down to REVISION (data in dropped tables is lost).

    Example: movierec db downgrade base
    """
    from movierec import migrate

    migrate.downgrade(None, revision)
    typer.echo(f"schema at {migrate.current() or 'base'}")


@db_app.command("stop")
def db_stop() -> None:
    """Stop the embedded PostgreSQL server (the next command starts it again).

    Example: movierec db stop
    """
    from movierec.database import stop_embedded

    typer.echo("stopped" if stop_embedded() else "the embedded server was not running")


def _fail(message: str, code: int = 2) -> NoReturn:
    sys.stderr.write(f"error: {message}\n")
    raise SystemExit(code)


class _Interrupted(BaseException):
    """Ctrl-C, raised past click (which would swallow a KeyboardInterrupt silently)."""


def _on_sigint(signum: int, frame: object) -> None:
    raise _Interrupted


def main() -> None:
    """Console entry point: user errors become one line on stderr and exit status 2.

    Usage errors are typer's own (exit 2); everything movierec raises for the user is caught here.
    """
    import signal

    signal.signal(signal.SIGINT, _on_sigint)
    try:
        app(prog_name="movierec")
    except (_Interrupted, KeyboardInterrupt):
        _fail("interrupted; nothing was changed (a load rolls back to the previous catalogue)", 130)
    except AmbiguousTitleError as exc:
        lines = [
            f"  {c['title']} ({c['year']}), {c['director'] or 'director unknown'}"
            for c in exc.candidates
        ]
        sys.stderr.write("\n".join(lines) + "\n")
        _fail(str(exc))
    except NotFoundError as exc:
        if exc.suggestions:
            closest = "; ".join(f"{s['title']} ({s['year']})" for s in exc.suggestions)
            _fail(f"{exc}; closest titles: {closest}")
        _fail(str(exc))
    except MovierecError as exc:
        _fail(str(exc))
    except Exception as exc:
        import psycopg

        if isinstance(exc, psycopg.Error):
            from movierec.database import mask_password

            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            _fail(f"database error: {mask_password(first)}", 1)
        raise


if __name__ == "__main__":
    main()
