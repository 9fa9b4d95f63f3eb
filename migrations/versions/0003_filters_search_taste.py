"""Filters on the similarity function; search_movies() and recommend_movies().

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22

The function bodies are the named queries of sql/similar.sql and sql/search.sql as they were
at this revision, frozen in migrations/frozen/ (movierec.database.functions built them), so
that this revision means the same thing forever and imports no application code.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FROZEN = Path(__file__).parent.parent / "frozen"


def upgrade() -> None:
    op.execute("drop function movierec_similar_to(vector, text[], bigint, integer)")
    # Frozen: 0004 rebuilds this function from sql/similar.sql.
    op.execute((_FROZEN / "similar_v2.sql").read_text(encoding="utf-8"))
    op.execute((_FROZEN / "taste_v1.sql").read_text(encoding="utf-8"))
    op.execute((_FROZEN / "search_v1.sql").read_text(encoding="utf-8"))
    op.execute(
        """
        create function movierec_resolve_title(query_title text)
        returns bigint
        language plpgsql stable
        as $body$
        declare
            wanted_title text := query_title;
            wanted_year integer;
            matches bigint[];
            listing text;
        begin
            select array_agg(m.id order by m.year nulls last, m.id) into matches
              from movies as m where lower(m.title) = lower(wanted_title);
            if matches is null and query_title ~ '\\(\\d{4}\\)\\s*$' then
                -- "Hamlet (1996)" picks one of several films with a title.
                wanted_title := trim(substring(query_title from '^(.*)\\(\\d{4}\\)\\s*$'));
                wanted_year := substring(query_title from '\\((\\d{4})\\)\\s*$')::integer;
                select array_agg(m.id order by m.id) into matches
                  from movies as m
                 where lower(m.title) = lower(wanted_title) and m.year = wanted_year;
            end if;
            if matches is null then
                select string_agg(format('%s (%s)', s.title, s.year), ', ') into listing
                  from search_movies(query_title, 5) as s;
                raise exception 'no movie titled "%"', query_title
                    using errcode = 'no_data_found',
                          hint = 'closest titles: ' || coalesce(listing, 'none');
            elsif cardinality(matches) > 1 then
                select string_agg(format('%s (%s), %s', m.title, m.year, m.director), '; ')
                  into listing
                  from movies as m where m.id = any(matches);
                raise exception '% movies are titled "%"', cardinality(matches), query_title
                    using errcode = 'cardinality_violation',
                          hint = 'write the year after the title, e.g. "Hamlet (1996)": ' || listing;
            end if;
            return matches[1];
        end
        $body$
        """
    )
    op.execute(
        """
        create function recommend_movies(
            liked text[], disliked text[] default '{}', k integer default 10)
        returns table (id bigint, title text, year integer, genres text[],
                       distance double precision)
        language plpgsql stable
        as $body$
        declare
            liked_ids bigint[];
            disliked_ids bigint[];
            taste record;
        begin
            if coalesce(cardinality(liked), 0) = 0 then
                raise exception 'recommend_movies needs at least one liked title'
                    using errcode = 'invalid_parameter_value';
            end if;
            select array_agg(movierec_resolve_title(t)) into liked_ids from unnest(liked) as t;
            select coalesce(array_agg(movierec_resolve_title(t)), '{}') into disliked_ids
              from unnest(disliked) as t;
            select * into taste from movierec_taste(liked_ids, disliked_ids);
            return query
                select * from movierec_similar_to(
                    taste.embedding, taste.genres, null, k,
                    exclude_ids => liked_ids || disliked_ids);
        end
        $body$
        """
    )


def downgrade() -> None:
    op.execute("drop function if exists recommend_movies(text[], text[], integer)")
    op.execute("drop function if exists movierec_resolve_title(text)")
    op.execute("drop function if exists search_movies(text, integer)")
    op.execute("drop function if exists movierec_taste(bigint[], bigint[], real)")
    op.execute(
        "drop function if exists movierec_similar_to(vector, text[], bigint, integer, bigint[], "
        "integer, integer, integer, integer, real, integer, text[], text[], text)"
    )
    # Back to the 0001 signature and body.
    op.execute((_FROZEN / "similar_v1.sql").read_text(encoding="utf-8"))
