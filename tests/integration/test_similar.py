"""`similar` on real PostgreSQL: the one query, its SQL function twins, lookups and the index."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from movierec.bench.postgres import HNSW_SCAN, exact_branch_ran, ran
from movierec.database.store import genre_index_name
from movierec.errors import AmbiguousTitleError, NotFoundError
from movierec.query.search import movie_by_id, resolve_title
from movierec.query.settings import SEARCH_SETTINGS
from movierec.query.similar import similar, similar_to_vector
from movierec.records import GENRE_INDEX_MIN_FILMS
from tests.integration.plans import brute_force, explain_similar, force_index_scans

Conn = psycopg.Connection[Any]


def test_similar_returns_k_nearest_sharing_a_predicted_genre(conn: Conn) -> None:
    movie, results = similar(conn, "The Matrix", k=10)
    assert movie.title == "The Matrix" and movie.year == 1999
    assert movie.predicted_genres, "the classifier always predicts at least one genre"
    assert len(results) == 10
    assert movie.id not in {r.id for r in results}
    scores = [r.score for r in results]
    assert scores == sorted(scores, reverse=True)
    for r in results:
        assert set(r.genres) & set(movie.predicted_genres)


def test_neighbours_take_the_querys_columns_by_name(conn: Conn) -> None:
    """Rows go into Neighbour by position: its fields are the statement's columns, in order,
    with the values a dict row of the same statement has."""
    import dataclasses

    from psycopg.rows import dict_row

    from movierec.query.counts import genre_counts
    from movierec.query.similar import Neighbour, similarity_params, statement_for

    movie, vectors = resolve_title(conn, "The Matrix")
    found = similar_to_vector(conn, vectors, movie.predicted_genres, exclude_id=movie.id)
    params = similarity_params(vectors, movie.predicted_genres, movie.id)
    with conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(statement_for(params, genre_counts(conn)), params).fetchall()
        assert cur.description is not None
        names = [c.name for c in cur.description]
    assert names == [f.name for f in dataclasses.fields(Neighbour)]
    assert [dataclasses.asdict(n) for n in found] == rows and len(rows) == 10


def test_title_lookup_is_case_insensitive(conn: Conn) -> None:
    upper, _ = similar(conn, "THE MATRIX", k=3)
    lower, _ = similar(conn, "the matrix", k=3)
    assert upper.id == lower.id


def test_sql_function_by_title_matches_the_cli_query(conn: Conn) -> None:
    _, results = similar(conn, "The Matrix", k=10)
    rows = conn.execute(
        "select id, title, year, genres, score from similar_movies('The Matrix', 10)"
    ).fetchall()
    assert [(r.id, r.title, r.year, r.genres) for r in results] == [row[:4] for row in rows]
    assert [r.score for r in results] == pytest.approx([row[4] for row in rows], abs=1e-9)


def test_sql_function_by_id_matches_the_cli_query(conn: Conn) -> None:
    movie, results = similar(conn, "Hamlet", year=1996, k=7)
    rows = conn.execute("select id from similar_movies_by_id(%s, 7)", (movie.id,)).fetchall()
    assert [r.id for r in results] == [row[0] for row in rows]


def test_duplicate_titles_need_a_year(conn: Conn) -> None:
    with pytest.raises(AmbiguousTitleError) as info:
        resolve_title(conn, "Hamlet")
    years = sorted(c["year"] for c in info.value.candidates)
    assert years == [1948, 1990, 1996, 2000, 2011]
    assert all(c["director"] for c in info.value.candidates)
    movie, _ = resolve_title(conn, "Hamlet", 1990)
    assert movie.year == 1990 and movie.director == "Franco Zeffirelli"


def test_sql_function_reports_duplicates_and_takes_a_year(conn: Conn) -> None:
    with pytest.raises(psycopg.errors.CardinalityViolation) as info:
        conn.execute("select * from similar_movies('Hamlet', 5)")
    assert "5 movies" in str(info.value)
    conn.rollback()
    rows = conn.execute("select id from similar_movies('Hamlet', 5, 1996)").fetchall()
    assert len(rows) == 5


def test_not_found_suggests_closest_titles(conn: Conn) -> None:
    with pytest.raises(NotFoundError) as info:
        resolve_title(conn, "matrx")
    assert info.value.suggestions[0]["title"] == "The Matrix"
    with pytest.raises(psycopg.errors.NoDataFound) as sql_info:
        conn.execute("select * from similar_movies('matrx')")
    assert sql_info.value.diag.message_hint is not None
    assert "The Matrix" in sql_info.value.diag.message_hint


def test_unknown_year_is_not_found(conn: Conn) -> None:
    with pytest.raises(NotFoundError):
        resolve_title(conn, "The Matrix", 1950)


HNSW_ONLY = {"movierec.exact_below": "0"}


def test_selective_filter_still_returns_k_rows_through_hnsw(conn: Conn) -> None:
    """A genre on ~1% of movies: iterative HNSW scans must keep going until k rows pass."""
    count = conn.execute("select count(*) from movies where genres && '{Western}'").fetchone()
    assert count == (9,)  # 0.6% of the fixture films
    movie, embedding = resolve_title(conn, "The Matrix")
    # Force the HNSW plan: the exact branch would take a genre this rare, and on a small table
    # the planner may prefer a sequential scan.
    force_index_scans(conn)
    plan = explain_similar(conn, embedding, ["Western"], movie.id, k=9, settings=HNSW_ONLY)
    assert ran(plan, HNSW_SCAN) and not exact_branch_ran(plan), plan
    # k = every Western: the scan must find all of them, with nothing else.
    results = similar_to_vector(
        conn,
        embedding,
        ["Western"],
        exclude_id=movie.id,
        k=9,
        settings={**SEARCH_SETTINGS, **HNSW_ONLY},
    )
    assert len(results) == 9
    assert all("Western" in r.genres for r in results)
    exact = conn.execute("select id from movies where genres && '{Western}'").fetchall()
    assert {r.id for r in results} == {row[0] for row in exact}


def test_rare_genre_takes_the_exact_branch(conn: Conn) -> None:
    """9 Westerns among 1,437 films is under 6 * sqrt(1437) = 227 matches: every match is ranked,
    the HNSW index is not touched, and the result is the exact top k."""
    movie, embedding = resolve_title(conn, "The Matrix")
    plan = explain_similar(conn, embedding, ["Western"], movie.id, k=5)
    assert exact_branch_ran(plan) and not ran(plan, HNSW_SCAN), plan
    results = similar_to_vector(conn, embedding, ["Western"], exclude_id=movie.id, k=5)
    assert [r.id for r in results] == brute_force(conn, embedding, ["Western"], movie.id, 5)
    # The SQL function carries the same setting and takes the same branch.
    rows = conn.execute(
        "select id from movierec_similar_to(%s, %s, %s, '{Western}', %s, 5)",
        (embedding.embedding, embedding.creators, embedding.factors, movie.id),
    ).fetchall()
    assert [row[0] for row in rows] == [r.id for r in results]


def test_a_genre_no_movie_has_returns_nothing_without_scanning_the_index(conn: Conn) -> None:
    movie, embedding = resolve_title(conn, "The Matrix")
    plan = explain_similar(conn, embedding, ["Nonexistent"], movie.id)
    assert not ran(plan, HNSW_SCAN), plan
    assert similar_to_vector(conn, embedding, ["Nonexistent"], exclude_id=movie.id) == []


def test_without_genre_counts_the_query_uses_hnsw(conn: Conn) -> None:
    """Empty counts (a catalogue written around movierec) only cost speed, never rows."""
    movie, embedding = resolve_title(conn, "The Matrix")
    conn.execute("delete from genre_counts")
    force_index_scans(conn)
    plan = explain_similar(conn, embedding, ["Western"], movie.id, k=9)
    assert ran(plan, HNSW_SCAN) and not exact_branch_ran(plan), plan
    results = similar_to_vector(conn, embedding, ["Western"], exclude_id=movie.id, k=9)
    assert len(results) == 9


def test_genre_counts_match_the_catalogue(conn: Conn) -> None:
    counted = dict(conn.execute("select genre, movies from genre_counts").fetchall())
    actual = dict(
        conn.execute(
            "select g, count(*) from movies cross join unnest(genres) as g group by g"
        ).fetchall()
    )
    assert counted == actual and counted["Drama"] > 0


def test_the_blend_finds_what_exact_search_finds(conn: Conn) -> None:
    """Candidates from the dense index and from shared creators tokens, ranked by the blend:
    the same top 10 as scoring every film, for films of every kind."""
    ids = [r[0] for r in conn.execute("select id from movies order by md5(id::text) limit 40")]
    agree = 0
    for movie_id in ids:
        movie, vectors = movie_by_id(conn, movie_id)
        found = [
            n.id
            for n in similar_to_vector(
                conn, vectors, movie.predicted_genres, exclude_id=movie.id, k=10
            )
        ]
        exact = brute_force(conn, vectors, movie.predicted_genres, movie.id, 10)
        agree += len(set(found) & set(exact))
    assert agree / (10 * len(ids)) >= 0.95


def test_similarity_query_is_served_by_the_genres_own_hnsw_index(conn: Conn) -> None:
    """The query shape is index-ordered: a lone genre's partial HNSW index serves it once the
    table-wide alternatives are off (the genre is a literal, so the planner can match the
    index's predicate).

    On the 1,437-film fixture a sequential or GIN scan plus sort costs about the same and the
    planner's pick varies; the slow test checks that it picks HNSW by itself on the full sample.
    """
    movie, embedding = resolve_title(conn, "The Matrix")
    drama = conn.execute("select movies from genre_counts where genre = 'Drama'").fetchone()
    assert drama is not None and drama[0] > 227, "too common for the exact branch"
    force_index_scans(conn)
    plan = explain_similar(conn, embedding, ["Drama"], movie.id)
    drama_index = f"Index Scan using {genre_index_name('Drama')} "
    assert ran(plan, drama_index) and not exact_branch_ran(plan), plan
    # Two genres: no partial index covers both, the global one serves them.
    plan = explain_similar(conn, embedding, ["Drama", "Action"], movie.id)
    assert ran(plan, HNSW_SCAN) and not ran(plan, drama_index), plan


def test_no_genres_means_any_genre(conn: Conn) -> None:
    """A movie with no predicted genres (a catalogue without a classifier) is compared with
    every movie: the k nearest overall, as exact search over all movies finds them."""
    movie, embedding = resolve_title(conn, "The Matrix")
    results = similar_to_vector(conn, embedding, [], exclude_id=movie.id, k=5)
    assert [r.id for r in results] == brute_force(conn, embedding, [], movie.id, 5)


def test_free_vector_query(conn: Conn) -> None:
    """The same query serves a vector that is not a stored movie's."""
    from pgvector import Vector

    vector = Vector([1.0] + [0.0] * 99)
    results = similar_to_vector(conn, vector, ["Comedy"], k=5)
    assert len(results) == 5
    assert all("Comedy" in r.genres for r in results)


def test_every_movie_has_a_predicted_genre_and_scores(conn: Conn) -> None:
    row = conn.execute(
        "select count(*) filter (where cardinality(predicted_genres) = 0), "
        "count(*) filter (where genre_scores = '{}'::jsonb), count(*) from movies"
    ).fetchone()
    assert row == (0, 0, 1437)


def test_a_genre_grown_past_the_bound_gets_its_own_index(conn: Conn) -> None:
    """`movierec add` calls add_genre_indexes: a genre with enough films now (here 300 films
    labelled with a new genre, in this test's transaction) gets its partial index, which the
    query then searches."""
    from movierec.database import store

    conn.execute(
        "update movies set genres = genres || '{Test Noir}'::text[]"
        " where id in (select id from movies order by id limit 300)"
    )
    store.refresh_genre_counts(conn)
    assert store.add_genre_indexes(conn) == [genre_index_name("Test Noir")]
    assert store.add_genre_indexes(conn) == []  # once
    movie, embedding = resolve_title(conn, "The Matrix")
    force_index_scans(conn)
    plan = explain_similar(conn, embedding, ["Test Noir"], movie.id)
    assert ran(plan, f"Index Scan using {genre_index_name('Test Noir')} "), plan


def test_a_query_connection_runs_one_generic_plan_and_no_set_config(loaded_url: str) -> None:
    """From movierec.query.settings.connect the session has the search settings (libpq
    options), and the statement for a genre set is prepared once with a generic plan; the
    answers are those of a plain connection, which sets them per transaction instead."""
    from movierec.database.connection import connect as plain_connect
    from movierec.query.settings import connect, has_session_settings

    with connect(loaded_url, autocommit=True) as fast, plain_connect(loaded_url) as plain:
        assert has_session_settings(fast) and not has_session_settings(plain)
        assert fast.execute("show hnsw.ef_search").fetchone() == ("50",)
        movie, embedding = resolve_title(fast, "The Matrix")
        answers = [
            [n.id for n in similar_to_vector(fast, embedding, ["Drama"], exclude_id=movie.id)]
            for _ in range(3)
        ]
        row = fast.execute(
            "select generic_plans, custom_plans from pg_prepared_statements"
            " where statement like 'with weights%'"
        ).fetchone()
        assert row is not None and row[0] >= 3 and row[1] == 0
        with plain.transaction():
            slow = similar_to_vector(plain, embedding, ["Drama"], exclude_id=movie.id)
        assert answers == [[n.id for n in slow]] * 3


def test_several_narrow_genres_walk_each_genres_index_and_psql_agrees(conn: Conn) -> None:
    """Two genres that are not wide (their share times 2 < 1): the query walks the indexed
    one's own index and ranks every film of the small one, merged; movierec_similar_to()
    returns the same rows."""
    total = conn.execute("select count(*) from movies").fetchone()
    assert total is not None
    bound = GENRE_INDEX_MIN_FILMS
    counts = conn.execute(
        "select genre, movies from genre_counts order by movies, genre"
    ).fetchall()
    big = next(g for g, n in counts if n >= bound)
    small = next(g for g, n in counts if 5 <= n < bound)
    pair = [big, small]
    assert 2 * sum(n for g, n in counts if g in pair) < total[0], counts
    movie, vectors = resolve_title(conn, "The Matrix")
    ours = similar_to_vector(conn, vectors, pair, exclude_id=movie.id, k=10)
    # On the small fixture a sort of the genre's films costs about what its index walk does;
    # with sorts ruled out where an index can order, the plan shows the walk (the small
    # genre's arm needs no order: every film of it is a candidate).
    conn.execute("select set_config('enable_sort', 'off', true)")
    plan = explain_similar(conn, vectors, pair, movie.id)
    assert ran(plan, f"Index Scan using {genre_index_name(big)} "), plan
    assert ran(plan, "Bitmap Index Scan on movies_genres_gin"), plan
    assert not ran(plan, HNSW_SCAN), plan
    conn.execute("select set_config('enable_sort', 'on', true)")
    rows = conn.execute(
        "select id, score from movierec_similar_to(%(embedding)s, %(creators)s, %(factors)s,"
        " %(genres)s, %(exclude_id)s, %(k)s)",
        {
            "embedding": vectors.embedding,
            "creators": vectors.creators,
            "factors": vectors.factors,
            "genres": pair,
            "exclude_id": movie.id,
            "k": 10,
        },
    ).fetchall()
    assert len(ours) == 10 and [(n.id, round(n.score, 6)) for n in ours] == [
        (r[0], round(r[1], 6)) for r in rows
    ]


def test_wide_genre_sets_share_one_statement_and_psql_agrees(loaded_url: str) -> None:
    """Several genres that are wide (their share times their number >= 1) walk the global
    index once with the genres as a filter; that walk needs no literal, so every wide set runs
    one prepared statement (its generic plan made once a connection), with the rows
    movierec_similar_to() returns."""
    from movierec.query.settings import connect

    with connect(loaded_url, autocommit=True) as conn:
        total = conn.execute("select count(*) from movies").fetchone()
        counts = conn.execute(
            "select genre, movies from genre_counts order by movies desc"
        ).fetchall()
        assert total is not None
        pair = [g for g, _ in counts[:2]]
        triple = [g for g, _ in counts[:3]]
        for wide in (pair, triple):
            assert len(wide) * sum(n for g, n in counts if g in wide) >= total[0], counts
        movie, vectors = resolve_title(conn, "The Matrix")
        answers = {
            tuple(wide): similar_to_vector(conn, vectors, wide, exclude_id=movie.id, k=10)
            for wide in (pair, triple, pair)
        }
        statements = conn.execute(
            "select statement, generic_plans from pg_prepared_statements"
            " where statement like 'with weights%'"
        ).fetchall()
        assert len(statements) == 1 and statements[0][1] == 3, statements
        assert "m.genres && $" in statements[0][0]  # the genres a parameter, not a literal
        plan = explain_similar(conn, vectors, triple, movie.id)
        assert ran(plan, HNSW_SCAN), plan
        for asked, ours in answers.items():
            assert len(ours) == 10
            assert all(set(n.genres) & set(asked) for n in ours)
            rows = conn.execute(
                "select id, score from movierec_similar_to(%(embedding)s, %(creators)s,"
                " %(factors)s, %(genres)s, %(exclude_id)s, %(k)s)",
                {
                    "embedding": vectors.embedding,
                    "creators": vectors.creators,
                    "factors": vectors.factors,
                    "genres": list(asked),
                    "exclude_id": movie.id,
                    "k": 10,
                },
            ).fetchall()
            assert [(n.id, round(n.score, 6)) for n in ours] == [
                (r[0], round(r[1], 6)) for r in rows
            ]
