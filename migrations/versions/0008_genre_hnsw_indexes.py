"""Per-genre partial HNSW indexes; movierec_similar_to() carries its candidates' columns.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01

One HNSW index over the embeddings of each genre's films (``where genres && '{Drama}'``),
for the genres with at least 6 * sqrt(films) films (fewer, and the similarity query ranks a
genre's films exactly). The query names its genres as literals, so that the planner searches
a lone genre's own index with no filter to walk past, where the global index with an
iterative scan visits about k / share films. Loads build them on the staging table (named
movies_genre_hnsw_<genre>_<md5 prefix>, the same as here); `movierec add` builds the ones a
new or grown genre needs. Built here for the catalogue already loaded; downgrade drops them.

movierec_similar_to() (frozen in migrations/frozen/similar_v7.sql) now takes every column
its ranking needs from the index scans instead of looking each candidate up again by primary
key; downgrade restores 0007's similar_v6.sql.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FROZEN = Path(__file__).parent.parent / "frozen"


def upgrade() -> None:
    op.execute((_FROZEN / "similar_v7.sql").read_text(encoding="utf-8"))
    op.execute("set local maintenance_work_mem = '1GB'")
    op.execute(
        """
        do $body$
        declare
            one text;
        begin
            -- The genres first: an index cannot be built while a loop reads its table.
            foreach one in array (
                with counted as (
                    select u as genre, count(*) as movies
                      from movies cross join unnest(genres) as u
                     where u is not null
                     group by u
                )
                select coalesce(array_agg(c.genre order by c.movies desc, c.genre), '{}')
                  from counted as c
                 where c.movies >= 6 * sqrt((select count(*) from movies))
            )
            loop
                execute format(
                    'create index if not exists %I on movies using hnsw '
                    '(embedding vector_cosine_ops) with (m = 16, ef_construction = 64) '
                    'where (genres && %L::text[])',
                    'movies_genre_hnsw_'
                        || left(trim(both '_' from
                                     regexp_replace(lower(one), '[^a-z0-9]+', '_', 'g')), 24)
                        || '_' || left(md5(one), 8),
                    array[one]);
            end loop;
        end
        $body$
        """
    )


def downgrade() -> None:
    op.execute((_FROZEN / "similar_v6.sql").read_text(encoding="utf-8"))
    op.execute(
        """
        do $body$
        declare
            one text;
        begin
            foreach one in array (
                select coalesce(array_agg(indexname), '{}') from pg_indexes
                 where tablename = 'movies' and starts_with(indexname, 'movies_genre_hnsw_')
            )
            loop
                execute format('drop index %I', one);
            end loop;
        end
        $body$
        """
    )
