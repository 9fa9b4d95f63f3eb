"""Viewing-history exports, each written to its published columns: what is read, rescaled
to 0-5, merged, and refused with a reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from movierec.errors import MovierecError
from movierec.sources.history import read_history
from tests import fixtures


def _by_title(rows: list) -> dict[str, object]:  # type: ignore[type-arg]
    return {r.title or r.imdb_id: r for r in rows}


def test_letterboxd_zip_merges_ratings_diary_and_watched(tmp_path: Path) -> None:
    kind, rows, rejects = read_history(fixtures.write_letterboxd(tmp_path))
    assert kind == "letterboxd"
    films = _by_title(rows)
    # Seven rated films plus Good Will Hunting, watched only; one row per film.
    assert len(rows) == 8
    matrix = films["The Matrix"]
    assert matrix.rating == 5.0 and matrix.year == 1999  # type: ignore[attr-defined]
    # The newest date: its diary row's Watched Date (logged on 03-01, watched on 02-28).
    assert matrix.date == "2024-02-28"  # type: ignore[attr-defined]
    assert films["Good Will Hunting"].rating is None  # type: ignore[attr-defined]
    assert films["Titanic"].rating == 1.0  # type: ignore[attr-defined]
    assert sorted(r.reason for r in rejects) == ["bad-rating", "missing-title"]
    assert any("ratings.csv:" in r.where for r in rejects)


@pytest.mark.parametrize("name", ["ratings.csv", "watched.csv", "diary.csv"])
def test_each_letterboxd_csv_reads_alone(tmp_path: Path, name: str) -> None:
    fixtures.write_letterboxd(tmp_path)
    kind, rows, _ = read_history(tmp_path / name)
    assert kind == "letterboxd" and rows
    if name == "watched.csv":
        assert all(r.rating is None for r in rows)
    if name == "diary.csv":
        assert {r.date for r in rows} == {"2024-02-28", "2024-03-01"}


@pytest.mark.parametrize("original_title", [True, False])
def test_imdb_ratings_halved_series_refused(tmp_path: Path, original_title: bool) -> None:
    path = fixtures.write_imdb(tmp_path / "ratings.csv", original_title)
    kind, rows, rejects = read_history(path)
    assert kind == "imdb"
    films = _by_title(rows)
    assert films["Fargo"].rating == 4.5 and films["Fargo"].imdb_id == "tt0116282"  # type: ignore[attr-defined]
    assert films["Titanic"].rating == 1.0  # type: ignore[attr-defined]
    assert films["Fargo"].date == "2023-05-02"  # type: ignore[attr-defined]
    assert sorted(r.reason for r in rejects) == ["malformed-row", "not-a-film"]
    assert all(r.where.startswith("ratings.csv:") for r in rejects)


def test_trakt_ratings_and_watched(tmp_path: Path) -> None:
    ratings, watched = fixtures.write_trakt(tmp_path)
    kind, rows, rejects = read_history(ratings)
    assert kind == "trakt" and len(rows) == 7
    assert _by_title(rows)["The Matrix"].rating == 5.0  # type: ignore[attr-defined]
    assert _by_title(rows)["The Matrix"].imdb_id == "tt0133093"  # type: ignore[attr-defined]
    assert [r.reason for r in rejects] == ["malformed-row"]
    _, seen, _ = read_history(watched)
    assert seen[0].rating is None and seen[0].date == "2022-10-01"


def test_plain_csv_of_title_year_rating(tmp_path: Path) -> None:
    kind, rows, rejects = read_history(fixtures.write_plain_history(tmp_path / "mine.csv"))
    assert kind == "csv" and len(rows) == 7
    assert _by_title(rows)["Titanic"].year == 1998  # type: ignore[attr-defined]
    assert [r.reason for r in rejects] == ["bad-year"]


def test_a_ten_point_plain_csv_is_halved(tmp_path: Path) -> None:
    path = tmp_path / "tens.csv"
    path.write_text("Title,Year,Rating\nFargo,1996,9\nHamlet,1996,4\n", encoding="utf-8")
    _, rows, _ = read_history(path)
    assert [r.rating for r in rows] == [4.5, 2.0]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", "", "empty file"),
        ("header.csv", "Date,Name,Year,Letterboxd URI,Rating\n", "no film"),
        ("odd.csv", "a,b,c\n1,2,3\n", "no known history layout"),
        ("bad.json", "[{", "invalid JSON"),
        ("dict.json", '{"movie": {}}', "not a list"),
    ],
)
def test_malformed_exports_are_one_clear_error(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(MovierecError, match=message):
        read_history(path)


def test_unreadable_exports_are_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(MovierecError, match="no such file"):
        read_history(tmp_path / "missing.csv")
    with pytest.raises(MovierecError, match="a folder"):
        read_history(tmp_path)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("title,year\nAm\xe9lie,2001\n".encode("latin-1"))
    with pytest.raises(MovierecError, match="not UTF-8"):
        read_history(latin)
    import zipfile

    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("notes.txt", "hello")
    with pytest.raises(MovierecError, match="is it a Letterboxd export"):
        read_history(other)
