"""The web application: a psycopg pool with the search settings set once per connection, a
log line per request, a body limit, problem+json errors, the API, the pages and the docs."""

from __future__ import annotations

import logging
import time
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import psycopg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from movierec import __version__
from movierec.errors import AmbiguousTitleError, MovierecError, NotFoundError
from movierec.web import problems
from movierec.web.problems import Problem

logger = logging.getLogger("movierec.web")

HERE = Path(__file__).parent
MAX_BODY = 10 * 2**20
"""Request bodies larger than this are refused with 413."""


class RequestLog:
    """One log line per request: method, path, status, milliseconds."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            millis = (time.perf_counter() - start) * 1000
            logger.info("%s %s %d %.1fms", scope["method"], scope["path"], status, millis)


class BodyLimit:
    """Refuse bodies over ``limit`` bytes with 413, declared or streamed."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, receive, send)
            return
        seen = 0

        async def counting() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, counting, send)
        except _TooLarge:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        reply = problems.response("too-large", f"the body is over {self.limit // 2**20} MB", None)
        await reply(scope, receive, send)


class _TooLarge(Exception):
    pass


def _wants_html(request: Request) -> bool:
    path = request.url.path
    if path.startswith(("/api/", "/healthz", "/readyz", "/openapi")):
        return False
    return "text/html" in request.headers.get("accept", "")


def _error(request: Request, kind: str, detail: str, **extensions: Any) -> Response:
    if _wants_html(request):
        from movierec.web.pages import error_page

        return error_page(request, kind, detail, **extensions)
    return problems.response(kind, detail, request, **extensions)


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def on_problem(request: Request, exc: Problem) -> Response:
        return _error(request, exc.kind, exc.detail, **exc.extensions)

    @app.exception_handler(NotFoundError)
    async def on_not_found(request: Request, exc: NotFoundError) -> Response:
        suggestions = [
            {k: s.get(k) for k in ("id", "title", "year", "director")} for s in exc.suggestions
        ]
        return _error(request, "not-found", str(exc), suggestions=suggestions)

    @app.exception_handler(AmbiguousTitleError)
    async def on_ambiguous(request: Request, exc: AmbiguousTitleError) -> Response:
        first = exc.candidates[0] if exc.candidates else {"title": "?", "year": "?"}
        detail = (
            f"{len(exc.candidates)} films are titled {first['title']!r}; give one by id, or "
            f"as '{first['title']} ({first['year']})'"
        )
        return _error(request, "ambiguous-title", detail, candidates=exc.candidates)

    @app.exception_handler(MovierecError)
    async def on_user_error(request: Request, exc: MovierecError) -> Response:
        return _error(request, "invalid-request", str(exc))

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {"where": ".".join(str(p) for p in e.get("loc", ())), "problem": e.get("msg", "")}
            for e in exc.errors()
        ]
        first = errors[0] if errors else {"where": "", "problem": "invalid"}
        return _error(
            request, "invalid-request", f"{first['where']}: {first['problem']}", errors=errors
        )

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException) -> Response:
        kind = {404: "not-found", 413: "too-large", 401: "unauthorized"}.get(exc.status_code)
        if kind is None:
            return JSONResponse(
                problems.body("invalid-request", str(exc.detail)) | {"status": exc.status_code},
                status_code=exc.status_code,
                media_type=problems.PROBLEM_JSON,
            )
        return _error(request, kind, str(exc.detail))

    # A handler for a specific class runs inside the app and ends the request; the one for
    # Exception runs in Starlette's outermost middleware, which re-raises after answering
    # (uvicorn then logs a traceback and drops the keep-alive connection). So the database
    # being down, an expected condition, has its own.
    @app.exception_handler(psycopg.OperationalError)
    async def on_unavailable(request: Request, exc: psycopg.OperationalError) -> Response:
        logger.warning("database unavailable: %s", type(exc).__name__)
        return _error(request, "unavailable", "the database cannot be reached; retry shortly")

    @app.exception_handler(Exception)
    async def on_crash(request: Request, exc: Exception) -> Response:
        logger.exception("failed: %s %s", request.method, request.url.path)
        return _error(request, "server-error", "the server failed; the error is in its log")


def create_app(dsn: str, *, token: str | None = None, pool_size: int = 8) -> FastAPI:
    """The application for the database ``dsn``; ``token`` (MOVIEREC_API_TOKEN) turns on
    ``POST /api/v1/movies``."""
    from movierec.web.pool import make_pool

    pool = make_pool(dsn, pool_size)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        pool.open(wait=False)
        try:
            yield
        finally:
            pool.close()

    app = FastAPI(
        title="movierec",
        version=__version__,
        summary="Movie recommendations from PostgreSQL + pgvector.",
        description=(
            "Films like a film, films for a person (liked and disliked films, or a viewing "
            "history), title search, film details; the same queries as the `movierec` CLI "
            "and the psql functions. Errors are RFC 9457 `application/problem+json`."
        ),
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.pool = pool
    app.state.dsn = dsn
    app.state.token = token
    _handlers(app)
    app.add_middleware(BodyLimit)
    app.add_middleware(RequestLog)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _docs(app)

    from movierec.web import api, pages

    app.include_router(api.router)
    app.include_router(api.health)
    app.include_router(pages.router)
    return app


def _docs(app: FastAPI) -> None:
    """Swagger UI at /docs from the swagger-ui-bundle package's files (no CDN)."""
    import swagger_ui_bundle
    from fastapi.openapi.docs import get_swagger_ui_html

    app.mount(
        "/swagger",
        StaticFiles(directory=swagger_ui_bundle.swagger_ui_path),
        name="swagger",
    )

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="movierec API",
            swagger_js_url="/swagger/swagger-ui-bundle.js",
            swagger_css_url="/swagger/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )

    @app.get("/problems/{kind}", include_in_schema=False)
    async def problem_type(kind: str) -> HTMLResponse:
        if kind not in problems.TYPES:
            raise Problem("not-found", f"no problem type {kind!r}")
        status, title, meaning = problems.TYPES[kind]
        from html import escape

        return HTMLResponse(
            f"<!doctype html><title>{escape(title)}</title><h1>{status} {escape(title)}</h1>"
            f"<p>{escape(meaning)}</p>"
        )


def from_environment() -> FastAPI:
    """The app of a ``movierec serve --workers N`` process: MOVIEREC_DATABASE_URL (resolved by
    the parent), MOVIEREC_API_TOKEN, MOVIEREC_POOL_SIZE."""
    import os

    from movierec.settings import get_settings

    settings = get_settings()
    if not settings.database_url:
        raise RuntimeError("movierec serve sets MOVIEREC_DATABASE_URL for its workers")
    size = int(os.environ.get("MOVIEREC_POOL_SIZE", "8"))
    return create_app(settings.database_url, token=settings.api_token, pool_size=size)
