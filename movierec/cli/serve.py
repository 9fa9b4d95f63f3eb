"""``movierec serve``: the HTTP API and the web pages."""

from __future__ import annotations

from typing import Annotated

import typer

from movierec.cli.app import app, database_url


@app.command()
def serve(
    host: Annotated[
        str, typer.Option(help="The address to listen on; 0.0.0.0 opens it to the network.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="The port.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Server processes.")] = 1,
    pool_size: Annotated[
        int, typer.Option(min=1, max=200, help="Database connections per process.")
    ] = 8,
) -> None:
    """Serve the HTTP API (/api/v1, docs at /docs) and the web pages.

    The database is MOVIEREC_DATABASE_URL, or the embedded server. POST /api/v1/movies
    (adding films) needs MOVIEREC_API_TOKEN set, and clients to send it as a Bearer token.
    One log line a request; SIGTERM or Ctrl-C stops it cleanly.

    \b
    Example: movierec serve              (then open http://127.0.0.1:8000)
    Example: movierec serve --port 8080 --workers 2
    """
    import logging
    import os
    import signal
    import sys

    import uvicorn

    url = database_url()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # uvicorn drains requests and closes the pool on SIGTERM, then re-raises the signal under
    # the handler it found: this one, so a clean stop exits 0 rather than "killed by SIGTERM".
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    typer.echo(f"movierec serve: http://{host}:{port}/ (API docs at /docs)", err=True)
    options = {"host": host, "port": port, "access_log": False, "log_level": "warning"}
    if workers == 1:
        from movierec.settings import get_settings
        from movierec.web.app import create_app

        token = get_settings().api_token
        uvicorn.run(create_app(url, token=token, pool_size=pool_size), **options)  # type: ignore[arg-type]
        return
    # Worker processes build the app from the environment, the URL resolved once here.
    os.environ["MOVIEREC_DATABASE_URL"] = url
    os.environ["MOVIEREC_POOL_SIZE"] = str(pool_size)
    uvicorn.run("movierec.web.app:from_environment", factory=True, workers=workers, **options)  # type: ignore[arg-type]
