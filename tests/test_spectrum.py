"""The genre-spectrum model: a mixup-trained classifier whose narrow layer is an embedding."""

from __future__ import annotations

import numpy as np

from movierec import classifier, spectrum


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


def test_the_classifier_blob_carries_the_spectrum_model() -> None:
    x, y = _data(200)
    docs = [["w"] for _ in range(len(x))]
    idx = np.arange(len(x))
    fitted = classifier.train(
        docs, x[:, 3:], y, idx[:150], idx[150:], ["A", "B", "C"],
        classifier.ClassifierParams(max_epochs=5, min_token_count=1),
    )  # fmt: skip
    params = spectrum.SpectrumParams(dims=4, hidden=16, epochs=20)
    fitted.spectrum = spectrum.train(x, y, params)
    data = classifier.to_bytes(fitted)
    back = classifier.from_bytes(
        data, 8, ["A", "B", "C"], list(fitted.thresholds), fitted.params, params.as_dict()
    )
    assert back.spectrum is not None
    assert np.allclose(spectrum.embed(back.spectrum, x), spectrum.embed(fitted.spectrum, x))
    plain = classifier.from_bytes(data, 8, ["A", "B", "C"], list(fitted.thresholds), fitted.params)
    assert plain.spectrum is None
