"""The blend weights in a table of their own; movierec_similar_to() reads them from it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01

0006's movierec_similar_to() read the load's blend weights from the newest models row's
params (a jsonb path under a sort). similarity_blend holds them as one row per blend
('similar', 'history'), written with the models by every load; the function joins it by
primary key, and takes its creators candidates through a GIN lookup it cannot fold into the
outer plan (p50 5.3 -> 1.7 ms on the default sample). The table is filled from the current
model, so a catalogue loaded by 0.10.0 keeps its weights without a reload. The function is
frozen in migrations/frozen/similar_v6.sql; downgrade restores 0006's similar_v5.sql.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FROZEN = Path(__file__).parent.parent / "frozen"


def upgrade() -> None:
    op.execute(
        """
        create table similarity_blend (
            blend    text primary key,
            content  real not null,
            creators real not null,
            ratings  real not null
        )
        """
    )
    op.execute(
        """
        insert into similarity_blend (blend, content, creators, ratings)
        select b.key, (b.value ->> 'content')::real, (b.value ->> 'creators')::real,
               (b.value ->> 'ratings')::real
          from (select params from models order by id desc limit 1) as m,
               jsonb_each(m.params -> 'blend') as b
         where jsonb_typeof(m.params -> 'blend') = 'object'
        """
    )
    op.execute((_FROZEN / "similar_v6.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    op.execute((_FROZEN / "similar_v5.sql").read_text(encoding="utf-8"))
    op.execute("drop table similarity_blend")
