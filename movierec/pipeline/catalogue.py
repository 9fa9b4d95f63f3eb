"""The movies a load writes: the source's records numbered after the loaded ones (``--append``)."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from movierec.records import MovieRecord, PackedRecords, record_of_row


@dataclass
class Catalogue:
    """The movies a load writes, in id order: database id, source name and record.

    Records are kept packed, about their size in the source, so that a million-movie load
    holds them in hundreds of MB rather than GBs; the labels and years that training reads
    several times are kept unpacked beside them.
    """

    ids: list[int] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    records: PackedRecords = field(default_factory=PackedRecords)
    genres: list[list[str]] = field(default_factory=list)
    """Each movie's labelled genres."""
    years: list[int | None] = field(default_factory=list)
    merged: int = 0
    """Movies of the new source that were already loaded (``--append``)."""
    by_source_id: dict[str, int] = field(default_factory=dict)
    """The new source's movie ids → database ids, for its ratings."""

    def add(self, movie_id: int, source: str, record: MovieRecord) -> None:
        """Append one movie."""
        self.ids.append(movie_id)
        self.sources.append(source)
        self.records.append(record)
        # One string object per genre name, not one per movie and genre.
        self.genres.append([sys.intern(g) for g in record.genres])
        self.years.append(record.year)

    @property
    def labelled(self) -> list[int]:
        """Positions of the movies that have labelled genres."""
        return [i for i, g in enumerate(self.genres) if g]

    def __len__(self) -> int:
        return len(self.records)


def dedupe_key(record: MovieRecord) -> tuple[str, ...]:
    """How a movie already loaded is recognized: imdb id, else title and year."""
    if record.imdb_id:
        return ("imdb", record.imdb_id.lower())
    return ("title", record.title.casefold(), str(record.year))


def build_catalogue(
    source: str, new: Iterable[MovieRecord], existing: Iterable[dict[str, Any]] | None
) -> Catalogue:
    """Number the movies: existing ones keep their ids, new ones follow (``--append``).

    ``new`` is consumed as it is read, so a source's records are never all held unpacked.
    """
    catalogue = Catalogue()
    known: dict[tuple[str, ...], int] = {}
    for row in existing or []:
        record = record_of_row(row)
        catalogue.add(row["id"], row["source"], record)
        known.setdefault(dedupe_key(record), row["id"])
    next_id = max(catalogue.ids, default=0) + 1
    for record in new:
        # Only movies already loaded count as duplicates: within one source, two rows with the
        # same title and year (or a shared imdb id) are the source's own business.
        key = dedupe_key(record)
        if key in known:
            catalogue.merged += 1
            catalogue.by_source_id[record.source_id] = known[key]
            continue
        catalogue.by_source_id[record.source_id] = next_id
        catalogue.add(next_id, source, record)
        next_id += 1
    return catalogue
