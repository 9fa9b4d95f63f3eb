"""Safe literal parsing: no code runs, sizes are bounded, shapes are checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from movierec.sources.literals import LiteralError, names, parse_literal


def test_names_of_a_genre_list() -> None:
    text = "[{'id': 16, 'name': 'Animation'}, {'id': 35, 'name': 'Comedy'}, {'id': 35, 'name': 'Comedy'}]"
    assert names(text) == ["Animation", "Comedy"]
    assert names("[]") == [] and names("") == []


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('touch /tmp/movierec-literal-ran')",
        "[x for x in ().__class__.__bases__[0].__subclasses__()]",
        "open('/etc/passwd').read()",
        "lambda: 1",
    ],
)
def test_code_is_never_run(text: str) -> None:
    with pytest.raises(LiteralError):
        parse_literal(text)
    assert not Path("/tmp/movierec-literal-ran").exists()


def test_size_limit() -> None:
    big = "[" + ", ".join("{'name': 'x'}" for _ in range(1000)) + "]"
    assert len(names(big)) == 1
    with pytest.raises(LiteralError, match="over the 100 limit"):
        parse_literal(big, limit=100)


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    with pytest.raises(LiteralError):
        parse_literal("[" * 100_000 + "]" * 100_000)


@pytest.mark.parametrize("text", ["{'name': 'x'}", "[1, 2]", "[{'id': 1}]", "[{'name': 3}]"])
def test_wrong_shapes(text: str) -> None:
    with pytest.raises(LiteralError):
        names(text)
