"""The embedded server's configuration: memory sized to the machine, written once."""

from __future__ import annotations

from pathlib import Path

from movierec.database import server

GIB = 2**30


def test_memory_settings_scale_with_ram_within_bounds() -> None:
    assert server.memory_settings(24 * GIB) == {
        "shared_buffers": "2048MB",
        "effective_cache_size": "12288MB",
    }
    assert server.memory_settings(2 * GIB)["shared_buffers"] == "512MB"
    # Never below PostgreSQL's own default, even when RAM is unknown (0).
    assert server.memory_settings(0) == {
        "shared_buffers": "128MB",
        "effective_cache_size": "128MB",
    }


def test_write_settings_includes_its_file_once(tmp_path: Path) -> None:
    (tmp_path / "postgresql.conf").write_text("max_connections = 100")
    settings = {"shared_buffers": "512MB"}
    assert server.write_settings(tmp_path, settings) is True
    assert server.write_settings(tmp_path, settings) is False
    main = (tmp_path / "postgresql.conf").read_text()
    assert main.count("include_if_exists = 'movierec.conf'") == 1
    assert main.startswith("max_connections = 100\n")
    assert "shared_buffers = '512MB'" in (tmp_path / "movierec.conf").read_text()
    assert server.write_settings(tmp_path, {"shared_buffers": "1024MB"}) is True


def test_cmdline_reads_live_processes_and_not_zombies_or_the_dead() -> None:
    import os
    import subprocess
    import sys
    import time

    from movierec.database.server import _cmdline

    mine = _cmdline(os.getpid())
    assert mine is not None and Path(mine[0]).name.startswith("python")
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    deadline = time.monotonic() + 10
    while _cmdline(child.pid) is not None and time.monotonic() < deadline:
        time.sleep(0.05)  # it exits, unreaped: a zombie
    assert _cmdline(child.pid) is None
    child.wait()
    assert _cmdline(child.pid) is None
