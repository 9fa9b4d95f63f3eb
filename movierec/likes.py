"""What counts as a like, and which like of each user the evaluation holds out.

Training (the collaborative vectors leave the held-out likes out) and evaluation (which
predicts them) share these definitions; sql/evaluate.sql picks the same likes.
"""

from __future__ import annotations

from collections.abc import Iterable

from movierec.records import RatingRow

LIKE_AT = 4.0
"""A rating at or above this (of 5) is a like."""
MIN_LIKES = 5
"""Users with at least this many likes are evaluated (their last like is held out)."""


def held_out(ratings: Iterable[RatingRow]) -> set[tuple[int, int]]:
    """(user, movie) of each user's last like, for users with MIN_LIKES+ likes.

    The same choice as ``leave_last_out`` in sql/evaluate.sql: latest time first, missing times
    last, ties broken by the larger movie id.
    """
    last: dict[int, tuple[tuple[bool, float, int], int]] = {}
    likes: dict[int, int] = {}
    for r in ratings:
        if r.rating < LIKE_AT:
            continue
        likes[r.user_id] = likes.get(r.user_id, 0) + 1
        key = (r.rated_at is not None, r.rated_at or 0.0, r.movie_id)
        if r.user_id not in last or key > last[r.user_id][0]:
            last[r.user_id] = (key, r.movie_id)
    return {(u, m) for u, (_, m) in last.items() if likes[u] >= MIN_LIKES}
