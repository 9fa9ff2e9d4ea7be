"""Bounces: the message that bounced is marked, the address is kept from further mail, and the
school's coordinators are told who could not be reached."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from messaging import addresses
from messaging.addresses import Recipient
from messaging.inbound.handling.outcome import Outcome, OutcomeKind
from messaging.inbound.reading.mime import ParsedEmail
from messaging.models import MOVES, InboundStatus, OutboundEvent, OutboundMessage, move
from messaging.outbound import failures
from messaging.outbound.failures import PermanentFailure
from workflow import people


def handle(
    session: Session, mail: ParsedEmail, recipients: Sequence[Recipient], keys: Sequence[str], now: datetime
) -> Outcome:
    report = mail.report
    ids = [addresses.bounced_message_id(r.token, keys) for r in recipients if r.kind == "bounce" and r.token]
    rows = [row for i in ids if i is not None and (row := session.get(OutboundMessage, i)) is not None]
    failed = dict.fromkeys(report.failed_recipients if report else [])
    failed.update(dict.fromkeys(row.to_address.lower() for row in rows))
    if report is not None and not report.permanent:
        return Outcome(
            InboundStatus.processed,
            OutcomeKind.bounce_delayed,
            f"delivery delayed ({report.status}) for {', '.join(failed)}",
        )
    reason = (report.diagnostic or report.status) if report else None
    reason = reason or "the receiving mail server refused the message"
    for row in rows:
        if (row.status, OutboundEvent.bounce) in MOVES:
            row.status, row.final_at, row.last_error = (
                move(row.status, OutboundEvent.bounce),
                now,
                f"bounced: {reason}"[:1000],
            )
    for address in failed:
        failure = PermanentFailure(
            channel="email",
            address=address,
            reason=f"the message bounced: {reason}",
            about=next((r.subject or "" for r in rows if r.to_address.lower() == address), "") or "a recent email",
            alert=_schools(session, address, rows),
            bounced=True,
            bounce_status=report.status if report else None,
            diagnostic=reason,
        )
        failures.record_permanent_failure(session, failure, now)
    return Outcome(InboundStatus.processed, OutcomeKind.bounce, f"bounced: {', '.join(failed) or 'unknown recipient'}")


def _schools(session: Session, address: str, rows: Sequence[OutboundMessage]) -> dict[int | None, str | None]:
    """The schools to tell, each with the recipient's name there: the schools of the people with
    this address, then those of the messages that bounced."""
    schools: dict[int | None, str | None] = {}
    for person in people.by_email(session, address):
        schools.setdefault(person.school_id, person.name)
    for row in rows:
        if row.to_address.lower() == address and row.school_id is not None:
            schools.setdefault(row.school_id, None)
    return schools
