"""The genre classifier: thresholds, scores and training on separable data."""

from __future__ import annotations

import numpy as np
import pytest

from movierec import classifier as clf
from movierec.text.corpus import Corpus
from tests.conftest import RNG_SEED


def test_apply_thresholds_keeps_the_top_genre_when_none_passes() -> None:
    probs = np.array([[0.1, 0.3, 0.2], [0.9, 0.6, 0.1]], dtype=np.float32)
    chosen = clf.apply_thresholds(probs, np.array([0.5, 0.5, 0.5], dtype=np.float32))
    assert chosen.tolist() == [[False, True, False], [True, True, False]]


def test_thresholds_are_compared_to_probabilities_per_genre() -> None:
    probs = np.array([[0.3, 0.3]], dtype=np.float32)
    chosen = clf.apply_thresholds(probs, np.array([0.25, 0.35], dtype=np.float32))
    assert chosen.tolist() == [[True, False]]


def test_choose_thresholds_maximizes_f1_on_a_hand_checked_case() -> None:
    # Genre 0: positives score 0.42 and 0.40, negatives 0.30 and 0.10 -> any cut in (0.30, 0.40].
    # Genre 1: no positives -> stays 0.5.
    probs = np.array([[0.42, 0.9], [0.40, 0.8], [0.30, 0.1], [0.10, 0.2]], dtype=np.float32)
    truth = np.array([[1, 0], [1, 0], [0, 0], [0, 0]], dtype=np.float32)
    thresholds = clf.choose_thresholds(probs, truth)
    assert 0.30 < thresholds[0] <= 0.40
    assert thresholds[1] == pytest.approx(0.5)


def test_f1_scores_on_a_hand_checked_case() -> None:
    truth = np.array([[1, 0], [1, 1], [0, 1]], dtype=np.float32)
    predicted = np.array([[True, False], [True, False], [True, True]])
    scores = clf.f1_scores(truth, predicted, ["A", "B"])
    # A: tp 2, fp 1, fn 0 -> 0.8; B: tp 1, fp 0, fn 1 -> 0.667; micro: tp 3, fp 1, fn 1 -> 0.75
    assert scores["per_genre"] == {"A": 0.8, "B": 0.6667}
    assert scores["micro_f1"] == pytest.approx(0.75)
    assert scores["macro_f1"] == pytest.approx((0.8 + 2 / 3) / 2)


def test_vocabulary_drops_rare_genres_and_orders_by_frequency() -> None:
    labels = [["Drama"], ["Drama", "Comedy"], ["Comedy", "Drama"], ["Western"]]
    assert clf.genre_vocabulary(labels, min_count=2) == ["Drama", "Comedy"]
    assert clf.multi_hot(labels, ["Drama", "Comedy"]).tolist() == [[1, 0], [1, 1], [1, 1], [0, 0]]


def test_split_is_seeded_and_disjoint() -> None:
    a = clf.split_indices(100, 0.15, 0.15, RNG_SEED)
    b = clf.split_indices(100, 0.15, 0.15, RNG_SEED)
    assert all((x == y).all() for x, y in zip(a, b, strict=True))
    train, val, test = a
    assert (len(train), len(val), len(test)) == (70, 15, 15)
    assert len(set(train) | set(val) | set(test)) == 100


def _synthetic(n: int) -> tuple[list[list[str]], np.ndarray, np.ndarray]:
    """Movies whose genres show in both their tokens (noisy) and their vectors (noisy)."""
    rng = np.random.default_rng(RNG_SEED)
    y = (rng.random((n, 3)) < 0.4).astype(np.float32)
    empty = y.sum(axis=1) == 0  # like movies, every row has a genre (one is always predicted)
    y[empty, rng.integers(0, 3, size=int(empty.sum()))] = 1.0
    x = (y @ rng.normal(size=(3, 16)) + 1.0 * rng.normal(size=(n, 16))).astype(np.float32)
    docs = []
    for row in y:
        tokens = [f"noise:{rng.integers(0, 50)}" for _ in range(4)]
        tokens += [
            f"cue:{g}:{rng.integers(0, 5)}" for g in range(3) if row[g] and rng.random() < 0.9
        ]
        docs.append(tokens)
    return docs, x, y


def test_training_learns_genres_from_tokens_and_vectors() -> None:
    docs, x, y = _synthetic(600)
    train, val, test = clf.split_indices(600, 0.2, 0.2, RNG_SEED)
    params = clf.ClassifierParams(seed=RNG_SEED)
    fitted = clf.train(docs, x, y, train, val, ["A", "B", "C"], params)
    test_docs = [docs[i] for i in test]
    probs = fitted.probabilities(test_docs, x[test])
    assert ((probs >= 0) & (probs <= 1)).all()
    scores = clf.f1_scores(y[test], clf.apply_thresholds(probs, fitted.thresholds), ["A", "B", "C"])
    assert scores["micro_f1"] > 0.9
    again = clf.train(docs, x, y, train, val, ["A", "B", "C"], params)
    assert np.allclose(again.probabilities(test_docs, x[test]), probs)


def test_token_bag_is_tfidf_of_training_tokens() -> None:
    bag = clf.TokenBag.fit([["a", "b"], ["a", "c"], ["a", "b", "b"]], min_count=2)
    assert bag.tokens == ["a", "b"]  # "c" is in one movie only
    matrix = bag.transform([["a", "b", "b", "unknown"], []]).matrix.toarray()
    idf_a, idf_b = np.log(4 / 4) + 1, np.log(4 / 3) + 1
    expected = np.array([idf_a, (1 + np.log(2)) * idf_b])
    assert np.allclose(matrix[0], expected / np.linalg.norm(expected))
    assert (matrix[1] == 0).all()


def test_classifier_round_trips_through_bytes() -> None:
    docs, x, y = _synthetic(80)
    params = clf.ClassifierParams(max_epochs=5)
    fitted = clf.train(docs, x, y, np.arange(60), np.arange(60, 80), ["A", "B", "C"], params)
    import io

    import torch

    buffer = io.BytesIO()
    torch.save(clf.saved_state(fitted), buffer)
    saved = torch.load(io.BytesIO(buffer.getvalue()), weights_only=True)
    restored = clf.from_saved_state(saved, 16, ["A", "B", "C"], fitted.thresholds.tolist(), params)
    assert np.allclose(restored.probabilities(docs, x), fitted.probabilities(docs, x))
    assert restored.predict(docs, x) == fitted.predict(docs, x)


def test_token_bag_of_a_corpus_matches_the_bag_of_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    # Chunks of 3 documents make the vectorized counting cross chunk boundaries.
    monkeypatch.setattr(clf, "CHUNK_DOCUMENTS", 3)
    rng = np.random.default_rng(RNG_SEED)
    words = [f"w{i}" for i in range(12)]
    docs = [[str(w) for w in rng.choice(words, size=rng.integers(0, 9))] for _ in range(20)]
    bag = clf.TokenBag.fit(docs, min_count=2)
    from collections import Counter

    df = Counter(t for d in docs for t in set(d))
    assert bag.tokens == sorted(t for t, n in df.items() if n >= 2)
    matrix = bag.transform(Corpus.of(docs)).matrix.toarray()
    for row, doc in zip(matrix, docs, strict=True):
        tf = Counter(t for t in doc if t in bag.index)
        expected = np.zeros(len(bag.tokens))
        for t, n in tf.items():
            expected[bag.index[t]] = (1 + np.log(n)) * (np.log(21 / (1 + df[t])) + 1)
        if tf:
            expected /= np.linalg.norm(expected)
        assert np.allclose(row, expected, atol=1e-6)


def test_token_bag_of_a_short_document_uses_the_bag_columns() -> None:
    # The document's own vocabulary is smaller than the bag's: columns come from the bag.
    bag = clf.TokenBag.fit([["a", "b", "z"], ["a", "c", "z"]], min_count=1)
    row = bag.transform([["z", "unknown"]]).matrix.toarray()[0]
    assert row.tolist() == [0.0, 0.0, 0.0, 1.0]


def test_probabilities_in_chunks_match_one_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    docs, x, y = _synthetic(40)
    fitted = clf.train(
        docs,
        x,
        y,
        np.arange(30),
        np.arange(30, 40),
        ["A", "B", "C"],
        clf.ClassifierParams(max_epochs=5),
    )
    whole = fitted.probabilities(docs, x)
    monkeypatch.setattr(clf, "CHUNK_DOCUMENTS", 7)
    assert np.allclose(fitted.probabilities(docs, x), whole, atol=1e-6)
    assert fitted.probabilities([], x[:0]).shape == (0, 3)
