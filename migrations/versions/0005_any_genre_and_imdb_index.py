"""movierec_similar_to() reads no genres as any genre; an index for imdb id lookups.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

A catalogue too small for a genre classifier (fewer than 20 labelled movies) stores the labels
as the predicted genres, so a movie without labels has none; its neighbours may then be of any
genre. `movierec add` refuses a movie already loaded, found by imdb id (the new index) or by
title and year. The function is frozen in migrations/frozen/similar_v4.sql; downgrade restores
0004's similar_v3.sql.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FROZEN = Path(__file__).parent.parent / "frozen"


def upgrade() -> None:
    op.execute((_FROZEN / "similar_v4.sql").read_text(encoding="utf-8"))
    op.execute("create index movies_imdb_lower on movies (lower(imdb_id))")


def downgrade() -> None:
    op.execute("drop index if exists movies_imdb_lower")
    op.execute((_FROZEN / "similar_v3.sql").read_text(encoding="utf-8"))
