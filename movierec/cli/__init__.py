"""The ``movierec`` command line: thin commands over the library, one module a group.

``entry.py`` is the console entry point: ``similar`` parses on its own (``fast.py``, no typer:
its start-up is Python's and psycopg's), every other command goes through the typer app in
``app.py``, whose commands ``commands.py`` imports. ``options.py`` holds the options several
commands share, ``filters.py`` their filters, ``output.py`` how results are printed.
Importing this package imports no typer.
"""

from movierec.cli.entry import main

__all__ = ["main"]
