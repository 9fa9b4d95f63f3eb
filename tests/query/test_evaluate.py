"""Evaluation on hand-checked cases: the metrics, the time split, kin, and the baselines."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pytest

from movierec.query.evaluate import baselines
from movierec.query.evaluate.kin import creator_kin, franchise_kin
from movierec.query.evaluate.metrics import score
from movierec.query.evaluate.time_split import split


def test_hit_rate_ndcg_and_recall_by_hand() -> None:
    rankings = [
        ([5, 7, 9], {5}),  # hit at rank 1: gain 1
        ([1, 2, 3], {3}),  # hit at rank 3: gain 1/log2(4) = 0.5
        ([1, 2, 3], {4}),  # miss
        (list(range(100, 120)), {111}),  # rank 12: beyond the top 10, a miss
        ([8, 9], {8, 9, 10}),  # two of three: DCG 1 + 1/log2(3) over the ideal of three
    ]
    result = score(rankings)
    assert result.hr == pytest.approx(3 / 5)
    ideal = 1 + 1 / math.log2(3) + 0.5
    assert result.ndcg == pytest.approx((1 + 0.5 + (1 + 1 / math.log2(3)) / ideal) / 5)
    assert result.recall == pytest.approx((1 + 1 + 0 + 0 + 2 / 3) / 5)
    hits = [1, 1, 0, 0, 1]
    sd = math.sqrt(sum((h - 0.6) ** 2 for h in hits) / 4)
    assert result.hr_ci == pytest.approx(1.96 * sd / math.sqrt(5))


def test_no_cases_is_not_a_number() -> None:
    assert math.isnan(score([]).hr)


def test_the_time_split_keeps_each_users_first_80_percent() -> None:
    t0 = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    rows: list[tuple[int, int, float, dt.datetime | None]] = [
        (1, m, 4.5 if m % 2 else 2.0, t0 + dt.timedelta(days=m)) for m in range(10)
    ]
    rows += [(2, 50, 5.0, t0), (2, 51, 5.0, t0 + dt.timedelta(days=1))]  # 1 earlier, 1 later
    rows += [(3, 60, 2.0, t0)] * 5  # no like: not evaluated
    cut = split(rows)
    assert [m for u, m, *_ in cut.earlier if u == 1] == list(range(8))
    assert cut.later_likes == {1: {9}, 2: {51}}
    assert cut.last_like == {1: 7, 2: 50}


def _film(
    title: str, year: int, director: str = "", genres: tuple[str, ...] = ("Drama",)
) -> dict[str, Any]:
    return {"title": title, "year": year, "director": director, "genres": list(genres)}


def test_franchise_kin_are_sequels_by_title() -> None:
    films = [
        _film("The Godfather", 1972),
        _film("The Godfather Part II", 1974),
        _film("Godfather: The Musical", 2001),  # a subtitle after the colon
        _film("Godfathers of Soul", 1990),  # another first word
        _film("Toy Story", 1995),
        _film("Toy Story 2", 1999),
        _film("Toy Soldiers", 1991),  # shares a word, not the title
        _film("Toy Story 0", 1990),  # a "sequel" older than the film: not kin
    ]
    kin = franchise_kin(films)
    assert kin[0] == {1}
    assert kin[4] == {5}
    assert 3 not in kin and 6 not in kin and 7 not in kin
    assert franchise_kin([_film("Alien", 1979), _film("Alien: Resurrection", 1997)]) == {
        0: {1},
        1: {0},
    }


def test_creator_kin_share_a_director_and_a_genre() -> None:
    films = [
        _film("A", 1990, "Ann", ("Drama",)),
        _film("B", 1991, "Ann", ("Drama", "War")),
        _film("C", 1992, "Ann", ("Comedy",)),
        _film("D", 1993, "Bo, Ann", ("War",)),
    ]
    assert creator_kin(films) == {0: {1}, 1: {0, 3}, 3: {1}}


def test_baselines_rank_co_rated_and_popular_films() -> None:
    # Users 0-9 rate films 1 and 2; users 10-19 rate films 3 and 4; everyone rates film 5.
    ratings = [(u, f, 5.0) for u in range(10) for f in (1, 2)]
    ratings += [(u, f, 4.0) for u in range(10, 20) for f in (3, 4)]
    ratings += [(u, 5, 4.0) for u in range(20)]
    matrix = baselines.Matrix.of(ratings)
    scorers = baselines.scorers(matrix)
    assert set(scorers) == {"most_popular", "item_knn", "pure_svd", "ease"}
    column = {f: j for j, f in enumerate(matrix.films)}
    user = matrix.users[0]
    for name, (item, history) in scorers.items():
        ranked = baselines.top(item(user, column[1]), [column[1]], matrix.films, k=2)
        if name != "most_popular":
            assert 2 in ranked, name
        top = baselines.top(
            history(user, column[1]), [column[1], column[2], column[5]], matrix.films, k=2
        )
        assert 1 not in top and 2 not in top, "rated films are excluded"
    # Ties are broken by id, and excluded columns never come back.
    assert baselines.top(np.ones(3), [0], [7, 8, 9], k=3) == [8, 9]
