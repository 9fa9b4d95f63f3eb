"""Synthetic catalogues for the bench: clustered unit vectors and a realistic genre mix."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from movierec.records import EMBEDDING_DIMS as DIMS

CLUSTERS = 256
CHUNK = 50_000


@dataclass(frozen=True)
class Shape:
    """How the vectors spread: per-dimension scales fall as ``(d + 1) ** -decay``; ``noise`` is
    the spread of a movie around its cluster centre, relative to the centres' spread."""

    decay: float
    noise: float


# "movierec": calibrated on the embeddings a movierec load stores (the movielens-small hybrid:
# relative contrast mean/10th-NN distance 2.16 and a participation ratio of 46 effective
# dimensions; these vectors measure 2.17 and 46). Wikidata's content vectors are easier still
# (4.0 and 9). "isotropic": the same noise in every direction (1.6 and 90), harder than any
# embedding movierec has produced: a stress test for the index.
SHAPES: dict[str, Shape] = {
    "movierec": Shape(decay=0.33, noise=0.55),
    "isotropic": Shape(decay=0.0, noise=0.9),
}

# Share of movies carrying each genre, close to the Wikidata sample's; a movie has 1-4 genres.
# The three filters the bench times sit at about 50%, 10% and 1% of movies.
GENRE_SHARE: dict[str, float] = {
    "Drama": 0.50,
    "Comedy": 0.30,
    "Thriller": 0.15,
    "Action": 0.14,
    "Romance": 0.12,
    "Crime": 0.10,
    "Horror": 0.08,
    "Adventure": 0.08,
    "Mystery": 0.05,
    "Sci-Fi": 0.05,
    "Fantasy": 0.04,
    "Animation": 0.03,
    "Family": 0.03,
    "War": 0.02,
    "Musical": 0.015,
    "Western": 0.01,
}
FILTERS: dict[str, str] = {"50%": "Drama", "10%": "Crime", "1%": "Western"}


@dataclass(frozen=True)
class Chunk:
    """A slice of the catalogue: ids, unit vectors, genres and years."""

    ids: npt.NDArray[np.int64]
    vectors: npt.NDArray[np.float32]
    genres: list[list[str]]
    years: npt.NDArray[np.int32]


def chunks(
    n: int, seed: int = 42, size: int = CHUNK, shape: Shape = SHAPES["movierec"]
) -> Iterator[Chunk]:
    """The catalogue of ``n`` movies, ``size`` at a time, so memory does not grow with ``n``.

    Vectors are cluster centre + noise (like films of one kind lying together); each cluster
    favours some genres, so genre filters and neighbourhoods overlap as they do in real data,
    while every genre keeps its overall share.
    """
    rng = np.random.default_rng(seed)
    scale = (np.arange(DIMS) + 1.0) ** -shape.decay
    scale = (scale / np.sqrt((scale**2).mean())).astype(np.float32)
    centres = (rng.normal(size=(CLUSTERS, DIMS)) * scale).astype(np.float32)
    names = list(GENRE_SHARE)
    base = np.array([GENRE_SHARE[g] for g in names])
    # Per-cluster genre odds: lognormal tilt around the overall share, renormalized per genre.
    tilt = rng.lognormal(0.0, 1.0, size=(CLUSTERS, len(names)))
    tilt /= tilt.mean(axis=0, keepdims=True)
    odds = np.clip(base * tilt, 0.0, 0.95)
    for start in range(0, n, size):
        count = min(size, n - start)
        cluster = rng.integers(0, CLUSTERS, size=count)
        noise = rng.normal(scale=shape.noise, size=(count, DIMS)).astype(np.float32)
        vectors = centres[cluster] + noise * scale
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        draws = rng.random((count, len(names))) < odds[cluster]
        genres = [[names[j] for j in np.flatnonzero(row)] or ["Drama"] for row in draws]
        years = rng.integers(1920, 2026, size=count).astype(np.int32)
        yield Chunk(np.arange(start + 1, start + count + 1), vectors, genres, years)
