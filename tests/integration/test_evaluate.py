"""`movierec evaluate` on a real database, with likes made by hand so the baselines can be
counted by hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from movierec.database.connection import connect
from movierec.query.evaluate import evaluate
from movierec.query.evaluate.leave_last_out import ranking
from movierec.vectors.doc2vec import Doc2VecParams
from tests import fixtures
from tests.integration.loading import load


@pytest.fixture
def rated_url(make_database: Callable[[], str], tmp_path: Path) -> str:
    """Four users' likes, oldest first (the last like is the target, the one before it the query):

    user 1: m0 m1 m2 m3 m4 m5      -> query m4, target m5
    user 2: m0 m1 m2 m6 m7         -> query m6, target m7
    user 3: m1 m2 m8 m0            -> only 4 likes: not evaluated, but m1 m2 m8 count as likes
    user 5: m1 m2 m3 m8 m0         -> query m8, target m0
    user 4: m0 m1 m10              -> 3 likes: not evaluated
    plus a rating of 2 (not a like) by user 1.
    """
    url = make_database()
    load(
        str(fixtures.write_ml_latest(tmp_path / "ml")),
        dsn=url,
        doc2vec=Doc2VecParams(epochs=5),
        show_progress=False,
    )
    t0 = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    with psycopg.connect(url) as conn:
        conn.execute("delete from ratings")
        m = [row[0] for row in conn.execute("select id from movies order by id limit 12")]
        likes = {
            1: [m[0], m[1], m[2], m[3], m[4], m[5]],
            2: [m[0], m[1], m[2], m[6], m[7]],
            3: [m[1], m[2], m[8], m[0]],
            5: [m[1], m[2], m[3], m[8], m[0]],
            4: [m[0], m[1], m[10]],
        }
        for user, movies in likes.items():
            for n, movie in enumerate(movies):
                conn.execute(
                    "insert into ratings values (%s, %s, 4.5, %s)",
                    (user, movie, t0 + dt.timedelta(days=n)),
                )
        conn.execute(
            "insert into ratings values (1, %s, 2.0, %s)", (m[11], t0 + dt.timedelta(days=99))
        )
    return url


def test_popularity_baseline_by_hand(rated_url: str) -> None:
    with connect(rated_url) as conn:
        result = ranking(conn)
    assert result is not None
    assert result["users"] == 3
    # Likes without each user's last one: m1 x5, m2 x4, m0 x3 (users 1, 2, 4), m3 x2, m8 x2, ...
    # Popularity list: m1, m2, m0, ... Users 1 and 2 (targets m5, m7, liked by nobody else) miss;
    # user 5 (query m8, target m0) hits at rank 3: gain 1/log2(4) = 0.5.
    popular = result["baselines"]["popularity"]
    assert popular["hr_at_10"] == pytest.approx(1 / 3, abs=1e-4)
    assert popular["ndcg_at_10"] == pytest.approx(0.5 / 3, abs=1e-4)
    assert 0 <= result["hr_at_10"] <= 1 and 0 <= result["ndcg_at_10"] <= result["hr_at_10"]


def test_evaluate_reports_every_part_reproducibly(rated_url: str) -> None:
    with connect(rated_url) as conn:
        first = evaluate(conn, rated_url, seed=7)
        second = evaluate(conn, rated_url, seed=7)
    assert first == second
    assert set(first) == {
        "embedding",
        "classifier",
        "kin",
        "time_split",
        "ranking",
        "genre_agreement",
    }
    assert first["embedding"]["collaborative"] and first["embedding"]["holdout"]
    assert set(first["classifier"]) >= {"micro_f1", "macro_f1", "per_genre"}
    assert 0 <= first["genre_agreement"] <= 1
    assert set(first["ranking"]["baselines"]) == {"popularity", "random"}
    split = first["time_split"]
    # Every user has an earlier and a later like: 80% of 6 ratings is 4 earlier (user 1, whose
    # 7th is not a like), of 5 it is 4, of 4 it is 3 and of 3 it is 2.
    assert split["users"] == 5
    assert set(split["item_to_item"]) == {"similar", "most_popular", "item_knn", "pure_svd", "ease"}
    assert set(split["history"]) == {"recommend", "most_popular", "item_knn", "pure_svd", "ease"}
    for part in ("item_to_item", "history"):
        for s in split[part].values():
            assert s["cases"] == 5 and 0 <= s["hr_at_10"] <= 1
    # The reload's scratch database is gone.
    with psycopg.connect(rated_url) as conn:
        left = conn.execute(
            "select count(*) from pg_database where datname = 'movierec_evaluate'"
        ).fetchone()
    assert left == (0,)


def test_without_ratings_ranking_is_null_and_kin_is_measured(loaded_url: str) -> None:
    with connect(loaded_url) as conn:
        assert ranking(conn) is None
        result = evaluate(conn, loaded_url, kin_sample=50)
    assert result["time_split"] is None and result["ranking"] is None
    # The fixture's directors made several films of 1996-1999 each.
    creators = result["kin"]["creators"]
    assert creators["films_measured"] == 50 and creators["films_with_kin"] > 50
    assert creators["similar"]["hr_at_10"] >= creators["tfidf"]["hr_at_10"] - 0.15
