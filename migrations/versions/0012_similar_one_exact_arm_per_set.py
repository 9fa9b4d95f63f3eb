"""movierec_similar_to(): one exact arm for all of a set's genres too small for an index.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02

For several genres the similarity query walks each genre's own index and, up to 0011, had a
second arm a genre for the case that the genre is too small for an index (every film of it,
ranked exactly), switched off at run time for the others. Those arms are now one: the films
of the set's genres under the bound (`exact.small`, by the GIN index). The rows are the same;
the statement plans in less time (17k films: 0.84 -> 0.72 ms for two genres, 0.97 -> 0.78
ms for three) and four genres' text fits psycopg's cache of converted queries. Frozen in
migrations/frozen/similar_v11.sql; downgrade restores 0011's similar_v10.sql.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FROZEN = Path(__file__).parent.parent / "frozen"


def upgrade() -> None:
    op.execute((_FROZEN / "similar_v11.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    op.execute((_FROZEN / "similar_v10.sql").read_text(encoding="utf-8"))
