"""``movierec evaluate``: quality figures of what is loaded."""

from __future__ import annotations

from typing import Annotated

import typer

from movierec.cli.app import app, database_url
from movierec.cli.options import JsonFlag


@app.command()
def evaluate(
    seed: Annotated[int, typer.Option(help="Seed for the random baseline and the samples.")] = 42,
    as_json: JsonFlag = False,
) -> None:
    """Score what is loaded: classifier F1, leave-last-out HR@10/NDCG@10, genre agreement.

    The classifier's scores were measured at load time on held-out movies whose genre words
    were never in the text. Ranking needs ratings (e.g. movierec load movielens-small).

    \b
    Example: movierec evaluate --json
    """
    from movierec.cli.output import print_evaluate, print_json
    from movierec.database.connection import connect
    from movierec.query.evaluate import evaluate as run_evaluate

    with connect(database_url()) as conn:
        result = run_evaluate(conn, seed=seed)
    if as_json:
        print_json(result)
    else:
        print_evaluate(result)
