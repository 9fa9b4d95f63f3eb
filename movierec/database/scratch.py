"""Scratch databases beside the configured one: a bench catalogue, an evaluation's reload."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from movierec.database import migrate
from movierec.database.connection import mask_password, scrub
from movierec.errors import MovierecError


@contextmanager
def scratch_database(url: str, name: str, keep: bool = False) -> Iterator[str]:
    """A fresh database ``name`` on ``url``'s server, migrated to head; dropped afterwards.

    The user of ``url`` needs CREATEDB (the embedded server's has it)."""
    try:
        admin = psycopg.connect(url, autocommit=True)
    except psycopg.OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise MovierecError(
            f"cannot connect to {mask_password(url)}: {scrub(first, url)}"
        ) from None
    try:
        try:
            admin.execute(
                sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name))
            )
            admin.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
        except psycopg.errors.InsufficientPrivilege:
            raise MovierecError(
                f"{name}: the database user of {mask_password(url)} may not create databases; "
                "grant it CREATEDB, or use the embedded server"
            ) from None
        params = conninfo_to_dict(url)
        params["dbname"] = name
        scratch = make_conninfo("", **{k: str(v) for k, v in params.items() if v is not None})
        migrate.upgrade(scratch)
        yield scratch
    finally:
        if not keep:
            admin.execute(
                sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name))
            )
        admin.close()
