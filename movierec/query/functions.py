"""The SQL functions psql users call, built from the same named queries the CLI runs.

A migration does not import this (migrations import no application code, so that what a
revision does never changes): each revision executes a frozen copy of the text built here,
kept in ``migrations/frozen/``. tests/query/test_functions.py checks that the newest frozen
copy is what the current query files build, so psql and the CLI run the same SQL;
``python -m movierec.query.functions NAME`` prints a function's text to freeze.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from movierec.database import queries


@dataclass(frozen=True)
class SqlFunction:
    """A SQL function whose body is one named query."""

    name: str
    group: str
    query: str
    args: list[tuple[str, str, str]]
    """(function argument, query parameter it binds, SQL type and default), in order."""
    returns: str
    settings: dict[str, str]
    """SET clauses."""
    markers: Callable[[], dict[str, str]] = field(default=dict)
    """What a template query's ``{marker}`` stands for in the function (its arguments)."""

    def text(self) -> str:
        """``create or replace function name(...)`` whose body is the named query."""
        query = queries.get(self.group, self.query)
        filled = query.text
        for marker, value in self.markers().items():
            filled = filled.replace("{" + marker + "}", value)
        body = replace(query, text=filled).positional([p for _, p, _ in self.args])
        # The query files double '%' for psycopg; a function body is plain SQL.
        body = body.replace("%%", "%")
        arguments = ", ".join(f"{arg} {kind}" for arg, _, kind in self.args)
        sets = "\n".join(f"    set {key} = {value}" for key, value in self.settings.items())
        return f"""
create or replace function {self.name}({arguments})
returns table ({self.returns})
language sql stable
{sets}
as $body$
{body}
$body$
"""


def _similar_markers() -> dict[str, str]:
    """sql/similar.sql's template filled with movierec_similar_to()'s arguments: every filter,
    guarded by "is null or" (the CLI's statement keeps only the given ones)."""
    from movierec.query.similar import conditions

    guarded = [f"and ({c.cast} is null or {c.text})" for c in conditions()]
    return {
        "genres": "%(genres)s::text[]",
        "candidates": "greatest(4 * %(k)s::int, 40)",
        "filters": "\n       ".join(guarded),
    }


def _functions() -> dict[str, SqlFunction]:
    from movierec.query.settings import TITLE_SEARCH_SETTINGS
    from movierec.query.similar import FUNCTION_SETTINGS

    return {
        f.name: f
        for f in (
            SqlFunction(
                "movierec_similar_to",
                "similar",
                "similar_to_vector",
                SIMILAR_ARGS,
                "id bigint, title text, year integer, genres text[], score double precision, "
                "content double precision, creators double precision, ratings double precision",
                FUNCTION_SETTINGS,
                _similar_markers,
            ),
            SqlFunction(
                "movierec_match_history",
                "history",
                "match_history",
                [("history", "history", "jsonb")],
                "row_number integer, movie_id bigint, how text, rating real, watched date",
                {},
            ),
            SqlFunction(
                "movierec_history_vectors",
                "history",
                "history_vectors",
                [("history", "history", "jsonb")],
                "embedding vector, creators sparsevec, factors vector, ids bigint[]",
                {},
            ),
            SqlFunction(
                "search_movies",
                "search",
                "search_titles",
                [("q", "q", "text"), ("k", "limit", "integer default 10")],
                "id bigint, title text, year integer, director text, genres text[], "
                "score double precision",
                TITLE_SEARCH_SETTINGS,
            ),
        )
    }


SIMILAR_ARGS = [
    ("query_embedding", "embedding", "vector"),
    ("query_creators", "creators", "sparsevec"),
    ("query_factors", "factors", "vector"),
    ("query_genres", "genres", "text[]"),
    ("exclude_id", "exclude_id", "bigint"),
    ("k", "k", "integer default 10"),
    ("exclude_ids", "exclude_ids", "bigint[] default null"),
    ("year_from", "year_from", "integer default null"),
    ("year_to", "year_to", "integer default null"),
    ("runtime_min", "runtime_min", "integer default null"),
    ("runtime_max", "runtime_max", "integer default null"),
    ("min_rating", "min_rating", "real default null"),
    ("min_votes", "min_votes", "integer default null"),
    ("required_genres", "required_genres", "text[] default null"),
    ("excluded_genres", "excluded_genres", "text[] default null"),
    ("movie_language", "language", "text default null"),
    ("blend", "blend", "text default 'similar'"),
    ("w_content", "w_content", "real default null"),
    ("w_creators", "w_creators", "real default null"),
    ("w_ratings", "w_ratings", "real default null"),
]
"""movierec_similar_to()'s arguments (since revision 0006)."""


def function(name: str) -> SqlFunction:
    """One of the functions psql users call, by name."""
    return _functions()[name]


def main(argv: list[str]) -> int:
    """Print the named functions' text (to freeze into a migration)."""
    for name in argv:
        sys.stdout.write(function(name).text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
