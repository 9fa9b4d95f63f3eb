"""The API's request and response shapes, as the OpenAPI document shows them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

MAX_K = 100
MAX_OFFSET = 900
MAX_QUERY = 200
MAX_TITLES = 500
"""Films a request may name (likes, dislikes, excluded); a history may have 20,000 rows."""
MAX_HISTORY = 20_000


class Movie(BaseModel):
    """A film as lists show it."""

    id: int
    title: str
    year: int | None = None
    director: str | None = None
    genres: list[str] = []


class SearchResult(Movie):
    """A title search hit, with its trigram score."""

    score: float


class SearchResponse(BaseModel):
    query: str
    results: list[SearchResult]


class MovieDetails(BaseModel):
    """Every stored field of a film but its vectors, with the classifier's genre scores."""

    id: int
    source: str
    source_id: str
    imdb_id: str | None = None
    title: str
    year: int | None = None
    genres: list[str]
    predicted_genres: list[str]
    genre_scores: dict[str, float]
    director: str | None = None
    writer: str | None = None
    cast_members: list[str] = []
    runtime_minutes: int | None = None
    language: str | None = None
    country: str | None = None
    content_rating: str | None = None
    rating: float | None = None
    votes: int | None = None
    released: dt.date | None = None
    overview: str | None = None
    tagline: str | None = None
    keywords: list[str] = []


class Neighbour(BaseModel):
    """A recommended film: its blended score and the three parts' similarities."""

    id: int
    title: str
    year: int | None = None
    genres: list[str]
    score: float = Field(description="The blend of the three parts (higher is closer).")
    content: float = Field(description="Cosine of the content embeddings.")
    creators: float = Field(description="Cosine of the creators vectors.")
    ratings: float = Field(description="Factor inner product over the query's length.")
    explain: dict[str, Any] | None = Field(
        default=None, description="With explain=true: the parts, what brought it, the overlaps."
    )


class QueryMovie(BaseModel):
    id: int
    title: str
    year: int | None = None
    genres: list[str]
    predicted_genres: list[str]


class SimilarResponse(BaseModel):
    query: QueryMovie
    results: list[Neighbour]
    next: str | None = Field(default=None, description="The next page, if there may be one.")


class Filters(BaseModel):
    """Conditions every recommended film meets; a missing one is no condition."""

    year_from: int | None = Field(default=None, ge=1870, le=2100)
    year_to: int | None = Field(default=None, ge=1870, le=2100)
    runtime_min: int | None = Field(default=None, ge=0, le=100_000)
    runtime_max: int | None = Field(default=None, ge=0, le=100_000)
    min_rating: float | None = Field(default=None, ge=0, le=10)
    min_votes: int | None = Field(default=None, ge=0, le=2**31 - 1)
    genre: list[str] = Field(default=[], max_length=50, description="Must have all of these.")
    exclude_genre: list[str] = Field(default=[], max_length=50)
    language: str | None = Field(default=None, max_length=MAX_QUERY)
    exclude: list[int | str] = Field(
        default=[], max_length=MAX_TITLES, description="Films by id or 'Title (Year)'."
    )


class HistoryItem(BaseModel):
    """One film a person saw: by movie_id, imdb_id, or title (and year)."""

    movie_id: int | None = None
    imdb_id: str | None = Field(default=None, max_length=20)
    title: str | None = Field(default=None, max_length=MAX_QUERY)
    year: int | None = Field(default=None, ge=1870, le=2100)
    rating: float | None = Field(default=None, ge=0, le=5, description="0-5.")
    date: str | None = Field(default=None, max_length=32, description="YYYY-MM-DD.")


class RecommendationRequest(BaseModel):
    """Films you liked and did not like (by id or 'Title (Year)'), or a viewing history."""

    like: list[int | str] = Field(default=[], max_length=MAX_TITLES)
    dislike: list[int | str] = Field(default=[], max_length=MAX_TITLES)
    history: list[HistoryItem] = Field(default=[], max_length=MAX_HISTORY)
    filters: Filters = Filters()
    k: int = Field(default=10, ge=1, le=MAX_K)
    offset: int = Field(default=0, ge=0, le=MAX_OFFSET)
    explain: bool = False


class HistoryReport(BaseModel):
    """What was read and matched of a history."""

    format: str
    rows: int
    matched: int
    matched_by: dict[str, int]
    liked: int
    disliked: int
    unmatched: dict[str, int]
    unmatched_examples: list[str]


class RecommendationResponse(BaseModel):
    liked: list[Movie] = []
    disliked: list[Movie] = []
    history: HistoryReport | None = None
    results: list[Neighbour]
    next_offset: int | None = Field(default=None, description="Ask again with this offset.")


class NewMovie(BaseModel):
    """A film to add (embedded and classified with the stored models)."""

    title: str = Field(min_length=1, max_length=MAX_QUERY)
    year: int | None = Field(default=None, ge=1870, le=2100)
    genres: list[str] = Field(default=[], max_length=50)
    director: str | None = Field(default=None, max_length=1000)
    writer: str | None = Field(default=None, max_length=1000)
    cast: list[str] = Field(default=[], max_length=200)
    overview: str | None = Field(default=None, max_length=20_000)
    tagline: str | None = Field(default=None, max_length=2_000)
    keywords: list[str] = Field(default=[], max_length=200)
    imdb_id: str | None = Field(default=None, max_length=20)
    runtime_minutes: int | None = Field(default=None, ge=0, le=100_000)
    language: str | None = Field(default=None, max_length=200)
    country: str | None = Field(default=None, max_length=200)


class Added(BaseModel):
    id: int
    title: str
    year: int | None
    genres: list[str]
    predicted_genres: list[str]


class AddResponse(BaseModel):
    added: list[Added]


class Genre(BaseModel):
    genre: str
    movies: int


class GenresResponse(BaseModel):
    genres: list[Genre]
