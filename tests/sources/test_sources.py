"""Sources: the Wikidata sample and JSON Lines files, and their errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from movierec.errors import MovierecError
from movierec.records import MovieRecord, Reject
from movierec.sources import open_source


def _read(spec: str) -> tuple[list[MovieRecord], list[Reject]]:
    items = list(open_source(spec).movies())
    return (
        [i for i in items if isinstance(i, MovieRecord)],
        [i for i in items if isinstance(i, Reject)],
    )


def test_wikidata_sample_reads_every_film() -> None:
    records, rejects = _read("wikidata-films")
    assert len(records) == 17472 and rejects == []
    matrix = next(r for r in records if r.title == "The Matrix")
    assert matrix.year == 1999 and set(matrix.genres) == {"Sci-Fi", "Thriller", "Crime", "Action"}
    assert matrix.director == "Lana Wachowski, Lilly Wachowski"
    assert "Keanu Reeves" in matrix.cast and matrix.runtime_minutes == 136
    assert sum(1 for r in records if not r.genres) == 443


def test_jsonl_fields_and_list_forms(tmp_path: Path) -> None:
    path = tmp_path / "films.jsonl"
    path.write_text(
        '{"id": "a", "title": " Heat ", "year": "1995", "genres": "Crime|Drama", "cast": ["Al Pacino"]}\n'
        "\n"
        '{"title": "Alien", "genres": ["Horror", "Sci-Fi"], "rating": 8.5, "released": "1979-05-25"}\n',
        encoding="utf-8",
    )
    (heat, alien), rejects = _read(str(path))
    assert rejects == []
    assert (heat.source_id, heat.title, heat.year, heat.genres) == (
        "a",
        "Heat",
        1995,
        ["Crime", "Drama"],
    )
    assert alien.source_id == "3" and alien.rating == 8.5 and str(alien.released) == "1979-05-25"


@pytest.mark.parametrize(
    ("line", "reason", "detail"),
    [
        ("{not json", "malformed-row", "invalid JSON"),
        ('["a list"]', "malformed-row", "each line must be a JSON object"),
        ('{"year": 1999}', "missing-title", "no title"),
        ('{"title": "X", "year": "soon"}', "bad-value", "'year' must be a whole number"),
        ('{"title": "X", "genres": [1, 2]}', "bad-value", "'genres' must be a list of strings"),
        ('{"id": "a", "title": "Again"}', "duplicate-id", "id 'a' already read at line 1"),
    ],
)
def test_bad_jsonl_rows_are_rejected_with_file_and_line(
    tmp_path: Path, line: str, reason: str, detail: str
) -> None:
    path = tmp_path / "films.jsonl"
    path.write_text(
        '{"id": "a", "title": "First"}\n' + line + '\n{"title": "Last"}\n', encoding="utf-8"
    )
    records, rejects = _read(str(path))
    assert [r.title for r in records] == ["First", "Last"]
    assert len(rejects) == 1
    assert rejects[0].where == f"{path}:2" and rejects[0].reason == reason
    assert detail in rejects[0].detail


def test_non_utf8_jsonl_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "films.jsonl"
    path.write_bytes(b'{"title": "Am\xe9lie"}\n')
    with pytest.raises(MovierecError, match=r"films\.jsonl:1: not valid utf-8"):
        list(open_source(str(path)).movies())


@pytest.mark.parametrize(
    ("name", "message"),
    [("missing.jsonl", "no such file"), ("films.txt", "unknown format")],
)
def test_unknown_sources(tmp_path: Path, name: str, message: str) -> None:
    if name.endswith(".txt"):
        (tmp_path / name).write_text("title\nHeat\n", encoding="utf-8")
    with pytest.raises(MovierecError, match=message):
        open_source(str(tmp_path / name))


def test_sqlite_without_the_tables_is_a_clear_error(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "other.sqlite"
    sqlite3.connect(path).execute("create table t (x)").connection.close()
    with pytest.raises(MovierecError, match="not a Wikidata films SQLite file"):
        list(open_source(str(path)).movies())
