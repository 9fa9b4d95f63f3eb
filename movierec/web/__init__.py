"""``movierec serve``: the HTTP API (/api/v1, OpenAPI at /openapi.json, docs at /docs) and the
web pages, over the same queries the CLI and psql run.

``app.py`` builds the application (pool, middleware, error handlers); ``api.py`` and
``pages.py`` hold the routes; ``problems.py`` the RFC 9457 problem responses.
"""
