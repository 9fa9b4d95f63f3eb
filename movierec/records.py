"""The movie record every source produces and every later stage consumes, and the one list of
the ``movies`` table's columns that stores it."""

from __future__ import annotations

import datetime as dt
import operator
import pickle
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, overload


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
class HistoryRow:
    """One film a person saw, as their export gives it (sources/history.py)."""

    movie_id: int | None = None
    imdb_id: str | None = None
    title: str | None = None
    year: int | None = None
    rating: float | None = None
    """0-5 (a 10-point rating halved); None when the export has none."""
    date: str | None = None
    """When it was watched or rated, YYYY-MM-DD."""
    where: str = ""
    """``file:line``, for reports."""

    def as_json(self) -> dict[str, object]:
        """The row as sql/history.sql reads it (unset fields left out)."""
        data = {
            "movie_id": self.movie_id,
            "imdb_id": self.imdb_id,
            "title": self.title,
            "year": self.year,
            "rating": self.rating,
            "date": self.date,
        }
        return {k: v for k, v in data.items() if v is not None}


@dataclass(frozen=True)
class RatingRow:
    """One stored rating, keyed by database ids, as training reads it back."""

    user_id: int
    movie_id: int
    rating: float
    rated_at: float | None
    """Seconds since the epoch, or None when the source has no time."""


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


EMBEDDING_DIMS = 100
"""Width of the stored embedding: the schema's ``vector(100)`` column."""

GENRE_INDEX_MIN_FILMS = 100
"""A genre has an HNSW index of its own over its films' embeddings from this many films
(`load` and `add` build it); under it the similarity query ranks the genre's films exactly
instead (the setting movierec.exact_below, made from this)."""


@dataclass(frozen=True)
class Column:
    """One column of the ``movies`` table."""

    name: str
    copy_type: str
    """Its type in binary COPY (movierec.database.copy_binary)."""
    field: str | None = None
    """The MovieRecord attribute it stores; None for columns the pipeline makes."""


MOVIE_COLUMNS: tuple[Column, ...] = (
    Column("id", "int8"),
    Column("source", "text"),
    Column("source_id", "text", "source_id"),
    Column("imdb_id", "text", "imdb_id"),
    Column("title", "text", "title"),
    Column("year", "int4", "year"),
    Column("genres", "text[]", "genres"),
    Column("predicted_genres", "text[]"),
    Column("genre_scores", "jsonb"),
    Column("embedding", "vector"),
    Column("creators", "sparsevec"),
    Column("creator_keys", "int4[]"),
    Column("factors", "vector"),
    Column("director", "text", "director"),
    Column("writer", "text", "writer"),
    Column("cast_members", "text[]", "cast"),
    Column("runtime_minutes", "int4", "runtime_minutes"),
    Column("language", "text", "language"),
    Column("country", "text", "country"),
    Column("content_rating", "text", "content_rating"),
    Column("rating", "float4", "rating"),
    Column("votes", "int4", "votes"),
    Column("released", "date", "released"),
    Column("overview", "text", "overview"),
    Column("tagline", "text", "tagline"),
    Column("keywords", "text[]", "keywords"),
)
"""Every column of ``movies`` in COPY order. Adding a field: a MovieRecord attribute, a column
here, and a migration that adds it to the table; the loader, ``add``, ``--append`` and the
queries that list columns all follow this list."""

RECORD_COLUMNS: tuple[Column, ...] = tuple(c for c in MOVIE_COLUMNS if c.field is not None)
"""The columns that store a MovieRecord's fields."""


def record_values(record: MovieRecord) -> dict[str, object]:
    """A record's fields keyed by the column that stores them."""
    return {c.name: getattr(record, c.field) for c in RECORD_COLUMNS if c.field is not None}


def record_of_row(row: Mapping[str, Any]) -> MovieRecord:
    """The record stored in a ``movies`` row (a mapping of column names to values)."""
    return MovieRecord(
        **{c.field: _plain(row[c.name]) for c in RECORD_COLUMNS if c.field is not None}
    )


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def nul_field(record: MovieRecord) -> str | None:
    """The first field holding a NUL byte, which PostgreSQL text cannot store; None if none."""
    for name in _TEXT:
        value = getattr(record, name)
        if isinstance(value, str):
            if "\x00" in value:
                return name
        elif isinstance(value, list) and any("\x00" in item for item in value):
            return name
    return None


_TEXT = [
    f.name
    for f in fields(MovieRecord)
    if f.name
    in {
        "source_id",
        "title",
        "director",
        "writer",
        "cast",
        "language",
        "country",
        "content_rating",
        "imdb_id",
        "overview",
        "tagline",
        "keywords",
        "genres",
    }
]

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
