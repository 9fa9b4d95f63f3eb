"""`similar`'s typer-free parser takes what the typer command takes, the same way, and leaves
everything else to typer."""

from __future__ import annotations

from typing import Any

import pytest
import typer

from movierec.cli import fast
from movierec.cli.commands import app


def _typer_similar() -> Any:
    return typer.main.get_command(app).commands["similar"]  # type: ignore[attr-defined]


def test_the_fast_parser_has_the_typer_commands_options() -> None:
    typed = {}
    for param in _typer_similar().params:
        if param.param_type_name == "option":
            typed[param.name] = (tuple(sorted(param.opts)), param.multiple, param.is_flag)
    mine = {dest: (tuple(sorted(flags)), repeat, False) for flags, dest, _, repeat in fast.OPTIONS}
    mine |= {dest: ((flag,), False, True) for flag, dest in fast.FLAGS}
    assert mine == typed


@pytest.mark.parametrize(
    "args",
    [
        ["The Matrix"],
        ["The Matrix", "-k", "5", "--year-from", "1990", "--year-to=2000"],
        ["-k5", "Hamlet (1996)", "--exclude-genre", "Romance", "--explain"],
        ["--id", "2", "--json", "--genre", "Drama", "--genre", "War", "--min-rating", "7.5"],
        ["Heat", "--year", "1995", "--exclude", "Ronin", "--exclude", "Collateral (2004)"],
        [
            "--runtime-min",
            "80",
            "--runtime-max",
            "120",
            "--min-votes",
            "100",
            "--language",
            "French",
            "--",
            "-x-",
        ],
    ],
)
def test_both_parse_the_same_arguments_the_same_way(args: list[str]) -> None:
    context = _typer_similar().make_context("similar", list(args))
    typed = {k: (list(v) if isinstance(v, tuple) else v) for k, v in context.params.items()}
    typed = {k: (v or None) if isinstance(v, list) else v for k, v in typed.items()}
    assert fast.parse(["similar", *args]) == typed


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["search", "matrix"],
        ["similar", "--help"],
        ["similar", "X", "-h"],
        ["similar", "X", "--bogus"],
        ["similar", "X", "--expl"],  # click takes no abbreviations; typer says so
        ["similar", "X", "-k", "0"],
        ["similar", "X", "-k", "1001"],
        ["similar", "X", "--year", "soon"],
        ["similar", "X", "Y"],
    ],
)
def test_everything_else_goes_to_typer(argv: list[str]) -> None:
    assert fast.parse(argv) is None
