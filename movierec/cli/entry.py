"""The console entry point: `similar` on its fast path (no typer), every other command through
the typer app; errors a user can fix become one line on stderr and exit status 2."""

from __future__ import annotations

import sys
from typing import NoReturn

from movierec.errors import AmbiguousTitleError, MovierecError, NotFoundError


def _fail(message: str, code: int = 2) -> NoReturn:
    sys.stderr.write(f"error: {message}\n")
    raise SystemExit(code)


class _Interrupted(BaseException):
    """Ctrl-C, raised past click (which would swallow a KeyboardInterrupt silently)."""


def _on_sigint(signum: int, frame: object) -> None:
    raise _Interrupted


def _check_arguments(argv: list[str]) -> None:
    """Arguments the shell could not decode (invalid UTF-8) arrive as surrogates."""
    for arg in argv:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            _fail(f"argument {shown[:60]!r} is not valid UTF-8; retype it")


def main() -> None:
    """Console entry point: user errors become one line on stderr and exit status 2.

    Usage errors are typer's own (exit 2); everything movierec raises for the user is caught here.
    """
    import signal

    _check_arguments(sys.argv[1:])
    signal.signal(signal.SIGINT, _on_sigint)
    try:
        from movierec.cli import fast

        options = fast.parse(sys.argv[1:])
        if options is not None:
            fast.similar(options)
            return
        from movierec.cli import commands

        commands.app(prog_name="movierec")
    except (_Interrupted, KeyboardInterrupt):
        _fail("interrupted; nothing was changed (a load rolls back to the previous catalogue)", 130)
    except AmbiguousTitleError as exc:
        lines = [
            f"  id {c['id']}: {c['title']} ({c['year']}), {c['director'] or 'director unknown'}"
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
            _fail(f"database error: {_database_message(exc)}", 1)
        raise


def _database_message(exc: Exception) -> str:
    """A driver's message, first line only, with every form of the password masked."""
    from movierec.database.connection import scrub
    from movierec.settings import get_settings

    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    url = get_settings().database_url
    return scrub(first, url) if url else first
