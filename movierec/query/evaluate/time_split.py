"""The time split: each user's earlier ratings are all the models see; their later likes are
what the recommendations should find.

For each user, ratings in time order: the first 80% are earlier, the rest later. The loaded
catalogue is reloaded into a scratch database with only the earlier ratings, so every model
(the collaborative factors included) trains without the later ones. Users with an earlier
and a later like are evaluated two ways:

- **item to item**: ``similar`` of the user's last earlier like (only it excluded);
- **history**: the user's earlier ratings as a viewing history (all of them excluded).

A hit is any later like in the top 10. Most-popular, item-kNN, PureSVD and EASE are scored
the same way on the same earlier ratings (baselines.py).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import psycopg

from movierec.database import queries
from movierec.database.scratch import scratch_database
from movierec.likes import LIKE_AT
from movierec.query.evaluate import baselines
from movierec.query.evaluate.metrics import K, score
from movierec.query.settings import connect
from movierec.records import HistoryRow, MovieRecord, Rating, Reject, record_of_row

EARLIER = 0.8
"""Share of each user's ratings, oldest first, that the models see."""
SCRATCH = "movierec_evaluate"
"""The scratch database of the reload (dropped afterwards)."""


@dataclass
class Split:
    """The ratings before each user's split point, and each evaluated user's later likes."""

    earlier: list[tuple[int, int, float, dt.datetime | None]] = field(default_factory=list)
    later_likes: dict[int, set[int]] = field(default_factory=dict)
    last_like: dict[int, int] = field(default_factory=dict)
    """Each evaluated user's last earlier like: the item-to-item query."""


def split(ratings: list[tuple[int, int, float, dt.datetime | None]]) -> Split:
    """Cut each user's ratings (in time order) at EARLIER."""
    by_user: dict[int, list[tuple[int, int, float, dt.datetime | None]]] = defaultdict(list)
    for row in ratings:
        by_user[row[0]].append(row)
    out = Split()
    for user, rows in by_user.items():
        cut = math.floor(EARLIER * len(rows))
        earlier, later = rows[:cut], rows[cut:]
        out.earlier.extend(earlier)
        earlier_likes = [r for r in earlier if r[2] >= LIKE_AT]
        later_likes = {r[1] for r in later if r[2] >= LIKE_AT}
        if earlier_likes and later_likes:
            out.later_likes[user] = later_likes
            out.last_like[user] = earlier_likes[-1][1]
    return out


@dataclass
class CatalogueSource:
    """The loaded catalogue as a source for a reload: its films, and the ratings kept."""

    films: list[dict[str, Any]]
    ratings_kept: list[tuple[int, int, float, dt.datetime | None]]
    name: str = "evaluation"
    label: str = "the loaded catalogue"

    def movies(self) -> Iterator[MovieRecord | Reject]:
        for row in self.films:
            record = record_of_row(row)
            record.source_id = str(row["id"])
            yield record

    def ratings(self) -> Iterator[Rating | Reject]:
        for user, movie, rating, at in self.ratings_kept:
            yield Rating(user, str(movie), rating, at)


def _options(params: dict[str, Any]) -> Any:
    from movierec.classifier import ClassifierParams
    from movierec.pipeline.load import LoadOptions
    from movierec.vectors.collaborative import CollaborativeParams
    from movierec.vectors.content import ContentParams
    from movierec.vectors.doc2vec import Doc2VecParams

    def known(cls: Any, values: dict[str, Any] | None) -> Any:
        fields = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in (values or {}).items() if k in fields})

    collaborative = params.get("collaborative")
    return LoadOptions(
        encoder=params.get("encoder", "doc2vec"),
        doc2vec=known(Doc2VecParams, params.get("doc2vec")),
        classifier=known(ClassifierParams, params.get("classifier")),
        content=known(ContentParams, params.get("content") or params.get("hybrid")),
        collaborative=known(CollaborativeParams, {**collaborative, "holdout": False})
        if collaborative is not None
        else None,
        show_progress=False,
    )


def evaluate_time_split(
    conn: psycopg.Connection[Any],
    dsn: str,
    params: dict[str, Any],
    say: Callable[[str], None] = lambda _: None,
) -> dict[str, Any] | None:
    """Every figure of the time split, or None when nothing is rated."""
    from movierec.pipeline.load import load
    from movierec.query.recommend import recommend_history
    from movierec.query.similar import similar

    ratings = [
        (int(u), int(m), float(r), t)
        for u, m, r, t in conn.execute(queries.get("evaluate", "all_ratings").sql)
    ]
    if not ratings:
        return None
    if all(t is None for *_, t in ratings):
        return {"skipped": "the ratings have no times"}
    cut = split(ratings)
    with conn.cursor(row_factory=psycopg.rows.dict_row) as cur:
        films = cur.execute(queries.get("store", "existing_movies").sql).fetchall()
    say(f"time split: reloading {len(films):,} films with {len(cut.earlier):,} earlier ratings")
    with scratch_database(dsn, SCRATCH) as scratch:
        load(CatalogueSource(films, cut.earlier), scratch, _options(params))
        with connect(scratch) as reloaded:
            ours = _ours(reloaded, cut, similar, recommend_history, say)
    say("time split: baselines")
    theirs = _baselines(cut)
    return {
        "users": len(cut.later_likes),
        "earlier_ratings": len(cut.earlier),
        "earlier_share": EARLIER,
        "item_to_item": {"similar": ours[0], **theirs[0]},
        "history": {"recommend": ours[1], **theirs[1]},
    }


def _ours(
    reloaded: psycopg.Connection[Any],
    cut: Split,
    similar: Any,
    recommend_history: Any,
    say: Callable[[str], None],
) -> tuple[dict[str, Any], dict[str, Any]]:
    original = {
        int(new): int(old)
        for new, old in reloaded.execute("select id, source_id from movies")
        if str(old).isdigit()
    }
    scratch_id = {old: new for new, old in original.items()}
    history_rows: dict[int, list[HistoryRow]] = defaultdict(list)
    for user, movie, rating, at in cut.earlier:
        if user in cut.later_likes and movie in scratch_id:
            history_rows[user].append(
                HistoryRow(
                    movie_id=scratch_id[movie],
                    rating=rating,
                    date=at.date().isoformat() if at else None,
                )
            )
    item, history = [], []
    say(f"time split: {len(cut.later_likes):,} users, item to item and history")
    for user, targets in cut.later_likes.items():
        _, found = similar(reloaded, movie_id=scratch_id[cut.last_like[user]], k=K)
        item.append(([original[n.id] for n in found], targets))
        _, found = recommend_history(reloaded, history_rows[user], k=K)
        history.append(([original[n.id] for n in found], targets))
        reloaded.rollback()
    return score(item).as_json(), score(history).as_json()


def _baselines(cut: Split) -> tuple[dict[str, Any], dict[str, Any]]:
    matrix = baselines.Matrix.of([(u, m, r) for u, m, r, _ in cut.earlier])
    column = {film: j for j, film in enumerate(matrix.films)}
    rated: dict[int, list[int]] = defaultdict(list)
    for user, movie, _, _ in cut.earlier:
        rated[user].append(column[movie])
    item: dict[str, Any] = {}
    history: dict[str, Any] = {}
    for name, (item_scorer, history_scorer) in baselines.scorers(matrix).items():
        item_rankings, history_rankings = [], []
        for user, targets in cut.later_likes.items():
            row, query = matrix.users[user], column[cut.last_like[user]]
            item_rankings.append(
                (baselines.top(item_scorer(row, query), [query], matrix.films), targets)
            )
            history_rankings.append(
                (baselines.top(history_scorer(row, query), rated[user], matrix.films), targets)
            )
        item[name] = score(item_rankings).as_json()
        history[name] = score(history_rankings).as_json()
    return item, history
