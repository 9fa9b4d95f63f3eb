"""``movierec evaluate``: quality figures of what is loaded."""

from __future__ import annotations

from typing import Annotated

import typer

from movierec.cli.app import app, database_url
from movierec.cli.options import JsonFlag


@app.command()
def evaluate(
    seed: Annotated[int, typer.Option(help="Seed for the random baseline and the samples.")] = 42,
    time_split: Annotated[
        bool,
        typer.Option(
            help="With ratings: reload on each user's earlier ratings and score the later "
            "likes (about a minute on movielens-small)."
        ),
    ] = True,
    kin_sample: Annotated[
        int, typer.Option(min=10, help="Films with kin measured, of each kind (seeded).")
    ] = 1000,
    as_json: JsonFlag = False,
) -> None:
    """Score what is loaded, each figure beside its baselines.

    Classifier F1 (held out at load time, genre words never in the text); kin: do a film's
    franchise and same-director films rank in its top 10, against TF-IDF over the same fields;
    with ratings, a time split (item-to-item and history HR@10/NDCG@10 against most-popular,
    item-kNN, PureSVD and EASE), leave-last-out, and genre agreement.

    \b
    Example: movierec evaluate --json
    """
    from movierec.cli.output import print_evaluate, print_json
    from movierec.query.evaluate import evaluate as run_evaluate
    from movierec.query.settings import connect

    def say(message: str) -> None:
        if not as_json:
            typer.echo(message, err=True)

    url = database_url()
    with connect(url) as conn:
        result = run_evaluate(
            conn, url, seed=seed, with_time_split=time_split, kin_sample=kin_sample, say=say
        )
    if as_json:
        print_json(result)
    else:
        print_evaluate(result)
