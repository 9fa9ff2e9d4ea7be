"""evaluations: the mentor's five levels, comment and endorsement per placement and moment; the
student's rating and consent; a school's choice of a mid-point evaluation

Revision ID: 0014_evaluations
Revises: 0008

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql


revision: str = "0014_evaluations"
down_revision: str | Sequence[str] | None = "0008"  # the revision id in 0008_dashboard_indexes.py
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.add_column(sa.Column("midpoint_evaluation", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "evaluations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("moment", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("levels", JSON, nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("endorsement", sa.Text(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_via", sa.String(length=16), nullable=True),
        sa.Column("rating_asked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("student_rating", sa.Integer(), nullable=True),
        sa.Column("student_comment", sa.Text(), nullable=True),
        sa.Column("rated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("consent_asked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("endorsement_consent", sa.Boolean(), nullable=True),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["placement_id"], ["placements.id"], name=op.f("fk_evaluations_placement_id_placements")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluations")),
        sa.UniqueConstraint("placement_id", "moment", name=op.f("uq_evaluations_placement_id_moment")),
    )
    op.create_index("ix_evaluations_status", "evaluations", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_evaluations_status", table_name="evaluations")
    op.drop_table("evaluations")
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.drop_column("midpoint_evaluation")
