"""A freshly started embedded server runs with movierec's memory and WAL settings."""

from __future__ import annotations

from pathlib import Path

import psycopg

from movierec.database import server


def test_embedded_server_starts_with_memory_settings(tmp_path: Path) -> None:
    running = server.start(tmp_path)
    try:
        with psycopg.connect(running.url()) as conn:
            row = conn.execute(
                "select current_setting('shared_buffers'), current_setting('effective_cache_size'), "
                "current_setting('wal_level')"
            ).fetchone()
        expected = server.memory_settings(server.physical_memory())
        assert row is not None
        assert _mb(row[0]) == _mb(expected["shared_buffers"])
        assert _mb(row[1]) == _mb(expected["effective_cache_size"])
        assert row[2] == "minimal"
    finally:
        server.stop(tmp_path)


def _mb(value: str) -> int:
    """'2GB' / '2048MB' / '128kB' as whole MB."""
    units = {"kB": 1 / 1024, "MB": 1, "GB": 1024, "TB": 1024 * 1024}
    for unit, scale in units.items():
        if value.endswith(unit):
            return round(float(value[: -len(unit)]) * scale)
    raise AssertionError(f"unexpected setting {value!r}")
