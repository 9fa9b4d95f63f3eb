"""The content embedding's parts: genre profile, year code, and the projection."""

from __future__ import annotations

import numpy as np
import pytest

from movierec.vectors import content
from movierec.vectors.norms import unit_rows


def test_genre_profile_uses_labels_else_scores() -> None:
    scores = np.array([[0.9, 0.1, 0.0], [0.3, 0.0, 0.4]], dtype=np.float32)
    profile = content.genre_profile([["B", "Unknown"], []], scores, ["A", "B", "C"])
    assert profile[0].tolist() == [0.0, 1.0, 0.0]
    assert profile[1] == pytest.approx([0.6, 0.0, 0.8])


def test_year_code_similarity_falls_with_the_gap() -> None:
    code = content.year_code([1990, 1995, 2020, None], span=60.0)
    assert code[0] @ code[0] == pytest.approx(1.0)
    assert code[0] @ code[1] > code[0] @ code[2] > 0
    assert code[0] @ code[2] == pytest.approx(np.cos(np.pi / 2 * 30 / 60), abs=1e-6)
    assert not code[3].any()


def test_projection_round_trips_through_json() -> None:
    rng = np.random.default_rng(1)
    features = rng.normal(size=(50, 20)).astype(np.float32)
    projection = content.Projection.fit(features, 8)
    again = content.Projection.from_json(projection.as_json())
    assert np.allclose(projection.apply(features), again.apply(features), atol=1e-4)
    # Fewer movies than dimensions: the missing directions are zero, rows still unit length.
    small = content.Projection.fit(features[:3], 8)
    assert small.components.shape == (8, 20)
    assert np.allclose(np.linalg.norm(small.apply(features[:3]), axis=1), 1.0, atol=1e-5)


def test_text_counts_only_when_most_movies_are_described() -> None:
    from movierec.records import MovieRecord

    titled = [MovieRecord(source_id=str(i), title=f"Film {i}") for i in range(4)]
    described = [
        MovieRecord(source_id="a", title="A", director="Someone"),
        MovieRecord(source_id="b", title="B", overview="A plot."),
    ]
    assert content.auto_text_weight(titled) == 0.0
    assert content.auto_text_weight(described + titled[:2]) == content.TEXT_WEIGHT
    assert content.auto_text_weight(described + titled) == 0.0
    assert content.auto_text_weight([]) == 0.0


def test_projection_keeps_the_cosines_of_the_principal_subspace(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Fitted from a covariance summed over row chunks; it must span the SVD's top directions.
    monkeypatch.setattr(content, "CHUNK_ROWS", 7)
    rng = np.random.default_rng(3)
    features = (rng.normal(size=(60, 12)) * np.linspace(3, 0.1, 12)).astype(np.float32)
    projected = content.Projection.fit(features, 5).apply(features)
    centred = features - features.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    expected = unit_rows(centred @ vt[:5].T)
    assert np.allclose(projected @ projected.T, expected @ expected.T, atol=1e-4)
