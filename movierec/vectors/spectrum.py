"""Genre-spectrum embeddings: the penultimate layer of a genre classifier trained with mixup.

A small MLP reads a movie's genre profile (its labels, or the classifier's scores when it has
none) and its text vector, and predicts its labelled genres through a narrow ``dims``-wide
layer. It trains on mixup samples, convex combinations of two movies' inputs and labels, so
the narrow layer places blends of genres between their parts: a continuous "genre spectrum"
rather than a set of on/off genres. That layer, unit length, can stand in for the genre profile
in the content vector (``--genre-spectrum``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import torch
from torch import nn

from movierec.vectors.norms import unit_rows

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class SpectrumParams:
    """Training settings for the genre-spectrum model."""

    dims: int = 16
    """Width of the spectrum (penultimate) layer: the embedding's size."""
    hidden: int = 64
    """Width of the layer before it."""
    mixup_alpha: float = 0.4
    """Mixing weights are drawn from Beta(alpha, alpha); 0 turns mixup off."""
    epochs: int = 300
    """Full-batch training steps."""
    learning_rate: float = 0.01
    """Adam's learning rate."""
    seed: int = 42
    """Seed for weights and mixing."""

    def as_dict(self) -> dict[str, Any]:
        """Plain-JSON form for the models table."""
        return asdict(self)


class SpectrumModel(nn.Module):
    """inputs → hidden → spectrum → genre logits."""

    def __init__(self, n_inputs: int, n_genres: int, params: SpectrumParams) -> None:
        super().__init__()
        self.encode = nn.Sequential(
            nn.Linear(n_inputs, params.hidden),
            nn.ReLU(),
            nn.Linear(params.hidden, params.dims),
            nn.Tanh(),
        )
        self.head = nn.Linear(params.dims, n_genres)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Genre logits."""
        return self.head(self.encode(x))  # type: ignore[no-any-return]


def inputs(profile: FloatArray, text: FloatArray) -> FloatArray:
    """The model's input: genre profile and unit text vector side by side."""
    return np.hstack([profile, unit_rows(text)]).astype(np.float32)


def train(
    x: FloatArray,
    y: FloatArray,
    params: SpectrumParams = SpectrumParams(),
    on_epoch: Callable[[], None] | None = None,
) -> SpectrumModel:
    """Fit on labelled rows ``x`` (see :func:`inputs`) and their multi-hot genres ``y``."""
    torch.manual_seed(params.seed)
    rng = np.random.default_rng(params.seed)
    model = SpectrumModel(x.shape[1], y.shape[1], params)
    optimizer = torch.optim.Adam(model.parameters(), lr=params.learning_rate)
    loss_fn = nn.BCEWithLogitsLoss()
    xs, ys = torch.from_numpy(x), torch.from_numpy(y)
    model.train()
    for _ in range(params.epochs):
        if params.mixup_alpha > 0:
            lam = torch.from_numpy(
                rng.beta(params.mixup_alpha, params.mixup_alpha, size=(len(x), 1)).astype(
                    np.float32
                )
            )
            partner = torch.from_numpy(rng.permutation(len(x)))
            batch_x = lam * xs + (1 - lam) * xs[partner]
            batch_y = lam * ys + (1 - lam) * ys[partner]
        else:
            batch_x, batch_y = xs, ys
        optimizer.zero_grad()
        loss = loss_fn(model(batch_x), batch_y)
        loss.backward()
        optimizer.step()
        if on_epoch:
            on_epoch()
    model.eval()
    return model


def embed(model: SpectrumModel, x: FloatArray) -> FloatArray:
    """The spectrum layer for rows ``x``, unit length."""
    with torch.no_grad():
        out = model.encode(torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))).numpy()
    return unit_rows(out)


def from_state(
    state: dict[str, Any], n_genres: int, text_dims: int, params: dict[str, Any]
) -> SpectrumModel:
    """Rebuild a model from its ``state_dict`` (stored in the classifier's blob)."""
    model = SpectrumModel(n_genres + text_dims, n_genres, SpectrumParams(**params))
    model.load_state_dict(state)
    model.eval()
    return model
