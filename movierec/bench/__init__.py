"""`movierec bench`: ingest, index and query speed on synthetic catalogues, beside LanceDB and
exact NumPy search, plus start-up time."""

from __future__ import annotations

import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from movierec.bench import postgres, synthetic
from movierec.database.connection import connect as plain_connect
from movierec.database.scratch import scratch_database
from movierec.database.server import physical_memory
from movierec.errors import MovierecError
from movierec.query.settings import connect, set_session
from movierec.records import EMBEDDING_DIMS

SWEEP_EF = (10, 20, 40, 50, 100, 200, 400)
K = 10
BENCH_DATABASE = "movierec_bench"


def parse_sizes(text: str, option: str = "--sizes") -> list[int]:
    """'17k,100k,1M' → [17000, 100000, 1000000]; errors name ``option``."""
    sizes = []
    for part in text.split(","):
        part = part.strip().lower()
        scale = {"k": 1_000, "m": 1_000_000}.get(part[-1:], 1)
        number = part[:-1] if scale > 1 else part
        try:
            value = int(float(number) * scale)
        except ValueError:
            raise MovierecError(f"{option}: {part!r} is not a size like 17k, 100k or 1M") from None
        if value < 100:
            raise MovierecError(f"{option}: {part!r} is too small; use 100 movies or more")
        sizes.append(value)
    return sizes


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MiB."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def exact_top_k(
    vectors: np.ndarray[Any, Any], mask: np.ndarray[Any, Any], query: int, k: int = K
) -> list[int]:
    """Exact filtered cosine top-k (vectors are unit length), as 1-based ids, self excluded."""
    candidates = np.flatnonzero(mask)
    candidates = candidates[candidates != query]
    scores = vectors[candidates] @ vectors[query]
    top = np.argpartition(-scores, k)[:k] if len(candidates) > k else np.arange(len(candidates))
    order = top[np.lexsort((candidates[top], -scores[top]))]
    return [int(candidates[i]) + 1 for i in order]


def query_movies(
    mask: np.ndarray[Any, Any], count: int, rng: np.random.Generator
) -> np.ndarray[Any, Any]:
    """Up to ``count`` distinct row numbers of movies in the filter's genre (``mask``).

    `similar` filters by the query movie's own genres, so the queries are films of the genre;
    a random film asking for another genre's neighbours is a case `similar` never runs, and a
    harder one for the index. A genre with no films (a tiny catalogue) falls back to any film.
    """
    members = np.flatnonzero(mask)
    if len(members) == 0:
        members = np.arange(len(mask))
    return rng.choice(members, size=min(count, len(members)), replace=False)


def _recall(found: list[int], truth: list[int]) -> float:
    return len(set(found) & set(truth)) / len(truth) if truth else 1.0


def _measure(
    conn: Any,
    queries: list[postgres.Query],
    truth: list[list[int]],
    settings: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Time the production query on ``queries`` and score it against the exact answers."""
    found, millis = postgres.time_queries(conn, queries, settings)
    return _scored(found, millis, truth)


def _scored(found: list[list[int]], millis: list[float], truth: list[list[int]]) -> dict[str, Any]:
    recall = [_recall(f, t) for f, t in zip(found, truth[: len(found)], strict=True)]
    return postgres.summarize(millis, recall, sum(len(f) < K for f in found), len(found))


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(physical_memory() / 2**30, 1),
        "python": platform.python_version(),
    }


def bench_size(
    url: str,
    n: int,
    *,
    queries: int,
    lancedb: bool,
    seed: int,
    say: Callable[[str], None],
    shape: synthetic.Shape = synthetic.SHAPES["movierec"],
) -> dict[str, Any]:
    """Every figure for one catalogue size."""
    vectors = np.zeros((n, EMBEDDING_DIMS), dtype=np.float32)
    names = list(synthetic.GENRE_SHARE)
    # Each film's genres as bits (genre j: 1 << j), for the filters' masks.
    bits = np.zeros(n, dtype=np.uint32)

    def fill() -> Any:
        for chunk in synthetic.chunks(n, seed, shape=shape):
            rows = chunk.ids - 1
            vectors[rows] = chunk.vectors
            bits[rows] = [sum(1 << names.index(g) for g in genres) for genres in chunk.genres]
            yield chunk

    def genres_of(row: int) -> list[str]:
        return [g for j, g in enumerate(names) if bits[row] >> j & 1]

    result: dict[str, Any] = {"movies": n}
    with ExitStack() as stack:
        scratch = stack.enter_context(scratch_database(url, BENCH_DATABASE))
        conn = stack.enter_context(connect(scratch))
        say(f"{n:,} movies: COPY and index build")
        ingest = postgres.ingest(conn, fill(), lambda _: None)
        result["ingest"] = ingest.as_json()
        result["peak_rss_mb_after_ingest"] = peak_rss_mb()
        result.update(postgres.index_sizes(conn))
        conn.commit()
        conn.autocommit = True
        result["checkpoint_seconds"] = postgres.settle(conn)
        # Queries as the server runs them: on a new connection, as a pool's (not the backend
        # that loaded), autocommit, no BEGIN / COMMIT round trips. The bare statement gets a
        # plain connection with the search settings (and default planning).
        conn.close()
        conn = stack.enter_context(connect(scratch, autocommit=True))
        bare_conn = stack.enter_context(plain_connect(scratch, autocommit=True))
        set_session(bare_conn, postgres.DEFAULT_SETTINGS)
        rng = np.random.default_rng(seed)
        result["filters"] = {}
        asked_of: dict[str, tuple[list[postgres.Query], list[list[int]]]] = {}
        filters: dict[str, str | None] = {**synthetic.FILTERS, "own": None}
        for label, genre in filters.items():
            if genre is None:
                say(f"{n:,} movies: each film's own genres, as `similar` asks")
                picks = rng.choice(n, size=min(queries, n), replace=False)
                asked = [genres_of(int(i)) for i in picks]
                masks = [(bits & bits[i]) != 0 for i in picks]
            else:
                say(f"{n:,} movies: {genre} filter ({label})")
                mask = (bits >> names.index(genre) & 1).astype(bool)
                picks = query_movies(mask, queries, rng)
                asked = [[genre]] * len(picks)
                masks = [mask] * len(picks)
            truth = [exact_top_k(vectors, m, int(i)) for m, i in zip(masks, picks, strict=True)]
            start_exact = []
            for m, i in list(zip(masks, picks, strict=True))[:50]:
                t0 = time.perf_counter()
                exact_top_k(vectors, m, int(i))
                start_exact.append((time.perf_counter() - t0) * 1000)
            pairs = [(int(i) + 1, vectors[i], a) for i, a in zip(picks, asked, strict=True)]
            postgres.time_side_by_side(conn, bare_conn, pairs[:20])  # warm-up
            ours, bare = postgres.time_side_by_side(conn, bare_conn, pairs)
            entry: dict[str, Any] = {
                "genre": genre or "own genres",
                "selectivity": round(float(np.mean([m.mean() for m in masks[:50]])), 4),
                "queries": len(picks),
                "plan": postgres.plan_node(conn, pairs[0][1], pairs[0][2]),
                "movierec": _scored(*ours, truth),
                "bare_hnsw": _scored(*bare, truth),
                "numpy_exact": {"p50_ms": round(statistics.median(start_exact), 3)},
            }
            entry["movierec_over_bare"] = round(
                entry["movierec"]["p50_ms"] / entry["bare_hnsw"]["p50_ms"], 2
            )
            asked_of[label] = (pairs, truth)
            sweep = [
                {
                    "ef_search": ef,
                    **_measure(
                        conn,
                        pairs[:100],
                        truth,
                        {**postgres.DEFAULT_SETTINGS, "hnsw.ef_search": str(ef)},
                    ),
                }
                for ef in SWEEP_EF
            ]
            off = {**postgres.DEFAULT_SETTINGS, "hnsw.iterative_scan": "off"}
            sweep.append(
                {
                    "ef_search": int(postgres.DEFAULT_SETTINGS["hnsw.ef_search"]),
                    "iterative_scan": "off",
                    **_measure(conn, pairs[:100], truth, off),
                }
            )
            entry["sweep"] = sweep
            result["filters"][label] = entry
    if lancedb:
        say(f"{n:,} movies: LanceDB")
        result["lancedb_ingest"] = _lancedb(n, seed, shape, asked_of, result["filters"])
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def _lancedb(
    n: int,
    seed: int,
    shape: synthetic.Shape,
    asked_of: dict[str, tuple[list[postgres.Query], list[list[int]]]],
    filters: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    """LanceDB on the same catalogue (the chunks made again from the seed) and the same
    queries, once every PostgreSQL figure is taken: with LanceDB's table and runtime in the
    bench process, the production query took 3.0 ms at 1M / 10% against 1.5 without them
    (the bare statement 1.8 against 1.1). Adds each filter's LanceDB figures; returns the
    ingest's."""
    from movierec.bench.lance import LanceTable

    with tempfile.TemporaryDirectory(prefix="movierec-lance-") as folder:
        lance = LanceTable(Path(folder))
        start = time.perf_counter()
        for chunk in synthetic.chunks(n, seed, shape=shape):
            lance.add(chunk)
        lance_seconds = time.perf_counter() - start
        kind, seconds = lance.build_index(n)
        for label, (pairs, truth) in asked_of.items():
            lance_ms, lance_recall, lance_short = [], [], 0
            for movie_id, vector, wanted in pairs[:20]:
                lance.query(vector, wanted, movie_id)  # warm-up
            for (movie_id, vector, wanted), t in zip(pairs, truth, strict=True):
                t0 = time.perf_counter()
                ids = lance.query(vector, wanted, movie_id)
                lance_ms.append((time.perf_counter() - t0) * 1000)
                lance_recall.append(_recall(ids, t))
                lance_short += len(ids) < K
            entry = filters[label]
            entry["lancedb"] = postgres.summarize(lance_ms, lance_recall, lance_short, len(pairs))
            entry["speedup_vs_lancedb"] = round(
                entry["lancedb"]["p50_ms"] / entry["movierec"]["p50_ms"], 1
            )
    return {"seconds": round(lance_seconds, 3), "index": kind, "index_seconds": round(seconds, 3)}


def startup(url: str, runs: int = 10) -> dict[str, Any]:
    """Median wall times, interleaved run by run: `movierec --help`, `movierec similar` on what
    is loaded, and the floor under it, a Python that imports psycopg, connects and runs
    ``select 1`` (the issue-17 target: similar within 1.5x of it)."""
    env = {**os.environ, "MOVIEREC_DATABASE_URL": url}
    floor = "import sys, psycopg; psycopg.connect(sys.argv[1]).execute('select 1')"
    with connect(url) as conn:
        row = (
            conn.execute("select title from movies order by id limit 1").fetchone()
            if _has_movies(conn)
            else None
        )
    commands: dict[str, list[str]] = {
        "help_seconds": [sys.executable, "-m", "movierec", "--help"],
        "psycopg_select_1_seconds": [sys.executable, "-c", floor, url],
    }
    if row:
        commands["similar_seconds"] = [sys.executable, "-m", "movierec", "similar", row[0]]
    times: dict[str, list[float]] = {name: [] for name in commands}
    failed: set[str] = set()
    for _ in range(runs):
        for name, command in commands.items():
            t0 = time.perf_counter()
            done = subprocess.run(command, capture_output=True, env=env)
            times[name].append(time.perf_counter() - t0)
            if done.returncode != 0:
                failed.add(name)
    out: dict[str, Any] = {"runs": runs, "similar_title": row[0] if row else None}
    for name, values in times.items():
        out[name] = None if name in failed else round(statistics.median(values), 3)
    out.setdefault("similar_seconds", None)
    if out["similar_seconds"] and out["psycopg_select_1_seconds"]:
        out["similar_over_psycopg"] = round(
            out["similar_seconds"] / out["psycopg_select_1_seconds"], 2
        )
    return out


def _has_movies(conn: Any) -> bool:
    row = conn.execute("select to_regclass('movies') is not null").fetchone()
    return bool(row and row[0])


def run(
    url: str,
    sizes: list[int],
    *,
    queries: int = 200,
    lancedb: bool = True,
    seed: int = 42,
    with_startup: bool = True,
    with_catalogue: bool = True,
    vectors: str = "movierec",
    load_sizes: list[int] | None = None,
    say: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """The whole bench on the server of ``url``: per size, then the whole similarity query on
    the catalogue loaded at ``url`` (if any), start-up, then ``movierec load`` at
    ``load_sizes``. The schema of ``url``'s database is brought up to date first."""
    from movierec.database import migrate

    if vectors not in synthetic.SHAPES:
        raise MovierecError(f"--vectors: {vectors!r} is not one of {', '.join(synthetic.SHAPES)}")
    shape = synthetic.SHAPES[vectors]
    migrate.upgrade(url)
    with connect(url) as conn:
        version = conn.execute(
            "select current_setting('server_version'),"
            " (select extversion from pg_extension where extname = 'vector')"
        ).fetchone()
    report: dict[str, Any] = {
        "machine": machine(),
        "postgresql": version[0] if version else None,
        "pgvector": version[1] if version else None,
        "index": {
            "hnsw": "m = 16, ef_construction = 64 (vector_cosine_ops)",
            "search_settings": dict(postgres.DEFAULT_SETTINGS),
            "max_scan_tuples": _setting(url, "hnsw.max_scan_tuples"),
            "shared_buffers": _setting(url, "shared_buffers"),
        },
        "vectors": {"shape": vectors, **asdict(shape)},
        "sizes": [],
    }
    for n in sizes:
        report["sizes"].append(
            bench_size(url, n, queries=queries, lancedb=lancedb, seed=seed, say=say, shape=shape)
        )
    if with_catalogue:
        from movierec.bench.catalogue import bench_catalogue

        say("the loaded catalogue: the whole similarity query, each film's own vectors")
        report["catalogue"] = bench_catalogue(url, queries, seed)
    if with_startup:
        say("start-up: --help and similar, 10 runs each")
        report["startup"] = startup(url)
    if load_sizes:
        from movierec.bench.loading import bench_load

        report["loads"] = [bench_load(url, n, say) for n in load_sizes]
    return report


def _setting(url: str, name: str) -> str | None:
    with connect(url) as conn:
        row = conn.execute("select current_setting(%s, true)", (name,)).fetchone()
    return row[0] if row else None
