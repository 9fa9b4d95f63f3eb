"""Baselines scored the same way as movierec's queries, on the same earlier ratings:
most-popular, item-kNN, PureSVD and EASE.

All read a user-by-film matrix of rating values (unrated 0) built from the ratings before
each user's split point. Item-to-item: the query film's row of the item-item scores; history:
the user's row of the matrix times them. EASE (Steck, 2019) is computed only up to
MAX_EASE_FILMS rated films: it inverts a dense film-by-film matrix, which does not scale, and
is here to be beaten, not shipped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from movierec.likes import LIKE_AT

MAX_EASE_FILMS = 20_000
EASE_LAMBDA = 200.0
SVD_FACTORS = 32

FloatArray = npt.NDArray[np.float64]


@dataclass
class Matrix:
    """Earlier ratings as a sparse user-by-film matrix, and the ids of its rows and columns."""

    values: Any
    """scipy CSR, users by films, rating values."""
    users: dict[int, int]
    films: list[int]

    @classmethod
    def of(cls, ratings: Sequence[tuple[int, int, float]]) -> Matrix:
        """From (user, film, rating) triples."""
        from scipy import sparse

        users: dict[int, int] = {}
        column: dict[int, int] = {}
        rows, cols, values = [], [], []
        for user, film, rating in ratings:
            rows.append(users.setdefault(user, len(users)))
            cols.append(column.setdefault(film, len(column)))
            values.append(rating)
        matrix = sparse.csr_matrix(
            (values, (rows, cols)), shape=(len(users), len(column)), dtype=np.float64
        )
        return cls(matrix, users, list(column))


Scorer = Callable[[int, int], FloatArray]
"""(user row, query film column) → a score per film column; history scorers ignore the film."""


def top(scores: FloatArray, exclude: Sequence[int], films: list[int], k: int = 10) -> list[int]:
    """The k best films' ids, ``exclude`` (columns) left out, ties by id."""
    scores = scores.astype(np.float64, copy=True)
    scores[list(exclude)] = -np.inf
    count = min(k, len(scores))
    best = (
        np.argpartition(-scores, count - 1)[:count]
        if count < len(scores)
        else np.arange(len(scores))
    )
    ids = np.asarray(films)
    order = np.lexsort((ids[best], -scores[best]))
    return [int(ids[best[i]]) for i in order if np.isfinite(scores[best[i]])]


def scorers(m: Matrix) -> dict[str, tuple[Scorer, Scorer]]:
    """Per baseline: (item-to-item scorer, history scorer)."""
    from scipy import sparse
    from sklearn.utils.extmath import randomized_svd

    r = m.values
    likes = (r >= LIKE_AT).astype(np.float64)
    popular = np.asarray(likes.sum(axis=0)).ravel()
    columns = r.tocsc()
    norms = np.sqrt(np.asarray(columns.multiply(columns).sum(axis=0)).ravel())
    unit = (columns @ sparse.diags(1 / np.maximum(norms, 1e-12))).tocsc()
    cosine = (unit.T @ unit).toarray().astype(np.float32)
    np.fill_diagonal(cosine, 0)
    rank = min(SVD_FACTORS, min(r.shape) - 1)
    _, _, vt = randomized_svd(r, rank, random_state=42)
    v = vt.T
    out: dict[str, tuple[Scorer, Scorer]] = {
        "most_popular": (lambda u, q: popular, lambda u, q: popular),
        "item_knn": (
            lambda u, q: cosine[q].astype(np.float64),
            lambda u, q: np.asarray(likes[u].toarray().ravel() @ cosine, dtype=np.float64),
        ),
        "pure_svd": (
            lambda u, q: v @ v[q],
            lambda u, q: (r[u].toarray().ravel() @ v) @ v.T,
        ),
    }
    if r.shape[1] <= MAX_EASE_FILMS:
        binary = r.copy()
        binary.data[:] = 1.0
        gram = (binary.T @ binary).toarray()
        gram[np.diag_indices_from(gram)] += EASE_LAMBDA
        inverse = np.linalg.inv(gram)
        del gram
        weights = -inverse / np.diag(inverse)
        np.fill_diagonal(weights, 0)
        del inverse
        out["ease"] = (
            lambda u, q: weights[q],
            lambda u, q: binary[u].toarray().ravel() @ weights,
        )
    return out
