"""Loading: the catalogue is replaced atomically, and a failed load changes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest

from movierec.database import store
from movierec.errors import MovierecError
from movierec.vectors.doc2vec import Doc2VecParams
from tests.integration.loading import load

FAST = Doc2VecParams(epochs=5)


def _jsonl(path: Path, movies: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(m) + "\n" for m in movies), encoding="utf-8")
    return path


def _movies(n: int, offset: int = 0) -> list[dict[str, Any]]:
    genres = [["Comedy"], ["Drama"], ["Comedy", "Romance"], ["Horror"], ["Drama", "War"]]
    return [
        {
            "id": f"m{offset + i}",
            "title": f"Film {offset + i}",
            "year": 1950 + i % 60,
            "genres": genres[i % len(genres)],
            "director": f"Director {i % 7}",
            "cast": [f"Actor {i % 11}", f"Actor {i % 13}"],
        }
        for i in range(n)
    ]


def _snapshot(url: str) -> tuple[Any, ...]:
    with psycopg.connect(url) as conn:
        movies = conn.execute(
            "select count(*), sum(hashtext(title)), max(source) from movies"
        ).fetchone()
        models = conn.execute("select count(*), max(id) from models").fetchone()
    assert movies is not None and models is not None
    return (*movies, *models)


def test_load_reports_counts_and_metrics(make_database: Callable[[], str], tmp_path: Path) -> None:
    url = make_database()
    result = load(
        str(_jsonl(tmp_path / "films.jsonl", _movies(120))),
        dsn=url,
        doc2vec=FAST,
        show_progress=False,
    )
    assert result.movies == 120 and result.labelled == 120
    assert set(result.genres) == {"Comedy", "Drama", "Romance", "Horror", "War"}
    assert 0.0 <= result.metrics["micro_f1"] <= 1.0
    assert {"read", "tokenize", "doc2vec", "classifier", "copy", "index", "swap"} <= set(
        result.seconds
    )
    with psycopg.connect(url) as conn:
        assert conn.execute("select count(*) from movies").fetchone() == (120,)
        model = conn.execute(
            "select genre_vocab, cardinality(thresholds), length(doc2vec) > 0, length(classifier) > 0 "
            "from models"
        ).fetchall()
    assert len(model) == 1 and model[0][1] == 5 and model[0][2] and model[0][3]


def test_reload_replaces_and_keeps_index_names(
    make_database: Callable[[], str], tmp_path: Path
) -> None:
    url = make_database()
    load(str(_jsonl(tmp_path / "a.jsonl", _movies(60))), dsn=url, doc2vec=FAST, show_progress=False)
    load(
        str(_jsonl(tmp_path / "b.jsonl", _movies(80, offset=1000))),
        dsn=url,
        doc2vec=FAST,
        show_progress=False,
    )
    with psycopg.connect(url) as conn:
        assert conn.execute("select count(*), min(source) from movies").fetchone() == (80, "b")
        names = {
            r[0]
            for r in conn.execute("select indexname from pg_indexes where tablename = 'movies'")
        }
        staging = conn.execute("select to_regclass('movies_staging')").fetchone()
        seq = conn.execute("select pg_get_serial_sequence('movies', 'id')").fetchone()
        assert conn.execute("select count(*) from models").fetchone() == (1,)
        blends = conn.execute("select blend from similarity_blend order by blend").fetchall()
    assert blends == [("history",), ("similar",)]
    assert {
        "movies_pkey",
        "movies_source_uq",
        "movies_embedding_hnsw",
        "movies_genres_gin",
    } <= names
    assert not any(name.endswith("_staging") for name in names)
    assert staging == (None,)
    assert seq == ("public.movies_id_seq",)


def test_same_source_twice_gives_the_same_rows(
    make_database: Callable[[], str], tmp_path: Path
) -> None:
    url = make_database()
    path = str(_jsonl(tmp_path / "films.jsonl", _movies(60)))
    load(path, dsn=url, doc2vec=FAST, show_progress=False)
    first = _rows(url)
    load(path, dsn=url, doc2vec=FAST, show_progress=False)
    assert _rows(url) == first


def _rows(url: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "select id, title, predicted_genres, embedding::text from movies order by id"
        ).fetchall()


def test_strict_load_with_a_bad_row_leaves_previous_data(
    make_database: Callable[[], str], tmp_path: Path
) -> None:
    url = make_database()
    load(
        str(_jsonl(tmp_path / "good.jsonl", _movies(50))),
        dsn=url,
        doc2vec=FAST,
        show_progress=False,
    )
    before = _snapshot(url)
    bad = tmp_path / "bad.jsonl"
    lines = [json.dumps(m) for m in _movies(40)]
    lines[25] = '{"title": "Broken", "year": 19'
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(MovierecError, match=r"bad\.jsonl:26: malformed-row: invalid JSON"):
        load(str(bad), dsn=url, doc2vec=FAST, show_progress=False, strict=True)
    assert _snapshot(url) == before


def test_failure_during_the_write_rolls_back(
    make_database: Callable[[], str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error after COPY (here: in the index build) leaves the old catalogue and no staging."""
    url = make_database()
    load(
        str(_jsonl(tmp_path / "good.jsonl", _movies(50))),
        dsn=url,
        doc2vec=FAST,
        show_progress=False,
    )
    before = _snapshot(url)

    def broken_build(*args: Any, **kwargs: Any) -> None:
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(store, "build_indexes", broken_build)
    with pytest.raises(OSError, match="disk full"):
        load(
            str(_jsonl(tmp_path / "new.jsonl", _movies(70, 500))),
            dsn=url,
            doc2vec=FAST,
            show_progress=False,
        )
    assert _snapshot(url) == before
    with psycopg.connect(url) as conn:
        assert conn.execute("select to_regclass('movies_staging')").fetchone() == (None,)


def test_second_concurrent_load_is_refused(
    make_database: Callable[[], str], tmp_path: Path
) -> None:
    url = make_database()
    path = str(_jsonl(tmp_path / "films.jsonl", _movies(30)))
    load(path, dsn=url, doc2vec=FAST, show_progress=False)
    with psycopg.connect(url, autocommit=True) as holder:
        holder.execute("select pg_advisory_lock(%s)", (store.LOAD_LOCK_KEY,))
        with pytest.raises(MovierecError, match="another movierec load is running"):
            load(path, dsn=url, doc2vec=FAST, show_progress=False)


def test_readers_see_old_rows_until_the_swap_commits(
    make_database: Callable[[], str], tmp_path: Path
) -> None:
    """While a load's transaction is open, another session still reads the old catalogue."""
    url = make_database()
    load(
        str(_jsonl(tmp_path / "old.jsonl", _movies(30))), dsn=url, doc2vec=FAST, show_progress=False
    )
    with psycopg.connect(url) as writer, psycopg.connect(url, autocommit=True) as reader:
        from pgvector.psycopg import register_vector

        register_vector(writer)
        store.create_staging(writer)
        indexes = store.index_definitions(writer)
        assert reader.execute("select count(*) from movies").fetchone() == (30,)
        writer.execute("insert into movies_staging select * from movies where id <= 10")
        store.build_indexes(writer, indexes, lambda n: None)
        assert reader.execute("select count(*) from movies").fetchone() == (30,)
        model = store.ModelRow("new", b"d", b"c", b"", ["Comedy"], [0.5], {}, {})
        store.swap(writer, [(store.MOVIES, indexes)], model)
        writer.commit()
        assert reader.execute("select count(*) from movies").fetchone() == (10,)
        assert reader.execute("select source from models").fetchone() == ("new",)


def test_a_small_catalogue_loads_and_says_what_it_lacks(
    make_database: Callable[[], str], tmp_path: Path
) -> None:
    """A person's own list of six films: no classifier (too few labels), but recommendations."""
    url = make_database()
    movies = _movies(6)
    movies[5]["genres"] = []
    result = load(str(_jsonl(tmp_path / "mine.jsonl", movies)), dsn=url, doc2vec=FAST)
    assert result.movies == 6 and result.labelled == 5
    assert result.metrics["micro_f1"] is None
    assert any("no genre classifier" in note for note in result.notes)
    assert any("Doc2Vec learnt from only 6 movies" in note for note in result.notes)
    from movierec.database.connection import connect
    from movierec.query.similar import similar

    with connect(url) as conn:
        rows = dict(conn.execute("select title, predicted_genres from movies").fetchall())
        # The labels stand in for the prediction; the unlabelled film has none.
        assert rows["Film 0"] == ["Comedy"] and rows["Film 5"] == []
        _, results = similar(conn, "Film 0", k=5)
        # Film 0 is a comedy: the other comedy (Film 2) comes back, and only comedies.
        assert [r.title for r in results] == ["Film 2"]
        _, anything = similar(conn, "Film 5", k=10)
        # No genres: every other film is a candidate.
        assert len(anything) == 5


def test_one_movie_is_too_few(make_database: Callable[[], str], tmp_path: Path) -> None:
    with pytest.raises(MovierecError, match="at least 2"):
        load(str(_jsonl(tmp_path / "one.jsonl", _movies(1))), dsn=make_database())


def test_ratings_from_another_source_attach_by_imdb_id_or_title(
    make_database: Callable[[], str], tmp_path: Path
) -> None:
    """`load SOURCE --ratings OTHER`: OTHER's films matched to SOURCE's by imdb id, else by
    title and year; the ratings of the rest are left out and their films counted."""
    from tests import fixtures

    ml = fixtures.write_ml_latest(tmp_path / "ml").parent
    films = [
        {"id": f"w{i}", "title": title, "year": year, "genres": genres, "director": director}
        for i, (title, year, genres, director, _) in enumerate(fixtures.FILMS)
    ]
    # The first film by its imdb id alone, under another title; the last one missing.
    films[0]["imdb_id"] = fixtures._imdb(0)
    films[0]["title"] = "Matrix (the film)"
    films = films[:-1]
    url = make_database()
    result = load(
        str(_jsonl(tmp_path / "films.jsonl", films)), dsn=url, doc2vec=FAST, ratings_from=str(ml)
    )
    # The fixture's two extra films and the one left out of the catalogue are unmatched.
    assert result.rejected["by_reason"]["unmatched-film"] == 3
    with psycopg.connect(url) as conn:
        rated = conn.execute("select count(distinct movie_id), count(*) from ratings").fetchone()
        renamed = conn.execute(
            "select count(*) from ratings r join movies m on m.id = r.movie_id"
            " where m.title = 'Matrix (the film)'"
        ).fetchone()
        factors = conn.execute("select count(factors) from movies").fetchone()
    assert rated is not None and rated[0] == len(films) and result.ratings == rated[1]
    assert renamed is not None and renamed[0] > 0
    assert factors is not None and factors[0] > 0


def test_ratings_from_a_source_that_matches_nothing_is_a_clear_error(
    make_database: Callable[[], str], tmp_path: Path
) -> None:
    from tests import fixtures

    ml = fixtures.write_ml_latest(tmp_path / "ml").parent
    with pytest.raises(MovierecError, match="none of its films is in the catalogue"):
        load(
            str(_jsonl(tmp_path / "a.jsonl", _movies(30))),
            dsn=make_database(),
            ratings_from=str(ml),
        )
