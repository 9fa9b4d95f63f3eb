"""The load pipeline at scale: ``movierec load`` of an N-movie JSONL file, with its seconds and
peak memory per stage, against the file's size."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from movierec.database.connection import mask_password
from movierec.database.scratch import scratch_database
from movierec.errors import MovierecError
from movierec.records import MovieRecord

LOAD_DATABASE = "movierec_bench_load"
"""The scratch database the loads go to (dropped afterwards)."""

_SKIPPED = {"source_id", "imdb_id"}


def write_catalogue(path: Path, n: int) -> int:
    """Write ``n`` movies as JSONL and return the file's size in bytes.

    The movies are the default sample's films, repeated as often as needed with the copy number
    in the title (``Heat #0``, ``Heat #1``...): the text, genres and people are real, and so is
    the vocabulary's growth, which stops after the first copy.
    """
    from movierec.sources import open_source

    films = [r for r in open_source(None).movies() if isinstance(r, MovieRecord)]
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            film, copy = films[i % len(films)], i // len(films)
            row: dict[str, Any] = {}
            for name in MovieRecord.__dataclass_fields__:
                value = getattr(film, name)
                if name in _SKIPPED or value is None or value == []:
                    continue
                row[name] = value.isoformat() if isinstance(value, dt.date) else value
            row["title"] = f"{film.title} #{copy}"
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path.stat().st_size


def bench_load(url: str, n: int, say: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    """``movierec load --json`` of ``n`` movies into a scratch database, in a subprocess."""
    with (
        tempfile.TemporaryDirectory(prefix="movierec-load-") as folder,
        scratch_database(url, LOAD_DATABASE) as scratch,
    ):
        path = Path(folder) / f"movies-{n}.jsonl"
        size = write_catalogue(path, n)
        say(f"load {n:,} movies ({size / 2**20:.0f} MB of JSONL): movierec load --json")
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "movierec", "load", str(path), "--json"],
            env={**os.environ, "MOVIEREC_DATABASE_URL": scratch},
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - start
    if done.returncode != 0:
        raise MovierecError(
            f"bench load of {n:,} movies into {mask_password(scratch)} failed: "
            + (done.stderr.strip().splitlines() or ["no message"])[-1]
        )
    result = json.loads(done.stdout)
    peak = max(result["peak_rss_mb"].values())
    return {
        "movies": n,
        "file_mb": round(size / 2**20, 1),
        "wall_seconds": round(wall, 1),
        "seconds": result["seconds"],
        "peak_rss_mb": peak,
        "peak_rss_by_stage_mb": result["peak_rss_mb"],
        "peak_rss_per_file_byte": round(peak * 2**20 / size, 2),
        "micro_f1": round(result["metrics"]["micro_f1"], 4),
    }
