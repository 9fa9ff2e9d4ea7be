"""the student's reflection on an internship day

Revision ID: 0013_reflections
Revises: 0008

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_reflections"
down_revision: str | Sequence[str] | None = "0014_evaluations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("internship_days") as batch:
        batch.add_column(sa.Column("reflection", sa.Text(), nullable=True))
        batch.add_column(sa.Column("reflected_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("internship_days") as batch:
        batch.drop_column("reflected_at")
        batch.drop_column("reflection")
