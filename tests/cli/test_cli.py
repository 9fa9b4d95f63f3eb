"""The command line without a database: help for every command, fast imports."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from movierec.cli.commands import app

runner = CliRunner()


def _commands(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []
    for name, command in group.commands.items():
        path = (*prefix, name)
        if hasattr(command, "commands"):
            found += _commands(command, path)
        else:
            found.append(path)
    return found


COMMANDS = _commands(typer.main.get_command(app))


def test_the_commands_exist() -> None:
    assert set(COMMANDS) == {
        ("load",),
        ("similar",),
        ("recommend",),
        ("search",),
        ("show",),
        ("add",),
        ("evaluate",),
        ("bench",),
        ("serve",),
        ("db", "url"),
        ("db", "psql"),
        ("db", "upgrade"),
        ("db", "downgrade"),
        ("db", "stop"),
    }


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(path: tuple[str, ...]) -> None:
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output
    assert "movierec" in result.output


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("movierec ")


def test_query_path_imports_neither_torch_nor_gensim_nor_pandas() -> None:
    code = (
        "import sys\n"
        "import movierec.cli, movierec.query.similar, movierec.query.recommend, "
        "movierec.query.explain, movierec.query.evaluate, movierec.database.connection\n"
        "print(sorted(m for m in ('torch', 'gensim', 'pandas', 'sklearn') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_usage_error_exits_2_without_traceback() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "movierec", "similar", "X", "-k", "0"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 2
    assert "Traceback" not in out.stderr


def test_load_help_gives_the_trained_default_epochs() -> None:
    from movierec.vectors.doc2vec import Doc2VecParams

    result = runner.invoke(app, ["load", "--help"], env={"COLUMNS": "200"})
    assert f"Doc2Vec training epochs (default {Doc2VecParams().epochs})." in result.output


@pytest.mark.parametrize(("command", "extra"), [("load", "minilm"), ("bench", "bench")])
def test_help_names_the_install_extra(command: str, extra: str) -> None:
    result = runner.invoke(app, [command, "--help"], terminal_width=200)
    assert f"pip install -e '.[{extra}]'" in " ".join(result.output.split())


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("path", [(), *COMMANDS], ids=lambda p: " ".join(p) or "movierec")
def test_help_fits_the_terminal_with_whole_option_names(path: tuple[str, ...], width: int) -> None:
    result = runner.invoke(app, [*path, "--help"], terminal_width=width)
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= width
    # Every option's name starts its own line, whole: "  --year-from <int>  ...".
    options = [line.split()[0] for line in lines if line.startswith("  -")]
    assert options and all(not name.endswith("-") for name in options)
    if path == ("similar",):
        assert any(line.startswith("  --exclude-genre GENRE") for line in lines)
