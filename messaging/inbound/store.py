"""Storing inbound input durably before it is acknowledged, once per provider id.

`store` is one INSERT ... ON CONFLICT DO NOTHING: a retry of the same input (Twilio retrying a
webhook, an MTA resending after a lost 250) finds its row and changes nothing. Processing is then
handed to the broker; if that hand-off is lost, the sweeper finds the row still `received`.
"""

from __future__ import annotations

import logging
from typing import Any, cast

from sqlalchemy import Connection, Table, select
from sqlalchemy.dialects import postgresql, sqlite

from messaging import context
from messaging.models import InboundMessage
from workflow.base import utcnow

log = logging.getLogger(__name__)
_T = cast(Table, InboundMessage.__table__)


def store(
    connection: Connection,
    *,
    channel: str,
    provider_id: str,
    sender: str,
    recipient: str | None,
    raw: bytes | None = None,
    payload: dict[str, Any] | None = None,
) -> tuple[int, bool]:
    """Insert unless (channel, provider_id) exists. Returns (row id, whether it is new)."""
    now = utcnow()
    values = {
        "channel": channel,
        "provider_id": provider_id[:250],
        "sender": sender[:320],
        "recipient": recipient[:320] if recipient else None,
        "raw": raw,
        "payload": payload or {},
        "status": "received",
        "attempts": 0,
        "received_at": now,
        "enqueued_at": now,
    }
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    insert = dialect.insert(_T).values(values).on_conflict_do_nothing(index_elements=["channel", "provider_id"])
    new_id = connection.execute(insert.returning(_T.c.id)).scalar()
    if new_id is not None:
        return int(new_id), True
    existing = connection.execute(
        select(_T.c.id).where(_T.c.channel == channel, _T.c.provider_id == provider_id[:250])
    ).scalar_one()
    return int(existing), False


def hand_off(message_id: int) -> None:
    """Queue processing; a failure is logged and the sweeper picks the row up later."""
    try:
        context.current().enqueue("process_inbound", (message_id,), None)
    except Exception:
        log.warning("could not enqueue inbound message %s; the sweeper will pick it up", message_id, exc_info=True)
