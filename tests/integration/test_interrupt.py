"""Interrupted loads (kill -9, Ctrl-C) and queries during a reload."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest

from movierec.database.connection import connect
from movierec.query.similar import similar
from movierec.vectors.doc2vec import Doc2VecParams
from tests import fixtures
from tests.integration.loading import load

FAST = Doc2VecParams(epochs=3)
MakeDb = Callable[[], str]


def _big_jsonl(path: Path, n: int) -> Path:
    genres = [
        ["Comedy"],
        ["Drama"],
        ["Comedy", "Romance"],
        ["Horror"],
        ["Drama", "War"],
        ["Action"],
    ]
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            movie = {
                "id": i,
                "title": f"Film {i}",
                "year": 1930 + i % 90,
                "genres": genres[i % 6],
                "director": f"Director {i % 97}",
                "cast": [f"Actor {i % 101}", f"Actor {i % 89}"],
            }
            handle.write(json.dumps(movie) + "\n")
    return path


def _snapshot(url: str) -> tuple[Any, ...]:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "select (select count(*) from movies), (select sum(hashtext(title)) from movies), "
            "(select count(*) from ratings), (select max(id) from models), "
            "to_regclass('movies_staging') is null"
        ).fetchone()
    assert row is not None
    return tuple(row)


def _wait_for_write(url: str, timeout: float = 240) -> bool:
    """Wait until some session is writing the staging tables."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(url, autocommit=True) as watcher:
        while time.monotonic() < deadline:
            row = watcher.execute(
                "select count(*) from pg_stat_activity where datname = current_database() "
                "and pid <> pg_backend_pid() and query ilike '%staging%'"
            ).fetchone()
            if row and row[0]:
                return True
            time.sleep(0.005)
    return False


def _wait_for_backends_to_end(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    with psycopg.connect(url, autocommit=True) as watcher:
        while time.monotonic() < deadline:
            row = watcher.execute(
                "select count(*) from pg_stat_activity where datname = current_database() "
                "and pid <> pg_backend_pid() and backend_type = 'client backend'"
            ).fetchone()
            if row and row[0] == 0:
                return
            time.sleep(0.05)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["kill-9", "ctrl-c"])
def test_interrupted_load_keeps_the_previous_catalogue(
    make_database: MakeDb, tmp_path: Path, sig: int
) -> None:
    url = make_database()
    load(str(fixtures.write_ml_latest(tmp_path / "ml")), dsn=url, doc2vec=FAST, show_progress=False)
    before = _snapshot(url)
    big = _big_jsonl(tmp_path / "big.jsonl", 60_000)
    env = {**os.environ, "MOVIEREC_DATABASE_URL": url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "movierec", "load", str(big), "-q", "--epochs", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert _wait_for_write(url), "the load never reached the write stage"
        proc.send_signal(sig)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    if sig == signal.SIGINT:
        assert proc.returncode == 130
        assert "interrupted" in stderr and "Traceback" not in stderr
    else:
        assert proc.returncode == -signal.SIGKILL
    _wait_for_backends_to_end(url)
    assert _snapshot(url) == before
    # The advisory lock died with the session: the next load runs.
    result = load(
        str(fixtures.write_ml1m(tmp_path / "ml-1m")), dsn=url, doc2vec=FAST, show_progress=False
    )
    assert result.movies == 30


def test_similar_keeps_answering_during_a_reload(make_database: MakeDb, tmp_path: Path) -> None:
    url = make_database()
    load(str(fixtures.write_ml_latest(tmp_path / "ml")), dsn=url, doc2vec=FAST, show_progress=False)
    errors: list[BaseException] = []

    def reload() -> None:
        try:
            load(
                str(fixtures.write_tmdb(tmp_path / "tmdb")),
                dsn=url,
                doc2vec=FAST,
                show_progress=False,
            )
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    worker = threading.Thread(target=reload)
    sources_seen: list[str] = []
    with connect(url, autocommit=True) as conn:
        worker.start()
        while worker.is_alive():
            movie, results = similar(conn, "The Matrix", k=5)
            assert len(results) == 5
            row = conn.execute("select source from movies where id = %s", (movie.id,)).fetchone()
            if row:
                sources_seen.append(row[0])
        worker.join()
        movie, results = similar(conn, "The Matrix", k=5)
        assert len(results) == 5
    assert not errors
    final = conn_source(url)
    assert final == "tmdb" and sources_seen, "queries ran during the reload"
    assert set(sources_seen) <= {"ml", "tmdb"}


def conn_source(url: str) -> str:
    with psycopg.connect(url) as conn:
        row = conn.execute("select min(source) from movies").fetchone()
    assert row is not None
    return str(row[0])
