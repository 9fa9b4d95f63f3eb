"""Connections: the configured PostgreSQL, or an embedded one started under MOVIEREC_HOME."""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from movierec.errors import MovierecError
from movierec.settings import Settings, get_settings

logger = logging.getLogger(__name__)

EMBEDDED_DATABASE = "movierec"


def mask_password(dsn: str) -> str:
    """Return ``dsn`` with any password replaced by ``***`` (URL and key=value forms)."""
    if "://" in dsn:
        parts = urlsplit(dsn)
        if parts.password:
            user = parts.username or ""
            host = parts.netloc.rsplit("@", 1)[1]
            parts = parts._replace(netloc=f"{user}:***@{host}")
        query = re.sub(r"(?i)(password=)[^&]*", r"\1***", parts.query)
        return urlunsplit(parts._replace(query=query))
    return re.sub(r"(?i)(password\s*=\s*)('[^']*'|\S+)", r"\1***", dsn)


def _start_embedded(settings: Settings) -> str:
    """Start (or reuse) the embedded PostgreSQL and return a DSN for its movierec database."""
    from movierec import embedded

    settings.home.mkdir(parents=True, exist_ok=True)
    try:
        server = embedded.start(settings.pgdata)
    except MovierecError:
        raise
    except Exception as exc:
        raise MovierecError(
            f"could not start the embedded PostgreSQL in {settings.pgdata}: {exc}; "
            f"see {settings.pgdata / 'log'}, or set MOVIEREC_DATABASE_URL"
        ) from exc
    admin = str(server.get_uri())
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute(
            "select 1 from pg_database where datname = %s", (EMBEDDED_DATABASE,)
        ).fetchone()
        if not exists:
            conn.execute(sql.SQL("create database {}").format(sql.Identifier(EMBEDDED_DATABASE)))
    return str(server.get_uri(database=EMBEDDED_DATABASE))


def stop_embedded(settings: Settings | None = None) -> bool:
    """Stop the embedded server if it runs; return whether one was running."""
    from movierec import embedded

    settings = settings or get_settings()
    return embedded.stop(settings.pgdata)


def database_url(settings: Settings | None = None) -> str:
    """The DSN movierec uses: ``MOVIEREC_DATABASE_URL`` or the embedded server's."""
    settings = settings or get_settings()
    if settings.database_url:
        return settings.database_url
    return _start_embedded(settings)


def sqlalchemy_url(dsn: str) -> Any:
    """The SQLAlchemy URL (psycopg 3 driver) for a libpq URL or key=value DSN, for Alembic."""
    from psycopg.conninfo import conninfo_to_dict
    from sqlalchemy.engine import URL

    try:
        params = conninfo_to_dict(libpq_url(dsn))
    except psycopg.ProgrammingError as exc:
        raise MovierecError(f"invalid database URL {mask_password(dsn)!r}: {exc}") from None
    user = params.pop("user", None)
    password = params.pop("password", None)
    database = params.pop("dbname", None)
    host = params.pop("host", None)
    port = params.pop("port", None)
    if port is not None and not str(port).isdigit():
        raise MovierecError(
            f"invalid database URL {mask_password(dsn)!r}: port {port!r} is not a number"
        )
    query = {key: str(value) for key, value in params.items()}
    if host and str(host).startswith("/"):
        # A Unix socket folder travels in the query string, as libpq URLs write it.
        query["host"] = str(host)
        host = None
    return URL.create(
        "postgresql+psycopg",
        username=str(user) if user else None,
        password=str(password) if password else None,
        host=str(host) if host else None,
        port=int(port) if port else None,
        database=str(database) if database else None,
        query=query,
    )


def libpq_url(dsn: str) -> str:
    """The libpq form of a DSN (drops a SQLAlchemy ``+driver`` suffix)."""
    return re.sub(r"^postgres(ql)?\+\w+://", "postgresql://", dsn)


def connect(
    dsn: str | None = None, *, register: bool = True, **kwargs: Any
) -> psycopg.Connection[Any]:
    """Open a connection; with ``register``, teach it the ``vector`` type.

    Errors become one-line :class:`MovierecError` messages with the password masked.
    """
    dsn = libpq_url(dsn or database_url())
    try:
        conn = psycopg.connect(dsn, **kwargs)
    except psycopg.OperationalError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise MovierecError(
            f"cannot connect to {mask_password(dsn)}: {mask_password(reason)}; "
            "check MOVIEREC_DATABASE_URL"
        ) from exc
    if register:
        from pgvector.psycopg import register_vector

        try:
            register_vector(conn)
        except psycopg.ProgrammingError as exc:
            conn.close()
            raise MovierecError(
                "the database has no pgvector schema yet; run `movierec db upgrade` or `movierec load`"
            ) from exc
    return conn
