"""Bounces: the message that bounced is marked, the address is kept from further mail, and the
school's coordinators are told who could not be reached."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from messaging import addresses, outbox
from messaging.addresses import Recipient
from messaging.inbound.handling.outcome import Outcome
from messaging.inbound.reading.mime import ParsedEmail
from messaging.models import FINAL_STATUSES, BouncedAddress, OutboundMessage, Status
from workflow import alerts, people


def handle(
    session: Session, mail: ParsedEmail, recipients: Sequence[Recipient], keys: Sequence[str], now: datetime
) -> Outcome:
    report = mail.report
    ids = [addresses.bounced_message_id(r.token, keys) for r in recipients if r.kind == "bounce" and r.token]
    rows = [row for i in ids if i is not None and (row := session.get(OutboundMessage, i)) is not None]
    failed = dict.fromkeys(report.failed_recipients if report else [])
    failed.update(dict.fromkeys(row.to_address.lower() for row in rows))
    if report is not None and not report.permanent:
        return Outcome("processed", "bounce_delayed", f"delivery delayed ({report.status}) for {', '.join(failed)}")
    reason = (report.diagnostic or report.status) if report else None
    reason = reason or "the receiving mail server refused the message"
    for row in rows:
        if row.status not in FINAL_STATUSES or row.status == Status.delivered:
            row.status, row.final_at, row.last_error = Status.bounced, now, f"bounced: {reason}"[:1000]
    for address in failed:
        session.merge(
            BouncedAddress(
                address=address, status=report.status if report else None, diagnostic=reason[:500], bounced_at=now
            )
        )
        _tell_coordinators(session, address, reason, rows, now)
    return Outcome("processed", "bounce", f"bounced: {', '.join(failed) or 'unknown recipient'}")


def _tell_coordinators(
    session: Session, address: str, reason: str, rows: Sequence[OutboundMessage], now: datetime
) -> None:
    about = next((r.subject or "" for r in rows if r.to_address.lower() == address), "") or "a recent email"
    schools: dict[int, str | None] = {}
    for person in people.by_email(session, address):
        schools.setdefault(person.school_id, person.name)
    for row in rows:
        if row.to_address.lower() == address and row.school_id is not None:
            schools.setdefault(row.school_id, None)
    for school_id, name in schools.items():
        notes = alerts.message_failed(
            session,
            school_id=school_id,
            channel="email",
            address=address,
            recipient_name=name,
            reason=f"the message bounced: {reason}",
            about=about,
        )
        outbox.queue(session, notes, now=now)
