"""``movierec bench``: ingest, index and query speed on synthetic catalogues."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from movierec.cli.app import app, database_url
from movierec.errors import MovierecError


@app.command()
def bench(
    sizes: Annotated[
        str, typer.Option(help="Catalogue sizes, comma-separated: e.g. 17k,100k,1M.")
    ] = "17k,100k",
    queries: Annotated[int, typer.Option(min=10, help="Queries per genre filter.")] = 200,
    lancedb: Annotated[
        bool, typer.Option(help="Compare with LanceDB (needs pip install -e '.[bench]').")
    ] = True,
    startup: Annotated[
        bool, typer.Option(help="Also time `movierec --help` and `movierec similar`.")
    ] = True,
    catalogue: Annotated[
        bool,
        typer.Option(
            help="Also time the whole similarity query on the loaded catalogue's films (their "
            "dense, creators and ratings vectors) beside the bare HNSW statement."
        ),
    ] = True,
    json_path: Annotated[
        Path | None, typer.Option("--json", help="Also write every figure to this JSON file.")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the synthetic catalogues and queries.")] = 42,
    vectors: Annotated[
        str,
        typer.Option(
            help="Synthetic vector shape: 'movierec' (spread like the embeddings a load "
            "stores) or 'isotropic' (harder than any real catalogue: an index stress test)."
        ),
    ] = "movierec",
    load_sizes: Annotated[
        str,
        typer.Option(
            help="Also time `movierec load` (seconds and peak memory per stage) on JSONL files "
            "of these sizes, made from the sample's films: e.g. 17k,1M (1M takes about 25 min)."
        ),
    ] = "",
    serve: Annotated[
        bool,
        typer.Option(
            "--serve",
            help="Instead: load `movierec serve` (on 127.0.0.1) with the loaded catalogue, on "
            "one connection and on --serve-concurrency at a time.",
        ),
    ] = False,
    serve_requests: Annotated[
        int, typer.Option(min=10, max=1_000_000, help="Requests of each --serve run.")
    ] = 2000,
    serve_concurrency: Annotated[
        int, typer.Option(min=1, max=256, help="Connections of the concurrent --serve run.")
    ] = 32,
    serve_workers: Annotated[int, typer.Option(min=1, max=16, help="Server processes.")] = 1,
    serve_seconds: Annotated[
        float, typer.Option(min=1, max=3600, help="Time limit of each --serve run, in seconds.")
    ] = 120,
    serve_reload: Annotated[
        str | None,
        typer.Option(
            metavar="LOAD-ARGS",
            help="Also run requests while `movierec load LOAD-ARGS` replaces the catalogue (it "
            "stays replaced), and check every answer is the old catalogue's or the new one's; "
            "e.g. 'wikidata-films --ratings movielens-small', which changes most answers.",
        ),
    ] = None,
    serve_restart: Annotated[
        bool,
        typer.Option(help="Also stop and start the embedded database server under requests."),
    ] = False,
) -> None:
    """Measure ingest, index builds and the similarity query on synthetic catalogues.

    Each size is loaded into a scratch database (movierec_bench, dropped afterwards) with the
    production COPY and index path; the query `similar` runs is timed at genre filters of about
    50%, 10% and 1% of movies, with recall@10 against exact NumPy search, beside LanceDB.

    With --serve, measure `movierec serve` instead: latency and throughput of
    GET /api/v1/movies/{id}/similar on the loaded catalogue, and optionally during a reload
    and a database restart.

    \b
    Example: movierec bench --sizes 17k,100k,1M --json bench.json
    Example: movierec bench --serve --serve-restart \\
               --serve-reload 'wikidata-films --ratings movielens-small'
    """
    from movierec.bench import parse_sizes, run
    from movierec.cli.output import print_bench, print_serve_bench

    def say(message: str) -> None:
        typer.echo(message, err=True)

    if serve:
        from movierec.bench.serve import bench_serve
        from movierec.settings import get_settings

        if serve_restart and get_settings().database_url:
            raise MovierecError(
                "--serve-restart stops and starts the embedded server; MOVIEREC_DATABASE_URL "
                "names another one. Unset it, or leave --serve-restart out"
            )

        served = bench_serve(
            database_url(),
            requests=serve_requests,
            concurrency=serve_concurrency,
            workers=serve_workers,
            reload_source=serve_reload,
            restart=serve_restart,
            max_seconds=serve_seconds,
            say=say,
        )
        if json_path:
            json_path.write_text(json.dumps(served, indent=2) + "\n", encoding="utf-8")
        print_serve_bench(served)
        return

    report = run(
        database_url(),
        parse_sizes(sizes) if sizes.strip() else [],
        queries=queries,
        lancedb=lancedb,
        seed=seed,
        with_startup=startup,
        with_catalogue=catalogue,
        vectors=vectors,
        load_sizes=parse_sizes(load_sizes, "--load-sizes") if load_sizes.strip() else None,
        say=say,
    )
    if json_path:
        json_path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print_bench(report)
