"""`movierec bench --serve`: `movierec serve` under load, on loopback only, bounded in requests
and time, three ways: plain, while `movierec load` replaces the catalogue, and while the
database server stops and starts again.

The server runs in a subprocess on a free 127.0.0.1 port, on the configured database; the
client is a small asyncio HTTP/1.1 client (keep-alive connections), timing each request
end to end.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import shlex
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from movierec.errors import MovierecError

HOST = "127.0.0.1"
PATH = "/api/v1/movies/{}/similar"
START_SECONDS = 60.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (uvicorn workers), in MiB."""
    import psutil

    try:
        process = psutil.Process(pid)
        processes = [process, *process.children(recursive=True)]
        return round(float(sum(p.memory_info().rss for p in processes)) / 2**20, 1)
    except psutil.NoSuchProcess:
        return float("nan")


@contextmanager
def server(url: str, workers: int = 1, pool_size: int = 8) -> Iterator[tuple[str, int]]:
    """`movierec serve` on a free loopback port; yields (base URL, pid)."""
    import httpx

    port = free_port()
    env = {**os.environ, "MOVIEREC_DATABASE_URL": url}
    command = [sys.executable, "-m", "movierec", "serve", "--host", HOST, "--port", str(port),
               "--workers", str(workers), "--pool-size", str(pool_size)]  # fmt: skip
    # The server logs a line a request: to a file, since a pipe nobody reads fills up after
    # some 600 requests and then blocks the server.
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log)
        base = f"http://{HOST}:{port}"
        try:
            deadline = time.monotonic() + START_SECONDS
            while True:
                if process.poll() is not None:
                    log.seek(0)
                    last = log.read().decode(errors="replace").strip().splitlines()[-1:]
                    raise MovierecError(f"movierec serve exited: {last}")
                try:
                    if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise MovierecError("movierec serve did not become ready in a minute")
                time.sleep(0.2)
            yield base, process.pid
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


@dataclass
class Run:
    """Timings and outcomes of one load run."""

    millis: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    failures: int = 0
    """Requests that got no HTTP answer at all."""
    seconds: float = 0.0

    def count(self, status: int) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.millis)
        errors = self.failures + sum(n for s, n in self.statuses.items() if s >= 400)

        def at(q: float) -> float:
            return (
                round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)
                if ordered
                else float("nan")
            )

        return {
            "requests": len(self.millis),
            "seconds": round(self.seconds, 2),
            "requests_per_second": round(len(self.millis) / self.seconds, 1) if self.seconds else 0,
            "p50_ms": round(statistics.median(ordered), 2) if ordered else float("nan"),
            "p99_ms": at(0.99),
            "max_ms": round(ordered[-1], 2) if ordered else float("nan"),
            "statuses": dict(sorted(self.statuses.items())),
            "errors": errors,
        }


class _Connection:
    """One keep-alive HTTP/1.1 connection, as lean as a client can be.

    httpx's async client costs about a millisecond of CPU a request; on two cores shared with
    the server and PostgreSQL, it would measure itself. This reads what uvicorn sends (status
    line, headers, a Content-Length body) and nothing more."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str, timeout: float) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        request = f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n\r\n"
        try:
            self.writer.write(request.encode("ascii"))
            head = await asyncio.wait_for(self.reader.readuntil(b"\r\n\r\n"), timeout)
            lines = head.decode("latin-1").split("\r\n")
            status = int(lines[0].split(" ", 2)[1])
            length = next(
                int(line.split(":", 1)[1])
                for line in lines[1:]
                if line.lower().startswith("content-length:")
            )
            body = await asyncio.wait_for(self.reader.readexactly(length), timeout)
        except BaseException:
            self.close()
            raise
        return status, body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def _load(
    base: str,
    ids: list[int],
    requests: int,
    concurrency: int,
    max_seconds: float,
    seed: int,
    check: Callable[[int, Any], None] | None = None,
) -> Run:
    rng = random.Random(seed)
    order = [rng.choice(ids) for _ in range(requests)]
    order.reverse()
    run = Run()
    host, port = base.removeprefix("http://").rsplit(":", 1)
    deadline = time.monotonic() + max_seconds

    async def worker() -> None:
        connection = _Connection(host, int(port))
        try:
            while order and time.monotonic() < deadline:
                movie_id = order.pop()
                start = time.perf_counter()
                try:
                    status, body = await connection.get(PATH.format(movie_id), timeout=30)
                except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
                    run.failures += 1
                    continue
                run.millis.append((time.perf_counter() - start) * 1000)
                run.count(status)
                if check is not None and status == 200:
                    check(movie_id, json.loads(body))
        finally:
            connection.close()

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    run.seconds = time.perf_counter() - began
    return run


def load_run(
    base: str,
    ids: list[int],
    requests: int,
    concurrency: int,
    max_seconds: float = 120.0,
    seed: int = 42,
    check: Callable[[int, Any], None] | None = None,
) -> Run:
    """``requests`` GETs of similar films for random ``ids``, ``concurrency`` at a time."""
    return asyncio.run(_load(base, ids, requests, concurrency, max_seconds, seed, check))


def _ids(url: str, limit: int = 5000) -> list[int]:
    from movierec.database.connection import connect

    with connect(url) as conn:
        rows = conn.execute("select id from movies order by md5(id::text) limit %s", (limit,))
        ids = [int(r[0]) for r in rows]
    if not ids:
        raise MovierecError("nothing is loaded; run `movierec load` first")
    return ids


def bench_serve(
    url: str,
    *,
    requests: int = 2000,
    concurrency: int = 32,
    workers: int = 1,
    reload_source: str | None = None,
    restart: bool = False,
    home: str | None = None,
    max_seconds: float = 120.0,
    say: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """The serve bench: one connection, then ``concurrency``; with ``reload_source``, the
    same while `movierec load` replaces the catalogue; with ``restart``, while the embedded
    server under ``home`` stops and starts."""
    ids = _ids(url)
    report: dict[str, Any] = {"workers": workers, "concurrency": concurrency}
    with server(url, workers=workers) as (base, pid):
        say(f"serve bench: warm-up, then {requests:,} requests on one connection")
        load_run(base, ids, min(200, requests), 1)
        rss = {"warm": rss_mb(pid)}
        report["sequential"] = load_run(base, ids, requests, 1, max_seconds).summary()
        rss["after_sequential"] = rss_mb(pid)
        say(f"serve bench: {requests * 2:,} requests, {concurrency} at a time")
        report["concurrent"] = load_run(base, ids, requests * 2, concurrency, max_seconds).summary()
        rss["after_concurrent"] = rss_mb(pid)
        report["rss_mb"] = rss
        if reload_source:
            report["reload"] = _during_reload(
                url, base, ids, reload_source, requests, concurrency, say
            )
        if restart:
            report["restart"] = _during_restart(base, ids, home, say)
    return report


def _during_reload(
    url: str,
    base: str,
    ids: list[int],
    source: str,
    requests: int,
    concurrency: int,
    say: Callable[[str], None],
) -> dict[str, Any]:
    """Requests while `movierec load <source>` replaces the catalogue: every answer must be the
    old catalogue's or the new one's, never a mix."""
    import httpx

    probes = ids[:50]

    def answers() -> dict[int, list[int]]:
        with httpx.Client(base_url=base, timeout=30) as client:
            return {
                i: [r["id"] for r in client.get(PATH.format(i)).json()["results"]] for i in probes
            }

    old = answers()
    seen: dict[int, list[list[int]]] = {i: [] for i in probes}

    def check(movie_id: int, body: Any) -> None:
        if movie_id in seen:
            seen[movie_id].append([r["id"] for r in body["results"]])

    env = {**os.environ, "MOVIEREC_DATABASE_URL": url}
    say(f"serve bench: movierec load {source} while requests run")
    with tempfile.TemporaryFile() as log:
        loader = subprocess.Popen(
            [sys.executable, "-m", "movierec", "load", *shlex.split(source), "-q"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        runs = []
        while loader.poll() is None:
            runs.append(
                load_run(
                    base, probes + ids[:500], max(200, requests // 4), concurrency, 30, check=check
                )
            )
        if loader.returncode != 0:
            log.seek(0)
            last = log.read().decode(errors="replace").strip().splitlines()[-1:]
            raise MovierecError(f"the reload failed: {last}")
    runs.append(load_run(base, probes, 200, concurrency, 30, check=check))
    new = answers()
    mixed = sum(1 for i, lists in seen.items() for got in lists if got not in (old[i], new[i]))
    merged = Run()
    for r in runs:
        merged.millis += r.millis
        merged.failures += r.failures
        merged.seconds += r.seconds
        for status, n in r.statuses.items():
            merged.statuses[status] = merged.statuses.get(status, 0) + n
    return {
        **merged.summary(),
        "probe_answers": sum(len(v) for v in seen.values()),
        "changed_probes": sum(1 for i in probes if old[i] != new[i]),
        "mixed_answers": mixed,
    }


def _during_restart(
    base: str, ids: list[int], home: str | None, say: Callable[[str], None]
) -> dict[str, Any]:
    """Stop the embedded server for a few seconds under requests: 503 while it is down, and
    the time from its return to the first 200."""
    import httpx

    from movierec.database import server as embedded
    from movierec.settings import get_settings

    where = home or str(get_settings().home)
    from pathlib import Path

    statuses: dict[int, int] = {}
    say("serve bench: stopping the database server for 3 s under requests")
    with httpx.Client(base_url=base, timeout=10) as client:
        for i in ids[:20]:
            client.get(PATH.format(i))
        embedded.stop(Path(where))
        down_until = time.monotonic() + 3
        while time.monotonic() < down_until:
            code = client.get(PATH.format(random.choice(ids))).status_code
            statuses[code] = statuses.get(code, 0) + 1
        embedded.start(Path(where))
        back = time.perf_counter()
        first_ok = None
        after: dict[int, int] = {}
        while time.perf_counter() - back < 30:
            code = client.get(PATH.format(random.choice(ids))).status_code
            after[code] = after.get(code, 0) + 1
            if code == 200:
                first_ok = time.perf_counter() - back
                break
    return {
        "while_down": statuses,
        "after_up": after,
        "seconds_to_first_200": round(first_ok, 3) if first_ok is not None else None,
    }
