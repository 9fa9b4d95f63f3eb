"""`recommend --history` on real PostgreSQL: each export's rows matched to the catalogue
(imdb id, else title within a year), the unmatched reported by reason, likes pulling and
dislikes pushing, nothing seen recommended, and psql's function returning the same rows."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.types.json import Jsonb

from movierec.query.recommend import match, recommend_history
from movierec.records import HistoryRow
from movierec.sources.history import read_history
from tests import fixtures

Conn = psycopg.Connection[Any]


def _ids(conn: Conn, titles: list[tuple[str, int]]) -> dict[str, int]:
    out = {}
    for title, year in titles:
        row = conn.execute(
            "select id from movies where title = %s and year = %s", (title, year)
        ).fetchone()
        assert row is not None, title
        out[title] = row[0]
    return out


@pytest.mark.parametrize("export", ["letterboxd", "imdb", "trakt", "csv"])
def test_every_export_matches_its_films(conn: Conn, tmp_path: Path, export: str) -> None:
    path = {
        "letterboxd": lambda: fixtures.write_letterboxd(tmp_path),
        "imdb": lambda: fixtures.write_imdb(tmp_path / "ratings.csv"),
        "trakt": lambda: fixtures.write_trakt(tmp_path)[0],
        "csv": lambda: fixtures.write_plain_history(tmp_path / "mine.csv"),
    }[export]()
    _, rows, _ = read_history(path)
    history = match(conn, rows)
    known = _ids(
        conn,
        [("The Matrix", 1999), ("Fargo", 1996), ("The Big Lebowski", 1998),
         ("Titanic", 1997), ("Hamlet", 1996)],
    )  # fmt: skip
    matched = {m.row.title: m.movie_id for m in history.matches if m.movie_id}
    for title, movie_id in known.items():
        assert matched[title] == movie_id, (export, title)
    hows = {m.how for m in history.matches if m.movie_id}
    assert hows == ({"imdb"} if export in ("imdb", "trakt") else {"title"})
    # The Godfather is not in the 1996-1999 slice; the made-up film is in no catalogue.
    unmatched = {m.row.title: m.how for m in history.unmatched}
    assert unmatched["The Godfather"] == "not-in-catalogue"
    assert unmatched["A Film Nobody Made"] == "not-in-catalogue"
    assert set(history.ids) >= set(known.values())


def test_a_title_matches_within_a_year_and_never_a_namesake_of_another_imdb_id(conn: Conn) -> None:
    rows = [
        HistoryRow(title="titanic", year=1998),  # a year off, any case: the 1997 film
        HistoryRow(title="Matrix, The", year=1999),  # MovieLens's article at the end
        HistoryRow(title="Hamlet", year=1993),  # three years from any Hamlet: no match
        HistoryRow(imdb_id="tt0116477"),  # Hamlet (1996) by id alone
        HistoryRow(title="Titanic", year=1997, imdb_id="tt0000001"),  # another film's id
        HistoryRow(),  # nothing to match by
    ]
    found = match(conn, rows).matches
    ids = _ids(conn, [("Titanic", 1997), ("The Matrix", 1999), ("Hamlet", 1996)])
    assert [m.movie_id for m in found] == [
        ids["Titanic"],
        ids["The Matrix"],
        None,
        ids["Hamlet"],
        None,
        None,
    ]
    assert [m.how for m in found] == [
        "title",
        "title",
        "not-in-catalogue",
        "imdb",
        "not-in-catalogue",
        "no-title",
    ]


def test_nothing_seen_is_recommended_and_dislikes_push(conn: Conn, tmp_path: Path) -> None:
    _, rows, _ = read_history(fixtures.write_imdb(tmp_path / "ratings.csv"))
    history, results = recommend_history(conn, rows, k=20)
    assert len(results) == 20 and not set(history.ids) & {r.id for r in results}
    scores = [r.score for r in results]
    assert scores == sorted(scores, reverse=True)
    # The people of the liked films bring some of the results.
    assert any(r.creators > 0 for r in results)
    # Disliking Titanic instead of not having seen it moves the list away from its kind.
    without = [r for r in rows if r.title != "Titanic"]
    _, other = recommend_history(conn, without, k=20)
    assert [r.id for r in other] != [r.id for r in results]


def test_the_sql_function_recommends_the_same_films(conn: Conn, tmp_path: Path) -> None:
    _, rows, _ = read_history(fixtures.write_plain_history(tmp_path / "mine.csv"))
    _, results = recommend_history(conn, rows, k=10)
    sql_rows = conn.execute(
        "select id from recommend_for_history(%s, 10)", (Jsonb([r.as_json() for r in rows]),)
    ).fetchall()
    assert [row[0] for row in sql_rows] == [r.id for r in results]
    with pytest.raises(psycopg.errors.NoDataFound):
        conn.execute('select * from recommend_for_history(\'[{"title": "Nope"}]\', 5)')


def _cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "movierec", *args],
        env={**os.environ, "MOVIEREC_DATABASE_URL": url},
        capture_output=True,
        text=True,
    )


def test_cli_reports_matches_and_explains(loaded_url: str, tmp_path: Path) -> None:
    path = fixtures.write_letterboxd(tmp_path)
    out = _cli(loaded_url, "recommend", "--history", str(path), "-k", "5", "--explain")
    assert out.returncode == 0, out.stderr
    first = out.stdout.splitlines()[0]
    assert first.startswith("letterboxd: 6 of 10 rows matched (6 by title)")
    assert "not used: 2 not-in-catalogue, 1 bad-rating, 1 missing-title" in out.stdout
    assert out.stdout.count("why: ") == 5 and "led by your: " in out.stdout
    data = json.loads(
        _cli(
            loaded_url, "recommend", "--history", str(path), "-k", "5", "--json", "--explain"
        ).stdout
    )
    info = data["history"]
    assert info["format"] == "letterboxd" and info["matched"] == 6
    assert info["liked"] == 4 and info["disliked"] == 1  # Good Will Hunting: watched, a mild like
    assert info["unmatched"] == {"not-in-catalogue": 2, "bad-rating": 1, "missing-title": 1}
    assert len(data["results"]) == 5
    leaders = [row["explain"]["led_by"] for row in data["results"]]
    titles = {f["title"] for films in leaders for f in films}
    assert titles and titles <= {
        "The Matrix",
        "Fargo",
        "The Big Lebowski",
        "Good Will Hunting",
        "Hamlet",
    }


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty file"),
        ("Const,Your Rating,Date Rated,Title\n", "no film in this imdb export"),
        ("title,year\nNo Such Film,1950\n", "none of the history's 1 films is in the catalogue"),
    ],
)
def test_cli_refuses_bad_or_empty_exports(
    loaded_url: str, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "ratings.csv"
    path.write_text(content, encoding="utf-8")
    out = _cli(loaded_url, "recommend", "--history", str(path))
    assert out.returncode == 2 and message in out.stderr
    assert "Traceback" not in out.stderr


def test_python_and_sql_title_keys_agree(conn: Conn) -> None:
    from movierec.sources.titles import title_key

    titles = ["The Matrix", "Matrix, The", "matrix", "A Bug's Life", "Bug's Life, A",
              "Se7en", "Dr. Strangelove", "An American Werewolf in London", "Léon"]  # fmt: skip
    for title in titles:
        (sql_key,) = conn.execute("select movierec_title_key(%s)", (title,)).fetchone() or ("",)
        if title.isascii():
            assert sql_key == title_key(title), title
    assert title_key("Matrix, The") == title_key("The Matrix") == "matrix"
