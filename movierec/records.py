"""The movie record every source produces and every later stage consumes."""

from __future__ import annotations

import datetime as dt
import operator
import pickle
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, fields
from typing import overload


@dataclass(slots=True)
class MovieRecord:
    """One movie as read from a source, before any model has seen it."""

    source_id: str
    """The movie's id within its source (unique per source)."""
    title: str
    year: int | None = None
    genres: list[str] = field(default_factory=list)
    """Labelled genres, as the source gives them."""
    director: str | None = None
    writer: str | None = None
    cast: list[str] = field(default_factory=list)
    runtime_minutes: int | None = None
    language: str | None = None
    country: str | None = None
    content_rating: str | None = None
    """An age rating such as PG-13."""
    rating: float | None = None
    """An audience score from 0 to 10."""
    votes: int | None = None
    released: dt.date | None = None
    imdb_id: str | None = None
    overview: str | None = None
    tagline: str | None = None
    keywords: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Rating:
    """One user's rating of one movie, keyed by the movie's id within its source."""

    user_id: int
    movie_source_id: str
    rating: float
    rated_at: dt.datetime | None = None


@dataclass(frozen=True)
class Reject:
    """An input row that was not loaded, and why."""

    where: str
    """``file:line`` of the row."""
    reason: str
    """A short category, e.g. ``duplicate-id``; rejects are counted by it."""
    detail: str
    """What exactly was wrong with this row."""

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}: {self.detail}"


_VALUES = operator.attrgetter(*(f.name for f in fields(MovieRecord)))


def pack(record: MovieRecord) -> bytes:
    """A record as compact bytes: about its size in the source file, where the objects take
    five to seven times that. A load holds every movie until its COPY."""
    return pickle.dumps(_VALUES(record), pickle.HIGHEST_PROTOCOL)


def unpack(data: bytes) -> MovieRecord:
    """The record :func:`pack` was given."""
    # Only bytes pack() made in this process are unpickled here.
    return MovieRecord(*pickle.loads(data))


class PackedRecords(Sequence[MovieRecord]):
    """Movie records kept packed (:func:`pack`), unpacked on each access."""

    def __init__(self) -> None:
        self.packed: list[bytes] = []

    def append(self, record: MovieRecord) -> None:
        """Pack and keep one record."""
        self.packed.append(pack(record))

    def __len__(self) -> int:
        return len(self.packed)

    @overload
    def __getitem__(self, i: int) -> MovieRecord: ...

    @overload
    def __getitem__(self, i: slice) -> list[MovieRecord]: ...

    def __getitem__(self, i: int | slice) -> MovieRecord | list[MovieRecord]:
        if isinstance(i, slice):
            return [unpack(data) for data in self.packed[i]]
        return unpack(self.packed[i])

    def __iter__(self) -> Iterator[MovieRecord]:
        return map(unpack, self.packed)
