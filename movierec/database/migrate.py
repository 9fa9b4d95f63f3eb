"""Schema migrations: thin wrappers over Alembic that point it at movierec's database.

Alembic runs on an SQLAlchemy engine whose connections are psycopg's own, opened from the libpq
DSN as given (no URL translation, so socket folders and odd passwords survive as they are).
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.util.exc import CommandError

from movierec.database.connection import connect, mask_password, scrub
from movierec.database.files import migrations_dir
from movierec.errors import MovierecError


@contextmanager
def _connection(dsn: str) -> Iterator[Any]:
    from sqlalchemy import create_engine, pool

    engine = create_engine(
        "postgresql+psycopg://",
        creator=lambda: connect(dsn, register=False),
        poolclass=pool.NullPool,
    )
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def alembic_config(connection: Any = None) -> Config:
    """An Alembic config for movierec's migrations, on ``connection`` when given."""
    config = Config(stdout=io.StringIO())
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["connection"] = connection
    config.attributes["skip_logging"] = True
    return config


def _run(action: str, dsn: str, revision: str) -> None:
    try:
        with _connection(dsn) as conn:
            config = alembic_config(conn)
            if action == "upgrade":
                command.upgrade(config, revision)
            else:
                command.downgrade(config, revision)
            conn.commit()
    except CommandError as exc:
        raise MovierecError(f"db {action} {revision}: {exc}") from None
    except MovierecError:
        raise
    except Exception as exc:
        if type(exc).__module__.startswith(("sqlalchemy", "psycopg")):
            first = str(getattr(exc, "orig", None) or exc).strip().splitlines() or [
                type(exc).__name__
            ]
            raise MovierecError(
                f"db {action} on {mask_password(dsn)} failed: {scrub(first[0], dsn)}"
            ) from None
        raise


def upgrade(dsn: str, revision: str = "head") -> None:
    """Migrate the schema up to ``revision``."""
    _run("upgrade", dsn, revision)


def downgrade(dsn: str, revision: str) -> None:
    """Migrate the schema down to ``revision`` (``base`` removes movierec's tables)."""
    _run("downgrade", dsn, revision)


def current(dsn: str) -> str | None:
    """The revision the database is at, or None before the first migration."""
    from alembic.runtime.migration import MigrationContext

    with _connection(dsn) as conn:
        return MigrationContext.configure(conn).get_current_revision()


@functools.cache
def head() -> str | None:
    """The newest revision movierec's migrations know (read once: /readyz asks often)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()
