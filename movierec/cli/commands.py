"""Every command, registered on the typer app in the order --help lists them."""

from movierec.cli import load, query, add, evaluate, serve, bench, db  # noqa: F401, I001
from movierec.cli.app import app

__all__ = ["app"]
