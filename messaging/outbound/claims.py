"""The delivery path's statements: claiming rows and recording them sent, built once.

The claim (`queued -> sending`, one UPDATE that only one worker can win) makes a duplicate
delivery message a no-op. `claim_many` takes several due rows in that same one statement, and
`record_sent` records any number of sends in one round trip, so a batch of emails costs two
statements however many it holds. Core statements returning plain rows: this runs once per
message, and ORM objects would double its cost.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol, cast

from sqlalchemy import Connection, Integer, String, Table, bindparam, case, func, update

from messaging import context
from messaging.models import OutboundEvent as On
from messaging.models import OutboundMessage, may, target
from messaging.outbound.transports import Outgoing, SendResult
from workflow.base import UTCDateTime

log = logging.getLogger(__name__)
PACING_SLACK_SECONDS = 0.02
SLACK = timedelta(seconds=PACING_SLACK_SECONDS)
OM = OutboundMessage


class Claimed(Outgoing, Protocol):
    """A claimed row, as returned by the claim (a plain row, not an ORM object)."""

    @property
    def channel(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def attempts(self) -> int: ...
    @property
    def uncertain(self) -> bool: ...
    @property
    def school_id(self) -> int | None: ...
    @property
    def person_id(self) -> int | None: ...


_T = cast(Table, OM.__table__)
_RETURNED = [
    _T.c[name]
    for name in (
        "id",
        "channel",
        "kind",
        "attempts",
        "uncertain",
        "school_id",
        "person_id",
        "to_address",
        "from_address",
        "messaging_service_sid",
        "subject",
        "body_text",
        "body_html",
        "message_id_header",
        "reply_to",
        "references",
        "created_at",
    )
]
# Built once: statement construction and cache-key generation cost more than the round trip.
_CLAIM = (
    update(_T)
    .where(
        _T.c.id == bindparam("message_id"),
        may(_T.c.status, On.claim),
        _T.c.next_attempt_at <= bindparam("due_by", type_=UTCDateTime()),
    )
    .values(status=target(On.claim).value, claimed_at=bindparam("now", type_=UTCDateTime()), attempts=_T.c.attempts + 1)
    .returning(*_RETURNED)
)
_RECLAIM = (
    update(_T)
    .where(
        _T.c.id == bindparam("message_id"),
        may(_T.c.status, On.reclaim),
        _T.c.claimed_at <= bindparam("stale", type_=UTCDateTime()),
    )
    .values(claimed_at=bindparam("now", type_=UTCDateTime()), attempts=_T.c.attempts + 1, uncertain=True)
    .returning(*_RETURNED)
)
_CLAIM_MANY = (
    update(_T)
    .where(
        _T.c.id.in_(bindparam("message_ids", expanding=True)),
        may(_T.c.status, On.claim),
        _T.c.next_attempt_at <= bindparam("due_by", type_=UTCDateTime()),
    )
    .values(status=target(On.claim).value, claimed_at=bindparam("now", type_=UTCDateTime()), attempts=_T.c.attempts + 1)
    .returning(*_RETURNED)
)
_still_sending = may(_T.c.status, On.accept)
_RECORD_SENT = (
    update(_T)
    .where(_T.c.id == bindparam("sent_id"))
    .values(
        status=case((_still_sending, target(On.accept).value), else_=_T.c.status),
        provider_id=func.coalesce(_T.c.provider_id, bindparam("provider_id", type_=String())),
        sent_at=func.coalesce(_T.c.sent_at, bindparam("now", type_=UTCDateTime())),
        latency_ms=func.coalesce(_T.c.latency_ms, bindparam("latency_ms", type_=Integer())),
        last_error=case((_still_sending, None), else_=_T.c.last_error),
        uncertain=case((_still_sending, False), else_=_T.c.uncertain),
    )
)


def claim(connection: Connection, message_id: int, now: datetime) -> tuple[Claimed | None, bool]:
    """Take the row for this worker. Returns (row, recovering) or (None, False) if not ours."""
    row = connection.execute(_CLAIM, {"message_id": message_id, "due_by": now + SLACK, "now": now}).one_or_none()
    if row is not None:
        return cast(Claimed, row), bool(row.uncertain)
    stale = now - timedelta(seconds=context.current().config.stale_sending)
    row = connection.execute(_RECLAIM, {"message_id": message_id, "stale": stale, "now": now}).one_or_none()
    if row is not None:
        log.warning("message %s was left sending by a worker that stopped; trying again", message_id)
        return cast(Claimed, row), True
    return None, False


def claim_many(connection: Connection, message_ids: Sequence[int], now: datetime) -> list[Claimed]:
    """Take every one of these rows that is due and queued, in one statement. A row left
    `sending` by a worker that stopped is not taken here: `claim` takes it, alone."""
    rows = connection.execute(_CLAIM_MANY, {"message_ids": list(message_ids), "due_by": now + SLACK, "now": now})
    return [cast(Claimed, row) for row in rows]


def record_sent(sent: Sequence[tuple[Claimed, SendResult]], now: datetime) -> None:
    """`sent`, unless a status callback already moved the row on (then its status stays, and only
    the provider id and time are filled in). Several rows go in one round trip (executemany)."""
    if not sent:
        return
    params = [
        {
            "sent_id": row.id,
            "provider_id": result.provider_id,
            "now": now,
            "latency_ms": int((now - row.created_at).total_seconds() * 1000),
        }
        for row, result in sent
    ]
    with context.current().single_statements() as connection:
        connection.execute(_RECORD_SENT, params if len(params) > 1 else params[0])
