"""A person's own viewing history, from the exports people have: Letterboxd, IMDb, Trakt, or a
plain CSV of title, year and rating. Rows come out as HistoryRow (ratings on a 0-5 scale) or
as Reject with the reason; matching them to films is sql/history.sql's business.

| export | files | what is read |
| --- | --- | --- |
| Letterboxd | the ZIP, or its ratings.csv / watched.csv / diary.csv | Name, Year, Rating (0.5-5), Date or Watched Date |
| IMDb | ratings.csv (``Const,Your Rating,Date Rated,Title,...``) | Const (tt id), Title, Year, Your Rating (1-10), Date Rated; not TV series or episodes |
| Trakt | ratings-movies.json, watched-movies.json | movie.ids.imdb, movie.title, movie.year, rating (1-10), rated_at / last_watched_at |
| plain CSV | any .csv with a title column | title (or name), year, rating (0-5, or 0-10 when any is above 5), imdb_id, date |
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from movierec.errors import MovierecError
from movierec.records import HistoryRow, Reject

FORMATS = ("letterboxd", "imdb", "trakt", "csv")
MAX_BYTES = 100 * 2**20
"""A history file larger than this is refused (a lifetime of films is a few MB)."""
NOT_FILMS = {"tv series", "tv episode", "tv mini series", "video game", "podcast series",
             "podcast episode", "tvseries", "tvepisode", "tvminiseries", "videogame"}  # fmt: skip
_IMDB_ID = re.compile(r"^tt\d{5,10}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")

Item = HistoryRow | Reject


def read_history(path: Path) -> tuple[str, list[HistoryRow], list[Reject]]:
    """The rows of a history export, its format, and the rows that could not be read.

    Raises MovierecError (one clear line) for a file that is missing, unreadable, of no known
    layout, or without a single film.
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise MovierecError(f"{path}: no such file") from None
    except OSError as exc:
        raise MovierecError(f"{path}: cannot read ({exc.strerror})") from None
    if path.is_dir():
        raise MovierecError(f"{path}: a folder; give the export file (a .zip, .csv or .json)")
    if size > MAX_BYTES:
        raise MovierecError(f"{path}: larger than {MAX_BYTES // 2**20} MB; not a history export")
    if zipfile.is_zipfile(path):
        kind, items = "letterboxd", list(_letterboxd_zip(path))
    elif path.suffix.lower() == ".json":
        kind, items = "trakt", list(_trakt(path.name, _text(path)))
    else:
        kind, items = _csv(path.name, _text(path))
    rows = [i for i in items if isinstance(i, HistoryRow)]
    rejects = [i for i in items if isinstance(i, Reject)]
    if not rows:
        first = f"; first: {rejects[0]}" if rejects else ""
        raise MovierecError(f"{path}: no film in this {kind} export{first}")
    return kind, rows, rejects


def _text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MovierecError(
            f"{path}: not UTF-8 text (byte {exc.start}); export it again, or save it as UTF-8"
        ) from None


def _csv(name: str, text: str) -> tuple[str, list[Item]]:
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise MovierecError(f"{name}: empty file; it has no header and no films") from None
    except csv.Error as exc:
        raise MovierecError(f"{name}:1: not a CSV file ({exc})") from None
    columns = [h.strip() for h in header]
    lower = [c.lower() for c in columns]
    if columns[:4] == ["Date", "Name", "Year", "Letterboxd URI"]:
        return "letterboxd", list(_letterboxd_rows(name, columns, reader))
    if "const" in lower and "your rating" in lower:
        return "imdb", list(_imdb_rows(name, lower, reader))
    if "title" in lower or "name" in lower:
        return "csv", list(_plain_rows(name, lower, reader))
    raise MovierecError(
        f"{name}:1: no known history layout (header {', '.join(columns[:6])}); expected a "
        "Letterboxd, IMDb or Trakt export, or a CSV with title, year and rating columns"
    )


def _records(
    name: str, columns: list[str], reader: Iterable[list[str]]
) -> Iterator[tuple[str, dict[str, str] | Reject]]:
    line = 1
    try:
        for values in reader:
            line = getattr(reader, "line_num", line + 1)
            where = f"{name}:{line}"
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(columns):
                yield (
                    where,
                    Reject(
                        where,
                        "malformed-row",
                        f"{len(values)} fields where the header has {len(columns)}",
                    ),
                )
                continue
            yield where, dict(zip(columns, (v.strip() for v in values), strict=True))
    except csv.Error as exc:
        yield f"{name}:{line + 1}", Reject(f"{name}:{line + 1}", "malformed-row", str(exc))


def _year(value: str | int | None, where: str) -> int | Reject | None:
    if value in (None, ""):
        return None
    try:
        year = int(str(value).strip()[:4])
    except ValueError:
        return Reject(where, "bad-year", f"year {str(value)[:20]!r} is not a number")
    if not 1870 <= year <= 2100:
        return Reject(where, "bad-year", f"year {year} is not a film year")
    return year


def _rating(value: Any, scale: float, where: str) -> float | Reject | None:
    """A rating on ``scale`` (5 or 10) as 0-5."""
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return Reject(where, "bad-rating", f"rating {str(value)[:20]!r} is not a number")
    if not 0 <= number <= scale:
        return Reject(where, "bad-rating", f"rating {number:g} is outside 0-{scale:g}")
    return round(number * 5 / scale, 3)


def _date(value: str | None) -> str | None:
    return value[:10] if value and _DATE.match(value) else None


def _row(
    where: str,
    title: str | None,
    year: Any,
    rating: Any,
    scale: float,
    date: str | None = None,
    imdb_id: str | None = None,
) -> Item:
    title = (title or "").strip() or None
    imdb = (imdb_id or "").strip() or None
    if imdb is not None and not _IMDB_ID.match(imdb):
        return Reject(where, "bad-value", f"imdb id {imdb[:20]!r} is not tt followed by digits")
    if title is None and imdb is None:
        return Reject(where, "missing-title", "no title and no imdb id")
    if title is not None and "\x00" in title:
        return Reject(where, "bad-value", "the title holds a NUL byte")
    parsed_year = _year(year, where)
    if isinstance(parsed_year, Reject):
        return parsed_year
    parsed_rating = _rating(rating, scale, where)
    if isinstance(parsed_rating, Reject):
        return parsed_rating
    return HistoryRow(
        imdb_id=imdb,
        title=title[:500] if title else None,
        year=parsed_year,
        rating=parsed_rating,
        date=_date(date),
        where=where,
    )


def _letterboxd_rows(name: str, columns: list[str], reader: Iterable[list[str]]) -> Iterator[Item]:
    for where, record in _records(name, columns, reader):
        if isinstance(record, Reject):
            yield record
            continue
        yield _row(
            where,
            record.get("Name"),
            record.get("Year"),
            record.get("Rating"),
            5.0,
            record.get("Watched Date") or record.get("Date"),
        )


def _letterboxd_zip(path: Path) -> Iterator[Item]:
    """A Letterboxd ZIP: ratings.csv (ratings), diary.csv (watch dates), watched.csv (the rest),
    one row per film (its Letterboxd URI), rating and date from the newest row that has them."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise MovierecError(f"{path}: not a readable ZIP ({exc})") from None
    with archive:
        names = {Path(n).name: n for n in archive.namelist()}
        parts = [f for f in ("watched.csv", "diary.csv", "ratings.csv") if f in names]
        if not parts:
            raise MovierecError(
                f"{path}: a ZIP without ratings.csv, diary.csv or watched.csv; "
                "is it a Letterboxd export?"
            )
        films: dict[str, HistoryRow] = {}
        for part in parts:
            try:
                text = archive.read(names[part]).decode("utf-8-sig")
            except UnicodeDecodeError:
                raise MovierecError(f"{path}:{part}: not UTF-8 text") from None
            kind, items = _csv(f"{path.name}:{part}", text)
            if kind != "letterboxd":
                raise MovierecError(f"{path}:{part}: not a Letterboxd file (its header differs)")
            uris = _uris(text)
            for item, uri in zip(items, uris, strict=False):
                if isinstance(item, Reject):
                    yield item
                    continue
                key = uri or f"{item.title}|{item.year}"
                films[key] = _merge(films.get(key), item)
        yield from films.values()


def _uris(text: str) -> list[str]:
    reader = csv.reader(io.StringIO(text))
    next(reader, None)
    return [row[3].strip() if len(row) > 3 else "" for row in reader if any(v.strip() for v in row)]


def _merge(old: HistoryRow | None, new: HistoryRow) -> HistoryRow:
    if old is None:
        return new
    rating = new.rating if new.rating is not None else old.rating
    dates = [d for d in (old.date, new.date) if d]
    return HistoryRow(
        title=old.title or new.title,
        year=old.year or new.year,
        rating=rating,
        date=max(dates) if dates else None,
        where=new.where,
    )


def _imdb_rows(name: str, lower: list[str], reader: Iterable[list[str]]) -> Iterator[Item]:
    for where, record in _records(name, lower, reader):
        if isinstance(record, Reject):
            yield record
            continue
        kind = record.get("title type", "").strip().lower()
        if kind in NOT_FILMS:
            yield Reject(where, "not-a-film", f"{record.get('title', '')[:60]!r} is a {kind}")
            continue
        yield _row(
            where,
            record.get("title") or record.get("original title"),
            record.get("year"),
            record.get("your rating"),
            10.0,
            record.get("date rated"),
            record.get("const"),
        )


_PLAIN = {
    "title": ("title", "name", "film", "movie"),
    "year": ("year", "release year"),
    "rating": ("rating", "my rating", "your rating", "score", "stars"),
    "imdb_id": ("imdb_id", "imdb", "imdbid", "imdb id", "const", "tconst"),
    "date": ("date", "watched", "watched date", "watched_at", "date rated", "rated_at"),
}


def _plain_rows(name: str, lower: list[str], reader: Iterable[list[str]]) -> Iterator[Item]:
    column = {
        field: next((c for c in names if c in lower), None) for field, names in _PLAIN.items()
    }
    records = list(_records(name, lower, reader))
    ratings = []
    for _, r in records:
        if isinstance(r, dict) and column["rating"]:
            with contextlib.suppress(ValueError):
                ratings.append(float(r[column["rating"]]))
    scale = 10.0 if any(v > 5 for v in ratings) else 5.0
    for where, record in records:
        if isinstance(record, Reject):
            yield record
            continue

        def get(field: str, rec: dict[str, str] = record) -> str | None:
            key = column[field]
            return rec.get(key) if key else None

        yield _row(
            where, get("title"), get("year"), get("rating"), scale, get("date"), get("imdb_id")
        )


def _trakt(name: str, text: str) -> Iterator[Item]:
    """Trakt's ratings-movies.json or watched-movies.json: a list of objects with a movie."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MovierecError(f"{name}:{exc.lineno}: invalid JSON ({exc.msg})") from None
    except RecursionError:
        raise MovierecError(f"{name}: JSON nested too deeply to be a history") from None
    if not isinstance(data, list):
        raise MovierecError(f"{name}: a Trakt export is a JSON list of movies; this is not a list")
    for number, entry in enumerate(data, start=1):
        where = f"{name}:item {number}"
        movie = entry.get("movie") if isinstance(entry, dict) else None
        if not isinstance(movie, dict):
            yield Reject(where, "malformed-row", "no 'movie' object")
            continue
        raw_ids = movie.get("ids")
        ids: dict[str, Any] = raw_ids if isinstance(raw_ids, dict) else {}
        title = movie.get("title") if isinstance(movie.get("title"), str) else None
        imdb = ids.get("imdb") if isinstance(ids.get("imdb"), str) else None
        date = entry.get("rated_at") or entry.get("last_watched_at") or entry.get("watched_at")
        yield _row(
            where,
            title,
            movie.get("year") if isinstance(movie.get("year"), int | str) else None,
            entry.get("rating"),
            10.0,
            date if isinstance(date, str) else None,
            imdb,
        )
