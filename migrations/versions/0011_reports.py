"""the reports: required hours (a school's, and a student's own when it differs), and an index
that holds every column the hours report sums

Measured with bench/dashboard.py: the hours report for a term of the largest school (70,000 of
2.2 million days) scanned the whole of internship_days; with this index Postgres reads only the
school's days of the term, from the index alone.

Revision ID: 0011_reports
Revises: 0008

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_reports"
down_revision: str | Sequence[str] | None = "0010_compliance"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.add_column(sa.Column("required_hours", sa.Numeric(6, 2), nullable=True))
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("required_hours", sa.Numeric(6, 2), nullable=True))
    with op.batch_alter_table("internship_days", schema=None) as batch_op:
        batch_op.create_index(
            "ix_days_report",
            ["placement_id", "date"],
            unique=False,
            postgresql_include=["status", "hours", "no_checkout", "unscheduled"],
        )


def downgrade() -> None:
    with op.batch_alter_table("internship_days", schema=None) as batch_op:
        batch_op.drop_index("ix_days_report")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("required_hours")
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.drop_column("required_hours")
