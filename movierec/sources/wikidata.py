"""The Wikidata films sample (bokeh-sampledata's SQLite file, tables omdb + tomatoes)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from movierec.errors import MovierecError
from movierec.records import MovieRecord, Reject

_QUERY = """
select o.ID, o.imdbID, o.Title, o.Year, o.Rating, o.Runtime, o.Genre, o.Released,
       o.Director, o.Writer, o."Cast", o.imdbRating, o.imdbVotes, o.Language, o.Country,
       t.Rating, t.Reviews
  from omdb as o
  left join tomatoes as t on t.ID = o.ID
 order by o.ID
"""


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _text(value: object) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _date(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def read_wikidata(path: Path) -> Iterator[MovieRecord | Reject]:
    """Yield the films of a Wikidata/OMDb-style SQLite file, ordered by id."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        rows = conn.execute(_QUERY)
    except sqlite3.Error as exc:
        raise MovierecError(
            f"{path}: not a Wikidata films SQLite file ({exc}); "
            "it needs the tables omdb and tomatoes as in bokeh-sampledata"
        ) from exc
    try:
        for row in rows:
            (
                ident,
                imdb,
                title,
                year,
                content,
                runtime,
                genre,
                released,
                director,
                writer,
                cast,
                imdb_rating,
                imdb_votes,
                language,
                country,
                critics_rating,
                reviews,
            ) = row
            if not _text(title):
                yield Reject(
                    f"{path}:omdb id {ident}", "missing-title", f"film {ident} has no title"
                )
                continue
            # The sample's IMDb columns are empty; Rotten Tomatoes' critics' average (0-10) and
            # review count stand in for rating and votes.
            rating = imdb_rating if imdb_rating is not None else critics_rating
            votes = imdb_votes if imdb_votes is not None else reviews
            yield MovieRecord(
                source_id=str(ident),
                title=str(title).strip(),
                year=int(year) if year else None,
                genres=_split(genre),
                director=_text(director),
                writer=_text(writer),
                cast=_split(cast),
                runtime_minutes=int(runtime) if runtime else None,
                language=_split(language)[0] if _split(language) else None,
                country=_text(country),
                content_rating=_text(content),
                rating=float(rating) if rating is not None else None,
                votes=int(votes) if votes is not None else None,
                released=_date(released),
                imdb_id=_text(imdb),
            )
    finally:
        conn.close()
