"""Safe parsing of the Python literals in The Movies Dataset's list columns (never eval)."""

from __future__ import annotations

import ast
from typing import Any

MAX_LITERAL_CHARS = 1_000_000


class LiteralError(ValueError):
    """A value that is not a well-formed, reasonably sized literal."""


def parse_literal(text: str, limit: int = MAX_LITERAL_CHARS) -> Any:
    """``ast.literal_eval`` behind a size limit; empty text is an empty list."""
    text = text.strip()
    if not text:
        return []
    if len(text) > limit:
        raise LiteralError(f"{len(text):,} characters, over the {limit:,} limit")
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError, TypeError) as exc:
        raise LiteralError(f"not a literal ({type(exc).__name__})") from None


def names(text: str, key: str = "name", limit: int = MAX_LITERAL_CHARS) -> list[str]:
    """The ``key`` values of a literal list of dicts, e.g. genre or keyword names, in order."""
    value = parse_literal(text, limit)
    if not isinstance(value, list):
        raise LiteralError(f"expected a list, got {type(value).__name__}")
    found: list[str] = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get(key), str):
            raise LiteralError(f"expected a list of objects with a {key!r} string")
        name = item[key].strip()
        if name and name not in found:
            found.append(name)
    return found
