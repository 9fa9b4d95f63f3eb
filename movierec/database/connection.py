"""The database URL and connections: validated once, passwords never shown.

:func:`resolve_url` is called once per command (the CLI root, the web app): it returns
``MOVIEREC_DATABASE_URL`` when set, else starts the embedded server. Everything below it takes
the URL as an argument.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import unquote

import psycopg

from movierec.errors import MovierecError
from movierec.settings import Settings

logger = logging.getLogger(__name__)

EMBEDDED_DATABASE = "movierec"
MASK = "***"

_URL = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<rest>.*)$", re.DOTALL)
_QUERY_PASSWORD = re.compile(r"(?i)([?&]password=)([^&]*)")
_KV_PASSWORD = re.compile(r"(?i)(password\s*=\s*)('(?:[^'\\]|\\.)*'?|\S+)")
_ENCODE_HINT = (
    "percent-encode these characters in a URL's password: @ %40, # %23, / %2F, ? %3F, % %25"
)


def _password_span(dsn: str) -> tuple[int, int] | None:
    """Where a URL's password sits: after the first ':' of what precedes the last '@'.

    libpq stops the user info at the first '@' or '/', so a password holding either is cut
    there; taking everything up to the last '@' covers what the user meant to be secret.
    """
    match = _URL.match(dsn)
    if not match:
        return None
    rest_start = match.start("rest")
    at = dsn.rfind("@", rest_start)
    if at < 0:
        return None
    colon = dsn.find(":", rest_start, at)
    if colon < 0:
        return None
    return colon + 1, at


def mask_password(dsn: str) -> str:
    """``dsn`` with any password replaced by ``***`` (URL and key=value forms); never raises."""
    if _URL.match(dsn):
        span = _password_span(dsn)
        if span is not None and span[1] > span[0]:
            dsn = dsn[: span[0]] + MASK + dsn[span[1] :]
        return _QUERY_PASSWORD.sub(lambda m: m[1] + MASK, dsn)
    return _KV_PASSWORD.sub(lambda m: m[1] + MASK, dsn)


def secrets_of(dsn: str) -> list[str]:
    """Every form of the DSN's password a message could echo, longest first.

    The raw and the percent-decoded text, and the pieces a parser would split it into at
    '@', '/', '?' or '#' (a host error echoes the piece after an unencoded '@').
    """
    found: set[str] = set()
    span = _password_span(dsn)
    if span is not None:
        found.add(dsn[span[0] : span[1]])
    for match in _QUERY_PASSWORD.finditer(dsn) if _URL.match(dsn) else _KV_PASSWORD.finditer(dsn):
        found.add(match[2].strip("'"))
    for secret in list(found):
        found.add(unquote(secret))
        found.update(piece for piece in re.split(r"[@/?#:]", secret) if len(piece) >= 3)
    return sorted((s for s in found if s), key=len, reverse=True)


def scrub(text: str, dsn: str) -> str:
    """``text`` (a driver's message, say) with the DSN and its password masked."""
    text = text.replace(dsn, mask_password(dsn))
    for secret in secrets_of(dsn):
        text = text.replace(secret, MASK)
    return text


def libpq_url(dsn: str) -> str:
    """The libpq form of a DSN (drops a SQLAlchemy ``+driver`` suffix)."""
    return re.sub(r"^postgres(ql)?\+\w+://", "postgresql://", dsn)


def check_url(dsn: str) -> str:
    """The libpq form of ``dsn``, or a clear error when libpq would misread it.

    A URL whose password holds an unencoded '@', '/', '?' or '#' parses, but into another
    host or user; that is refused here with the fix, and the password masked.
    """
    dsn = libpq_url(dsn.strip())
    from psycopg.conninfo import conninfo_to_dict

    try:
        params = conninfo_to_dict(dsn)
    except psycopg.ProgrammingError as exc:
        reason = scrub(_first_line(exc), dsn)
        hint = f"; {_ENCODE_HINT}" if _URL.match(dsn) else ""
        raise MovierecError(f"invalid database URL {mask_password(dsn)}: {reason}{hint}") from None
    span = _password_span(dsn)
    if span is not None:
        meant = unquote(dsn[span[0] : span[1]])
        if str(params.get("password") or "") != meant:
            raise MovierecError(
                f"the database URL {mask_password(dsn)} has a password libpq would cut short; "
                + _ENCODE_HINT
            )
    return dsn


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def resolve_url(settings: Settings) -> str:
    """The database movierec uses: ``MOVIEREC_DATABASE_URL`` when set, else the embedded one
    (started if it is not running). Call it once, where a command starts."""
    if settings.database_url:
        return check_url(settings.database_url)
    return _start_embedded(settings)


def _start_embedded(settings: Settings) -> str:
    """Start (or reuse) the embedded PostgreSQL; a DSN for its movierec database."""
    from movierec.database import server

    return server.start(settings.home, EMBEDDED_DATABASE).url(EMBEDDED_DATABASE)


def connect(dsn: str, *, register: bool = True, **kwargs: Any) -> psycopg.Connection[Any]:
    """Open a connection; with ``register``, teach it the ``vector`` type.

    Errors become one-line :class:`MovierecError` messages with the password masked.
    """
    try:
        conn = psycopg.connect(dsn, **kwargs)
    except (psycopg.OperationalError, psycopg.ProgrammingError) as exc:
        raise MovierecError(
            f"cannot connect to {mask_password(dsn)}: {scrub(_first_line(exc), dsn)}; "
            "check MOVIEREC_DATABASE_URL, or unset it to use the embedded server"
        ) from None
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


def psql_command(dsn: str, args: list[str]) -> tuple[list[str], dict[str, str]]:
    """The bundled psql's command line for ``dsn`` and the environment it needs: the password
    goes in PGPASSWORD, so that it never shows in the process list."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    from movierec.database import server

    params = conninfo_to_dict(dsn)
    password = params.pop("password", None)
    env = {"PGPASSWORD": str(password)} if password else {}
    target = make_conninfo("", **{k: str(v) for k, v in params.items() if v is not None})
    psql = str(server.bin_dir() / "psql")
    return [psql, "-d", target, *args], env
