"""Collaborative factors: the evaluation holdout, and what co-rating and popularity do."""

from __future__ import annotations

import numpy as np
import pytest

from movierec.likes import held_out
from movierec.records import RatingRow
from movierec.vectors.collaborative import FACTOR_DIMS, CollaborativeParams, item_factors


def _r(user: int, movie: int, rating: float = 4.5, at: float | None = 0.0) -> RatingRow:
    return RatingRow(user, movie, rating, at)


def test_held_out_is_each_eligible_users_last_like() -> None:
    ratings = [_r(1, m, at=float(m)) for m in (10, 11, 12, 13, 14)]  # 5 likes: 14 is last
    ratings += [_r(1, 99, rating=2.0, at=100.0)]  # a later rating that is not a like
    ratings += [_r(2, m, at=float(m)) for m in (10, 11, 12, 13)]  # 4 likes: not evaluated
    # Equal times: the larger movie id is last; a missing time sorts before any time.
    ratings += [_r(3, m, at=5.0) for m in (20, 21, 22, 23)] + [_r(3, 30, at=None)]
    assert held_out(ratings) == {(1, 14), (3, 23)}


def test_co_rated_movies_are_close_popular_ones_longer_and_unrated_ones_zero() -> None:
    # Users 1-20 rate movies 0-2; users 21-40 rate movies 3-5; users 1-30 also rate movie 6,
    # the most watched; nobody rates movie 7.
    ratings = [_r(u, m, rating=3.0) for u in range(1, 21) for m in (0, 1, 2)]
    ratings += [_r(u, m, rating=3.0) for u in range(21, 41) for m in (3, 4, 5)]
    ratings += [_r(u, 6, rating=4.0) for u in range(1, 31)]
    factors, rated = item_factors(ratings, list(range(8)), CollaborativeParams(dims=4))
    assert rated.tolist() == [True] * 7 + [False]
    assert not factors[7].any()
    lengths = np.linalg.norm(factors, axis=1)
    assert lengths.max() == pytest.approx(1.0, abs=1e-5), "scaled so the longest is 1"
    assert lengths[6] == lengths.max(), "the most watched film is the longest"
    cosine = factors[0] @ factors[1] / (lengths[0] * lengths[1])
    assert cosine > 0.99
    assert abs(factors[0] @ factors[3]) < 0.01


def test_holdout_leaves_the_last_like_out_of_training() -> None:
    # Movie 9 is only ever the last like of user 1: with the holdout nothing is known about it.
    ratings = [_r(1, m, at=float(m)) for m in (1, 2, 3, 4, 9)] + [_r(2, 1), _r(2, 2)]
    _, rated = item_factors(ratings, list(range(10)), CollaborativeParams(dims=2))
    assert not rated[9]
    _, rated = item_factors(ratings, list(range(10)), CollaborativeParams(dims=2, holdout=False))
    assert rated[9]


def test_no_ratings_no_factors() -> None:
    factors, rated = item_factors([], [1, 2, 3])
    assert factors.shape == (3, FACTOR_DIMS) and not rated.any()
