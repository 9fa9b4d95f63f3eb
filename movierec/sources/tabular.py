"""Any CSV or JSON Lines file: columns named as MovieRecord's fields, or mapped with --map."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from movierec.errors import MovierecError
from movierec.records import MovieRecord, Reject, nul_field
from movierec.sources import csvfile
from movierec.sources.titles import split_year

FIELDS = ("id", *(f.name for f in dataclasses.fields(MovieRecord) if f.name != "source_id"))
"""The columns a file may have: ``id`` (the source's id) and MovieRecord's fields."""
LIST_FIELDS = {"genres", "cast", "keywords"}
TEXT_FIELDS = {
    "director",
    "writer",
    "language",
    "country",
    "content_rating",
    "imdb_id",
    "overview",
    "tagline",
}
_YEAR = re.compile(r"^\s*(\d{4})")
MIN_YEAR, MAX_YEAR = 1870, 2100
"""Years outside these are not film years (the first films are from the 1880s)."""


class RowError(ValueError):
    """Why one row cannot be loaded: a reject category and a detail."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


def parse_mapping(spec: str | None) -> dict[str, str]:
    """``"title=name,genres=tags"`` → ``{"title": "name", "genres": "tags"}``."""
    mapping: dict[str, str] = {}
    for part in (spec or "").split(","):
        if not part.strip():
            continue
        field, sep, column = part.partition("=")
        field, column = field.strip(), column.strip()
        if not sep or not column:
            raise MovierecError(f"--map {part.strip()!r}: write FIELD=COLUMN, e.g. title=name")
        if field not in FIELDS:
            raise MovierecError(f"--map {field!r}: unknown field; fields are {', '.join(FIELDS)}")
        mapping[field] = column
    return mapping


def _list(value: Any, key: str, sep: str | None) -> list[str]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    if isinstance(value, str):
        separator = sep or ("|" if "|" in value else ",")
        parts = value.split(separator)
        return [p.strip() for p in parts if p.strip() and p.strip() != "(no genres listed)"]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v.strip() for v in value if v.strip()]
    raise RowError("bad-value", f"{key!r} must be a list of strings or a separated string")


def _int(value: Any, key: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise RowError("bad-value", f"{key!r} must be a whole number, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise RowError(
            "bad-value", f"{key!r} must be a whole number, got {str(value)[:40]!r}"
        ) from None
    if math.isnan(number) or math.isinf(number) or number != int(number) or abs(number) > 2**31 - 1:
        raise RowError("bad-value", f"{key!r} must be a whole number, got {str(value)[:40]!r}")
    return int(number)


def _year(value: Any) -> int | None:
    if isinstance(value, str):
        match = _YEAR.match(value)
        if match:
            return int(match[1])
    year = _int(value, "year")
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        raise RowError("bad-value", f"year {year} is not a film year")
    return year


def _float(value: Any, key: str) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise RowError("bad-value", f"{key!r} must be a number, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise RowError("bad-value", f"{key!r} must be a number, got {str(value)[:40]!r}") from None
    if math.isnan(number) or not 0 <= number <= 10:
        raise RowError("bad-value", f"{key!r} must be from 0 to 10, got {str(value)[:40]!r}")
    return number


def to_record(
    raw: Mapping[str, Any], line: int, mapping: Mapping[str, str], genre_sep: str | None
) -> MovieRecord:
    """One row (column → value) as a record; raises :class:`RowError` when it is unusable."""

    def get(field: str) -> Any:
        value = raw.get(mapping.get(field, field))
        return value.strip() if isinstance(value, str) else value

    title = get("title")
    if not isinstance(title, str) or not title:
        raise RowError("missing-title", "no title")
    year = _year(get("year"))
    if year is None:
        title, year = split_year(title)
    released_value = get("released")
    try:
        released = dt.date.fromisoformat(str(released_value)[:10]) if released_value else None
    except ValueError:
        raise RowError(
            "bad-value", f"'released' {str(released_value)[:40]!r} is not a YYYY-MM-DD date"
        ) from None
    ident = get("id")
    record = MovieRecord(
        source_id=str(ident) if ident not in (None, "") else str(line),
        title=title,
        year=year if year is not None else (released.year if released else None),
        genres=_list(get("genres"), "genres", genre_sep),
        cast=_list(get("cast"), "cast", None),
        keywords=_list(get("keywords"), "keywords", None),
        runtime_minutes=_int(get("runtime_minutes"), "runtime_minutes"),
        rating=_float(get("rating"), "rating"),
        votes=_int(get("votes"), "votes"),
        released=released,
    )
    for field in TEXT_FIELDS:
        value = get(field)
        if value is not None and not isinstance(value, str | int | float):
            raise RowError("bad-value", f"{field!r} must be text")
        setattr(record, field, str(value).strip() or None if value is not None else None)
    bad = nul_field(record)
    if bad is not None:
        raise RowError("bad-value", f"{bad!r} holds a NUL byte, which text cannot hold")
    return record


def _rows_of_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any] | RowError]]:
    for line_no, line in enumerate(csvfile.open_text(path, "utf-8"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as exc:
            yield (
                line_no,
                RowError(
                    "malformed-row", f"invalid JSON ({getattr(exc, 'msg', 'too deeply nested')})"
                ),
            )
            continue
        if not isinstance(obj, dict):
            yield (
                line_no,
                RowError(
                    "malformed-row", f"each line must be a JSON object, got {type(obj).__name__}"
                ),
            )
            continue
        yield line_no, obj


def _rows_of_csv(
    path: Path, mapping: Mapping[str, str]
) -> Iterator[tuple[int, dict[str, Any] | RowError]]:
    records = csvfile.rows(path)
    try:
        _, header = next(records)
    except StopIteration:
        raise MovierecError(f"{path}: the file is empty") from None
    header = [h.strip().lstrip("\ufeff") for h in header]
    title_column = mapping.get("title", "title")
    if title_column not in header:
        raise MovierecError(
            f"{path}:1: no {title_column!r} column (columns: {', '.join(header[:12])}); "
            "name the title column with --map title=COLUMN"
        )
    for line, row in records:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            yield line, RowError("malformed-row", f"{len(row)} fields, expected {len(header)}")
            continue
        yield line, dict(zip(header, row, strict=True))


def read_movies(
    path: Path, kind: str, mapping: Mapping[str, str] | None = None, genre_sep: str | None = None
) -> Iterator[MovieRecord | Reject]:
    """Records of a ``csv`` or ``jsonl`` file; unusable rows come out as rejects."""
    mapping = mapping or {}
    rows = _rows_of_jsonl(path) if kind == "jsonl" else _rows_of_csv(path, mapping)
    seen: dict[str, int] = {}
    for line, raw in rows:
        where = f"{path}:{line}"
        if isinstance(raw, RowError):
            yield Reject(where, raw.reason, str(raw))
            continue
        try:
            record = to_record(raw, line, mapping, genre_sep)
        except RowError as exc:
            yield Reject(where, exc.reason, str(exc))
            continue
        if record.source_id in seen:
            yield Reject(
                where,
                "duplicate-id",
                f"id {record.source_id!r} already read at line {seen[record.source_id]}; the first is kept",
            )
            continue
        seen[record.source_id] = line
        yield record
