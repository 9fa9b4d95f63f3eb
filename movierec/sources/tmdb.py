"""The Movies Dataset (Kaggle, TMDB metadata): movies_metadata.csv, credits.csv, keywords.csv."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

from movierec.errors import MovierecError
from movierec.records import MovieRecord, Reject
from movierec.sources import csvfile
from movierec.sources.literals import LiteralError, names, parse_literal

COLUMNS = [
    "adult",
    "belongs_to_collection",
    "budget",
    "genres",
    "homepage",
    "id",
    "imdb_id",
    "original_language",
    "original_title",
    "overview",
    "popularity",
    "poster_path",
    "production_companies",
    "production_countries",
    "release_date",
    "revenue",
    "runtime",
    "spoken_languages",
    "status",
    "tagline",
    "title",
    "video",
    "vote_average",
    "vote_count",
]
_ID = re.compile(r"^\d{1,12}$")
_IMDB = re.compile(r"^tt\d{5,10}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_CAST = 25


USED_COLUMNS = frozenset(
    {
        "adult", "id", "imdb_id", "title", "release_date", "runtime", "vote_average",
        "vote_count", "genres", "original_language", "production_countries", "overview",
        "tagline",
    }
)  # fmt: skip
"""The movies_metadata.csv columns the reader needs."""


def is_metadata_header(header: list[str]) -> bool:
    """Whether a CSV header is movies_metadata.csv's."""
    return {"adult", "belongs_to_collection", "imdb_id", "vote_count"} <= set(header)


def _number(value: str, what: str) -> float | None:
    value = value.strip()
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise ValueError(f"{what} {value[:40]!r} is not a number") from None


def _credits(path: Path, wanted: set[str]) -> dict[str, tuple[list[str], str | None, str | None]]:
    """cast names, directors and writers by movie id, from credits.csv (bad rows are skipped)."""
    found: dict[str, tuple[list[str], str | None, str | None]] = {}
    records = csvfile.rows(path)
    header = next(records, (0, []))[1]
    if not {"cast", "crew", "id"} <= set(header):
        raise MovierecError(f"{path}: expected the columns cast, crew, id")
    col = {name: i for i, name in enumerate(header)}
    for _, row in records:
        if len(row) != len(header) or row[col["id"]] not in wanted or row[col["id"]] in found:
            continue
        try:
            cast = names(row[col["cast"]])[:MAX_CAST]
            crew = parse_literal(row[col["crew"]])
        except LiteralError:
            continue
        directors = [
            c["name"]
            for c in crew
            if isinstance(c, dict) and c.get("job") == "Director" and isinstance(c.get("name"), str)
        ]
        writers = [
            c["name"]
            for c in crew
            if isinstance(c, dict)
            and c.get("department") == "Writing"
            and isinstance(c.get("name"), str)
        ]
        found[row[col["id"]]] = (
            cast,
            ", ".join(dict.fromkeys(directors)) or None,
            ", ".join(list(dict.fromkeys(writers))[:3]) or None,
        )
    return found


def _keywords(path: Path, wanted: set[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    records = csvfile.rows(path)
    header = next(records, (0, []))[1]
    if not {"id", "keywords"} <= set(header):
        raise MovierecError(f"{path}: expected the columns id, keywords")
    col = {name: i for i, name in enumerate(header)}
    for _, row in records:
        if len(row) != len(header) or row[col["id"]] not in wanted or row[col["id"]] in found:
            continue
        try:
            found[row[col["id"]]] = names(row[col["keywords"]])
        except LiteralError:
            continue
    return found


def _names(row: list[str], col: dict[str, int], field: str) -> list[str]:
    try:
        return names(row[col[field]])
    except LiteralError as exc:
        raise ValueError(f"{field}: {exc}") from None


def _parse(row: list[str], col: dict[str, int]) -> MovieRecord:
    """One metadata row; raises ValueError/LiteralError with the reason it is unusable."""
    ident = row[col["id"]].strip()
    title = row[col["title"]].strip()
    released_text = row[col["release_date"]].strip()
    try:
        released = dt.date.fromisoformat(released_text) if released_text else None
    except ValueError:
        raise ValueError(f"release_date {released_text[:40]!r} is not a date") from None
    runtime = _number(row[col["runtime"]], "runtime")
    rating = _number(row[col["vote_average"]], "vote_average")
    votes = _number(row[col["vote_count"]], "vote_count")
    imdb = row[col["imdb_id"]].strip()
    countries = _names(row, col, "production_countries")
    return MovieRecord(
        source_id=ident,
        title=title,
        year=released.year if released else None,
        genres=_names(row, col, "genres"),
        runtime_minutes=round(runtime) if runtime else None,
        language=row[col["original_language"]].strip() or None,
        country=", ".join(countries) or None,
        rating=rating if rating is not None and 0 <= rating <= 10 else None,
        votes=int(votes) if votes is not None else None,
        released=released,
        imdb_id=imdb if _IMDB.match(imdb) else None,
        overview=row[col["overview"]].strip() or None,
        tagline=row[col["tagline"]].strip() or None,
    )


def read_movies(path: Path) -> Iterator[MovieRecord | Reject]:
    """Movies of movies_metadata.csv, joined with credits.csv and keywords.csv beside it."""
    records = csvfile.rows(path)
    header = next(records, (0, []))[1]
    if not is_metadata_header(header):
        raise MovierecError(f"{path}: not movies_metadata.csv (expected its 24 columns)")
    missing = sorted(USED_COLUMNS - set(header))
    if missing:
        raise MovierecError(
            f"{path}:1: the header lacks {', '.join(missing)}; "
            "restore movies_metadata.csv's column names"
        )
    col = {name: i for i, name in enumerate(header)}
    seen: dict[str, int] = {}
    movies: list[MovieRecord] = []
    for line, row in records:
        where = f"{path}:{line}"
        if len(row) != len(header):
            hint = ""
            if len(row) > col["id"] and _DATE.match(row[col["id"]].strip()):
                hint = (
                    f"; id {row[col['id']].strip()!r} is a date: the tail of a record split by a "
                    "newline in its overview, shifted into the wrong columns"
                )
            yield Reject(where, "malformed-row", f"{len(row)} fields, expected {len(header)}{hint}")
            continue
        ident = row[col["id"]].strip()
        if not _ID.match(ident):
            yield Reject(
                where,
                "malformed-row",
                f"id {ident[:40]!r} is not a number (a record split across lines, shifted columns)",
            )
            continue
        if row[col["adult"]].strip() not in ("True", "False"):
            yield Reject(
                where, "malformed-row", f"adult {row[col['adult']][:40]!r} is not True/False"
            )
            continue
        if ident in seen:
            yield Reject(
                where,
                "duplicate-id",
                f"id {ident} already read at line {seen[ident]}; the first copy is kept",
            )
            continue
        if not row[col["title"]].strip():
            yield Reject(where, "missing-title", f"id {ident} has no title")
            continue
        try:
            record = _parse(row, col)
        except (ValueError, LiteralError) as exc:
            yield Reject(where, "bad-value", str(exc))
            continue
        seen[ident] = line
        movies.append(record)
    wanted = set(seen)
    credits = path.with_name("credits.csv")
    keywords = path.with_name("keywords.csv")
    cast_crew = _credits(credits, wanted) if credits.exists() else {}
    tags = _keywords(keywords, wanted) if keywords.exists() else {}
    for record in movies:
        if record.source_id in cast_crew:
            record.cast, record.director, record.writer = cast_crew[record.source_id]
        record.keywords = tags.get(record.source_id, [])
        yield record
