"""The similarity statement's arms chosen from the genre counts, not inside the statement.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02

Up to 0013 every similarity statement carried all the arms a genre set might need and an
`exact` CTE that switched them on and off at run time (one-time filters): for two genres at
17k films, 0.4 ms of a 1.3 ms query, and more planning. The arms now depend on genre_counts,
read once a connection by movierec (movierec.query.counts) and by movierec_similar_to() each
call (plpgsql, before it builds the statement): the exact arm alone when the genres are few,
else one walk, or a walk a genre with an index and one exact arm for the small ones. A
statement-level trigger on genre_counts notifies `movierec_catalogue` when a load or `add`
changes it, so that listening connections read the counts again. Frozen in
migrations/frozen/similar_v13.sql; downgrade drops the trigger and restores 0013's
similar_v12.sql.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FROZEN = Path(__file__).parent.parent / "frozen"


def upgrade() -> None:
    op.execute((_FROZEN / "similar_v13.sql").read_text(encoding="utf-8"))
    op.execute(
        """
        create or replace function movierec_catalogue_changed() returns trigger
        language plpgsql as $$
        begin
            -- Delivered at commit, once a transaction, to every connection that listens.
            perform pg_notify('movierec_catalogue', '');
            return null;
        end
        $$
        """
    )
    op.execute(
        """
        create trigger genre_counts_changed
        after insert or update or delete or truncate on genre_counts
        for each statement execute function movierec_catalogue_changed()
        """
    )


def downgrade() -> None:
    op.execute("drop trigger if exists genre_counts_changed on genre_counts")
    op.execute("drop function if exists movierec_catalogue_changed()")
    op.execute((_FROZEN / "similar_v12.sql").read_text(encoding="utf-8"))
