"""Search, filters, taste profiles, explanations, show and add, on real PostgreSQL."""

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

from movierec.bench.postgres import ran
from movierec.database.store import genre_index_name
from movierec.errors import MovierecError
from movierec.pipeline.add import add_movies, read_records
from movierec.query.explain import explain
from movierec.query.recommend import recommend
from movierec.query.search import details, resolve_title, search
from movierec.query.similar import Filters, similar
from movierec.records import MovieRecord
from movierec.vectors.doc2vec import Doc2VecParams
from tests import fixtures
from tests.integration.loading import load
from tests.integration.plans import explain_similar, force_index_scans

Conn = psycopg.Connection[Any]


# search ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("matrx", "The Matrix"),
        ("the matrix", "The Matrix"),
        ("MATRIX", "The Matrix"),
        ("godzila", "Godzilla"),
        ("titanc", "Titanic"),
    ],
)
def test_search_tolerates_typos(conn: Conn, query: str, first: str) -> None:
    rows = search(conn, query, k=5)
    assert rows and rows[0]["title"] == first
    assert {"id", "title", "year", "director", "genres", "score"} <= set(rows[0])


def test_trailing_year_narrows_the_search(conn: Conn) -> None:
    everything = search(conn, "hamlet", k=10)
    assert sorted(r["year"] for r in everything if r["title"] == "Hamlet") == [
        1948,
        1990,
        1996,
        2000,
        2011,
    ]
    narrowed = search(conn, "hamlet 1996", k=10)
    assert [(r["title"], r["year"]) for r in narrowed] == [("Hamlet", 1996)]
    assert [r["year"] for r in search(conn, "Hamlet (1948)", k=10)] == [1948]
    # A year no match has (or a number that is part of the title) does not empty the list.
    assert any(r["title"] == "Hamlet" for r in search(conn, "hamlet 1905", k=10))


def test_sql_search_function_matches_the_cli_query(conn: Conn) -> None:
    for query in ("matrx", "hamlet 1996", "titanc"):
        rows = conn.execute("select id, score from search_movies(%s, 5)", (query,)).fetchall()
        assert [(r["id"], r["score"]) for r in search(conn, query, k=5)] == rows


def test_empty_search_is_a_clear_error(conn: Conn) -> None:
    with pytest.raises(MovierecError, match="some words of a title"):
        search(conn, "   ")


# filters ---------------------------------------------------------------------------------

COMBOS = [
    Filters(year_from=1997, year_to=1997),
    Filters(runtime_min=130),
    Filters(required_genres=["Comedy", "Romance"]),
    Filters(excluded_genres=["Drama", "Comedy"], year_to=1997),
    Filters(language="French"),
    Filters(min_votes=100, min_rating=7.0, year_from=1998),
    Filters(year_from=1999, runtime_max=95, excluded_genres=["Drama"]),
]


def _qualifying(conn: Conn, f: Filters, genres: list[str], exclude: int) -> int:
    row = conn.execute(
        """
        select count(*) from movies m
         where m.genres && %(g)s and m.id <> %(x)s
           and (%(yf)s::int is null or m.year >= %(yf)s) and (%(yt)s::int is null or m.year <= %(yt)s)
           and (%(rmin)s::int is null or m.runtime_minutes >= %(rmin)s)
           and (%(rmax)s::int is null or m.runtime_minutes <= %(rmax)s)
           and (%(v)s::int is null or m.votes >= %(v)s)
           and (%(r)s::real is null or m.rating >= %(r)s)
           and (%(req)s::text[] is null or m.genres @> %(req)s)
           and (%(exc)s::text[] is null or not m.genres && %(exc)s)
           and (%(lang)s::text is null or lower(m.language) = lower(%(lang)s))
        """,
        {
            "g": genres,
            "x": exclude,
            "yf": f.year_from,
            "yt": f.year_to,
            "rmin": f.runtime_min,
            "rmax": f.runtime_max,
            "v": f.min_votes,
            "r": f.min_rating,
            "req": f.required_genres,
            "exc": f.excluded_genres,
            "lang": f.language,
        },
    ).fetchone()
    assert row is not None
    return int(row[0])


def _check(row: dict[str, Any], f: Filters) -> None:
    if f.year_from is not None:
        assert row["year"] >= f.year_from
    if f.year_to is not None:
        assert row["year"] <= f.year_to
    if f.runtime_min is not None:
        assert row["runtime_minutes"] >= f.runtime_min
    if f.runtime_max is not None:
        assert row["runtime_minutes"] <= f.runtime_max
    if f.min_votes is not None:
        assert row["votes"] >= f.min_votes
    if f.min_rating is not None:
        assert row["rating"] >= f.min_rating
    if f.required_genres:
        assert set(f.required_genres) <= set(row["genres"])
    if f.excluded_genres:
        assert not set(f.excluded_genres) & set(row["genres"])
    if f.language:
        assert row["language"].lower() == f.language.lower()


@pytest.mark.parametrize("force_hnsw", [False, True], ids=["planner", "hnsw"])
@pytest.mark.parametrize(
    "combo", COMBOS, ids=lambda f: ",".join(k for k, v in vars(f).items() if v is not None)
)
def test_filters_return_k_rows_that_all_qualify(
    conn: Conn, combo: Filters, force_hnsw: bool
) -> None:
    movie, _ = resolve_title(conn, "The Matrix")
    if force_hnsw:
        force_index_scans(conn)
    qualifying = _qualifying(conn, combo, movie.predicted_genres, movie.id)
    assert qualifying >= 3, "the combination should leave some movies"
    k = min(10, qualifying)
    _, results = similar(conn, "The Matrix", k=k, filters=combo)
    assert len(results) == k
    info = details(conn, [r.id for r in results])
    for r in results:
        _check(info[r.id], combo)
        assert set(info[r.id]["genres"]) & set(movie.predicted_genres)


def test_every_filter_at_once_can_run_on_the_hnsw_index(conn: Conn) -> None:
    """No filter breaks the index-ordered plan (the planner may still prefer an exact GIN scan
    when it estimates few qualifying rows, which is cheaper and exact)."""
    movie, embedding = resolve_title(conn, "The Matrix")
    force_index_scans(conn)
    every_filter = Filters(
        year_from=1990,
        year_to=2000,
        runtime_min=80,
        runtime_max=200,
        min_rating=1.0,
        min_votes=1,
        required_genres=["Drama"],
        excluded_genres=["Comedy"],
        language="English",
        exclude_ids=[1, 2],
    )
    plan = explain_similar(conn, embedding, ["Drama"], movie.id, filters=every_filter)
    # A lone genre with enough films has an HNSW index of its own (migration 0008).
    assert ran(plan, f"Index Scan using {genre_index_name('Drama')} "), plan


def test_excluded_titles_are_not_recommended(conn: Conn) -> None:
    _, before = similar(conn, "The Matrix", k=5)
    seen = [before[0].id, before[1].id]
    _, after = similar(conn, "The Matrix", k=5, filters=Filters(exclude_ids=seen))
    assert len(after) == 5 and not {r.id for r in after} & set(seen)
    # The next nearest take their place (approximate search may swap near ties).
    assert len({r.id for r in after} & {r.id for r in before[2:5]}) >= 2


def test_sql_function_takes_the_same_filters(conn: Conn) -> None:
    movie, embedding = resolve_title(conn, "The Matrix")
    combo = Filters(year_from=1998, excluded_genres=["Comedy"], runtime_min=100)
    _, results = similar(conn, "The Matrix", k=8, filters=combo)
    rows = conn.execute(
        "select id from movierec_similar_to(%s, %s, %s, %s, %s, 8, year_from => 1998, "
        "excluded_genres => '{Comedy}', runtime_min => 100)",
        (
            embedding.embedding,
            embedding.creators,
            embedding.factors,
            movie.predicted_genres,
            movie.id,
        ),
    ).fetchall()
    assert [r.id for r in results] == [row[0] for row in rows]


def test_title_with_year_picks_one_of_several(conn: Conn) -> None:
    movie, _ = resolve_title(conn, "Hamlet (1990)")
    assert (movie.title, movie.year) == ("Hamlet", 1990)


# taste profiles and explanations ---------------------------------------------------------


def test_recommend_excludes_inputs_and_ranks_by_score(conn: Conn) -> None:
    taste, results = recommend(conn, ["The Matrix", "Hamlet (1996)"], ["Titanic (1997)"], k=10)
    inputs = {m.id for m in taste.liked + taste.disliked}
    assert len(results) == 10 and not inputs & {r.id for r in results}
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)
    # Liking Hamlet (1996) brings in the people who made it.
    assert any(r.creators > 0 for r in results)


def test_dislikes_change_the_list(conn: Conn) -> None:
    _, plain = recommend(conn, ["The Matrix"], k=10)
    _, with_dislike = recommend(conn, ["The Matrix"], ["Starship Troopers"], k=10)
    assert [r.id for r in plain] != [r.id for r in with_dislike]


def test_sql_recommend_function_matches_the_cli(conn: Conn) -> None:
    _, results = recommend(conn, ["The Matrix", "Hamlet (1996)"], ["Titanic (1997)"], k=7)
    rows = conn.execute(
        "select id from recommend_movies(array['The Matrix', 'Hamlet (1996)'], array['Titanic (1997)'], 7)"
    ).fetchall()
    assert [r.id for r in results] == [row[0] for row in rows]


def test_recommend_needs_a_like(conn: Conn) -> None:
    with pytest.raises(MovierecError, match="--like"):
        recommend(conn, [])


def test_explain_names_the_part_and_the_overlaps(conn: Conn) -> None:
    movie, results = similar(conn, "The Matrix", k=10)
    reasons = explain(conn, [movie.id], results)
    assert set(reasons) == {r.id for r in results}
    for r in results:
        why = reasons[r.id]
        assert why["score"] == pytest.approx(r.score, abs=1e-4)
        assert sum(why["parts"].values()) == pytest.approx(r.score, abs=1e-3)
        assert set(why["shared_genres"]) == set(r.genres) & set(movie.genres)
        assert set(why["genres_matching_prediction"]) <= set(movie.predicted_genres)
        # No ratings in this catalogue: no part of any similarity is ratings.
        assert why["parts"]["ratings"] == 0 and why["because"] != "ratings"
    # The other Hamlets come for their title.
    hamlet, results = similar(conn, "Hamlet (1996)", k=10)
    reasons = explain(conn, [hamlet.id], results)
    others = [r for r in results if r.title == "Hamlet"]
    assert len(others) >= 3
    assert all(reasons[r.id]["because"] in {"franchise", "creators"} for r in others)
    assert all("hamlet" in reasons[r.id]["shared_franchise"] for r in others)


# CLI: show, search, explain, recommend ---------------------------------------------------


def _cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MOVIEREC_DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "movierec", *args], capture_output=True, text=True, env=env
    )


def test_cli_search_show_recommend_json(loaded_url: str) -> None:
    found = json.loads(_cli(loaded_url, "search", "matrx", "--json").stdout)
    assert found["results"][0]["title"] == "The Matrix"
    shown = json.loads(_cli(loaded_url, "show", "The Matrix", "--json").stdout)
    assert shown["title"] == "The Matrix" and shown["predicted_genres"]
    assert set(shown["genre_scores"]) >= set(shown["predicted_genres"])
    assert len(shown["neighbours"]) == 5
    out = _cli(
        loaded_url,
        "recommend",
        "--like",
        "The Matrix",
        "--like",
        "Hamlet (1996)",
        "--explain",
        "--json",
        "-k",
        "3",
    )
    data = json.loads(out.stdout)
    assert len(data["results"]) == 3 and "explain" in data["results"][0]
    similar_out = _cli(
        loaded_url,
        "similar",
        "The Matrix",
        "--year-from",
        "1998",
        "--exclude",
        "Hamlet (1996)",
        "--explain",
        "-k",
        "3",
    )
    assert similar_out.returncode == 0 and "why: " in similar_out.stdout


def test_cli_ambiguous_like_exits_2(loaded_url: str) -> None:
    out = _cli(loaded_url, "recommend", "--like", "Hamlet")
    assert out.returncode == 2 and "write 'Hamlet (1948)'" in out.stderr


# add -------------------------------------------------------------------------------------


def test_added_movie_is_recommendable_at_once(
    make_database: Callable[[], str], tmp_path: Path
) -> None:
    url = make_database()
    load(
        str(fixtures.write_ml_latest(tmp_path / "ml")),
        dsn=url,
        doc2vec=Doc2VecParams(epochs=5),
        show_progress=False,
    )
    from movierec.database.connection import connect

    record = MovieRecord(
        source_id="",
        title="Alien Resurrection",
        year=1997,
        genres=["Horror", "Sci-Fi"],
        director="Jean-Pierre Jeunet",
        cast=["Sigourney Weaver"],
    )
    with connect(url) as conn:
        counts = "select genre, movies from genre_counts where genre in ('Horror', 'Sci-Fi')"
        before = dict(conn.execute(counts).fetchall())
        assert set(before) == {"Horror", "Sci-Fi"}
        [added] = add_movies(conn, [record])
        assert added.predicted_genres
        # The similarity query's plan choice counts the new movie's genres.
        assert dict(conn.execute(counts).fetchall()) == {g: before[g] + 1 for g in before}
        movie, results = similar(conn, "Alien Resurrection", k=5)
        assert movie.id == added.id and len(results) == 5
        # It shows up in others' neighbourhoods too (it has an embedding in the HNSW index).
        row = conn.execute(
            "select count(*) from movies where id = %s and embedding is not null and source = 'added'",
            (added.id,),
        ).fetchone()
        assert row == (1,)
        with pytest.raises(MovierecError, match="already in the catalogue"):
            add_movies(conn, [record])
    file = tmp_path / "new.json"
    file.write_text(
        json.dumps(
            [
                {"title": "Brand New", "year": 2030, "genres": ["Comedy"]},
                {"title": "Second", "cast": ["Tom Hanks"]},
            ]
        )
    )
    with connect(url) as conn:
        assert [a.title for a in add_movies(conn, read_records(file))] == ["Brand New", "Second"]
        assert search(conn, "brand new", k=1)[0]["title"] == "Brand New"


def test_add_without_models_is_a_clear_error(make_database: Callable[[], str]) -> None:
    from movierec.database import migrate
    from movierec.database.connection import connect

    url = make_database()
    migrate.upgrade(url)
    with connect(url) as conn, pytest.raises(MovierecError, match="no trained models"):
        add_movies(conn, [MovieRecord(source_id="", title="X")])


def test_add_file_errors_name_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "Fine"}\n{"year": 2000}\n', encoding="utf-8")
    with pytest.raises(MovierecError, match=r"bad\.jsonl:2: missing-title"):
        read_records(bad)
