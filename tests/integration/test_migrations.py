"""Alembic owns the schema: upgrade head, downgrade base, upgrade head again."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg

from movierec.database import migrate


def _objects(url: str) -> dict[str, set[str]]:
    with psycopg.connect(url) as conn:
        tables = {
            r[0]
            for r in conn.execute("select tablename from pg_tables where schemaname = 'public'")
        }
        indexes = {
            r[0]
            for r in conn.execute("select indexname from pg_indexes where schemaname = 'public'")
        }
        functions = {
            r[0]
            for r in conn.execute(
                "select proname from pg_proc where pronamespace = 'public'::regnamespace "
                "and proname like any (array['similar_movies%%', 'movierec_%%', 'search_movies', "
                "'recommend_%%'])"
            )
        }
        extensions = {r[0] for r in conn.execute("select extname from pg_extension")}
    return {"tables": tables, "indexes": indexes, "functions": functions, "extensions": extensions}


def _similar_settings(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "select coalesce(proconfig, '{}') from pg_proc where proname = 'movierec_similar_to'"
        ).fetchone()
    assert row is not None
    return list(row[0])


def test_round_trip(make_database: Callable[[], str]) -> None:
    url = make_database()
    migrate.upgrade(url)
    assert migrate.current(url) == migrate.head() == "0015"
    first = _objects(url)
    assert {
        "movies",
        "models",
        "ratings",
        "genre_counts",
        "similarity_blend",
        "alembic_version",
    } <= first["tables"]
    assert {
        "movies_embedding_hnsw",
        "movies_genres_gin",
        "movies_predicted_genres_gin",
        "movies_title_trgm",
        "movies_pkey",
        "movies_source_uq",
        "ratings_pkey",
        "ratings_movie_id",
        "genre_counts_pkey",
        "movies_imdb_lower",
        "movies_creator_keys_gin",
        "movies_factors_hnsw",
        "movies_title_key",
    } <= first["indexes"]
    assert first["functions"] == {
        "similar_movies",
        "similar_movies_by_id",
        "movierec_similar_to",
        "movierec_catalogue_changed",
        "movierec_resolve_title",
        "movierec_match_history",
        "movierec_history_vectors",
        "movierec_sparse_sum",
        "movierec_sparse_keys",
        "movierec_title_key",
        "search_movies",
        "recommend_movies",
        "recommend_for_history",
    }
    assert {"vector", "pg_trgm"} <= first["extensions"]

    migrate.downgrade(url, "base")
    assert migrate.current(url) is None
    after_down = _objects(url)
    assert after_down["tables"] == {"alembic_version"}
    assert after_down["functions"] == set()

    migrate.upgrade(url)
    assert _objects(url) == first


def test_each_revision_steps_down_and_up(make_database: Callable[[], str]) -> None:
    url = make_database()
    migrate.upgrade(url, "0001")
    with psycopg.connect(url) as conn:
        assert conn.execute("select to_regclass('ratings')").fetchone() == (None,)
    migrate.upgrade(url)
    migrate.downgrade(url, "0001")
    with psycopg.connect(url) as conn:
        assert conn.execute("select to_regclass('ratings')").fetchone() == (None,)
        columns = {
            r[0]
            for r in conn.execute(
                "select attname from pg_attribute where attrelid = 'movies'::regclass"
            )
        }
    assert "keywords" not in columns and "tagline" not in columns
    migrate.upgrade(url)
    assert migrate.current(url) == "0015"
    migrate.downgrade(url, "0007")
    # 0007 -> 0006: the blend weights go back to the models row only.
    migrate.downgrade(url, "0006")
    with psycopg.connect(url) as conn:
        assert conn.execute("select to_regclass('similarity_blend')").fetchone() == (None,)
    # 0006 -> 0005 restores 0005's functions (the taste vector, one cosine) and drops the columns.
    migrate.downgrade(url, "0005")
    with psycopg.connect(url) as conn:
        args = conn.execute(
            "select pg_get_function_identity_arguments('movierec_similar_to'::regproc)"
        ).fetchone()
        assert args is not None and "sparsevec" not in args[0]
        assert conn.execute("select to_regproc('movierec_taste')").fetchone() != (None,)
        assert conn.execute("select to_regproc('recommend_for_history')").fetchone() == (None,)
        columns = {
            r[0]
            for r in conn.execute(
                "select attname from pg_attribute where attrelid = 'movies'::regclass"
            )
        }
        assert not {"creators", "creator_keys", "factors"} & columns
        functions = conn.execute(
            "select count(*) from pg_proc where proname in ('similar_movies', 'recommend_movies')"
        ).fetchone()
        assert functions == (2,)
    # 0005 -> 0004 restores 0004's similarity function, where no genres meant no movie.
    migrate.downgrade(url, "0004")
    with psycopg.connect(url) as conn:
        body = conn.execute("select prosrc from pg_proc where proname = 'movierec_similar_to'")
        assert "cardinality" not in body.fetchone()[0]  # type: ignore[index]
        assert conn.execute("select to_regclass('movies_imdb_lower')").fetchone() == (None,)
    # 0004 -> 0003 restores 0003's similarity function: the HNSW plan only.
    assert "movierec.exact_scale=6" in " ".join(_similar_settings(url))
    migrate.downgrade(url, "0003")
    assert not any(s.startswith("movierec.") for s in _similar_settings(url))
    with psycopg.connect(url) as conn:
        body = conn.execute("select prosrc from pg_proc where proname = 'movierec_similar_to'")
        assert "genre_counts" not in body.fetchone()[0]  # type: ignore[index]
        assert conn.execute("select to_regclass('genre_counts')").fetchone() == (None,)
    # 0003 -> 0002 restores the 0001 signature of the similarity function.
    migrate.downgrade(url, "0002")
    with psycopg.connect(url) as conn:
        args = conn.execute(
            "select pg_get_function_identity_arguments('movierec_similar_to'::regproc)"
        ).fetchone()
    assert args == ("query_embedding vector, query_genres text[], exclude_id bigint, k integer",)
    migrate.upgrade(url)


def test_hnsw_index_uses_cosine_ops(make_database: Callable[[], str]) -> None:
    url = make_database()
    migrate.upgrade(url)
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "select indexdef from pg_indexes where indexname = 'movies_embedding_hnsw'"
        ).fetchone()
        dims = conn.execute(
            "select format_type(atttypid, atttypmod) from pg_attribute "
            "where attrelid = 'movies'::regclass and attname = 'embedding'"
        ).fetchone()
    assert row is not None and "hnsw" in row[0] and "vector_cosine_ops" in row[0]
    assert dims == ("vector(100)",)


def test_a_catalogue_loaded_at_0006_keeps_its_blend_through_0007(
    make_database: Callable[[], str], films_sqlite: Path
) -> None:
    from movierec.query.similar import similar
    from movierec.vectors.doc2vec import Doc2VecParams
    from tests.integration.loading import load

    url = make_database()
    load(str(films_sqlite), dsn=url, doc2vec=Doc2VecParams(epochs=3), show_progress=False)

    def answers() -> tuple[list[tuple[Any, ...]], list[int]]:
        with psycopg.connect(url) as conn:
            blend = conn.execute(
                "select blend, content, creators, ratings from similarity_blend order by blend"
            ).fetchall()
        from movierec.database.connection import connect

        with connect(url) as conn:
            _, found = similar(conn, "Fargo", k=10)
        return blend, [n.id for n in found]

    before = answers()
    assert [b[0] for b in before[0]] == ["history", "similar"]
    # As 0.10.0 left it: the weights only in the models row, the function reading them there.
    migrate.downgrade(url, "0006")
    migrate.upgrade(url)
    assert answers() == before


def test_0008_indexes_the_big_genres_of_a_catalogue_loaded_before_it(
    make_database: Callable[[], str], films_sqlite: Path
) -> None:
    """A catalogue loaded at 0007 gets the per-genre indexes a load would build (same names,
    same predicates); downgrade drops them and the answers stay the same."""
    from movierec.database import store
    from movierec.database.connection import connect
    from movierec.query.similar import similar
    from movierec.vectors.doc2vec import Doc2VecParams
    from tests.integration.loading import load

    url = make_database()
    load(str(films_sqlite), dsn=url, doc2vec=Doc2VecParams(epochs=3), show_progress=False)

    def genre_indexes() -> dict[str, str]:
        with psycopg.connect(url) as conn:
            return dict(
                conn.execute(
                    "select indexname, indexdef from pg_indexes where tablename = 'movies'"
                    " and starts_with(indexname, %s)",
                    (store.GENRE_INDEX_PREFIX,),
                ).fetchall()
            )

    def answers() -> list[int]:
        with connect(url) as conn:
            return [n.id for n in similar(conn, "Fargo", k=10)[1]]

    loaded, before = genre_indexes(), answers()
    assert loaded, "the load built no per-genre index"
    migrate.downgrade(url, "0007")
    assert genre_indexes() == {}
    assert answers() == before
    migrate.upgrade(url)
    assert genre_indexes() == loaded
    assert answers() == before


def test_0009_keeps_the_function_answers_and_searches_with_ef_search_50(
    make_database: Callable[[], str], films_sqlite: Path
) -> None:
    """0009 rewrites movierec_similar_to()'s exact-branch check: the psql function returns the
    same rows at 0008 and 0009 (one genre with its own index, several genres, a rare genre, and
    no genre), and its ef_search is the query connections' (50; 0008's was 100)."""
    from movierec.query.settings import SEARCH_SETTINGS
    from movierec.vectors.doc2vec import Doc2VecParams
    from tests.integration.loading import load

    url = make_database()
    load(str(films_sqlite), dsn=url, doc2vec=Doc2VecParams(epochs=3), show_progress=False)

    def answers() -> list[list[int]]:
        with psycopg.connect(url) as conn:
            query = conn.execute(
                "select id, embedding, creators, factors from movies where title = 'Fargo'"
            ).fetchone()
            assert query is not None
            rare = conn.execute(
                "select genre from genre_counts order by movies, genre limit 1"
            ).fetchone()
            assert rare is not None
            return [
                [
                    r[0]
                    for r in conn.execute(
                        "select id from movierec_similar_to(%s, %s, %s, %s, %s, 10)",
                        (query[1], query[2], query[3], genres, query[0]),
                    )
                ]
                for genres in (["Drama"], ["Crime", "Thriller", "Drama"], [rare[0]], [])
            ]

    head = answers()
    assert all(len(a) == 10 for a in head[:2] + head[3:]) and head[2], head
    assert f"hnsw.ef_search={SEARCH_SETTINGS['hnsw.ef_search']}" in _similar_settings(url)
    assert SEARCH_SETTINGS["hnsw.ef_search"] == "50"
    migrate.downgrade(url, "0008")
    assert "hnsw.ef_search=100" in _similar_settings(url)
    assert answers() == head
    migrate.upgrade(url)
    assert answers() == head


def _function_answers(url: str) -> list[list[int]]:
    """movierec_similar_to()'s ids for Fargo, with its own vectors and with its embedding
    alone, at one genre, three, the rarest one, a big and a rare one together, and none."""
    with psycopg.connect(url) as conn:
        query = conn.execute(
            "select id, embedding, creators, factors from movies where title = 'Fargo'"
        ).fetchone()
        rare = conn.execute(
            "select genre from genre_counts order by movies, genre limit 1"
        ).fetchone()
        assert query is not None and rare is not None
        found = []
        for vectors in ((query[1], query[2], query[3]), (query[1], None, None)):
            for genres in (
                ["Drama"],
                ["Crime", "Thriller", "Drama"],
                [rare[0]],
                ["Drama", rare[0]],
                [],
            ):
                rows = conn.execute(
                    "select id from movierec_similar_to(%s, %s, %s, %s, %s, 10)",
                    (*vectors, genres, query[0]),
                )
                found.append([r[0] for r in rows])
        return found


def test_0010_keeps_the_function_answers_with_an_arm_per_given_part(
    make_database: Callable[[], str], films_sqlite: Path
) -> None:
    """0010 builds movierec_similar_to()'s candidate arms only for the vectors a query has,
    with k candidates a walk for one part: the same rows as 0009 for a film's own vectors and
    for its embedding alone, at one genre, several, a rare one and none."""
    from movierec.vectors.doc2vec import Doc2VecParams
    from tests.integration.loading import load

    url = make_database()
    load(str(films_sqlite), dsn=url, doc2vec=Doc2VecParams(epochs=3), show_progress=False)
    migrate.downgrade(url, "0010")
    head = _function_answers(url)
    assert all(len(a) == 10 for i, a in enumerate(head) if i % 5 != 2), head
    assert head[2] and head[7], head
    migrate.downgrade(url, "0009")
    assert _function_answers(url) == head
    migrate.upgrade(url, "0010")
    assert _function_answers(url) == head


def test_0012_keeps_the_function_answers_with_one_exact_arm_per_set(
    make_database: Callable[[], str], films_sqlite: Path
) -> None:
    """0012 ranks the films of a set's genres too small for an index in one arm instead of
    one a genre: the same rows as 0011, a big and a rare genre together included."""
    from movierec.vectors.doc2vec import Doc2VecParams
    from tests.integration.loading import load

    url = make_database()
    load(str(films_sqlite), dsn=url, doc2vec=Doc2VecParams(epochs=3), show_progress=False)
    head = _function_answers(url)
    assert len(head[3]) == 10 and len(head[8]) == 10, head
    migrate.downgrade(url, "0011")
    assert _function_answers(url) == head
    migrate.upgrade(url)
    assert _function_answers(url) == head


def test_0013_keeps_the_function_answers_with_a_lean_check_for_one_genre(
    make_database: Callable[[], str], films_sqlite: Path
) -> None:
    """0013 checks only whether a single genre's films are few (not the catalogue's size or
    which genres have an index): the same rows as 0012 for one genre, a rare one, several
    and none."""
    from movierec.vectors.doc2vec import Doc2VecParams
    from tests.integration.loading import load

    url = make_database()
    load(str(films_sqlite), dsn=url, doc2vec=Doc2VecParams(epochs=3), show_progress=False)
    migrate.downgrade(url, "0013")
    head = _function_answers(url)
    assert all(len(a) == 10 for i, a in enumerate(head) if i % 5 != 2), head
    assert head[2] and head[7], head
    assert "exact_one" in _similar_source(url)
    migrate.downgrade(url, "0012")
    assert _function_answers(url) == head
    migrate.upgrade(url, "0013")
    assert _function_answers(url) == head


def _similar_source(url: str) -> str:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "select prosrc from pg_proc where proname = 'movierec_similar_to'"
        ).fetchone()
    assert row is not None
    return str(row[0])


def test_0014_chooses_the_arms_from_the_counts_and_notifies_their_change(
    make_database: Callable[[], str], films_sqlite: Path
) -> None:
    """0014's function picks its arms from genre_counts before it builds the statement (no
    run-time switches): the same rows as 0013's. A change of genre_counts notifies
    movierec_catalogue at commit; downgrade drops the trigger."""
    from movierec.vectors.doc2vec import Doc2VecParams
    from tests.integration.loading import load

    url = make_database()
    load(str(films_sqlite), dsn=url, doc2vec=Doc2VecParams(epochs=3), show_progress=False)
    head = _function_answers(url)
    assert all(len(a) == 10 for i, a in enumerate(head) if i % 5 != 2), head
    assert "exact_one" not in _similar_source(url)

    def notified() -> bool:
        with psycopg.connect(url, autocommit=True) as listener:
            listener.execute("listen movierec_catalogue")
            with psycopg.connect(url) as writer:
                writer.execute("update genre_counts set movies = movies")
            return any(True for _ in listener.notifies(timeout=2.0, stop_after=1))

    assert notified()
    migrate.downgrade(url, "0013")
    assert _function_answers(url) == head
    assert not notified()
    migrate.upgrade(url)
    assert _function_answers(url) == head
    assert notified()


def test_0015_fetches_the_creators_films_by_row_address_with_the_same_rows(
    make_database: Callable[[], str], films_sqlite: Path
) -> None:
    """0015's creators arm takes the GIN match as row addresses (Tid Scan), 0014's looked each
    film up by primary key: the same rows for one genre, a rare one, several and none."""
    from movierec.vectors.doc2vec import Doc2VecParams
    from tests.integration.loading import load

    url = make_database()
    load(str(films_sqlite), dsn=url, doc2vec=Doc2VecParams(epochs=3), show_progress=False)
    head = _function_answers(url)
    assert all(len(a) == 10 for i, a in enumerate(head) if i % 5 != 2), head
    assert "ctid = any(array(" in _similar_source(url).replace("\n", "")
    migrate.downgrade(url, "0014")
    assert "ctid" not in _similar_source(url)
    assert _function_answers(url) == head
    migrate.upgrade(url)
    assert _function_answers(url) == head


def test_0011_indexes_genres_from_100_films_and_its_downgrade_keeps_0010s(
    make_database: Callable[[], str], films_sqlite: Path
) -> None:
    """From 0011 a genre has its own index, and the query walks it, from 100 films (the
    setting movierec.exact_below); 0010 indexed from 6 * sqrt(films). Downgrade drops the
    indexes of the genres between the two bounds and restores 0010's function and setting."""
    import math

    from movierec.database import store
    from movierec.query.settings import SEARCH_SETTINGS
    from movierec.records import GENRE_INDEX_MIN_FILMS
    from movierec.vectors.doc2vec import Doc2VecParams
    from tests.integration.loading import load

    url = make_database()
    load(str(films_sqlite), dsn=url, doc2vec=Doc2VecParams(epochs=3), show_progress=False)

    def counts() -> dict[str, int]:
        """Each genre's film count, by the name of the index it would have."""
        with psycopg.connect(url) as conn:
            rows = conn.execute("select genre, movies from genre_counts").fetchall()
        return {store.genre_index_name(g): n for g, n in rows}

    def indexed() -> set[str]:
        with psycopg.connect(url) as conn:
            return {
                r[0]
                for r in conn.execute(
                    "select indexname from pg_indexes where tablename = 'movies'"
                    " and starts_with(indexname, %s)",
                    (store.GENRE_INDEX_PREFIX,),
                )
            }

    films = counts()
    with psycopg.connect(url) as conn:
        total = conn.execute("select count(*) from movies").fetchone()
    assert total is not None
    old_bound = 6 * math.sqrt(total[0])
    assert GENRE_INDEX_MIN_FILMS == int(SEARCH_SETTINGS["movierec.exact_below"]) == 100
    head = indexed()
    assert head == {n for n, c in films.items() if c >= 100}
    between = {n for n, c in films.items() if 100 <= c < old_bound}
    assert between, f"no genre of the slice has 100 to {old_bound:.0f} films"
    assert "movierec.exact_below=100" in _similar_settings(url)
    migrate.downgrade(url, "0010")
    assert indexed() == head - between
    assert "movierec.exact_scale=6" in _similar_settings(url)
    migrate.upgrade(url)
    assert indexed() == head
