"""genre_counts; movierec_similar_to() takes an exact plan when the genres match few movies.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22

genre_counts holds how many movies carry each labelled genre; load and add refresh it. The
similarity query (sql/similar.sql, the function body) reads it to choose between ranking every
matching movie (GIN + sort) and the HNSW iterative scan; the function carries the
movierec.exact_scale setting that draws the line. The signature is unchanged. Downgrade
restores 0003's text from migrations/frozen/similar_v2.sql.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from alembic import op

from movierec import queries
from movierec.migrate import sql_function
from movierec.recommend import SEARCH_SETTINGS

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FROZEN_V2 = Path(__file__).parent.parent / "frozen" / "similar_v2.sql"

# (function argument, query parameter it binds, SQL type and default), as in 0003.
SIMILAR_ARGS = [
    ("query_embedding", "embedding", "vector"),
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
]


def upgrade() -> None:
    op.execute(
        """
        create table genre_counts (
            genre text primary key,
            movies bigint not null check (movies > 0)
        )
        """
    )
    op.execute(queries.get("store", "refresh_genre_counts").text)
    op.execute(
        sql_function(
            "movierec_similar_to",
            "similar",
            "similar_to_vector",
            SIMILAR_ARGS,
            "id bigint, title text, year integer, genres text[], distance double precision",
            SEARCH_SETTINGS,
        )
    )


def downgrade() -> None:
    op.execute(_FROZEN_V2.read_text(encoding="utf-8"))
    op.execute("drop table genre_counts")
