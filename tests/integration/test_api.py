"""The HTTP API on real PostgreSQL: the same rows as the query path the CLI and psql use,
problem+json for every error (404 with the closest titles, 409 with the candidates, 413, 422,
503 with the database down), pagination by offset with a `next` link, adding films behind a
token, health and readiness, and `movierec serve` itself (a log line a request, SIGTERM)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from fastapi.testclient import TestClient

from movierec.database.connection import connect
from movierec.query.recommend import recommend_history
from movierec.query.similar import Filters, similar
from movierec.records import HistoryRow
from movierec.web.app import create_app
from tests import fixtures
from tests.integration.conftest import SCRIPT_TITLE
from tests.integration.live import free_port

TOKEN = "test-token-not-a-secret"
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def client(web_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(web_url, token=TOKEN, pool_size=2)) as test_client:
        yield test_client


@pytest.fixture
def db(web_url: str) -> Iterator[psycopg.Connection[Any]]:
    with connect(web_url) as conn:
        yield conn


def _id(db: psycopg.Connection[Any], title: str, year: int) -> int:
    row = db.execute("select id from movies where title = %s and year = %s", (title, year))
    found = row.fetchone()
    assert found is not None, (title, year)
    return int(found[0])


def _problem(response: Any, status: int, kind: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["type"] == f"/problems/{kind}" and body["status"] == status
    assert body["title"] and body["detail"]
    assert "Traceback" not in response.text
    return dict(body)


def test_search_tolerates_typos(client: TestClient) -> None:
    body = client.get("/api/v1/movies/search", params={"q": "the matrx", "limit": 3}).json()
    assert (body["results"][0]["title"], body["results"][0]["year"]) == ("The Matrix", 1999)
    assert len(body["results"]) <= 3


def test_details_have_labelled_and_predicted_genres_with_scores(
    client: TestClient, db: psycopg.Connection[Any]
) -> None:
    movie_id = _id(db, "Fargo", 1996)
    body = client.get(f"/api/v1/movies/{movie_id}").json()
    assert body["title"] == "Fargo" and "Joel Coen" in body["director"]
    assert "Crime" in body["genres"] and body["predicted_genres"]
    assert set(body["predicted_genres"]) <= set(body["genre_scores"])
    assert all(0.0 <= p <= 1.0 for p in body["genre_scores"].values())


def test_similar_returns_the_query_paths_rows(
    client: TestClient, db: psycopg.Connection[Any]
) -> None:
    movie_id = _id(db, "The Matrix", 1999)
    body = client.get(f"/api/v1/movies/{movie_id}/similar", params={"k": 8}).json()
    _, expected = similar(db, movie_id=movie_id, k=8)
    assert [r["id"] for r in body["results"]] == [n.id for n in expected]
    assert body["query"]["id"] == movie_id
    # psql's function answers the same films in the same order.
    rows = db.execute("select id from similar_movies_by_id(%s, 8)", (movie_id,)).fetchall()
    assert [r[0] for r in rows] == [n.id for n in expected]


def test_pages_follow_the_next_link_in_score_order(
    client: TestClient, db: psycopg.Connection[Any]
) -> None:
    movie_id = _id(db, "Titanic", 1997)
    whole = client.get(f"/api/v1/movies/{movie_id}/similar", params={"k": 12}).json()
    first = client.get(f"/api/v1/movies/{movie_id}/similar", params={"k": 6}).json()
    assert first["next"] is not None and "offset=6" in first["next"]
    second = client.get(first["next"]).json()
    assert [r["id"] for r in first["results"] + second["results"]] == [
        r["id"] for r in whole["results"]
    ]
    scores = [r["score"] for r in whole["results"]]
    assert scores == sorted(scores, reverse=True)


def test_filters_apply_inside_the_query(client: TestClient, db: psycopg.Connection[Any]) -> None:
    movie_id = _id(db, "The Matrix", 1999)
    params: dict[str, Any] = {"k": 10, "genre": "Comedy", "year_from": 1997, "year_to": 1998}
    body = client.get(f"/api/v1/movies/{movie_id}/similar", params=params).json()
    assert body["results"]
    assert all("Comedy" in r["genres"] and 1997 <= r["year"] <= 1998 for r in body["results"])
    _, expected = similar(
        db,
        movie_id=movie_id,
        k=10,
        filters=Filters(required_genres=["Comedy"], year_from=1997, year_to=1998),
    )
    assert [r["id"] for r in body["results"]] == [n.id for n in expected]


def test_excluded_films_and_explanations(client: TestClient, db: psycopg.Connection[Any]) -> None:
    movie_id = _id(db, "Scream", 1996)
    plain = client.get(f"/api/v1/movies/{movie_id}/similar", params={"k": 5}).json()
    seen = [plain["results"][0]["id"], "Titanic (1997)"]
    body = client.get(
        f"/api/v1/movies/{movie_id}/similar",
        params={"k": 5, "exclude": seen, "explain": "true"},
    ).json()
    ids = [r["id"] for r in body["results"]]
    assert seen[0] not in ids and _id(db, "Titanic", 1997) not in ids
    why = body["results"][0]["explain"]
    assert why["because"] and set(why["parts"]) == {"content", "creators", "ratings"}


def test_unknown_film_is_404_and_unknown_title_names_the_closest(client: TestClient) -> None:
    _problem(client.get("/api/v1/movies/987654321"), 404, "not-found")
    _problem(client.get("/api/v1/movies/987654321/similar"), 404, "not-found")
    body = _problem(
        client.post("/api/v1/recommendations", json={"like": ["The Matrx (1999)"]}),
        404,
        "not-found",
    )
    assert any(s["title"] == "The Matrix" for s in body["suggestions"])


def test_ambiguous_title_is_409_with_the_candidates(client: TestClient) -> None:
    body = _problem(
        client.post("/api/v1/recommendations", json={"like": ["Heat"]}), 409, "ambiguous-title"
    )
    assert sorted(c["year"] for c in body["candidates"]) == [1972, 1987, 1995]
    assert {c["director"] for c in body["candidates"]} >= {"Michael Mann"}


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/movies/1/similar", {"k": 101}),
        ("/api/v1/movies/1/similar", {"k": 0}),
        ("/api/v1/movies/1/similar", {"offset": -1}),
        ("/api/v1/movies/1/similar", {"year_from": "soon"}),
        ("/api/v1/movies/search", {"q": "x" * 201}),
        ("/api/v1/movies/search", {}),
        ("/api/v1/movies/not-a-number", {}),
    ],
)
def test_bad_parameters_are_422(client: TestClient, path: str, params: dict[str, Any]) -> None:
    body = _problem(client.get(path, params=params), 422, "invalid-request")
    assert body["errors"] and body["errors"][0]["where"]


def test_an_unknown_genre_is_422_naming_the_known_ones(
    client: TestClient, db: psycopg.Connection[Any]
) -> None:
    movie_id = _id(db, "Fargo", 1996)
    body = _problem(
        client.get(f"/api/v1/movies/{movie_id}/similar", params={"genre": "Comdy"}),
        422,
        "invalid-request",
    )
    assert "Comedy" in body["detail"]


def test_a_body_over_10_mb_is_413(client: TestClient) -> None:
    big = json.dumps({"like": ["Fargo (1996)"], "padding": "x" * (10 * 2**20)})
    response = client.post(
        "/api/v1/recommendations", content=big, headers={"content-type": "application/json"}
    )
    _problem(response, 413, "too-large")


def test_recommendations_by_id_and_title_match_the_query_path(
    client: TestClient, db: psycopg.Connection[Any]
) -> None:
    titanic, scream = _id(db, "Titanic", 1997), _id(db, "Scream", 1996)
    body = client.post(
        "/api/v1/recommendations",
        json={"like": [titanic, "Romeo + Juliet (1996)"], "dislike": ["Scream (1996)"], "k": 10},
    ).json()
    romeo = _id(db, "Romeo + Juliet", 1996)
    rows = [HistoryRow(movie_id=titanic, rating=5.0), HistoryRow(movie_id=romeo, rating=5.0)]
    rows.append(HistoryRow(movie_id=scream, rating=1.0))
    _, expected = recommend_history(db, rows, k=10)
    ids = [r["id"] for r in body["results"]]
    assert ids == [n.id for n in expected]
    assert not {titanic, romeo, scream} & set(ids)
    assert [m["id"] for m in body["liked"]] == [titanic, romeo]


def test_liking_and_disliking_one_film_is_422(client: TestClient) -> None:
    body = {"like": ["Fargo (1996)"], "dislike": ["Fargo (1996)"]}
    _problem(client.post("/api/v1/recommendations", json=body), 422, "invalid-request")
    _problem(client.post("/api/v1/recommendations", json={}), 422, "invalid-request")


def test_history_upload_reports_matches_and_recommends_unseen_films(
    client: TestClient, tmp_path: Path
) -> None:
    export = fixtures.write_letterboxd(tmp_path)
    with export.open("rb") as f:
        response = client.post(
            "/api/v1/recommendations/history",
            files={"file": (export.name, f, "application/zip")},
            params={"k": 5},
        )
    body = response.json()
    assert response.status_code == 200, body
    report = body["history"]
    assert report["format"] == "letterboxd" and report["matched"] >= 5
    assert report["unmatched"]["not-in-catalogue"] >= 2
    assert len(body["results"]) == 5


def test_adding_films_needs_the_token(client: TestClient, web_url: str) -> None:
    film = {"title": "A Film Added Over HTTP", "year": 1997, "genres": ["Drama"]}
    _problem(client.post("/api/v1/movies", json=film), 401, "unauthorized")
    wrong = {"authorization": "Bearer nope"}
    _problem(client.post("/api/v1/movies", json=film, headers=wrong), 401, "unauthorized")
    good = {"authorization": f"Bearer {TOKEN}"}
    response = client.post("/api/v1/movies", json=film, headers=good)
    assert response.status_code == 201, response.text
    new_id = response.json()["added"][0]["id"]
    assert client.get(f"/api/v1/movies/{new_id}").json()["title"] == film["title"]
    assert client.get(f"/api/v1/movies/{new_id}/similar", params={"k": 3}).json()["results"]
    # The same film again is refused, and nothing is added.
    _problem(client.post("/api/v1/movies", json=film, headers=good), 422, "invalid-request")
    with TestClient(create_app(web_url, token=None, pool_size=1)) as no_token:
        _problem(no_token.post("/api/v1/movies", json=film, headers=good), 403, "disabled")


def test_genres_count_the_labelled_films(client: TestClient, db: psycopg.Connection[Any]) -> None:
    body = client.get("/api/v1/genres").json()
    counts = {g["genre"]: g["movies"] for g in body["genres"]}
    row = db.execute("select count(*) from movies where 'Drama' = any(genres)").fetchone()
    assert row is not None and counts["Drama"] == row[0]


def test_health_and_readiness(client: TestClient, make_database: Callable[[], str]) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["loaded"] is True
    empty = make_database()
    with TestClient(create_app(empty, pool_size=1)) as blank:
        body = _problem(blank.get("/readyz"), 503, "unavailable")
        assert "movierec db upgrade" in body["detail"]
    from movierec.database import migrate

    migrate.upgrade(empty)
    with TestClient(create_app(empty, pool_size=1)) as migrated:
        body = _problem(migrated.get("/readyz"), 503, "unavailable")
        assert "movierec load" in body["detail"]


def test_a_database_that_is_down_is_503_with_retry_after() -> None:
    down = f"postgresql://movierec:secret-password@127.0.0.1:{free_port()}/movierec"
    with TestClient(create_app(down, pool_size=1)) as client:
        started = time.monotonic()
        response = client.get("/api/v1/movies/1/similar")
        body = _problem(response, 503, "unavailable")
        assert response.headers["retry-after"] == "1"
        assert time.monotonic() - started < 10
        assert "secret-password" not in json.dumps(body)
        _problem(client.get("/readyz"), 503, "unavailable")
        assert client.get("/healthz").status_code == 200


def test_openapi_and_docs_are_served_offline(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {
        "/api/v1/movies/search",
        "/api/v1/movies/{movie_id}",
        "/api/v1/movies/{movie_id}/similar",
        "/api/v1/recommendations",
        "/api/v1/recommendations/history",
        "/api/v1/movies",
        "/api/v1/genres",
        "/healthz",
        "/readyz",
    } <= set(spec["paths"])
    docs = client.get("/docs").text
    assert "/swagger/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()
    assert client.get("/swagger/swagger-ui-bundle.js").status_code == 200
    assert client.get("/problems/not-found").status_code == 200


def test_titles_come_back_as_data(client: TestClient) -> None:
    body = client.get("/api/v1/movies/search", params={"q": SCRIPT_TITLE}).json()
    assert body["results"][0]["title"] == SCRIPT_TITLE


def test_serve_logs_a_line_a_request_and_stops_on_sigterm(web_url: str) -> None:
    port = free_port()
    env = {**os.environ, "MOVIEREC_DATABASE_URL": web_url}
    process = subprocess.Popen(
        [sys.executable, "-m", "movierec", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, process.communicate()
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "movierec serve did not become ready"
            time.sleep(0.2)
        assert httpx.get(f"{base}/api/v1/movies/987654321").status_code == 404
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "GET /api/v1/movies/987654321 404" in err
    assert "Traceback" not in err
    assert f"http://127.0.0.1:{port}/" in err


def test_the_read_routes_import_no_torch_gensim_or_pandas(web_url: str, tmp_path: Path) -> None:
    export = fixtures.write_letterboxd(tmp_path)
    script = f"""
import sys
from fastapi.testclient import TestClient
from movierec.web.app import create_app
with TestClient(create_app({web_url!r})) as c:
    hit = c.get("/api/v1/movies/search", params={{"q": "fargo"}}).json()["results"][0]
    assert c.get(f"/api/v1/movies/{{hit['id']}}/similar?explain=true").status_code == 200
    assert c.get(f"/api/v1/movies/{{hit['id']}}").status_code == 200
    assert c.post("/api/v1/recommendations", json={{"like": [hit["id"]]}}).status_code == 200
    with open({str(export)!r}, "rb") as f:
        assert c.post("/api/v1/recommendations/history", files={{"file": f}}).status_code == 200
    assert c.get(f"/films/{{hit['id']}}").status_code == 200
    assert c.get("/taste", params={{"liked": "Fargo (1996)"}}).status_code == 200
print(sorted(m for m in ("torch", "gensim", "pandas") if m in sys.modules))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
