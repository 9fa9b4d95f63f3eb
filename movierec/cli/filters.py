"""The filters of `similar` and `recommend`, from their options, checked against the catalogue.

Typer-free, like everything `similar` imports (cli/fast.py runs it without typer)."""

from __future__ import annotations

import dataclasses
from typing import Any


def filters(conn: Any, options: dict[str, Any]) -> Any:
    """The filter options of `similar` / `recommend` (their locals()) as checked Filters."""
    from movierec.query.search import resolve_ids
    from movierec.query.similar import Filters, known_genres

    wanted = Filters(
        year_from=options["year_from"],
        year_to=options["year_to"],
        runtime_min=options["runtime_min"],
        runtime_max=options["runtime_max"],
        min_rating=options["min_rating"],
        min_votes=options["min_votes"],
        required_genres=options["genre"] or None,
        excluded_genres=options["exclude_genre"] or None,
        language=options["language"],
    )
    genres = known_genres(conn) if wanted.required_genres or wanted.excluded_genres else None
    wanted.check(genres)
    excluded = resolve_ids(conn, options["exclude"] or [])
    return dataclasses.replace(wanted, exclude_ids=excluded or None)
