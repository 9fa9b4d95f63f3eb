"""The exception a user can act on: the CLI prints it as one line and exits 2."""

from __future__ import annotations

from typing import Any


class MovierecError(Exception):
    """A user-facing error: what went wrong, where, and what to do about it."""


class NotFoundError(MovierecError):
    """A title that matches no movie; carries the closest titles as suggestions."""

    def __init__(self, message: str, suggestions: list[dict[str, Any]]) -> None:
        super().__init__(message)
        self.suggestions = suggestions


class AmbiguousTitleError(MovierecError):
    """A title shared by several movies; carries the candidates so the user can pick a year."""

    def __init__(self, message: str, candidates: list[dict[str, Any]]) -> None:
        super().__init__(message)
        self.candidates = candidates
