"""sites: deactivated (never deleted) and do-not-solicit's date and who asked

The coordinator's directory deactivates a site that has history instead of deleting it, and
records when a business asked not to be contacted and who asked.

Revision ID: 0009_directory
Revises: 0008

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_directory"
down_revision: str | Sequence[str] | None = "0013_reflections"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.add_column(sa.Column("do_not_solicit_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("do_not_solicit_by", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.drop_column("active")
        batch_op.drop_column("do_not_solicit_by")
        batch_op.drop_column("do_not_solicit_on")
