"""A permanent failure, recorded once for every writer that learns of one: delivery (the provider
refused), Twilio's status callback (the carrier could not deliver) and the bounce handler (the
receiving server refused). The writer has marked its row(s) by the status table; this keeps the
address from further messages where the provider says it takes none, and tells the coordinators.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session

from messaging import outbox
from messaging.models import BouncedAddress, SmsOptOut
from workflow import alerts, audit
from workflow.models import Person


@dataclass(frozen=True)
class PermanentFailure:
    channel: str  # "email" or "sms"
    address: str  # the phone number or email address that could not be reached
    reason: str  # for the coordinator: why it failed
    about: str  # for the coordinator: what the message was about
    # Whom to alert: school id -> the recipient's name there (None if unknown). Empty: nobody
    # (an alert that cannot be delivered raises no other alert).
    alert: Mapping[int | None, str | None] = field(default_factory=dict)
    opted_out: bool = False  # SMS: the carrier says the number takes no more texts
    bounced: bool = False  # email: the address bounced permanently
    bounce_status: str | None = None  # the bounce report's status, if there was a report
    diagnostic: str = ""  # the receiving server's words, kept with the bounced address


class _Row(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def school_id(self) -> int | None: ...
    @property
    def person_id(self) -> int | None: ...


def alert_for(session: Session, row: _Row) -> dict[int | None, str | None]:
    """Whom to alert about one failed message: its school, naming its recipient; nobody for an
    alert (an alert that cannot be delivered does not raise another alert)."""
    if row.kind == "alert":
        return {}
    person = session.get(Person, row.person_id) if row.person_id else None
    return {row.school_id: person.name if person else None}


def record_permanent_failure(session: Session, failure: PermanentFailure, now: datetime) -> None:
    """Block the address if the provider says so, then alert each school's coordinators."""
    if failure.opted_out:
        session.merge(SmsOptOut(phone=failure.address, opted_out=True, keyword="carrier", updated_at=now))
    if failure.bounced:
        session.merge(
            BouncedAddress(
                address=failure.address,
                status=failure.bounce_status,
                diagnostic=failure.diagnostic[:500],
                bounced_at=now,
            )
        )
    for school_id, name in failure.alert.items():
        notes = alerts.message_failed(
            session,
            school_id=school_id,
            channel=failure.channel,
            address=failure.address,
            recipient_name=name,
            reason=failure.reason,
            about=failure.about,
        )
        outbox.queue(session, notes, now=now)


def clear_bounce(
    session: Session, address: str, actor: Person | None, now: datetime, *, channel: str = "dashboard"
) -> bool:
    """Let mail go to a bounced address again (a coordinator says so, or the address replied),
    audited. True if it was blocked."""
    address = address.strip().lower()
    found = session.get(BouncedAddress, address)
    if found is None:
        return False
    session.delete(found)
    session.flush()
    audit.record(
        session,
        action="email.bounce_cleared",
        channel=channel,
        now=now,
        actor=actor,
        object_type="email_address",
        address=address,
        previous_status=found.status,
        bounced_at=found.bounced_at.isoformat(),
    )
    return True
