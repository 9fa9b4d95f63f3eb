"""The genre-spectrum model: a mixup-trained classifier whose narrow layer is an embedding."""

from __future__ import annotations

import numpy as np

from movierec import classifier
from movierec.vectors import spectrum


def _data(n: int = 600) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    y = np.zeros((n, 3), dtype=np.float32)
    y[np.arange(n), rng.integers(0, 3, n)] = 1.0
    text = rng.normal(size=(n, 8)).astype(np.float32) + y @ rng.normal(size=(3, 8))
    return spectrum.inputs(y, text.astype(np.float32)), y


def test_spectrum_is_unit_length_seeded_and_separates_genres() -> None:
    x, y = _data()
    params = spectrum.SpectrumParams(dims=4, hidden=16, epochs=150)
    model = spectrum.train(x, y, params)
    again = spectrum.train(x, y, params)
    e = spectrum.embed(model, x)
    assert e.shape == (len(x), 4)
    assert np.allclose(np.linalg.norm(e, axis=1), 1.0, atol=1e-5)
    assert np.allclose(e, spectrum.embed(again, x))
    # Movies of one genre lie closer together than movies of different genres.
    a, b = e[y[:, 0] == 1], e[y[:, 1] == 1]
    assert (a @ a.T).mean() > (a @ b.T).mean() + 0.3


def test_a_blend_of_two_genres_lies_between_them() -> None:
    x, y = _data()
    model = spectrum.train(x, y, spectrum.SpectrumParams(dims=4, hidden=16, epochs=150))
    pure_a = x[y[:, 0] == 1].mean(axis=0, keepdims=True)
    pure_b = x[y[:, 1] == 1].mean(axis=0, keepdims=True)
    ea, eb, mix = spectrum.embed(model, np.vstack([pure_a, pure_b, (pure_a + pure_b) / 2]))
    assert mix @ ea > ea @ eb and mix @ eb > ea @ eb


def test_the_stored_classifier_carries_the_spectrum_model_beside_it() -> None:
    import io

    import torch

    from movierec.pipeline import models

    x, y = _data(200)
    docs = [["w"] for _ in range(len(x))]
    idx = np.arange(len(x))
    fitted = classifier.train(
        docs, x[:, 3:], y, idx[:150], idx[150:], ["A", "B", "C"],
        classifier.ClassifierParams(max_epochs=5, min_token_count=1),
    )  # fmt: skip
    params = spectrum.SpectrumParams(dims=4, hidden=16, epochs=20)
    trained = spectrum.train(x, y, params)
    saved = torch.load(io.BytesIO(models.classifier_bytes(fitted, trained)), weights_only=True)
    back = spectrum.from_state(saved["spectrum"], 3, 8, params.as_dict())
    assert np.allclose(spectrum.embed(back, x), spectrum.embed(trained, x))
    plain = torch.load(io.BytesIO(models.classifier_bytes(fitted, None)), weights_only=True)
    assert "spectrum" not in plain
    restored = classifier.from_saved_state(
        plain, 8, ["A", "B", "C"], list(fitted.thresholds), fitted.params
    )
    assert np.allclose(restored.probabilities(docs, x[:, 3:]), fitted.probabilities(docs, x[:, 3:]))
