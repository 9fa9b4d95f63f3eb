"""The movie record every source produces and every later stage consumes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
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
