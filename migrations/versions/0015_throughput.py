"""Messaging Services: a school's own service and pool, and the service a text went through

A school with many students sends through a Twilio Messaging Service (a pool of numbers, one
sender per recipient) instead of one long code; a text records the service it went through.

Revision ID: 0015_throughput
Revises: 0008

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_throughput"
down_revision: str | Sequence[str] | None = "0009_directory"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sms_service_sid", sa.String(length=34), nullable=True))
        batch_op.add_column(sa.Column("sms_pool", sa.String(length=400), nullable=True))
    with op.batch_alter_table("outbound_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("messaging_service_sid", sa.String(length=34), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbound_messages", schema=None) as batch_op:
        batch_op.drop_column("messaging_service_sid")
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.drop_column("sms_pool")
        batch_op.drop_column("sms_service_sid")
