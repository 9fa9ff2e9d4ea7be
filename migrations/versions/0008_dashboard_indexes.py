"""indexes for the coordinator's workspace

Measured with bench/dashboard.py on a district of 30,000 students and 2.2 million internship days:
Needs attention scanned the whole of internship_days (no index covers days closed without
check-out), and every dashboard list read all placements to find one school's.

Revision ID: 0008
Revises: 0007

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# workflow.models.attendance.NEEDS_ATTENTION, as it was when this migration was written
NEEDS_ATTENTION = (
    "status = 'pending' OR status = 'disputed' OR (no_checkout IS true AND confirmed_via IS DISTINCT FROM 'dashboard')"
)


def upgrade() -> None:
    with op.batch_alter_table("placements", schema=None) as batch_op:
        batch_op.create_index("ix_placements_school", ["school_id", "status"], unique=False)
    with op.batch_alter_table("internship_days", schema=None) as batch_op:
        batch_op.create_index(
            "ix_days_needing_attention",
            ["placement_id"],
            unique=False,
            postgresql_where=sa.text(NEEDS_ATTENTION),
            sqlite_where=sa.text(NEEDS_ATTENTION),
        )


def downgrade() -> None:
    with op.batch_alter_table("internship_days", schema=None) as batch_op:
        batch_op.drop_index("ix_days_needing_attention")
    with op.batch_alter_table("placements", schema=None) as batch_op:
        batch_op.drop_index("ix_placements_school")
