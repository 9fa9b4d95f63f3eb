"""What a hostile or careless user tried: every case once broke a command (issue 14, part 5).

Each test reproduces one probe: the command must exit 2 with one clear line, print no
traceback, leak no password, and leave the data as it was.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from movierec.cli import main

SECRET = "s3cr3tpw"
BAD_URLS = [
    f"postgresql://alice:pa#{SECRET}@127.0.0.1:1/nodb",
    f"postgresql://alice:pa?{SECRET}@127.0.0.1:1/nodb",
    f"postgresql://alice:pa/{SECRET}@127.0.0.1:1/nodb",
    f"postgresql://alice:pa%zz{SECRET}@127.0.0.1:1/nodb",
    f"postgresql://alice:{SECRET}@[127.0.0.1:1/nodb",
    "postgresql://alice:s3cr@tpw@127.0.0.1:1/nodb",
    f"postgresql://alice:{SECRET}@127.0.0.1:1/nodb",
    f"host=127.0.0.1 port=1 user=alice password={SECRET} dbname=nodb",
    f"host=127.0.0.1 port=1 user=alice password='{SECRET} x' dbname=nodb",
]
COMMANDS = [
    ["load"],
    ["similar", "Heat"],
    ["recommend", "--like", "Heat"],
    ["search", "heat"],
    ["show", "Heat"],
    ["add", "New Film", "--year", "2020"],
    ["evaluate"],
    ["bench", "--sizes", "1k", "--no-lancedb", "--no-startup"],
    ["db", "url"],
    ["db", "url", "--show-password"],
    ["db", "upgrade"],
    ["db", "downgrade", "base"],
]
PIECES = [SECRET, "3cr3t", "tpw", "s3cr"]


def run_cli(
    args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    """``movierec ARGS`` in this process, through the console entry point."""
    monkeypatch.setattr(sys, "argv", ["movierec", *args])
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("url", BAD_URLS)
def test_no_command_shows_the_password(
    url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MOVIEREC_DATABASE_URL", url)
    for args in COMMANDS:
        code, out, err = run_cli(args, monkeypatch, capsys)
        shown = args == ["db", "url", "--show-password"]
        if shown and code == 0:
            continue  # asked for, and the URL is well formed
        where = f"movierec {' '.join(args)} with {url!r}"
        assert code in (0, 2) if args[:2] == ["db", "url"] else code == 2, (where, out, err)
        assert "Traceback" not in err, where
        for piece in PIECES:
            assert piece not in out + err, (where, out, err)


@pytest.mark.parametrize("url", BAD_URLS)
def test_db_psql_shows_no_password_either(url: str, tmp_path: Path) -> None:
    env = {**os.environ, "MOVIEREC_DATABASE_URL": url, "MOVIEREC_HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "movierec", "db", "psql", "-c", "select 1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    for piece in PIECES:
        assert piece not in done.stdout + done.stderr


def test_invalid_utf8_in_an_argument_is_a_clear_error(loaded_url: str) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "movierec",
            "similar",
            b"Matr\xffix".decode("utf-8", "surrogateescape"),
        ],
        env={**os.environ, "MOVIEREC_DATABASE_URL": loaded_url},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "not valid UTF-8" in done.stderr and "Traceback" not in done.stderr


@pytest.fixture
def cli(
    loaded_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., tuple[int, str, str]]:
    """``movierec`` on the loaded fixture database, in this process."""
    monkeypatch.setenv("MOVIEREC_DATABASE_URL", loaded_url)
    return lambda *args: run_cli(list(args), monkeypatch, capsys)


def _movies(url: str) -> tuple[int, int]:
    with psycopg.connect(url) as conn:
        row = conn.execute("select count(*), coalesce(max(id), 0) from movies").fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "   "], "needs a title"),
        (["add", "Zz", "--year", "99999"], "not a film year"),
        (["add", "Zz", "--year", "-1"], "not a film year"),
        (["add", "The Matrix", "--year", "1999"], "already in the catalogue as id"),
        (["add", "x" * 10_000], "at most 200"),
        (["similar", "The Matrix", "--year-from", "99999999999"], "out of range"),
        (["similar", "The Matrix", "--min-votes", "1e20"], "valid integer"),
        (["similar", "The Matrix", "--min-rating", "nan"], "from 0 to 10"),
        (["similar", "The Matrix", "--genre", "sci-fi"], "did you mean 'Sci-Fi'"),
        (["similar", "The Matrix", "--genre", "Space Opera"], "known genres: Action"),
        (["recommend", "--like", "The Matrix", "--dislike", "The Matrix"], "both liked and"),
        (["similar", "x" * 10_000], "at most 200"),
        (["search", "x" * 10_000], "at most 200"),
        (["similar"], "give a TITLE"),
    ],
)
def test_bad_values_exit_2_with_what_is_wrong(
    cli: Callable[..., tuple[int, str, str]], loaded_url: str, args: list[str], message: str
) -> None:
    before = _movies(loaded_url)
    code, out, err = cli(*args)
    assert code == 2, (out, err)
    assert message in err
    assert "Traceback" not in err and "database error" not in err
    assert len(err) < 2_000, "a long input is never echoed whole"
    assert _movies(loaded_url) == before


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"title": "A\\u0000B", "year": 2001}\n', "NUL byte"),
        ('{"title": "Deep", "x": ' + "[" * 100_000 + "]" * 100_000 + "}\n", "nested too deeply"),
        ("[" * 100_000 + "]" * 100_000 + "\n", "nested too deeply"),
        ('{"title": "Fine"}\n{"title": 3\n', "invalid JSON"),
    ],
)
def test_bad_files_for_add_exit_2_and_add_nothing(
    cli: Callable[..., tuple[int, str, str]],
    loaded_url: str,
    tmp_path: Path,
    text: str,
    message: str,
) -> None:
    path = tmp_path / "new.jsonl"
    path.write_text(text, encoding="utf-8")
    before = _movies(loaded_url)
    code, _, err = cli("add", "--file", str(path))
    assert code == 2 and message in err and "Traceback" not in err
    assert _movies(loaded_url) == before


def test_a_nul_byte_in_a_loaded_file_rejects_that_row(
    make_database: Callable[[], str], tmp_path: Path
) -> None:
    from tests.integration.loading import load

    rows = [{"id": i, "title": f"Film {i}", "genres": ["Drama"]} for i in range(5)]
    rows[2]["title"] = "Bad\x00Film"
    path = tmp_path / "films.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = load(str(path), dsn=make_database())
    assert result.movies == 4
    assert result.rejected["by_reason"] == {"bad-value": 1}
    assert "films.jsonl:3" in result.rejected["examples"][0]


def test_namesakes_of_one_year_are_told_apart_by_id(
    make_database: Callable[[], str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from tests.integration.loading import load

    rows = [
        {"id": "a", "title": "Twin", "year": 2000, "genres": ["Drama"], "director": "Ann A"},
        {"id": "b", "title": "Twin", "year": 2000, "genres": ["Drama"], "director": "Bo B"},
        {"id": "c", "title": "Other", "year": 2001, "genres": ["Drama"]},
    ]
    path = tmp_path / "twins.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    url = make_database()
    load(str(path), dsn=url)
    monkeypatch.setenv("MOVIEREC_DATABASE_URL", url)
    code, _, err = run_cli(["similar", "Twin (2000)"], monkeypatch, capsys)
    assert code == 2 and "pick one by its id (--id)" in err
    assert "id 1: Twin (2000), Ann A" in err and "id 2: Twin (2000), Bo B" in err
    code, out, _ = run_cli(["similar", "--id", "2", "--json"], monkeypatch, capsys)
    assert code == 0
    data = json.loads(out)
    assert data["query"]["id"] == 2
    assert sorted(r["title"] for r in data["results"]) == ["Other", "Twin"]
    assert 2 not in {r["id"] for r in data["results"]}
    with psycopg.connect(url) as conn:
        by_id = conn.execute("select title from similar_movies_by_id(2, 5)").fetchall()
    assert sorted(t for (t,) in by_id) == ["Other", "Twin"]
