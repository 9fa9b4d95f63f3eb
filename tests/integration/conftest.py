"""Integration fixtures: a real PostgreSQL + pgvector server, never a mock.

Order of preference: MOVIEREC_TEST_DATABASE_URL when it is set; else testcontainers with the
pgvector/pgvector image when a Docker engine answers; else the embedded server in a temporary
folder.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

PGVECTOR_IMAGE = "pgvector/pgvector:pg17"


def docker_available() -> bool:
    """Whether a Docker engine answers (the client alone is not enough).

    The engine's socket is probed directly: docker-py leaks its socket when the ping fails.
    """
    host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    if host.startswith("unix://"):
        path = host.removeprefix("unix://")
        if not os.path.exists(path):
            return False
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
                probe.settimeout(3)
                probe.connect(path)
                probe.sendall(b"GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n")
                return b" 200 " in probe.recv(1024)
        except OSError:
            return False
    try:
        import docker

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            client = docker.DockerClient(base_url=host, timeout=3)
            try:
                return bool(client.ping())
            finally:
                client.close()
    except Exception:
        return False


@pytest.fixture(scope="session")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An admin DSN on a PostgreSQL server with pgvector."""
    env_url = os.environ.get("MOVIEREC_TEST_DATABASE_URL")
    if env_url:
        yield env_url
    elif docker_available():
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer(PGVECTOR_IMAGE, driver=None) as container:
            yield container.get_connection_url()
    else:
        from movierec.database import server

        home = tmp_path_factory.mktemp("home")
        running = server.start(home)
        try:
            yield running.url()
        finally:
            server.stop(home)


def _with_database(admin_url: str, name: str) -> str:
    parts = psycopg.conninfo.conninfo_to_dict(admin_url)
    parts["dbname"] = name
    return psycopg.conninfo.make_conninfo("", **parts)


@pytest.fixture(scope="session")
def make_database(server_url: str) -> Iterator[object]:
    """A factory for fresh, empty databases on the test server; all are dropped at the end."""
    created: list[str] = []

    def make(prefix: str = "movierec_test") -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
        created.append(name)
        return _with_database(server_url, name)

    yield make
    with psycopg.connect(server_url, autocommit=True) as conn:
        for name in created:
            conn.execute(
                sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name))
            )


def _sample_slice(path: Path, titles: tuple[str, ...]) -> Path:
    """The real Wikidata sample's films of 1996-1999, and every film with one of ``titles``."""
    from bokeh_sampledata.movies_data import movie_path

    conn = sqlite3.connect(path)
    conn.execute("attach database ? as src", (f"file:{movie_path}?mode=ro",))
    conn.execute("create temp table wanted (title text)")
    conn.executemany("insert into wanted values (?)", [(t,) for t in titles])
    conn.execute(
        "create table omdb as select * from src.omdb "
        "where Year between 1996 and 1999 or Title in (select title from wanted)"
    )
    conn.execute(
        "create table tomatoes as select * from src.tomatoes where ID in (select ID from omdb)"
    )
    conn.commit()
    conn.close()
    return path


@pytest.fixture(scope="session")
def films_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A slice of the real Wikidata sample: 1996-1999 plus every Hamlet (1,437 films)."""
    return _sample_slice(tmp_path_factory.mktemp("data") / "films.sqlite", ("Hamlet",))


SCRIPT_TITLE = "<script>alert(1)</script>"
"""A film title the web pages must show as text."""


@pytest.fixture(scope="session")
def web_url(make_database: object, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The database of the API and page tests: the 1996-1999 slice, every Hamlet, the three
    films titled Heat (1972, 1987, 1995), and a film added through the API's path whose title
    is a script tag."""
    from movierec.database.connection import connect
    from movierec.pipeline.add import add_movies
    from movierec.records import MovieRecord
    from movierec.vectors.doc2vec import Doc2VecParams
    from tests.integration.loading import load

    source = _sample_slice(tmp_path_factory.mktemp("web") / "films.sqlite", ("Hamlet", "Heat"))
    url = str(make_database())  # type: ignore[operator]
    load(str(source), dsn=url, doc2vec=Doc2VecParams(epochs=10), show_progress=False)
    with connect(url) as conn:
        add_movies(
            conn,
            [
                MovieRecord(
                    source_id="",
                    title=SCRIPT_TITLE,
                    year=1998,
                    genres=["Comedy"],
                    director="Anne O'Hara & <b>Co</b>",
                    overview="A comedy about a web page that forgot to escape its titles.",
                )
            ],
        )
    return url


@pytest.fixture(scope="session")
def loaded_url(make_database: object, films_sqlite: Path) -> str:
    """A database holding the fixture films, loaded once by the real loader."""
    from movierec.vectors.doc2vec import Doc2VecParams
    from tests.integration.loading import load

    url = make_database()  # type: ignore[operator]
    load(str(films_sqlite), dsn=url, doc2vec=Doc2VecParams(epochs=10), show_progress=False)
    return str(url)


@pytest.fixture
def conn(loaded_url: str) -> Iterator[psycopg.Connection[object]]:
    """A connection to the loaded database; each test's transaction is rolled back."""
    from movierec.database.connection import connect

    connection = connect(loaded_url)
    try:
        yield connection
    finally:
        connection.rollback()
        connection.close()
