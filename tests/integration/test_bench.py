"""A tiny `movierec bench` on real PostgreSQL (and LanceDB): every figure is produced, the
exact plans agree with NumPy, and the scratch database is dropped afterwards."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from movierec.bench import BENCH_DATABASE, run


def test_tiny_bench_reports_every_figure(loaded_url: str) -> None:
    pytest.importorskip("lancedb")
    report = run(loaded_url, [3_000], queries=20, lancedb=True, with_startup=True)
    assert report["pgvector"] and report["postgresql"]
    (size,) = report["sizes"]
    assert size["movies"] == 3_000
    assert size["ingest"]["rows"] == 3_000 and size["ingest"]["copy_rows_per_second"] > 0
    assert "movies_embedding_hnsw" in size["ingest"]["index_seconds"]
    assert set(size["filters"]) == {"50%", "10%", "1%", "own"}
    # 30 Westerns among 3,000 movies are under the bound of 100 films: the exact branch ran;
    # 300 crime films and Drama have an index of their own.
    assert size["filters"]["1%"]["plan"] == "gin+sort"
    assert size["filters"]["10%"]["plan"] == size["filters"]["50%"]["plan"] == "genre hnsw"
    assert size["genre_hnsw_indexes"] >= 2 and size["genre_hnsw_mb"] > 0
    assert size["checkpoint_seconds"] is None or size["checkpoint_seconds"] >= 0
    assert any(k.startswith("movies_genre_hnsw_drama_") for k in size["ingest"]["index_seconds"])
    for f in size["filters"].values():
        ours, bare = f["movierec"], f["bare_hnsw"]
        assert 0 < bare["p50_ms"] <= bare["p95_ms"] and 0.0 <= bare["recall_at_10"] <= 1.0
        assert f["movierec_over_bare"] > 0
        assert 0 < ours["p50_ms"] <= ours["p95_ms"] <= ours["p99_ms"]
        assert 0.0 <= ours["recall_at_10"] <= 1.0
        # Relaxed iterative scans (or an exact plan) always fill k rows.
        assert ours["short_share"] == 0.0
        if f["plan"] == "gin+sort":
            assert ours["recall_at_10"] == 1.0
        # Below the index threshold LanceDB searches exactly.
        assert f["lancedb"]["recall_at_10"] == 1.0
        assert {s["ef_search"] for s in f["sweep"]} >= {10, 100, 400}
    # The whole query on the loaded films, with their creators vectors: the exact blend's
    # top 10 found, the bare dense statement beside it.
    loaded = report["catalogue"]
    assert loaded["movies"] == 1437 and loaded["queries"] == 20 and loaded["with_creators"] > 0
    assert loaded["movierec"]["recall_at_10"] >= 0.9 and loaded["movierec"]["short_share"] == 0
    assert loaded["bare_hnsw"]["p50_ms"] > 0 and 0 < loaded["bare_hnsw"]["recall_at_10"] <= 1
    assert loaded["movierec_over_bare"] > 0
    hybrid = loaded["bare_hybrid"]  # the same blend from the same two indexes, written plainly
    assert hybrid["p50_ms"] > 0 and 0 < hybrid["recall_at_10"] <= 1
    assert loaded["movierec_over_bare_hybrid"] > 0
    start = report["startup"]
    assert start["help_seconds"] > 0 and start["similar_seconds"] > 0
    assert start["psycopg_select_1_seconds"] > 0 and start["similar_over_psycopg"] > 0
    with psycopg.connect(loaded_url) as conn:
        gone = conn.execute(
            "select count(*) from pg_database where datname = %s", (BENCH_DATABASE,)
        ).fetchone()
    assert gone == (0,)


def _bench_cli(url: str, out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`movierec bench ARGS --no-lancedb --no-startup --json OUT` on the database at ``url``."""
    return subprocess.run(
        [sys.executable, "-m", "movierec", "bench", *args, "--no-lancedb", "--no-startup",
         "--json", str(out)],
        capture_output=True, text=True, env={**os.environ, "MOVIEREC_DATABASE_URL": url},
    )  # fmt: skip


def test_bench_cli_writes_json(loaded_url: str, tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    done = _bench_cli(loaded_url, out, "--sizes", "1k", "--queries", "10")
    assert done.returncode == 0, done.stderr
    assert "1,000 movies" in done.stdout and "ef_search sweep" in done.stdout
    data = json.loads(out.read_text())
    assert (
        data["sizes"][0]["movies"] == 1_000 and "lancedb" not in data["sizes"][0]["filters"]["1%"]
    )


def test_bench_load_times_movierec_load(loaded_url: str, tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    done = _bench_cli(loaded_url, out, "--sizes", "", "--load-sizes", "300")
    assert done.returncode == 0, done.stderr
    assert "movierec load of 300 movies" in done.stdout
    data = json.loads(out.read_text())
    assert data["sizes"] == []
    (load,) = data["loads"]
    assert load["movies"] == 300 and load["file_mb"] > 0
    assert {"read", "tokenize", "doc2vec", "classifier", "vectors", "copy"} <= set(load["seconds"])
    assert load["peak_rss_mb"] == max(load["peak_rss_by_stage_mb"].values()) > 50
    assert 0 <= load["micro_f1"] <= 1
    with psycopg.connect(loaded_url) as conn:
        gone = conn.execute(
            "select count(*) from pg_database where datname = 'movierec_bench_load'"
        ).fetchone()
    assert gone == (0,)
