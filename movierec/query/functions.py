"""The SQL functions psql users call, built from the same named queries the CLI runs.

A migration does not import this (migrations import no application code, so that what a
revision does never changes): each revision executes a frozen copy of the text built here,
kept in ``migrations/frozen/``. tests/query/test_functions.py checks that the newest frozen
copy is what the current query files build, so psql and the CLI run the same SQL;
``python -m movierec.query.functions NAME`` prints a function's text to freeze.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace

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

    def text(self) -> str:
        """``create or replace function name(...)`` whose body is the named query."""
        body = queries.get(self.group, self.query).positional([p for _, p, _ in self.args])
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


@dataclass(frozen=True)
class SimilarFunction:
    """movierec_similar_to(): a plpgsql function that fills sql/similar.sql's template as
    movierec.query.similar.fill() does (the genres and the candidate count as literals, the
    candidate arms chosen from genre_counts as movierec.query.counts.arms_for chooses them)
    with every filter guarded by "is null or", then plans and runs it for its arguments."""

    name: str = "movierec_similar_to"

    def text(self) -> str:
        """``create or replace function movierec_similar_to(...)``."""
        from movierec.query.similar import FUNCTION_SETTINGS, conditions

        named = queries.load("similar")
        order = [p for _, p, _ in SIMILAR_ARGS]

        def positional(name: str, text: str | None = None) -> str:
            query = named[name] if text is None else replace(named[name], text=text)
            # The query files double '%' for psycopg; a function body is plain SQL.
            return query.positional(order).replace("%%", "%")

        guarded = "\n       ".join(f"and ({c.cast} is null or {c.text})" for c in conditions())
        main = named["similar_to_vector"]
        template = positional(main.name, main.text.replace("{filters}", guarded))
        arguments = ", ".join(f"{arg} {kind}" for arg, _, kind in SIMILAR_ARGS)
        sets = "\n".join(f"    set {key} = {value}" for key, value in FUNCTION_SETTINGS.items())
        using = ", ".join(arg for arg, _, _ in SIMILAR_ARGS)
        return f"""
create or replace function movierec_similar_to({arguments})
returns table ({SIMILAR_RETURNS})
language plpgsql stable
{sets}
as $body$
declare
    template constant text := $q$
{template}
$q$;
    exact constant text := $q$
{positional("similar_exact")}
$q$;
    walk constant text := $q$
{positional("similar_content_walk")}
$q$;
    per_genre constant text := $q$
{positional("similar_content_genre")}
$q$;
    small constant text := $q$
{positional("similar_content_small")}
$q$;
    by_creators constant text := $q$
{positional("similar_creators")}
$q$;
    by_ratings constant text := $q$
{positional("similar_ratings")}
$q$;
    nothing constant text := $q$
{positional("similar_nothing")}
$q$;
    parts int := (query_embedding is not null)::int + (query_creators is not null)::int
                 + (query_factors is not null)::int;
    wanted text[] := array(select distinct g from unnest(query_genres) as g
                            where g is not null order by g);
    bound real := nullif(current_setting('movierec.exact_below', true), '')::real;
    counted boolean;
    films real;
    catalogue real;
    indexed text[];
    few text[];
    arms text[] := '{{}}';
    one text;
begin
    -- The arms, chosen as movierec.query.counts.arms_for chooses them.
    select count(*) > 0, coalesce(sum(g.movies) filter (where g.genre = any(wanted)), 0),
           coalesce(array_agg(g.genre) filter (where g.genre = any(wanted)
                                                 and g.movies >= bound), '{{}}')
      into counted, films, indexed
      from genre_counts as g;
    select greatest(c.reltuples, 1) into catalogue from pg_class as c
     where c.oid = 'movies'::regclass;
    if cardinality(wanted) > 0 and counted and films < bound then
        arms := array[exact];
    else
        if query_embedding is not null then
            if cardinality(wanted) <= 1 or films * cardinality(wanted) >= catalogue then
                arms := arms || walk;
            else
                few := array(select x from unnest(wanted) as x where x <> all(indexed));
                foreach one in array wanted loop
                    if one = any(indexed) then
                        arms := arms || replace(per_genre, '{{genre}}',
                                                quote_literal(array[one]::text) || '::text[]');
                    end if;
                end loop;
                if cardinality(few) > 0 then
                    arms := arms || replace(small, '{{small}}',
                                            quote_literal(few::text) || '::text[]');
                end if;
            end if;
        end if;
        if query_creators is not null then
            arms := arms || by_creators;
        end if;
        if query_factors is not null then
            arms := arms || by_ratings;
        end if;
    end if;
    if cardinality(arms) = 0 then
        arms := array[nothing];
    end if;
    return query execute
        replace(replace(replace(template,
            '{{arms}}', array_to_string(arms, E'\\n     union all\\n    ')),
            '{{genres}}', quote_literal(wanted::text) || '::text[]'),
            '{{candidates}}', (case when parts > 1 then greatest(4 * k, 40) else k end)::text)
        using {using};
end
$body$
"""


SIMILAR_RETURNS = (
    "id bigint, title text, year integer, genres text[], score double precision, "
    "content double precision, creators double precision, ratings double precision"
)


def _functions() -> dict[str, SqlFunction | SimilarFunction]:
    from movierec.query.settings import TITLE_SEARCH_SETTINGS

    return {
        f.name: f
        for f in (
            SimilarFunction(),
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


def function(name: str) -> SqlFunction | SimilarFunction:
    """One of the functions psql users call, by name."""
    return _functions()[name]


def main(argv: list[str]) -> int:
    """Print the named functions' text (to freeze into a migration)."""
    for name in argv:
        sys.stdout.write(function(name).text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
