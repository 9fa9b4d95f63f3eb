"""movierec_similar_to(): one genre checks only whether its films are few; weights by key.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02

Up to 0012 every similarity query worked out, in its `exact` CTE, everything a query of
several genres needs: the catalogue's size (pg_class), the genres that have an index of their
own and those that do not, and whether the set is wide. A query of one genre or none walks one
index and needs only `chosen` (its films fewer than movierec.exact_below); it now gets one
aggregate over genre_counts (similar_exact_one), several genres keep 0012's check
(similar_exact_several). The blend's weights are no longer a materialized CTE: each use reads
the one row by its key. The rows are the same; a one-genre query takes 0.06-0.1 ms less for
the check and 0.02-0.15 ms less for the weights (17k films). Frozen in
migrations/frozen/similar_v12.sql; downgrade restores 0012's similar_v11.sql.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FROZEN = Path(__file__).parent.parent / "frozen"


def upgrade() -> None:
    op.execute((_FROZEN / "similar_v12.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    op.execute((_FROZEN / "similar_v11.sql").read_text(encoding="utf-8"))
