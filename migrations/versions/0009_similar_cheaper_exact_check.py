"""movierec_similar_to(): the exact-branch check in one plain aggregate; ef_search 50.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02

The similarity query decides per call whether the query genres are few enough to rank every
film of them (and, for several genres, whether to walk the global index or each genre's own).
0008 computed that with a grouped, hashed aggregate over genre_counts joined to pg_class; one
plain aggregate gives the same three answers 0.1-0.15 ms a query faster (17k and 1M synthetic
films, p50 of 280 calls). The function's `set hnsw.ef_search` goes from 100 to 50, as the
query connections' does: the per-genre indexes are walked with no filter, so 50 covers the 40
candidates and the excluded film. Frozen in migrations/frozen/similar_v8.sql; downgrade
restores 0008's similar_v7.sql.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FROZEN = Path(__file__).parent.parent / "frozen"


def upgrade() -> None:
    op.execute((_FROZEN / "similar_v8.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    op.execute((_FROZEN / "similar_v7.sql").read_text(encoding="utf-8"))
