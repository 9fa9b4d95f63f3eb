"""Each input format loaded into PostgreSQL: rows loaded, rows rejected by reason, ratings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest

from movierec.errors import MovierecError
from movierec.vectors.doc2vec import Doc2VecParams
from tests import fixtures
from tests.integration.loading import load

FAST = Doc2VecParams(epochs=5)
MakeDb = Callable[[], str]


def _count(url: str, query: str, *params: object) -> object:
    with psycopg.connect(url) as conn:
        row = conn.execute(query, params or None).fetchone()
    assert row is not None
    return row[0]


def test_movies_dataset_with_credits_and_keywords(make_database: MakeDb, tmp_path: Path) -> None:
    path = fixtures.write_tmdb(tmp_path / "the-movies-dataset")
    url = make_database()
    result = load(str(path), dsn=url, doc2vec=FAST, show_progress=False)
    assert result.movies == 31  # 30 films + the one with genres = []
    assert result.rejected["by_reason"] == {
        "malformed-row": 6,
        "duplicate-id": 2,
        "missing-title": 1,
        "bad-value": 1,
    }
    assert not Path("/tmp/movierec-pwned").exists(), "a literal was evaluated as code"
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "select title, year, genres, director, cast_members, keywords, overview, tagline, imdb_id, "
            "country, rating, votes from movies where source_id = '100'"
        ).fetchone()
        assert row == (
            "The Matrix",
            1999,
            ["Action", "Sci-Fi", "Thriller"],
            "Lana Wachowski",
            ["Keanu Reeves", "Carrie-Anne Moss"],
            ["based on novel", "kw the matrix"],
            "A film about the matrix, with a twist.",
            "The Matrix: the tagline.",
            "tt1000000",
            "United States of America",
            pytest.approx(7.1),
            1200,
        )
        # The first copy of a repeated id wins; the copy that disagrees is rejected.
        assert conn.execute("select title from movies where source_id = '101'").fetchone() == (
            "Toy Story",
        )
        assert conn.execute(
            "select genres from movies where title = 'No Genres Yet'"
        ).fetchone() == ([],)
        assert conn.execute(
            "select count(*) from movies where title like 'Split%' or title = ''"
        ).fetchone() == (0,)
    tails = [e for e in result.rejected["examples"] if "is a date" in e]
    assert len(result.rejected["examples"]) == 5 and not tails  # the summary keeps the first five


def test_split_records_are_explained(make_database: MakeDb, tmp_path: Path) -> None:
    path = fixtures.write_tmdb(tmp_path / "tmdb")
    rejects = tmp_path / "rejects.csv"
    load(str(path), dsn=make_database(), doc2vec=FAST, show_progress=False, rejects_path=rejects)
    lines = rejects.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "where,reason,detail" and len(lines) == 11
    dates = [line for line in lines if "is a date" in line]
    assert [d.split("id '")[1][:10] for d in dates] == ["1997-08-20", "2012-09-29", "2014-01-01"]
    assert all("movies_metadata.csv:" in line for line in lines[1:])


def test_ml100k_latin1_titles_and_ratings(make_database: MakeDb, tmp_path: Path) -> None:
    path = fixtures.write_ml100k(tmp_path / "ml-100k")
    url = make_database()
    result = load(str(path.parent), dsn=url, doc2vec=FAST, show_progress=False)
    assert result.movies == 30 and result.ratings == 90
    assert result.rejected["by_reason"] == {"missing-title": 1, "unknown-movie": 1}
    assert (
        _count(
            url,
            "select count(*) from movies where title in ('Les Misérables', 'El Niño', 'The Matrix')",
        )
        == 3
    )
    assert _count(url, "select year from movies where title = 'The Matrix'") == 1999
    assert _count(url, "select count(*) from movies where title like '%Ã%'") == 0  # no mojibake
    assert _count(url, "select genres from movies where title = 'Toy Story'") == [
        "Animation",
        "Children's",
        "Comedy",
    ]


def test_ml1m(make_database: MakeDb, tmp_path: Path) -> None:
    path = fixtures.write_ml1m(tmp_path / "ml-1m")
    url = make_database()
    result = load(str(path), dsn=url, doc2vec=FAST, show_progress=False)
    assert (result.movies, result.ratings, result.rejected["total"]) == (30, 90, 0)
    assert _count(url, "select count(*) from movies where title = 'El Niño' and year = 2014") == 1


def test_ml_latest_with_links_and_a_repeated_rating(make_database: MakeDb, tmp_path: Path) -> None:
    path = fixtures.write_ml_latest(tmp_path / "ml-latest-small")
    url = make_database()
    result = load(str(path.parent), dsn=url, doc2vec=FAST, show_progress=False)
    assert result.movies == 32 and result.ratings == 90
    assert result.rejected["by_reason"] == {"duplicate-rating": 1}
    assert _count(url, "select imdb_id from movies where title = 'The Matrix'") == "tt1000000"
    assert _count(url, "select genres from movies where title = 'Pirates'") == []
    assert (
        _count(
            url,
            "select count(*) from movies where title = 'The City of Lost Children (Cité des enfants perdus, La)'",
        )
        == 1
    )
    assert (
        _count(
            url,
            "select r.rating from ratings r join movies m on m.id = r.movie_id where r.user_id = 1 and m.source_id = '3'",
        )
        == 5.0
    )


def test_mapped_csv(make_database: MakeDb, tmp_path: Path) -> None:
    path = fixtures.write_mapped_csv(tmp_path / "mine" / "films.csv")
    url = make_database()
    result = load(
        str(path),
        dsn=url,
        doc2vec=FAST,
        show_progress=False,
        mapping={
            "title": "name",
            "genres": "tags",
            "year": "released",
            "id": "code",
            "director": "made_by",
        },
        genre_sep=";",
    )
    assert result.movies == 30 and result.rejected["by_reason"] == {"missing-title": 1}
    assert _count(url, "select genres from movies where source_id = 'c0'") == [
        "Action",
        "Sci-Fi",
        "Thriller",
    ]
    assert _count(url, "select year from movies where source_id = 'c0'") == 1999


def test_strict_fails_and_keeps_the_previous_catalogue(
    make_database: MakeDb, tmp_path: Path
) -> None:
    url = make_database()
    load(str(fixtures.write_ml1m(tmp_path / "ml-1m")), dsn=url, doc2vec=FAST, show_progress=False)
    with pytest.raises(MovierecError, match=r"u\.item:31: missing-title.*--strict"):
        load(
            str(fixtures.write_ml100k(tmp_path / "ml-100k")),
            dsn=url,
            doc2vec=FAST,
            show_progress=False,
            strict=True,
        )
    assert _count(url, "select count(*) from ratings") == 90
    assert _count(url, "select min(source) from movies") == "ml-1m"


def test_append_deduplicates_and_keeps_ratings(make_database: MakeDb, tmp_path: Path) -> None:
    url = make_database()
    load(
        str(fixtures.write_ml_latest(tmp_path / "ml-latest-small")),
        dsn=url,
        doc2vec=FAST,
        show_progress=False,
    )
    ids_before = dict(_rows(url, "select source_id, id from movies"))
    result = load(
        str(fixtures.write_tmdb(tmp_path / "tmdb")),
        dsn=url,
        doc2vec=FAST,
        show_progress=False,
        append=True,
    )
    # All 30 films share imdb ids with the MovieLens copies; only "No Genres Yet" is new.
    assert result.merged == 30 and result.movies == 33
    assert result.ratings == 90
    assert (
        dict(_rows(url, "select source_id, id from movies where source = 'ml-latest-small'"))
        == ids_before
    )
    assert _count(url, "select count(*) from movies where source = 'tmdb'") == 1


def _rows(url: str, query: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(query).fetchall()


def test_loading_the_same_source_twice_gives_the_same_database(
    make_database: MakeDb, tmp_path: Path
) -> None:
    url = make_database()
    path = str(fixtures.write_ml_latest(tmp_path / "ml"))
    query = "select m.id, m.title, m.predicted_genres, m.embedding::text, (select count(*) from ratings) from movies m order by id"
    load(path, dsn=url, doc2vec=FAST, show_progress=False)
    first = _rows(url, query)
    load(path, dsn=url, doc2vec=FAST, show_progress=False)
    assert _rows(url, query) == first


BAD_FILES: dict[str, tuple[str, bytes | None, str]] = {
    # case: (file name, content or None for no file, expected message)
    "missing": ("missing.csv", None, "no such file"),
    "unknown-format": ("x.parquet", b"PAR1", "unknown format"),
    "wrong-encoding": ("bad.csv", b"title,year\nAm\xe9lie,2001\n", "bad.csv:2: not valid utf-8"),
    "empty": ("empty.jsonl", b"", "no movies to load"),
    "no-title-column": ("nocol.csv", b"name,year\nHeat,1995\n", "no 'title' column"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_file_errors_exit_2_with_one_line(loaded_url: str, tmp_path: Path, case: str) -> None:
    name, content, message = BAD_FILES[case]
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    env = {**os.environ, "MOVIEREC_DATABASE_URL": loaded_url}
    out = subprocess.run(
        [sys.executable, "-m", "movierec", "load", str(path), "-q"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert out.returncode == 2, out.stderr
    assert message in out.stderr
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert _count(loaded_url, "select count(*) from movies") == 1437


def test_cli_summary_lists_rejects(make_database: MakeDb, tmp_path: Path) -> None:
    path = fixtures.write_tmdb(tmp_path / "tmdb")
    env = {**os.environ, "MOVIEREC_DATABASE_URL": make_database()}
    out = subprocess.run(
        [sys.executable, "-m", "movierec", "load", str(path), "--json", "--epochs", "3"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["rejected"]["total"] == 10 and data["movies"] == 31


@pytest.mark.slow
def test_movielens_small_sample(make_database: MakeDb) -> None:
    url = make_database()
    result = load("movielens-small", dsn=url, doc2vec=FAST, show_progress=False)
    # Five movies have no title; their 7 ratings are rejected with them.
    assert result.movies == 9061
    assert result.rejected["by_reason"] == {"missing-title": 5, "unknown-movie": 7}
    assert result.ratings == 100004 - 7
    assert _count(url, "select year from movies where title = 'The Matrix'") == 1999
