"""A genre's own HNSW index from 100 films; the exact branch below that, whatever the size.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02

Up to 0010 a genre got its own index, and the similarity query stopped ranking its films
exactly, from 6 * sqrt(films) films (about 800 at 17k, 1,900 at 100k, 6,000 at 1M): the bound
where an exact ranking cost what a walk of the global index with the genre as a filter did.
Against a walk of the genre's own index the exact ranking loses much earlier, at about 100
films whatever the catalogue's size (p50 ms exact / own walk: 60 films 0.15 / 0.15, 157 films
0.34 / 0.22 at 17k; 1,000 films 1.62 / 0.54 at 100k; recall 1.0 both). So the bound is now the
setting movierec.exact_below = 100 films (movierec_similar_to()'s SET clause, frozen in
migrations/frozen/similar_v10.sql), and this revision builds the indexes of the genres with
100 films or more that had none. Downgrade restores 0010's similar_v9.sql and drops the
indexes of genres under 0010's bound.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FROZEN = Path(__file__).parent.parent / "frozen"

# The catalogue's genres whose films number {test}, biggest first.
_GENRES = """
    with counted as (
        select u as genre, count(*) as movies
          from movies cross join unnest(genres) as u
         where u is not null
         group by u
    )
    select coalesce(array_agg(c.genre order by c.movies desc, c.genre), '{{}}')
      from counted as c
     where c.movies {test}
"""

# 0008's index name: movies_genre_hnsw_<slug>_<md5 prefix>.
_NAME = """'movies_genre_hnsw_'
           || left(trim(both '_' from regexp_replace(lower(one), '[^a-z0-9]+', '_', 'g')), 24)
           || '_' || left(md5(one), 8)"""


def upgrade() -> None:
    op.execute((_FROZEN / "similar_v10.sql").read_text(encoding="utf-8"))
    op.execute("set local maintenance_work_mem = '1GB'")
    op.execute(
        f"""
        do $body$
        declare
            one text;
        begin
            -- The genres first: an index cannot be built while a loop reads its table.
            foreach one in array ({_GENRES.format(test=">= 100")})
            loop
                execute format(
                    'create index if not exists %I on movies using hnsw '
                    '(embedding vector_cosine_ops) with (m = 16, ef_construction = 64) '
                    'where (genres && %L::text[])',
                    {_NAME},
                    array[one]);
            end loop;
        end
        $body$
        """
    )


def downgrade() -> None:
    op.execute((_FROZEN / "similar_v9.sql").read_text(encoding="utf-8"))
    op.execute(
        f"""
        do $body$
        declare
            one text;
        begin
            foreach one in array (
                {_GENRES.format(test="< 6 * sqrt((select count(*) from movies))")})
            loop
                execute format('drop index if exists %I', {_NAME});
            end loop;
        end
        $body$
        """
    )
