"""Doc2Vec training: reproducible for a seed, centred unit vectors, serializable."""

from __future__ import annotations

import numpy as np

from movierec.vectors import doc2vec as embeddings

DOCS = [
    ["space", "ship", "cast:a", "director:x"],
    ["space", "alien", "cast:a", "director:x"],
    ["love", "paris", "cast:b", "director:y"],
    ["love", "wedding", "cast:b", "director:y"],
] * 10

PARAMS = embeddings.Doc2VecParams(vector_size=16, epochs=5, min_count=1)


def test_training_is_reproducible_for_a_seed() -> None:
    a = embeddings.document_vectors(embeddings.train(DOCS, PARAMS), len(DOCS))
    b = embeddings.document_vectors(embeddings.train(DOCS, PARAMS), len(DOCS))
    assert a.shape == (40, 16)
    assert np.array_equal(a, b)


def test_epoch_callback_counts_epochs() -> None:
    seen: list[int] = []
    embeddings.train(DOCS, PARAMS, on_epoch=lambda: seen.append(1))
    assert len(seen) == PARAMS.epochs


def test_center_gives_unit_vectors_around_zero() -> None:
    rng = np.random.default_rng(42)
    vectors = (rng.normal(size=(30, 8)) + 5).astype(np.float32)
    centred, mean = embeddings.center(vectors)
    assert np.allclose(np.linalg.norm(centred, axis=1), 1.0, atol=1e-5)
    assert np.allclose(mean, vectors.mean(axis=0))
    assert np.allclose(embeddings.normalize(vectors[:1], mean), centred[:1])


def test_model_round_trips_and_infers() -> None:
    model = embeddings.train(DOCS, PARAMS)
    restored = embeddings.from_bytes(embeddings.to_bytes(model))
    assert len(restored.dv) == 0  # the catalogue's document vectors are not stored
    assert len(model.dv) == len(DOCS)  # and the trained model keeps them
    first = embeddings.infer(restored, ["space", "alien"])
    assert first.shape == (16,)
    assert np.array_equal(first, embeddings.infer(restored, ["space", "alien"]))
    assert np.array_equal(first, embeddings.infer(model, ["space", "alien"]))


def test_a_corpus_trains_the_same_model_as_token_lists() -> None:
    from movierec.text.corpus import Corpus

    lists = embeddings.train(DOCS, PARAMS)
    corpus = embeddings.train(Corpus.of(DOCS), PARAMS)
    vectors = embeddings.document_vectors(corpus, len(DOCS))
    assert np.array_equal(embeddings.document_vectors(lists, len(DOCS)), vectors)
    assert np.array_equal(vectors[7], corpus.dv[7])


def test_every_document_keeps_its_row_even_when_empty() -> None:
    # The corpus file has one line per document: an empty document or a token with a space
    # must not shift the rows of the documents after it.
    docs = [*DOCS[:3], [], ["love story", "paris"], *DOCS[3:]]
    model = embeddings.train(docs, PARAMS)
    assert len(model.dv) == len(docs)
    assert "love story" not in model.wv.key_to_index
    vectors = embeddings.document_vectors(model, len(docs))
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    # Documents 0 and 1 share "space", "cast:a" and "director:x"; 2 shares none of them.
    assert unit[0] @ unit[1] > unit[0] @ unit[2]
