"""Schema migrations: thin wrappers over Alembic that point it at movierec's database."""

from __future__ import annotations

import io

from alembic import command
from alembic.config import Config
from alembic.util.exc import CommandError

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
