"""Creators vectors (sparse), collaborative factors, a blended similarity, viewing histories.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

movies.creators (sparsevec(2^24)) holds TF-IDF over who made a film and what it belongs to,
and movies.creator_keys (integer[], GIN) its tokens, through which films sharing one are found
exactly (an HNSW index over the sparse vectors found 45% of the true top 20); movies.factors (vector(32), HNSW inner product) holds collaborative factors
(PureSVD) for rated films; models.creators_vocab the vocabulary `add` embeds new films with.
movierec_similar_to() now takes a film's three vectors and ranks candidates from the three
indexes by the load's blend (frozen: migrations/frozen/similar_v5.sql). A viewing history (a
JSON array) is matched to films by movierec_match_history() and turned into query vectors by
movierec_history_vectors(); recommend_for_history() and recommend_movies() recommend from it.
Downgrade restores 0005's functions (similar_v4.sql, taste_v1.sql) and drops the columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FROZEN = Path(__file__).parent.parent / "frozen"

RESULT = (
    "id bigint, title text, year integer, genres text[], score double precision, "
    "content double precision, creators double precision, ratings double precision"
)
OLD_SIMILAR = (
    "vector, text[], bigint, integer, bigint[], integer, integer, integer, integer, real, "
    "integer, text[], text[], text"
)


def _frozen(name: str) -> str:
    return (_FROZEN / name).read_text(encoding="utf-8")


def upgrade() -> None:
    op.execute("alter table movies add column creators sparsevec(16777216)")
    op.execute("alter table movies add column creator_keys integer[]")
    op.execute("alter table movies add column factors vector(32)")
    op.execute("alter table models add column creators_vocab bytea not null default ''")
    op.execute(
        """
        create function movierec_title_key(title text)
        returns text
        language sql immutable parallel safe
        as $body$
            -- A title as histories and catalogues both write it: lower case, no leading or
            -- trailing article ("Matrix, The"), no punctuation or spaces.
            select regexp_replace(
                       regexp_replace(
                           regexp_replace(lower(title), ',\\s*(the|a|an)\\s*$', ''),
                           '^(the|a|an)\\s+', ''),
                       '[^[:alnum:]]+', '', 'g')
        $body$
        """
    )
    op.execute(
        """
        create function movierec_sparse_sum(vectors sparsevec[], weights real[])
        returns sparsevec
        language sql immutable
        as $body$
            -- The weighted sum of sparse vectors of one width (pgvector has no sparsevec +),
            -- through their text form '{index:value,...}/width'; null if nothing is left.
            with items as (
                select v::text as t, w
                  from unnest(vectors, weights) as u(v, w)
                 where v is not null and w is not null and w <> 0
            ),
            entries as (
                select e[1]::int as i, sum(e[2]::real * items.w) as x
                  from items,
                       regexp_matches(split_part(items.t, '}', 1), '(\\d+):([^,]+)', 'g') as e
                 group by 1
            )
            select ('{' || string_agg(i || ':' || x, ',' order by i) || '}/'
                    || (select split_part(t, '/', 2) from items limit 1))::sparsevec
              from entries
             where x <> 0
        $body$
        """
    )
    op.execute(
        r"""
        create function movierec_sparse_keys(v sparsevec, n integer)
        returns integer[]
        language sql immutable parallel safe
        as $body$
            -- The 0-based indices of a sparse vector's n largest entries (creator_keys
            -- holds a film's all), read from its text form '{index:value,...}/width'.
            select array_agg(e.i order by e.i)
              from (select (m[1])::int - 1 as i
                      from regexp_matches(split_part(v::text, '}', 1),
                                          '(\d+):([^,]+)', 'g') as m
                     order by (m[2])::real desc, (m[1])::int
                     limit n) as e
        $body$
        """
    )
    op.execute("create index movies_creator_keys_gin on movies using gin (creator_keys)")
    op.execute(
        "create index movies_factors_hnsw on movies "
        "using hnsw (factors vector_ip_ops) with (m = 16, ef_construction = 64)"
    )
    op.execute("create index movies_title_key on movies (movierec_title_key(title))")

    op.execute("drop function recommend_movies(text[], text[], integer)")
    op.execute("drop function movierec_taste(bigint[], bigint[], real)")
    op.execute("drop function similar_movies(text, integer, integer)")
    op.execute("drop function similar_movies_by_id(bigint, integer)")
    op.execute(f"drop function movierec_similar_to({OLD_SIMILAR})")
    op.execute(_frozen("history_match_v1.sql"))
    op.execute(_frozen("history_vectors_v1.sql"))
    op.execute(_frozen("similar_v5.sql"))
    op.execute(
        f"""
        create function similar_movies_by_id(movie_id bigint, k integer default 10)
        returns table ({RESULT})
        language sql stable
        as $body$
            select s.*
              from movies as q
             cross join lateral movierec_similar_to(
                       q.embedding, q.creators, q.factors, q.predicted_genres, q.id, k) as s
             where q.id = movie_id
             order by s.score desc, s.id
        $body$
        """
    )
    op.execute(
        f"""
        create function similar_movies(
            query_title text, k integer default 10, query_year integer default null)
        returns table ({RESULT})
        language plpgsql stable
        as $body$
        begin
            if query_year is not null then
                return query select * from similar_movies_by_id(
                    movierec_resolve_title(format('%s (%s)', query_title, query_year)), k);
            else
                return query select * from similar_movies_by_id(
                    movierec_resolve_title(query_title), k);
            end if;
        end
        $body$
        """
    )
    op.execute(
        f"""
        create function recommend_for_history(history jsonb, k integer default 10)
        returns table ({RESULT})
        language plpgsql stable
        as $body$
        declare
            q record;
        begin
            select * into q from movierec_history_vectors(history);
            if q.ids is null then
                raise exception 'no film of the history is in the catalogue'
                    using errcode = 'no_data_found',
                          hint = 'rows match by movie_id, imdb_id, or title and year';
            end if;
            return query
                select * from movierec_similar_to(
                    q.embedding, q.creators, q.factors, '{{}}'::text[], null, k,
                    exclude_ids => q.ids, blend => 'history');
        end
        $body$
        """
    )
    op.execute(
        f"""
        create function recommend_movies(
            liked text[], disliked text[] default '{{}}', k integer default 10)
        returns table ({RESULT})
        language plpgsql stable
        as $body$
        begin
            if coalesce(cardinality(liked), 0) = 0 then
                raise exception 'recommend_movies needs at least one liked title'
                    using errcode = 'invalid_parameter_value';
            end if;
            return query select * from recommend_for_history(
                (select jsonb_agg(jsonb_build_object(
                            'movie_id', movierec_resolve_title(t.title), 'rating', t.rating))
                   from (select l, 5 from unnest(liked) as l
                         union all
                         select d, 1 from unnest(disliked) as d) as t(title, rating)),
                k);
        end
        $body$
        """
    )


def downgrade() -> None:
    op.execute("drop function recommend_movies(text[], text[], integer)")
    op.execute("drop function recommend_for_history(jsonb, integer)")
    op.execute("drop function similar_movies(text, integer, integer)")
    op.execute("drop function similar_movies_by_id(bigint, integer)")
    op.execute(
        "drop function movierec_similar_to(vector, sparsevec, vector, text[], bigint, integer, "
        "bigint[], integer, integer, integer, integer, real, integer, text[], text[], text, "
        "text, real, real, real)"
    )
    op.execute("drop function movierec_history_vectors(jsonb)")
    op.execute("drop function movierec_match_history(jsonb)")
    op.execute("drop index movies_title_key")
    op.execute("drop index movies_factors_hnsw")
    op.execute("drop index movies_creator_keys_gin")
    op.execute("drop function movierec_sparse_keys(sparsevec, integer)")
    op.execute("drop function movierec_sparse_sum(sparsevec[], real[])")
    op.execute("drop function movierec_title_key(text)")
    op.execute("alter table models drop column creators_vocab")
    op.execute("alter table movies drop column factors")
    op.execute("alter table movies drop column creator_keys")
    op.execute("alter table movies drop column creators")
    op.execute(_frozen("similar_v4.sql"))
    op.execute(_frozen("taste_v1.sql"))
    # 0001's wrappers and 0003's recommend_movies(), as they were.
    op.execute(_frozen("wrappers_v1.sql"))
