"""movierec_similar_to(): a candidate arm only for each part the query has.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02

The similarity query ranks candidates from an arm per part of the blend: the dense
embedding's index walks, the films sharing a creators token, the factors' index walk. Up to
0009 every arm sat in the statement, each switched off at run time when its vector was NULL
(a catalogue without ratings has no factors; a bare vector query has neither creators nor
factors), and still cost its materialized CTE. The function now builds only the arms of the
parts given, and when one part is given each index walk returns k films, not 4k: that part's
order is the ranking, so there is nothing to re-rank. The rows are the same. Frozen in
migrations/frozen/similar_v9.sql; downgrade restores 0009's similar_v8.sql.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FROZEN = Path(__file__).parent.parent / "frozen"


def upgrade() -> None:
    op.execute((_FROZEN / "similar_v9.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    op.execute((_FROZEN / "similar_v8.sql").read_text(encoding="utf-8"))
