"""The root of the command line: the typer app and its `db` group. The commands register on
it from their modules (cli/__init__.py imports them); cli/entry.py runs it."""

from __future__ import annotations

from typing import Annotated

import typer

from movierec import __version__
from movierec.cli.url import database_url

__all__ = ["app", "database_url", "db_app"]

app = typer.Typer(
    name="movierec",
    help="Movie recommendations from PostgreSQL + pgvector: load a catalogue, ask for similar films.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain click help: option names stay whole at 80 columns, where rich's tables wrap them;
    # wider terminals get up to 120.
    rich_markup_mode=None,
    context_settings={"max_content_width": 120},
)
db_app = typer.Typer(
    help="The database: its URL, psql, schema migrations, the embedded server.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(db_app, name="db")


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
