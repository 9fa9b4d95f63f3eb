"""Collaborative item vectors: what users rate together, from the ratings table, by truncated SVD."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from movierec.likes import held_out
from movierec.records import RatingRow

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class CollaborativeParams:
    """Settings of the collaborative part of the embedding."""

    dims: int = 64
    """Width of the item vectors; the content part gets the rest of the 100 dimensions."""
    user_idf: float = 0.5
    """Each user's column is divided by (movies they rated) ** user_idf, so prolific raters
    count less per movie, as IDF does for common words."""
    holdout: bool = True
    """Leave out each evaluated user's last like (what ``movierec evaluate`` predicts), so the
    evaluation never scores the model on ratings it was trained on."""
    seed: int = 42
    """Seed of the randomized SVD."""

    def as_dict(self) -> dict[str, Any]:
        """Plain-JSON form for the models table."""
        return asdict(self)


def item_vectors(
    ratings: Sequence[RatingRow],
    movie_ids: Sequence[int],
    params: CollaborativeParams = CollaborativeParams(),
) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """Unit item vectors for ``movie_ids`` (rows in that order) and which movies have one.

    Any rating counts as an interaction: a movie someone bothered to rate says more about
    their taste than its score does (on movielens-small, using all ratings rather than likes
    only raised leave-last-out HR@10 from 0.050 to 0.065 for item-item cosine). The item-by-
    user matrix is weighted by user IDF, rows scaled to unit length (so dot products are
    item-item cosines), and factored by randomized SVD; item vectors are U·S.
    """
    from scipy import sparse
    from sklearn.utils.extmath import randomized_svd

    skip = held_out(ratings) if params.holdout else set()
    row_of = {m: i for i, m in enumerate(movie_ids)}
    users: dict[int, int] = {}
    rows, cols = [], []
    for r in ratings:
        if (r.user_id, r.movie_id) in skip or r.movie_id not in row_of:
            continue
        rows.append(row_of[r.movie_id])
        cols.append(users.setdefault(r.user_id, len(users)))
    n = len(movie_ids)
    vectors = np.zeros((n, params.dims), dtype=np.float32)
    has = np.zeros(n, dtype=bool)
    if not rows:
        return vectors, has
    matrix = sparse.csr_matrix(
        (np.ones(len(rows)), (rows, cols)), shape=(n, len(users)), dtype=np.float64
    )
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    per_user = np.asarray(matrix.sum(axis=0)).ravel()
    matrix = (matrix @ sparse.diags(1.0 / np.maximum(per_user, 1.0) ** params.user_idf)).tocsr()
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    has = norms > 0
    matrix = sparse.diags(1.0 / np.maximum(norms, 1e-12)) @ matrix
    rank = min(params.dims, min(matrix.shape) - 1)
    if rank < 1:
        return vectors, np.zeros(n, dtype=bool)
    u, s, _ = randomized_svd(matrix, rank, random_state=params.seed)
    part = u * s
    lengths = np.linalg.norm(part, axis=1, keepdims=True)
    has &= lengths[:, 0] > 1e-9
    vectors[:, :rank] = np.where(has[:, None], part / np.maximum(lengths, 1e-12), 0.0)
    return vectors, has
