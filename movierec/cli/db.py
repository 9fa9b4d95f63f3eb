"""``movierec db``: the database URL, psql, schema migrations, the embedded server."""

from __future__ import annotations

from typing import Annotated

import typer

from movierec.cli.app import database_url, db_app


@db_app.command("url")
def db_url(
    show_password: Annotated[bool, typer.Option(help="Print the password instead of ***.")] = False,
) -> None:
    """Print the database URL, for psql or other tools (starts the embedded server if needed).

    \b
    Example: psql "$(movierec db url)" -c "select * from search_movies('heat')"
    """
    from movierec.database.connection import mask_password

    url = database_url()
    typer.echo(url if show_password else mask_password(url))


@db_app.command(
    "psql",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
def db_psql(
    args: Annotated[
        list[str] | None,
        typer.Argument(metavar="ARGS", help="Arguments for psql, e.g. -c 'select 1'."),
    ] = None,
) -> None:
    """Open the bundled psql on movierec's database (no psql client needed).

    The password, if any, travels in PGPASSWORD, not on psql's command line.

    \b
    Example: movierec db psql -c "select * from similar_movies('Heat', 5, 1995)"
    """
    import os

    from movierec.database.connection import psql_command

    command, env = psql_command(database_url(), args or [])
    os.execve(command[0], command, {**os.environ, **env})


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(metavar="REVISION", help="Target revision.")] = "head",
) -> None:
    """Migrate the schema up (``movierec load`` does this by itself).

    \b
    Example: movierec db upgrade
    """
    from movierec.database import migrate

    url = database_url()
    migrate.upgrade(url, revision)
    typer.echo(f"schema at {migrate.current(url) or 'base'}")


@db_app.command("downgrade")
def db_downgrade(
    revision: Annotated[
        str,
        typer.Argument(metavar="REVISION", help="Target revision; 'base' drops movierec's tables."),
    ],
) -> None:
    """Migrate the schema down to REVISION (data in dropped tables is lost).

    \b
    Example: movierec db downgrade base
    """
    from movierec.database import migrate

    url = database_url()
    migrate.downgrade(url, revision)
    typer.echo(f"schema at {migrate.current(url) or 'base'}")


@db_app.command("stop")
def db_stop() -> None:
    """Stop the embedded PostgreSQL server (the next command starts it again).

    \b
    Example: movierec db stop
    """
    from movierec.database import server
    from movierec.settings import get_settings

    typer.echo(
        "stopped" if server.stop(get_settings().home) else "the embedded server was not running"
    )
