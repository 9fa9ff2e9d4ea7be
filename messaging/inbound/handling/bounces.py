"""Bounces: a delivery report counts only when it proves itself, the way Discourse does it.

Every email Relay sends carries its own signed return path (VERP: `bounce+<token>@<domain>`,
naming the message). A report counts only when it arrives at such an address and only for the
address that message went to, whatever the report claims failed: nobody else can learn the
token, so nobody else can silence an address. Anything else that looks like a bounce (an
`X-Failed-Recipients` header, a `multipart/report` naming a `Final-Recipient`, a plain-text
notice, sent to the bare reply address or to a reply+ address) is stored and ignored.

A hard bounce marks the message, keeps the address from further mail and tells the school's
coordinators. A soft one (4.x.x) counts only when it repeats: `SOFT_LIMIT` messages to the
address soft-bounced within `SOFT_WINDOW` make it a hard one. A later reply from the address
(`clear_after_reply`) or a coordinator (`failures.clear_bounce`) clears it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from messaging import addresses
from messaging.addresses import Recipient
from messaging.inbound.handling.outcome import Outcome, OutcomeKind
from messaging.inbound.reading.mime import ParsedEmail
from messaging.models import MOVES, InboundStatus, OutboundEvent, OutboundMessage, move
from messaging.outbound import failures
from messaging.outbound.failures import PermanentFailure
from workflow import people
from workflow.models import Person

SOFT_LIMIT = 3
SOFT_WINDOW = timedelta(days=7)
SOFT_MARK = "soft bounce: "


def handle(
    session: Session, mail: ParsedEmail, recipients: Sequence[Recipient], keys: Sequence[str], now: datetime
) -> Outcome:
    report = mail.report
    ids = [addresses.bounced_message_id(r.token, keys) for r in recipients if r.kind == "bounce" and r.token]
    rows = [row for i in ids if i is not None and (row := session.get(OutboundMessage, i)) is not None]
    if not rows:
        claimed = ", ".join(report.failed_recipients) if report and report.failed_recipients else "no address"
        return Outcome(
            InboundStatus.ignored,
            OutcomeKind.bounce_unverified,
            f"not at a message's own return path; names {claimed}"[:2000],
        )
    reason = (report.diagnostic or report.status) if report else None
    reason = reason or "the receiving mail server refused the message"
    if report is not None and not report.permanent:
        return _soft(session, rows, report.status or "4.0.0", reason, now)
    for row in rows:
        _mark(row, reason, now)
    failed = list(dict.fromkeys(row.to_address.lower() for row in rows))
    for address in failed:
        _block(session, address, rows, report.status if report else None, reason, now)
    return Outcome(InboundStatus.processed, OutcomeKind.bounce, f"bounced: {', '.join(failed)}")


def _mark(row: OutboundMessage, reason: str, now: datetime) -> None:
    if (row.status, OutboundEvent.bounce) in MOVES:
        row.status, row.final_at, row.last_error = (
            move(row.status, OutboundEvent.bounce),
            now,
            f"bounced: {reason}"[:1000],
        )


def _block(
    session: Session, address: str, rows: Sequence[OutboundMessage], status: str | None, reason: str, now: datetime
) -> None:
    failure = PermanentFailure(
        channel="email",
        address=address,
        reason=f"the message bounced: {reason}",
        about=next((r.subject or "" for r in rows if r.to_address.lower() == address), "") or "a recent email",
        alert=_schools(session, address, rows),
        bounced=True,
        bounce_status=status,
        diagnostic=reason,
    )
    failures.record_permanent_failure(session, failure, now)


def _soft(session: Session, rows: Sequence[OutboundMessage], status: str, reason: str, now: datetime) -> Outcome:
    """A soft bounce is noted on its message (no status move: the message may still arrive); the
    address is blocked only when `SOFT_LIMIT` of its messages soft-bounced within `SOFT_WINDOW`."""
    for row in rows:
        if row.last_error is None or not row.last_error.startswith(SOFT_MARK):
            row.last_error = f"{SOFT_MARK}{status} {reason}"[:1000]
    session.flush()
    blocked = []
    for address in dict.fromkeys(row.to_address.lower() for row in rows):
        count = session.scalar(
            select(func.count())
            .select_from(OutboundMessage)
            .where(
                func.lower(OutboundMessage.to_address) == address,
                OutboundMessage.last_error.like(f"{SOFT_MARK}%"),
                OutboundMessage.created_at > now - SOFT_WINDOW,
            )
        )
        if (count or 0) >= SOFT_LIMIT:
            note = f"{count} soft bounces within {SOFT_WINDOW.days} days ({status} {reason})"
            _block(session, address, rows, status, note, now)
            blocked.append(address)
    if blocked:
        return Outcome(InboundStatus.processed, OutcomeKind.bounce, f"bounced (repeated soft): {', '.join(blocked)}")
    return Outcome(
        InboundStatus.processed,
        OutcomeKind.bounce_delayed,
        f"soft bounce ({status}) for {', '.join(r.to_address for r in rows)}; not yet repeated",
    )


def clear_after_reply(session: Session, person: Person, now: datetime) -> bool:
    """A reply matched to a token we sent this person proves the address takes mail again."""
    if not person.email:
        return False
    return failures.clear_bounce(session, person.email, person, now, channel="email")


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
