"""The multi-label genre classifier: a torch MLP on embeddings, thresholds tuned on validation."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import torch
from torch import nn

FloatArray = npt.NDArray[np.float32]
BoolArray = npt.NDArray[np.bool_]

THRESHOLD_GRID = np.round(np.arange(0.05, 0.96, 0.025), 3)


@dataclass(frozen=True)
class ClassifierParams:
    """Training settings for the genre MLP."""

    hidden: int = 256
    """Width of the hidden layer."""
    dropout: float = 0.3
    """Dropout after the hidden layer."""
    max_epochs: int = 200
    """Upper bound on epochs; early stopping usually ends sooner."""
    patience: int = 15
    """Epochs without a better validation loss before training stops."""
    batch_size: int = 256
    """Mini-batch size."""
    learning_rate: float = 1e-3
    """Adam's learning rate."""
    weight_decay: float = 1e-4
    """L2 penalty."""
    min_genre_count: int = 20
    """Genres labelled on fewer movies are not predicted."""
    validation_fraction: float = 0.15
    """Share of labelled movies used to stop training and choose thresholds."""
    test_fraction: float = 0.15
    """Share of labelled movies held out for the reported scores."""
    seed: int = 42
    """Seed for the split, initial weights and batches."""

    def as_dict(self) -> dict[str, Any]:
        """Plain-JSON form for the models table."""
        return asdict(self)


class GenreMLP(nn.Module):
    """Standardize, one hidden ReLU layer, one logit per genre."""

    mean: torch.Tensor
    std: torch.Tensor

    def __init__(self, n_inputs: int, n_genres: int, hidden: int, dropout: float) -> None:
        super().__init__()
        self.register_buffer("mean", torch.zeros(n_inputs))
        self.register_buffer("std", torch.ones(n_inputs))
        self.layers = nn.Sequential(
            nn.Linear(n_inputs, hidden),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(hidden, n_genres),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits (not probabilities) for each genre."""
        return self.layers((x - self.mean) / self.std)  # type: ignore[no-any-return]


@dataclass
class TrainedClassifier:
    """A fitted model with its genre vocabulary and per-genre decision thresholds."""

    model: GenreMLP
    genres: list[str]
    thresholds: FloatArray
    params: ClassifierParams
    epochs_run: int

    def probabilities(self, x: FloatArray) -> FloatArray:
        """Sigmoid probabilities, one column per genre."""
        self.model.eval()
        with torch.no_grad():
            logits = self.model(torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32)))
        return torch.sigmoid(logits).numpy().astype(np.float32)

    def predict(self, x: FloatArray) -> list[list[str]]:
        """Genre names per row; never empty: the top-scored genre when none passes."""
        chosen = apply_thresholds(self.probabilities(x), self.thresholds)
        return [[self.genres[j] for j in np.flatnonzero(row)] for row in chosen]


def genre_vocabulary(labels: Sequence[Sequence[str]], min_count: int) -> list[str]:
    """Genres labelled on at least ``min_count`` movies, most frequent first."""
    counts = Counter(g for genres in labels for g in set(genres))
    return [g for g, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if n >= min_count]


def multi_hot(labels: Sequence[Sequence[str]], genres: list[str]) -> FloatArray:
    """A 0/1 matrix: row per movie, column per genre of the vocabulary."""
    index = {g: j for j, g in enumerate(genres)}
    y = np.zeros((len(labels), len(genres)), dtype=np.float32)
    for i, row in enumerate(labels):
        for g in row:
            if g in index:
                y[i, index[g]] = 1.0
    return y


def split_indices(
    n: int, validation: float, test: float, seed: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """A seeded train/validation/test split of ``range(n)``."""
    order = np.random.default_rng(seed).permutation(n)
    n_test = round(n * test)
    n_val = round(n * validation)
    return order[n_test + n_val :], order[n_test : n_test + n_val], order[:n_test]


def apply_thresholds(probabilities: FloatArray, thresholds: FloatArray) -> BoolArray:
    """Genres whose probability reaches its threshold; a row with none keeps its top genre."""
    chosen = probabilities >= thresholds[None, :]
    empty = ~chosen.any(axis=1)
    if probabilities.shape[1] and empty.any():
        top = probabilities[empty].argmax(axis=1)
        chosen[np.flatnonzero(empty), top] = True
    return chosen


def choose_thresholds(
    probabilities: FloatArray, truth: FloatArray, grid: npt.NDArray[np.float64] = THRESHOLD_GRID
) -> FloatArray:
    """Per genre, the grid threshold with the best F1 on these (validation) rows.

    A genre with no positive row keeps 0.5: there is nothing to tune it on.
    """
    thresholds = np.full(truth.shape[1], 0.5, dtype=np.float32)
    for j in range(truth.shape[1]):
        positives = truth[:, j] > 0.5
        if not positives.any():
            continue
        predicted = probabilities[:, j][:, None] >= grid[None, :]
        tp = (predicted & positives[:, None]).sum(axis=0)
        fp = (predicted & ~positives[:, None]).sum(axis=0)
        fn = (~predicted & positives[:, None]).sum(axis=0)
        f1 = 2 * tp / np.maximum(2 * tp + fp + fn, 1)
        thresholds[j] = grid[int(np.argmax(f1))]  # first best: the lowest threshold on ties
    return thresholds


def f1_scores(truth: FloatArray, predicted: BoolArray, genres: list[str]) -> dict[str, Any]:
    """Micro-, macro- and per-genre F1 of multi-label predictions."""
    from sklearn.metrics import f1_score

    y_true = truth > 0.5
    per_genre = f1_score(y_true, predicted, average=None, zero_division=0)
    return {
        "micro_f1": float(f1_score(y_true, predicted, average="micro", zero_division=0)),
        "macro_f1": float(f1_score(y_true, predicted, average="macro", zero_division=0)),
        "per_genre": {g: round(float(s), 4) for g, s in zip(genres, per_genre, strict=True)},
    }


def train(
    x: FloatArray,
    y: FloatArray,
    train_idx: npt.NDArray[np.int64],
    val_idx: npt.NDArray[np.int64],
    genres: list[str],
    params: ClassifierParams = ClassifierParams(),
    on_epoch: Callable[[int, float], None] | None = None,
) -> TrainedClassifier:
    """Fit the MLP on ``train_idx`` with early stopping on ``val_idx``, then tune thresholds."""
    torch.manual_seed(params.seed)
    generator = torch.Generator().manual_seed(params.seed)
    model = GenreMLP(x.shape[1], y.shape[1], params.hidden, params.dropout)
    x_train = torch.from_numpy(x[train_idx])
    y_train = torch.from_numpy(y[train_idx])
    x_val = torch.from_numpy(x[val_idx])
    y_val = torch.from_numpy(y[val_idx])
    model.mean.copy_(x_train.mean(dim=0))
    model.std.copy_(x_train.std(dim=0).clamp_min(1e-6))

    optimizer = torch.optim.Adam(
        model.parameters(), lr=params.learning_rate, weight_decay=params.weight_decay
    )
    loss_fn = nn.BCEWithLogitsLoss()
    best_loss, best_state, stale, epoch = float("inf"), model.state_dict(), 0, 0
    for epoch in range(1, params.max_epochs + 1):
        model.train()
        order = torch.randperm(len(x_train), generator=generator)
        for start in range(0, len(order), params.batch_size):
            batch = order[start : start + params.batch_size]
            optimizer.zero_grad()
            loss = loss_fn(model(x_train[batch]), y_train[batch])
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            val_loss = float(loss_fn(model(x_val), y_val))
        if on_epoch:
            on_epoch(epoch, val_loss)
        if val_loss < best_loss - 1e-5:
            best_loss, stale = val_loss, 0
            best_state = {k: v.clone() for k, v in model.state_dict().items()}
        else:
            stale += 1
            if stale >= params.patience:
                break
    model.load_state_dict(best_state)
    fitted = TrainedClassifier(model, genres, np.full(len(genres), 0.5, np.float32), params, epoch)
    fitted.thresholds = choose_thresholds(fitted.probabilities(x[val_idx]), y[val_idx])
    return fitted


def to_bytes(fitted: TrainedClassifier) -> bytes:
    """The model's weights (a torch state dict) for the models table."""
    buffer = io.BytesIO()
    torch.save(fitted.model.state_dict(), buffer)
    return buffer.getvalue()


def from_bytes(
    data: bytes,
    n_inputs: int,
    genres: list[str],
    thresholds: Sequence[float],
    params: ClassifierParams,
) -> TrainedClassifier:
    """Rebuild a classifier stored by :func:`to_bytes`."""
    model = GenreMLP(n_inputs, len(genres), params.hidden, params.dropout)
    model.load_state_dict(torch.load(io.BytesIO(data), weights_only=True))
    return TrainedClassifier(model, genres, np.asarray(thresholds, np.float32), params, 0)
