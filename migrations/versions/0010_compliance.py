"""compliance documents: a note, and which kinds each school requires

A mentor's document keeps a note (for example "paper copy in the office") and who last changed it
is in the audit log. `schools.required_documents` names the kinds a mentor must hold, valid and in
date, before an advisor's start for them goes through (space-separated; `background_check` unless
the school says otherwise).

Revision ID: 0010_compliance
Revises: 0008

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_compliance"
down_revision: str | Sequence[str] | None = "0015_throughput"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("compliance_documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("note", sa.String(length=500), nullable=False, server_default=""))
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("required_documents", sa.String(length=200), nullable=False, server_default="background_check")
        )


def downgrade() -> None:
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.drop_column("required_documents")
    with op.batch_alter_table("compliance_documents", schema=None) as batch_op:
        batch_op.drop_column("note")
