"""Errors as RFC 9457 problem details (``application/problem+json``), never a traceback.

Each problem has a ``type`` under /problems/ (a page there says what it means), a ``title``,
the HTTP ``status``, a ``detail`` for this occurrence, and extensions where they help:
``suggestions`` (closest titles) for an unknown film, ``candidates`` for an ambiguous title,
``errors`` for bad parameters.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

PROBLEM_JSON = "application/problem+json"

TYPES: dict[str, tuple[int, str, str]] = {
    "not-found": (404, "Not found", "No film (or page) has that id or title."),
    "ambiguous-title": (
        409,
        "Ambiguous title",
        "Several films share the title; pick one by its id, or write the year after it.",
    ),
    "too-large": (413, "Request too large", "The body is over the server's limit."),
    "invalid-request": (
        422,
        "Invalid request",
        "A parameter or field is out of bounds or malformed.",
    ),
    "unauthorized": (401, "Unauthorized", "This needs `Authorization: Bearer <token>`."),
    "disabled": (403, "Disabled", "This server does not take this request."),
    "unavailable": (
        503,
        "Database unavailable",
        "The database cannot be reached; retry shortly.",
    ),
    "server-error": (500, "Server error", "Something failed on the server; it is logged."),
}


RETRY_AFTER = 1
"""Seconds a client should wait before retrying a 503 (the Retry-After header)."""


class Problem(Exception):
    """An error with its problem type; the app's handler answers it as problem+json."""

    def __init__(self, kind: str, detail: str, **extensions: Any) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.extensions = extensions

    @property
    def status(self) -> int:
        return TYPES[self.kind][0]


def body(kind: str, detail: str, instance: str | None = None, **extensions: Any) -> dict[str, Any]:
    """The problem document."""
    status, title, _ = TYPES[kind]
    doc: dict[str, Any] = {"type": f"/problems/{kind}", "title": title, "status": status}
    doc["detail"] = detail
    if instance:
        doc["instance"] = instance
    doc.update(extensions)
    return doc


def response(
    kind: str, detail: str, request: Request | None = None, **extensions: Any
) -> JSONResponse:
    """A problem+json response."""
    doc = body(kind, detail, request.url.path if request else None, **extensions)
    headers = {"Retry-After": str(RETRY_AFTER)} if kind == "unavailable" else None
    return JSONResponse(doc, status_code=doc["status"], media_type=PROBLEM_JSON, headers=headers)
