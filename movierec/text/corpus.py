"""Tokenized documents kept compact: one array of token ids and one of row offsets.

A list of token lists costs about 60 bytes per token (a string object and a list slot each);
at a million movies of ~40 tokens that is gigabytes. Here every distinct token is stored once
and each occurrence is four bytes. A :class:`Corpus` still reads as a sequence of token lists,
so gensim and the classifier take it where they took lists.
"""

from __future__ import annotations

import itertools
from array import array
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, overload

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]

ITER_CHUNK = 4096
"""Documents decoded at a time when iterating."""


class Corpus(Sequence[list[str]]):
    """Documents as token ids into :attr:`vocabulary`; ``corpus[i]`` is document ``i``'s tokens."""

    def __init__(
        self, vocabulary: Sequence[str], ids: npt.NDArray[np.int32], offsets: IntArray
    ) -> None:
        self.vocabulary = np.asarray(vocabulary, dtype=object)
        self.ids = ids
        """Every document's token ids, one after the other."""
        self.offsets = offsets
        """Document ``i`` is ``ids[offsets[i]:offsets[i + 1]]``."""

    @classmethod
    def of(cls, documents: Iterable[Sequence[str]]) -> Corpus:
        """A corpus of ``documents`` (returned as is when it already is one)."""
        if isinstance(documents, Corpus):
            return documents
        builder = CorpusBuilder()
        for tokens in documents:
            builder.append(tokens)
        return builder.build()

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @overload
    def __getitem__(self, i: int) -> list[str]: ...

    @overload
    def __getitem__(self, i: slice) -> Sequence[list[str]]: ...

    def __getitem__(self, i: int | slice) -> list[str] | Sequence[list[str]]:
        if isinstance(i, slice):
            return self.take(np.arange(len(self))[i])
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        tokens: list[str] = self.vocabulary[
            self.ids[self.offsets[i] : self.offsets[i + 1]]
        ].tolist()
        return tokens

    def __iter__(self) -> Iterator[list[str]]:
        # A chunk of documents' tokens at once, sliced per document: about 5x faster than
        # indexing document by document, and gensim reads the corpus once per epoch.
        for start in range(0, len(self), ITER_CHUNK):
            bounds = self.offsets[start : start + ITER_CHUNK + 1].tolist()
            tokens = self.vocabulary[self.ids[bounds[0] : bounds[-1]]].tolist()
            base = bounds[0]
            for lo, hi in itertools.pairwise(bounds):
                yield tokens[lo - base : hi - base]

    def lengths(self) -> IntArray:
        """Tokens per document."""
        return np.diff(self.offsets)

    def rows(self) -> IntArray:
        """The document number of every entry of :attr:`ids`."""
        return np.repeat(np.arange(len(self), dtype=np.int64), self.lengths())

    def take(self, indexes: Sequence[int] | npt.NDArray[Any]) -> Corpus:
        """The documents at ``indexes``, in that order, sharing this vocabulary."""
        indexes = np.asarray(indexes, dtype=np.int64)
        starts, lengths = self.offsets[indexes], self.lengths()[indexes]
        offsets = np.zeros(len(indexes) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        # Position of each kept entry in ``ids``: its document's start plus its place in it.
        within = np.arange(offsets[-1], dtype=np.int64) - np.repeat(offsets[:-1], lengths)
        ids = self.ids[np.repeat(starts, lengths) + within]
        corpus = Corpus.__new__(Corpus)
        corpus.vocabulary, corpus.ids, corpus.offsets = self.vocabulary, ids, offsets
        return corpus


class CorpusBuilder:
    """Appends documents one at a time, interning each distinct token once."""

    def __init__(self) -> None:
        self._index: dict[str, int] = {}
        self._ids = array("i")
        self._offsets = array("q", [0])

    def append(self, tokens: Iterable[str]) -> None:
        """Add one document."""
        index = self._index
        for token in tokens:
            token_id = index.get(token)
            if token_id is None:
                token_id = index[token] = len(index)
            self._ids.append(token_id)
        self._offsets.append(len(self._ids))

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def build(self) -> Corpus:
        """The corpus so far."""
        # Views of the arrays, not copies (160 MB at a million movies): the builder's arrays
        # live on as the corpus's buffers, so a builder is built once.
        return Corpus(
            list(self._index),
            np.frombuffer(self._ids, dtype=np.int32),
            np.frombuffer(self._offsets, dtype=np.int64),
        )
