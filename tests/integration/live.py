"""`movierec serve`'s app on a real loopback port, in a thread: for the browser tests and the
API tests that need a socket (the rest use FastAPI's TestClient on the same app)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from movierec.web.app import create_app

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@contextmanager
def live_server(dsn: str, token: str | None = None) -> Iterator[str]:
    """The app for ``dsn`` served on a free 127.0.0.1 port; yields its base URL."""
    port = free_port()
    config = uvicorn.Config(
        create_app(dsn, token=token, pool_size=4),
        host=HOST,
        port=port,
        log_level="warning",
        access_log=False,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="movierec-live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://{HOST}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
