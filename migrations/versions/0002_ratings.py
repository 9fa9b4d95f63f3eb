"""Ratings, and the tagline and keywords that The Movies Dataset carries.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "alter table movies add column tagline text, "
        "add column keywords text[] not null default '{}'"
    )
    # No foreign key to movies: loads replace both tables together by swapping staging copies.
    op.execute(
        """
        create table ratings (
            user_id   bigint not null,
            movie_id  bigint not null,
            rating    real not null,
            rated_at  timestamptz,
            constraint ratings_pkey primary key (user_id, movie_id)
        )
        """
    )
    op.execute("create index ratings_movie_id on ratings (movie_id)")


def downgrade() -> None:
    op.execute("drop table if exists ratings")
    op.execute("alter table movies drop column if exists keywords, drop column if exists tagline")
