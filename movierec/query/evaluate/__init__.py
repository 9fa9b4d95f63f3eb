"""``movierec evaluate``: the quality of what is loaded, every figure beside its baselines.

- classifier: held-out F1, measured at load time (genre words never in the text);
- kin (kin.py): do a film's franchise and same-director films rank near it, against TF-IDF;
- time split (time_split.py, with ratings): a reload on each user's earlier ratings, then
  item-to-item and history HR@10 / NDCG@10 beside most-popular, item-kNN, PureSVD and EASE;
- leave-last-out (leave_last_out.py, with ratings) and genre agreement, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg

from movierec.database import queries
from movierec.errors import MovierecError
from movierec.query.evaluate.kin import kin_scores
from movierec.query.evaluate.leave_last_out import genre_agreement, ranking
from movierec.query.evaluate.time_split import evaluate_time_split


def evaluate(
    conn: psycopg.Connection[Any],
    dsn: str,
    *,
    seed: int = 42,
    with_time_split: bool = True,
    kin_sample: int = 1000,
    say: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """Every figure ``movierec evaluate`` prints; ``dsn`` is where the time split's scratch
    database is made (beside the evaluated one)."""
    row = conn.execute(queries.get("evaluate", "stored_classifier_metrics").sql).fetchone()
    if row is None:
        raise MovierecError("nothing is loaded; run `movierec load` first")
    metrics, params = row
    collab = params.get("collaborative")
    say("kin: franchise and same-director films")
    kin = kin_scores(conn, sample=kin_sample, seed=seed)
    say("leave-last-out")
    leave_last_out = ranking(conn, seed)
    split = evaluate_time_split(conn, dsn, params, say) if with_time_split else None
    say("genre agreement")
    return {
        "embedding": {
            "encoder": params.get("encoder", "doc2vec"),
            "collaborative": collab is not None and bool(params.get("rated_movies")),
            "rated_movies": params.get("rated_movies", 0),
            # Without the holdout the leave-last-out figures score films trained on their targets.
            "holdout": bool(collab and collab.get("holdout")),
            "blend": params.get("blend"),
        },
        "classifier": {
            "micro_f1": metrics.get("micro_f1"),
            "macro_f1": metrics.get("macro_f1"),
            "per_genre": metrics.get("per_genre", {}),
            "test_movies": metrics.get("test_movies"),
        },
        "kin": kin,
        "time_split": split,
        "ranking": leave_last_out,
        "genre_agreement": round(genre_agreement(conn, seed=seed), 4),
    }
