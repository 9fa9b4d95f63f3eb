"""The movierec command end to end on a real database, as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def _run(url: str, *args: str, home: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MOVIEREC_DATABASE_URL": url}
    if home:
        env["MOVIEREC_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "movierec", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_similar_json(loaded_url: str) -> None:
    out = _run(loaded_url, "similar", "The Matrix", "-k", "5", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data["query"]) == {"id", "title", "year", "genres", "predicted_genres"}
    assert data["query"]["title"] == "The Matrix"
    assert len(data["results"]) == 5
    assert set(data["results"][0]) == {
        "id",
        "title",
        "year",
        "genres",
        "score",
        "content",
        "creators",
        "ratings",
    }


def test_similar_text_lists_k_rows(loaded_url: str) -> None:
    out = _run(loaded_url, "similar", "the matrix", "-k", "3")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert lines[0].startswith("Movies like The Matrix (1999)")
    assert [line.split(".")[0].strip() for line in lines[1:]] == ["1", "2", "3"]


def test_duplicate_title_exits_2_listing_years(loaded_url: str) -> None:
    out = _run(loaded_url, "similar", "Hamlet")
    assert out.returncode == 2
    assert "pass --year" in out.stderr
    assert "Hamlet (1948), Laurence Olivier" in out.stderr
    assert "Traceback" not in out.stderr
    assert _run(loaded_url, "similar", "Hamlet", "--year", "1948", "-k", "2").returncode == 0


def test_not_found_exits_2_with_closest_titles(loaded_url: str) -> None:
    out = _run(loaded_url, "similar", "matrx")
    assert out.returncode == 2
    assert out.stderr.startswith(
        "error: no movie titled 'matrx'; closest titles: The Matrix (1999)"
    )
    assert len(out.stderr.strip().splitlines()) == 1


def test_unreachable_database_is_one_line_without_the_password() -> None:
    out = _run("postgresql://bob:s3cret@127.0.0.1:1/nope", "similar", "Heat")
    assert out.returncode == 2
    assert "s3cret" not in out.stderr and "***" in out.stderr
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_db_url_masks_the_password() -> None:
    out = _run("postgresql://bob:s3cret@db:5432/movies", "db", "url")
    assert out.stdout.strip() == "postgresql://bob:***@db:5432/movies"
    shown = _run("postgresql://bob:s3cret@db:5432/movies", "db", "url", "--show-password")
    assert shown.stdout.strip() == "postgresql://bob:s3cret@db:5432/movies"


def test_load_missing_file_exits_2(loaded_url: str, tmp_path: Path) -> None:
    out = _run(loaded_url, "load", str(tmp_path / "nope.jsonl"))
    assert out.returncode == 2
    assert "nope.jsonl: no such file" in out.stderr


def test_load_json_output(make_database: object, tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {
                "title": f"Film {i}",
                "genres": ["Comedy"] if i % 2 else ["Drama"],
                "year": 1990 + i % 9,
            }
        )
        for i in range(40)
    ]
    path = tmp_path / "films.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    url = make_database()  # type: ignore[operator]
    out = _run(url, "load", str(path), "--json", "--epochs", "3")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["movies"] == 40 and data["source"] == "films"
    assert set(data["metrics"]) >= {"micro_f1", "macro_f1", "per_genre"}
    assert data["total_seconds"] > 0
    # Peak memory per stage: positive and, being a running peak, never falling.
    peaks = list(data["peak_rss_mb"].values())
    assert set(data["peak_rss_mb"]) == set(data["seconds"])
    assert peaks[0] > 0 and peaks == sorted(peaks)


@pytest.mark.slow
def test_full_sample_load_and_similar(make_database: object) -> None:
    """The README's main job on the real 17,472-film sample."""
    url = make_database()  # type: ignore[operator]
    out = _run(url, "load", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["movies"] == 17472 and len(data["genres"]) == 21
    assert data["metrics"]["micro_f1"] > 0.3
    similar = _run(url, "similar", "The Matrix", "--json")
    assert similar.returncode == 0, similar.stderr
    data = json.loads(similar.stdout)
    assert len(data["results"]) == 10
    # At full size the planner picks the HNSW index by itself.
    from movierec.bench.postgres import HNSW_SCAN, ran
    from movierec.database.connection import connect
    from movierec.query.search import resolve_title
    from tests.integration.plans import explain_similar

    with connect(url) as conn:
        movie, embedding = resolve_title(conn, "The Matrix")
        plan = explain_similar(conn, embedding, movie.predicted_genres, movie.id)
    assert ran(plan, HNSW_SCAN), plan


@pytest.mark.parametrize(
    "args",
    [
        ["similar", "Hamlet (1996)", "-k", "4", "--explain"],
        ["similar", "the matrix", "--genre", "Action", "--json", "--explain"],
    ],
)
def test_similars_fast_path_answers_as_the_typer_command_does(
    loaded_url: str, args: list[str]
) -> None:
    from typer.testing import CliRunner

    from movierec.cli.commands import app

    fast = _run(loaded_url, *args)
    assert fast.returncode == 0, fast.stderr
    typed = CliRunner().invoke(app, args, env={"MOVIEREC_DATABASE_URL": loaded_url})
    assert typed.exit_code == 0, typed.output
    assert fast.stdout == typed.stdout


def test_similar_imports_no_typer_click_pydantic_or_models(loaded_url: str) -> None:
    code = (
        "import sys\n"
        "sys.argv = ['movierec', 'similar', 'Fargo', '-k', '3', '--explain']\n"
        "from movierec.cli.entry import main\n"
        "main()\n"
        "heavy = ('typer', 'click', 'pydantic', 'rich', 'torch', 'gensim', 'pandas', 'sklearn',"
        " 'nltk', 'psutil')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    env = {**os.environ, "MOVIEREC_DATABASE_URL": loaded_url}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"
    assert "Fargo" in out.stdout
