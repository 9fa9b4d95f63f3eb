"""Schema migrations: thin wrappers over Alembic that point it at movierec's database."""

from __future__ import annotations

import io

from alembic import command
from alembic.config import Config
from alembic.util.exc import CommandError

from movierec import queries
from movierec.database import database_url, mask_password
from movierec.errors import MovierecError
from movierec.paths import migrations_dir


def alembic_config(dsn: str | None = None) -> Config:
    """An Alembic config for movierec's migrations, bound to ``dsn`` (default: the settings)."""
    config = Config(stdout=io.StringIO())
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["url"] = dsn or database_url()
    config.attributes["skip_logging"] = True
    return config


def _run(action: str, dsn: str | None, revision: str) -> None:
    config = alembic_config(dsn)
    try:
        if action == "upgrade":
            command.upgrade(config, revision)
        else:
            command.downgrade(config, revision)
    except CommandError as exc:
        raise MovierecError(f"db {action} {revision}: {exc}") from exc
    except Exception as exc:
        if type(exc).__module__.startswith(("sqlalchemy", "psycopg")):
            url = mask_password(str(config.attributes["url"]))
            first = mask_password(str(exc).strip().splitlines()[0])
            raise MovierecError(f"db {action} on {url} failed: {first}") from exc
        raise


def upgrade(dsn: str | None = None, revision: str = "head") -> None:
    """Migrate the schema up to ``revision``."""
    _run("upgrade", dsn, revision)


def downgrade(dsn: str | None, revision: str) -> None:
    """Migrate the schema down to ``revision`` (``base`` removes movierec's tables)."""
    _run("downgrade", dsn, revision)


def current(dsn: str | None = None) -> str | None:
    """The revision the database is at, or None before the first migration."""
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import create_engine, pool

    from movierec.database import sqlalchemy_url

    engine = create_engine(sqlalchemy_url(dsn or database_url()), poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def sql_function(
    name: str,
    group: str,
    query: str,
    args: list[tuple[str, str, str]],
    returns: str,
    settings: dict[str, str],
) -> str:
    """``create or replace function name(...)`` whose body is the named query ``group.query``.

    ``args`` are (function argument, query parameter it binds, SQL type and default), in the
    function's argument order; ``settings`` become SET clauses.
    """
    body = queries.get(group, query).positional([param for _, param, _ in args])
    # The query files double '%' for psycopg; a function body is plain SQL.
    body = body.replace("%%", "%")
    arguments = ", ".join(f"{arg} {kind}" for arg, _, kind in args)
    sets = "\n".join(f"    set {key} = {value}" for key, value in settings.items())
    return f"""
create or replace function {name}({arguments})
returns table ({returns})
language sql stable
{sets}
as $body$
{body}
$body$
"""
