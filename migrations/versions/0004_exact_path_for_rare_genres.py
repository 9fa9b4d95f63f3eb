"""genre_counts; movierec_similar_to() takes an exact plan when the genres match few movies.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22

genre_counts holds how many movies carry each labelled genre; load and add refresh it. The
similarity query (sql/similar.sql, the function body) reads it to choose between ranking every
matching movie (GIN + sort) and the HNSW iterative scan; the function carries the
movierec.exact_scale setting that draws the line. The signature is unchanged. The function is
frozen in migrations/frozen/similar_v3.sql; downgrade restores 0003's similar_v2.sql.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FROZEN = Path(__file__).parent.parent / "frozen"


def upgrade() -> None:
    op.execute(
        """
        create table genre_counts (
            genre text primary key,
            movies bigint not null check (movies > 0)
        )
        """
    )
    op.execute((_FROZEN / "genre_counts_v1.sql").read_text(encoding="utf-8"))
    op.execute((_FROZEN / "similar_v3.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    op.execute((_FROZEN / "similar_v2.sql").read_text(encoding="utf-8"))
    op.execute("drop table genre_counts")
