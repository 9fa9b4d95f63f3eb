"""The multi-label genre classifier: a torch MLP on embeddings, thresholds tuned on validation."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
import torch
from torch import nn

from movierec.text.corpus import Corpus

FloatArray = npt.NDArray[np.float32]
BoolArray = npt.NDArray[np.bool_]

THRESHOLD_GRID = np.round(np.arange(0.05, 0.96, 0.025), 3)


@dataclass(frozen=True)
class ClassifierParams:
    """Training settings for the genre MLP."""

    hidden: int = 16
    """Width of the hidden layer over the embedding (small: the tokens carry most signal)."""
    dropout: float = 0.5
    """Dropout after the hidden layer."""
    max_epochs: int = 400
    """Upper bound on full-batch training steps; early stopping usually ends sooner."""
    patience: int = 10
    """Steps without a better validation loss before training stops."""
    learning_rate: float = 0.05
    """Adam's learning rate."""
    token_l2: float = 1e-6
    """L2 penalty on the per-token genre weights."""
    min_token_count: int = 2
    """Tokens in fewer training movies carry no weight."""
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


class TokenBag:
    """TF-IDF over tokens (sublinear tf, smooth idf, unit length), fitted on training movies."""

    def __init__(self, tokens: list[str], idf: FloatArray) -> None:
        self.tokens = tokens
        self.idf = idf.astype(np.float32)
        self.index = {t: i for i, t in enumerate(tokens)}

    @classmethod
    def fit(cls, documents: Sequence[Sequence[str]], min_count: int) -> TokenBag:
        """Vocabulary and idf from ``documents`` (tokens in fewer than ``min_count`` are dropped)."""
        corpus = Corpus.of(documents)
        df = np.zeros(len(corpus.vocabulary), dtype=np.int64)
        for _, _, ids, _ in _distinct_tokens(corpus, np.arange(len(corpus.vocabulary))):
            df += np.bincount(ids, minlength=len(df))
        kept = np.flatnonzero(df >= min_count)
        order = sorted(kept.tolist(), key=lambda i: corpus.vocabulary[i])
        tokens = [str(corpus.vocabulary[i]) for i in order]
        n = len(corpus)
        idf = (np.log((1 + n) / (1 + df[order].astype(np.float64))) + 1.0).astype(np.float32)
        return cls(tokens, idf)

    def transform(self, documents: Sequence[Sequence[str]]) -> SparseBag:
        """The (documents x tokens) matrix of TF-IDF weights."""
        from scipy import sparse

        corpus = Corpus.of(documents)
        column = np.array([self.index.get(t, -1) for t in corpus.vocabulary], dtype=np.int64)
        data: list[FloatArray] = []
        indices: list[npt.NDArray[np.int32]] = []
        per_row: list[npt.NDArray[np.int64]] = []
        # Chunk by chunk, keeping only the float32 weights and int32 columns: the int64 work
        # arrays of a whole million-movie corpus would take GBs.
        for size, rows, cols, counts in _distinct_tokens(corpus, column):
            weights = (1.0 + np.log(counts.astype(np.float64))) * self.idf[cols]
            norms = np.sqrt(np.bincount(rows, weights=weights**2, minlength=size))
            data.append((weights / norms[rows]).astype(np.float32))
            indices.append(cols.astype(np.int32))
            per_row.append(np.bincount(rows, minlength=size))
        nnz = sum(len(d) for d in data)
        index_type = np.int32 if nnz < 2**31 else np.int64
        indptr = np.zeros(len(corpus) + 1, dtype=index_type)
        if per_row:
            np.cumsum(np.concatenate(per_row), out=indptr[1:])
        matrix = sparse.csr_matrix(
            (
                np.concatenate(data) if data else np.zeros(0, np.float32),
                np.concatenate(indices) if indices else np.zeros(0, np.int32),
                indptr,
            ),
            shape=(len(corpus), len(self.tokens)),
        )
        return SparseBag(matrix)


CHUNK_DOCUMENTS = 65536


def _distinct_tokens(
    corpus: Corpus, column: npt.NDArray[np.int64]
) -> Iterator[tuple[int, npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]]:
    """Per chunk of documents: its size, then (row within the chunk, column, count) for each
    distinct known token of each document, sorted by row then column. ``column`` maps token ids
    to columns (-1: unknown)."""
    width = int(column.max(initial=-1)) + 1 or 1
    for start in range(0, len(corpus), CHUNK_DOCUMENTS):
        stop = min(start + CHUNK_DOCUMENTS, len(corpus))
        lo, hi = corpus.offsets[start], corpus.offsets[stop]
        rows = np.repeat(
            np.arange(stop - start, dtype=np.int64), np.diff(corpus.offsets[start : stop + 1])
        )
        cols = column[corpus.ids[lo:hi]]
        known = cols >= 0
        keys, counts = np.unique(rows[known] * width + cols[known], return_counts=True)
        yield stop - start, keys // width, keys % width, counts


class SparseBag:
    """A TF-IDF token matrix (scipy CSR) and its transpose, built once for every training step
    and only when a backward pass asks for it (prediction does not)."""

    def __init__(self, matrix: Any) -> None:
        self.matrix = matrix

    @cached_property
    def transposed(self) -> Any:
        """The transposed matrix, in CSR form."""
        return self.matrix.T.tocsr()


class _BagProduct(torch.autograd.Function):
    """``bag @ weights`` with a gradient for the weights. torch's sparse ``mm`` rebuilds and
    sorts the transposed bag on every backward pass; this one reuses it (8x faster per step on
    the Wikidata sample)."""

    @staticmethod
    def forward(ctx: Any, weights: torch.Tensor, bag: SparseBag) -> torch.Tensor:
        ctx.bag = bag
        return torch.from_numpy(np.asarray(bag.matrix @ weights.detach().numpy()))

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[torch.Tensor, None]:
        transposed = ctx.bag.transposed
        return torch.from_numpy(np.asarray(transposed @ grad.numpy(), dtype=np.float32)), None


class GenreModel(nn.Module):
    """Logits per genre: a linear layer over the TF-IDF token bag plus an MLP over the embedding.

    The token part reads which people, words, countries and decades go with which genre; the
    embedding part adds what Doc2Vec learned about similar documents.
    """

    mean: torch.Tensor
    std: torch.Tensor

    def __init__(
        self, n_tokens: int, n_inputs: int, n_genres: int, hidden: int, dropout: float
    ) -> None:
        super().__init__()
        self.token_weights = nn.Parameter(torch.zeros(n_tokens, n_genres))
        self.bias = nn.Parameter(torch.zeros(n_genres))
        self.register_buffer("mean", torch.zeros(n_inputs))
        self.register_buffer("std", torch.ones(n_inputs))
        self.dense = nn.Sequential(
            nn.Linear(n_inputs, hidden), nn.ReLU(), nn.Dropout(dropout), nn.Linear(hidden, n_genres)
        )

    def forward(self, bag: SparseBag, x: torch.Tensor) -> torch.Tensor:
        """Logits (not probabilities) for each genre."""
        return self.standardized(bag, self.standardize(x))

    def standardize(self, x: torch.Tensor) -> torch.Tensor:
        """The embedding part's input: ``x`` centred and scaled by the training statistics."""
        return (x - self.mean) / self.std

    def standardized(self, bag: SparseBag, z: torch.Tensor) -> torch.Tensor:
        """Logits from already standardized embeddings: training standardizes its rows once
        rather than on every step (at a million movies, two 280 MB copies per step)."""
        tokens: torch.Tensor = _BagProduct.apply(self.token_weights, bag)  # type: ignore[no-untyped-call]
        return tokens + self.bias + self.dense(z)  # type: ignore[no-any-return]


@dataclass
class TrainedClassifier:
    """A fitted model with its token bag, genre vocabulary and per-genre thresholds."""

    model: GenreModel
    bag: TokenBag
    genres: list[str]
    thresholds: FloatArray
    params: ClassifierParams
    epochs_run: int

    def probabilities(self, documents: Sequence[Sequence[str]], x: FloatArray) -> FloatArray:
        """Sigmoid probabilities, one column per genre (in chunks of rows, to bound memory)."""
        self.model.eval()
        corpus = Corpus.of(documents)
        out = np.empty((len(corpus), len(self.genres)), dtype=np.float32)
        with torch.no_grad():
            for start in range(0, len(corpus), CHUNK_DOCUMENTS):
                rows = np.arange(start, min(start + CHUNK_DOCUMENTS, len(corpus)))
                dense = torch.from_numpy(np.ascontiguousarray(x[rows], dtype=np.float32))
                logits = self.model(self.bag.transform(corpus.take(rows)), dense)
                out[rows] = torch.sigmoid(logits).numpy()
        return out

    def predict(self, documents: Sequence[Sequence[str]], x: FloatArray) -> list[list[str]]:
        """Genre names per row; never empty: the top-scored genre when none passes."""
        chosen = apply_thresholds(self.probabilities(documents, x), self.thresholds)
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
    documents: Sequence[Sequence[str]],
    x: FloatArray,
    y: FloatArray,
    train_idx: npt.NDArray[np.int64],
    val_idx: npt.NDArray[np.int64],
    genres: list[str],
    params: ClassifierParams = ClassifierParams(),
    on_epoch: Callable[[int, float], None] | None = None,
) -> TrainedClassifier:
    """Fit on ``train_idx`` (full-batch Adam) with early stopping on ``val_idx``, then tune
    per-genre thresholds on ``val_idx``. The token bag is fitted on training movies only."""
    torch.manual_seed(params.seed)
    corpus = Corpus.of(documents)
    bag = TokenBag.fit(corpus.take(train_idx), params.min_token_count)
    model = GenreModel(len(bag.tokens), x.shape[1], y.shape[1], params.hidden, params.dropout)
    bag_train = bag.transform(corpus.take(train_idx))
    bag_val = bag.transform(corpus.take(val_idx))
    x_train = torch.from_numpy(np.ascontiguousarray(x[train_idx]))
    x_val = torch.from_numpy(np.ascontiguousarray(x[val_idx]))
    y_train = torch.from_numpy(y[train_idx])
    y_val = torch.from_numpy(y[val_idx])
    model.mean.copy_(x_train.mean(dim=0))
    model.std.copy_(x_train.std(dim=0).clamp_min(1e-6))
    z_train, z_val = model.standardize(x_train), model.standardize(x_val)
    del x_train, x_val

    optimizer = torch.optim.Adam(model.parameters(), lr=params.learning_rate)
    loss_fn = nn.BCEWithLogitsLoss()
    best_loss, best_state, stale, epoch = float("inf"), model.state_dict(), 0, 0
    for epoch in range(1, params.max_epochs + 1):
        model.train()
        optimizer.zero_grad()
        loss = loss_fn(model.standardized(bag_train, z_train), y_train)
        loss = loss + params.token_l2 * (model.token_weights**2).sum()
        loss.backward()
        optimizer.step()
        model.eval()
        with torch.no_grad():
            val_loss = float(loss_fn(model.standardized(bag_val, z_val), y_val))
        if on_epoch:
            on_epoch(epoch, val_loss)
        if val_loss < best_loss - 1e-6:
            best_loss, stale = val_loss, 0
            best_state = {k: v.clone() for k, v in model.state_dict().items()}
        else:
            stale += 1
            if stale >= params.patience:
                break
    model.load_state_dict(best_state)
    fitted = TrainedClassifier(
        model, bag, genres, np.full(len(genres), 0.5, np.float32), params, epoch
    )
    probabilities = fitted.probabilities(corpus.take(val_idx), x[val_idx])
    fitted.thresholds = choose_thresholds(probabilities, y[val_idx])
    return fitted


def saved_state(fitted: TrainedClassifier) -> dict[str, Any]:
    """The model's weights and token bag as tensors and lists, for ``torch.save``."""
    return {
        "state": fitted.model.state_dict(),
        "tokens": fitted.bag.tokens,
        "idf": torch.from_numpy(fitted.bag.idf),
    }


def from_saved_state(
    saved: dict[str, Any],
    n_inputs: int,
    genres: list[str],
    thresholds: Sequence[float],
    params: ClassifierParams,
) -> TrainedClassifier:
    """Rebuild a classifier from :func:`saved_state`'s dictionary."""
    bag = TokenBag(list(saved["tokens"]), saved["idf"].numpy())
    model = GenreModel(len(bag.tokens), n_inputs, len(genres), params.hidden, params.dropout)
    model.load_state_dict(saved["state"])
    return TrainedClassifier(model, bag, genres, np.asarray(thresholds, np.float32), params, 0)
