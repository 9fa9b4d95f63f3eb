"""Adding movies without retraining: embed and classify them with the models in the database."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from movierec.database import queries, store
from movierec.errors import MovierecError
from movierec.pipeline import models
from movierec.records import MovieRecord, Reject, nul_field, record_values
from movierec.vectors.creators import SparseRow

ADDED_SOURCE = "added"
MAX_FILE_BYTES = 50 * 2**20
"""A movies file for ``add`` larger than this is refused (a catalogue belongs in ``load``)."""


@dataclass(frozen=True)
class Added:
    """One movie added: its new id and what the models made of it."""

    id: int
    title: str
    year: int | None
    genres: list[str]
    predicted_genres: list[str]


def read_records(path: Path) -> list[MovieRecord]:
    """Movies from a JSON file (one object or a list) or a JSON Lines file; any bad one stops."""
    from movierec.sources.tabular import RowError, to_record

    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise MovierecError(
                f"{path}: larger than {MAX_FILE_BYTES // 2**20} MB; load a catalogue with "
                "`movierec load --append` instead"
            )
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise MovierecError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise MovierecError(f"{path}: cannot read as UTF-8 ({exc})") from None
    try:
        data = _json(text, path, 1)
        objects = data if isinstance(data, list) else [data]
        lines = list(range(1, len(objects) + 1))
    except _NotJson:
        objects, lines = [], []
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                objects.append(_json(line, path, number, strict=True))
                lines.append(number)
    records = []
    for number, obj in zip(lines, objects, strict=True):
        if not isinstance(obj, dict):
            raise MovierecError(f"{path}:{number}: each movie must be a JSON object")
        try:
            records.append(to_record(obj, number, {}, None))
        except RowError as exc:
            raise MovierecError(str(Reject(f"{path}:{number}", exc.reason, str(exc)))) from None
    return records


class _NotJson(Exception):
    """The text is not one JSON document (it may be JSON Lines)."""


def _json(text: str, path: Path, line: int, strict: bool = False) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        if not strict:
            raise _NotJson from None
        raise MovierecError(f"{path}:{line}: invalid JSON ({exc.msg})") from None
    except RecursionError:
        raise MovierecError(f"{path}:{line}: JSON nested too deeply to be a movie") from None


def check(record: MovieRecord) -> MovieRecord:
    """A new movie as given on the command line or in a file: a title and a film year."""
    from movierec.sources.tabular import MAX_YEAR, MIN_YEAR

    title = record.title.strip()
    if not title:
        raise MovierecError("a movie needs a title; got an empty one")
    if record.year is not None and not MIN_YEAR <= record.year <= MAX_YEAR:
        raise MovierecError(
            f"{title}: year {record.year} is not a film year ({MIN_YEAR}-{MAX_YEAR})"
        )
    record.title = title
    bad = nul_field(record)
    if bad is not None:
        raise MovierecError(f"{title[:60]}: {bad} holds a NUL byte, which text cannot hold")
    return record


def add_movies(conn: psycopg.Connection[Any], records: list[MovieRecord]) -> list[Added]:
    """Embed, classify and insert ``records`` in one transaction; they are recommendable at once.

    A movie already in the catalogue (same imdb id, else same title and year) is refused, and
    then nothing is added.
    """
    records = [check(r) for r in records]
    row = conn.execute(queries.get("store", "current_model").sql).fetchone()
    if row is None:
        raise MovierecError("no trained models in the database; run `movierec load` first")
    stored = models.restore(row)
    _refuse_known(conn, records)
    text = stored.text_vectors(records)
    scores, predicted = stored.genre_scores(records, text)
    vectors = stored.vectors(records, text, scores)
    creators = stored.creators_vectors(records)
    added = []
    for i, record in enumerate(records):
        values = record_values(record)
        sparse = creators[i]
        # Keyed by title and year, so the same movie added twice breaks the unique key.
        values["source_id"] = f"{record.title.casefold()}|{record.year or ''}"
        values.update(
            source=ADDED_SOURCE,
            predicted_genres=predicted[i],
            genre_scores=Jsonb(
                {g: round(float(p), 4) for g, p in zip(stored.genres, scores[i], strict=True)}
            ),
            embedding=vectors[i],
            creators=_sparse(sparse),
            creator_keys=sparse.indices.tolist() if sparse is not None else None,
        )
        try:
            inserted = conn.execute(queries.get("store", "insert_movie").sql, values).fetchone()
        except psycopg.errors.UniqueViolation:
            conn.rollback()
            raise MovierecError(f"{_name(record)} is given twice; nothing was added") from None
        assert inserted is not None
        added.append(
            Added(int(inserted[0]), record.title, record.year, record.genres, predicted[i])
        )
    store.refresh_genre_counts(conn)
    store.add_genre_indexes(conn)
    conn.commit()
    return added


def _sparse(row: SparseRow | None) -> Any:
    """A creators vector as psycopg sends it (pgvector's SparseVector)."""
    if row is None:
        return None
    from pgvector import SparseVector

    return SparseVector(dict(zip(row.indices.tolist(), row.values.tolist(), strict=True)), row.dims)


def _refuse_known(conn: psycopg.Connection[Any], records: list[MovieRecord]) -> None:
    for record in records:
        found = conn.execute(
            queries.get("store", "find_loaded_movie").sql,
            {"imdb_id": record.imdb_id, "title": record.title, "year": record.year},
        ).fetchone()
        if found:
            conn.rollback()
            raise MovierecError(
                f"{_name(record)} is already in the catalogue as id {found[0]} "
                f"({found[1]} ({found[2] or 'no year'})); nothing was added"
            )


def _name(record: MovieRecord) -> str:
    return f"{record.title} ({record.year})" if record.year else record.title
