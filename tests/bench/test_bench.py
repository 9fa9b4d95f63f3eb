"""The bench's pure parts: size parsing, exact filtered search, synthetic catalogues."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from movierec.bench import exact_top_k, parse_sizes, query_movies
from movierec.bench.synthetic import FILTERS, SHAPES, chunks
from movierec.errors import MovierecError


def test_parse_sizes() -> None:
    assert parse_sizes("17k, 100k,1M,2500,1.5k") == [17_000, 100_000, 1_000_000, 2_500, 1_500]
    with pytest.raises(MovierecError, match="17k"):
        parse_sizes("lots")
    with pytest.raises(MovierecError, match="too small"):
        parse_sizes("10")


def test_exact_top_k_filters_excludes_self_and_orders() -> None:
    vectors = np.array([[1, 0], [0.9, 0.1], [0.8, 0.2], [0, 1], [0.95, 0.05]], dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    mask = np.array([True, True, True, True, False])
    # Movie 1 (row 0): row 4 is closest but filtered out; ids are 1-based.
    assert exact_top_k(vectors, mask, 0, k=2) == [2, 3]
    assert exact_top_k(vectors, mask, 0, k=10) == [2, 3, 4]


def test_synthetic_chunks_are_unit_vectors_with_the_genre_shares() -> None:
    parts = list(chunks(20_000, seed=1, size=7_000))
    assert [len(p.ids) for p in parts] == [7_000, 7_000, 6_000]
    assert parts[-1].ids[-1] == 20_000
    vectors = np.vstack([p.vectors for p in parts])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    genres = [g for p in parts for g in p.genres]
    assert all(genres)
    share = {label: np.mean([g in m for m in genres]) for label, g in FILTERS.items()}
    assert 0.4 < share["50%"] < 0.65 and 0.06 < share["10%"] < 0.15 and 0.003 < share["1%"] < 0.02
    again = next(chunks(20_000, seed=1, size=7_000))
    assert np.array_equal(again.vectors, parts[0].vectors)


def _spread(vectors: np.ndarray) -> tuple[float, float]:
    """Relative contrast (mean distance / 10th-nearest distance) and participation ratio."""
    rng = np.random.default_rng(0)
    picks = rng.choice(len(vectors), 300, replace=False)
    sims = vectors[picks] @ vectors.T
    sims[np.arange(300), picks] = -9.0
    tenth = np.sort(sims, axis=1)[:, -10]
    mean = np.sqrt(np.maximum(2 - 2 * sims[sims > -9], 0)).mean()
    contrast = float(mean / np.sqrt(2 - 2 * tenth).mean())
    ev = np.linalg.svd(vectors - vectors.mean(0), compute_uv=False) ** 2
    ev /= ev.sum()
    return contrast, float(1 / (ev**2).sum())


def test_synthetic_shapes_match_what_the_docs_say() -> None:
    calibrated = next(chunks(9_061, seed=42, shape=SHAPES["movierec"])).vectors
    isotropic = next(chunks(9_061, seed=42, shape=SHAPES["isotropic"])).vectors
    contrast, effective_dims = _spread(calibrated)
    # The movielens-small hybrid embeddings measured 2.16 and 46.
    assert 2.0 < contrast < 2.35 and 40 < effective_dims < 52
    hard_contrast, hard_dims = _spread(isotropic)
    assert hard_contrast < 1.7 and hard_dims > 80


def test_load_catalogue_repeats_the_sample_with_numbered_titles(tmp_path: Path) -> None:
    from movierec.bench.loading import write_catalogue
    from movierec.records import MovieRecord
    from movierec.sources import open_source

    films = [r for r in open_source(None).movies() if isinstance(r, MovieRecord)]
    path = tmp_path / "movies.jsonl"
    size = write_catalogue(path, len(films) + 2)
    assert size == path.stat().st_size
    read = [r for r in open_source(str(path)).movies() if isinstance(r, MovieRecord)]
    assert len(read) == len(films) + 2
    assert read[0].title == f"{films[0].title} #0"
    assert read[-1].title == f"{films[1].title} #1"
    assert (read[-1].genres, read[-1].cast, read[-1].year) == (
        films[1].genres,
        films[1].cast,
        films[1].year,
    )


def test_query_movies_are_films_of_the_filtered_genre() -> None:
    genre = [3, 50, 51, 700, 999]
    mask = np.zeros(1_000, dtype=bool)
    mask[genre] = True
    assert sorted(query_movies(mask, 200, np.random.default_rng(0)).tolist()) == genre
    assert set(query_movies(mask, 3, np.random.default_rng(1)).tolist()) <= set(genre)
    # No film of the genre: any film may ask.
    assert len(query_movies(np.zeros(10, dtype=bool), 4, np.random.default_rng(0))) == 4
