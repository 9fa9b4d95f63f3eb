"""Ranking metrics on hand-checked cases."""

from __future__ import annotations

import math

import pytest

from movierec.errors import MovierecError
from movierec.query.evaluate import score


def test_hit_rate_and_ndcg_by_hand() -> None:
    rankings = [
        ([5, 7, 9], 5),  # hit at rank 1: gain 1
        ([1, 2, 3], 3),  # hit at rank 3: gain 1/log2(4) = 0.5
        ([1, 2, 3], 4),  # miss
        (list(range(100, 120)), 111),  # rank 12: beyond the top 10, a miss
    ]
    result = score(rankings)
    assert result.hr_at_10 == pytest.approx(2 / 4)
    assert result.ndcg_at_10 == pytest.approx((1 + 0.5) / 4)
    hits = [1, 1, 0, 0]
    sd = math.sqrt(sum((h - 0.5) ** 2 for h in hits) / 3)
    assert result.hr_ci95 == pytest.approx(1.96 * sd / 2)


def test_no_users_is_an_error() -> None:
    with pytest.raises(MovierecError):
        score([])
