"""The ``movierec`` command line: thin typer commands over the library, one module a group.

``app.py`` holds the root (options, error handling, the database URL resolved once);
``options.py`` the options several commands share; ``output.py`` how results are printed.
"""

# The command modules register their commands on import, in the order --help lists them.
from movierec.cli import load, query, add, evaluate, serve, bench, db  # noqa: I001
from movierec.cli.app import app, main

__all__ = ["add", "app", "bench", "db", "evaluate", "load", "main", "query", "serve"]
