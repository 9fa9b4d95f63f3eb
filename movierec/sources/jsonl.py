"""JSON Lines files: one movie object per line, keys named as MovieRecord's fields."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from movierec.errors import MovierecError
from movierec.records import MovieRecord

_LIST_FIELDS = {"genres", "cast"}
_INT_FIELDS = {"year", "runtime_minutes", "votes"}
_TEXT_FIELDS = {
    "director",
    "writer",
    "language",
    "country",
    "content_rating",
    "imdb_id",
    "overview",
}


def _as_list(value: Any, where: str, key: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        sep = "|" if "|" in value else ","
        return [part.strip() for part in value.split(sep) if part.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v.strip() for v in value if v.strip()]
    raise MovierecError(f"{where}: {key!r} must be a list of strings or a '|'-separated string")


def _as_int(value: Any, where: str, key: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise MovierecError(f"{where}: {key!r} must be a whole number, got {value!r}") from None


def parse_line(obj: Any, where: str, line_no: int) -> MovieRecord:
    """Turn one decoded JSON object into a record, or explain what is wrong with it."""
    if not isinstance(obj, dict):
        raise MovierecError(f"{where}: each line must be a JSON object, got {type(obj).__name__}")
    title = obj.get("title")
    if not isinstance(title, str) or not title.strip():
        raise MovierecError(f"{where}: missing 'title'; every movie needs a non-empty title")
    rating = obj.get("rating")
    if rating is not None and not isinstance(rating, int | float):
        raise MovierecError(f"{where}: 'rating' must be a number from 0 to 10, got {rating!r}")
    released = obj.get("released")
    try:
        released_date = dt.date.fromisoformat(released) if released else None
    except (TypeError, ValueError):
        raise MovierecError(f"{where}: 'released' must be a YYYY-MM-DD date") from None
    fields: dict[str, Any] = {
        "source_id": str(obj.get("id", line_no)),
        "title": title.strip(),
        "rating": float(rating) if rating is not None else None,
        "released": released_date,
    }
    for key in _LIST_FIELDS:
        fields[key] = _as_list(obj.get(key), where, key)
    for key in _INT_FIELDS:
        fields[key] = _as_int(obj.get(key), where, key)
    for key in _TEXT_FIELDS:
        value = obj.get(key)
        fields[key] = str(value).strip() or None if value is not None else None
    return MovieRecord(**fields)


def read_jsonl(path: Path) -> Iterator[MovieRecord]:
    """Yield the movies of a JSON Lines file; a bad line stops with its file and line number."""
    seen: dict[str, int] = {}
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise MovierecError(f"{path}: cannot read ({exc.strerror})") from exc
    with handle:
        line_no = 0
        try:
            for line_no, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                where = f"{path}:{line_no}"
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise MovierecError(f"{where}: invalid JSON ({exc.msg})") from None
                record = parse_line(obj, where, line_no)
                if record.source_id in seen:
                    raise MovierecError(
                        f"{where}: id {record.source_id!r} repeats line {seen[record.source_id]}; "
                        "ids must be unique"
                    )
                seen[record.source_id] = line_no
                yield record
        except UnicodeDecodeError as exc:
            raise MovierecError(
                f"{path}:{line_no + 1}: not UTF-8 ({exc.reason}); re-encode the file as UTF-8"
            ) from None
