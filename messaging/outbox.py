"""The outbox: notifications become rendered, stored, queued messages in the caller's transaction.

Rows are written `queued` in the same transaction as the state change that caused them; their
delivery is handed to the broker only after that transaction commits (a rolled-back transaction
sends nothing), by a hook that `install` puts on the runtime's session factory. If the hand-off
fails, the sweeper finds the row later: the row is the truth.
"""

from __future__ import annotations

import logging
import secrets
import weakref
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import event, func, inspect, select
from sqlalchemy.orm import Session, sessionmaker

from messaging import actors, addresses, context, quiet_hours, rendering, sender_pool, short_links, tokens
from messaging.models import BouncedAddress, OutboundEvent, OutboundMessage, SmsOptOut, Status, move
from workflow.base import utcnow
from workflow.models import Person, School
from workflow.notifications import Category, Notification

log = logging.getLogger(__name__)
_PENDING = "relay.outbox.pending"


def link_url(token: str, base_url: str) -> str:
    return f"{base_url}/l/{token}"


def queue(
    session: Session, notifications: Iterable[Notification], *, now: datetime | None = None
) -> list[OutboundMessage]:
    """Render and store each notification as a queued message; delivery starts after commit."""
    now = now or utcnow()
    notes = list(notifications)
    batch = _Batch(schools={}, blocked=_blocked(session, notes))
    rows = [row for note in notes if (row := _build(session, note, now, batch)) is not None]
    if rows:
        session.add_all(rows)
        session.flush()
        session.info.setdefault(_PENDING, []).extend(r for r in rows if r.status == Status.queued)
    return rows


@dataclass
class _Batch:
    schools: dict[int, School | None]  # the session's identity map is weak: keep them here
    blocked: set[str]  # bounced email addresses and opted-out phones among the recipients
    notices: Counter[str] = field(default_factory=Counter)  # notices queued in this batch, by address


def _blocked(session: Session, notes: list[Notification]) -> set[str]:
    """One query each for the batch: which recipients must not be written to."""
    emails = {a.lower() for n in notes if n.channel == "email" and (a := _address(n))}
    phones = {a for n in notes if n.channel == "sms" and (a := _address(n))}
    blocked: set[str] = set()
    if emails:
        blocked |= set(session.scalars(select(BouncedAddress.address).where(BouncedAddress.address.in_(emails))))
    if phones:
        blocked |= set(
            session.scalars(select(SmsOptOut.phone).where(SmsOptOut.phone.in_(phones), SmsOptOut.opted_out.is_(True)))
        )
    return blocked


def _address(note: Notification) -> str | None:
    if note.to_address:
        return note.to_address
    assert note.to is not None
    return note.to.email if note.channel == "email" else note.to.phone


def _build(session: Session, note: Notification, now: datetime, batch: _Batch) -> OutboundMessage | None:
    cfg = context.current().config
    address = _address(note)
    person = note.to
    if not address:
        log.warning("no %s address for person %s; %s not sent", note.channel, person and person.id, note.template)
        return None
    school_id = note.school_id or (person.school_id if person else None)
    school = None
    if school_id:
        if school_id not in batch.schools:
            batch.schools[school_id] = session.get(School, school_id)
        school = batch.schools[school_id]
    zone = school.zone if school else ZoneInfo("UTC")
    values: dict[str, Any] = {"school": school, "person": person, "zone": zone, "now": now}
    values.update(note.context)
    values["links"] = {}
    for name, link in note.links.items():
        token = _issue(session, link, person, now)
        if note.channel == "sms":  # a text's link is short, so that it fits one segment
            expires_at = (now + link.ttl).replace(microsecond=0)
            url = short_links.shorten(session, token, expires_at=expires_at, base_url=cfg.public_base_url)
        else:
            url = link_url(token, cfg.public_base_url)
        values[name] = values["links"][name] = url
    row = OutboundMessage(
        channel=note.channel,
        kind=note.kind.value,
        template=note.template,
        school_id=school_id,
        person_id=person.id if person else None,
        to_address=address,
        created_at=now,
        enqueued_at=now,
        next_attempt_at=now,
    )
    name = note.template.split("/", 1)[1]
    if note.channel == "email":
        _fill_email(session, row, note, name, values, now)
    else:
        _fill_sms(row, note, name, values, school, zone)
    if (address.lower() if note.channel == "email" else address) in batch.blocked:
        row.status, row.final_at = move(Status.queued, OutboundEvent.block), now  # written queued, then blocked
        row.last_error = "not sent: " + ("the address bounced" if note.channel == "email" else "the number opted out")
    elif note.kind == Category.notice:
        cap = cfg.notice_cap_per_day
        if _notices_today(session, address, now) + batch.notices[address] >= cap:
            # Kept, not dropped: the row says what was not said, and the metrics count it.
            row.status, row.final_at = move(Status.queued, OutboundEvent.cap), now
            row.last_error = f"not sent: {cap} automatic notices to this address today already (the daily cap)"
            log.warning("daily notice cap of %s reached for %s; %s suppressed", cap, address, note.template)
        else:
            batch.notices[address] += 1
    return row


def _issue(session: Session, link: Any, person: Person | None, now: datetime) -> str:
    cfg = context.current().config
    return tokens.issue(
        session,
        purpose=link.purpose,
        object_type=link.object_type,
        object_id=link.object_id,
        person_id=person.id if person else None,
        ttl=link.ttl,
        keys=cfg.signing_keys,
        now=now,
        payload=link.payload,
    )


def _fill_email(
    session: Session, row: OutboundMessage, note: Notification, name: str, values: dict[str, Any], now: datetime
) -> None:
    cfg = context.current().config
    domain = cfg.inbound_domain
    values.setdefault("reply_marker", False)
    unique = secrets.token_hex(6)
    if note.reply is not None:
        token = _issue(session, note.reply, note.to, now)
        row.reply_to = addresses.reply_address(token, domain)
        values["reply_marker"] = True
        # The token rides in the Message-ID too, for servers that drop the +part of the address.
        row.message_id_header = f"<{token}.{unique}@{domain}>"
    else:
        row.message_id_header = f"<m.{unique}@{domain}>"
    if note.thread:
        row.references = f"<thread.{note.thread}@{domain}>"
    rendered = rendering.render_email(name, values)
    row.subject = rendered.subject
    row.body_text = rendered.text
    row.body_html = rendered.html
    row.from_address = cfg.mail_from


def _fill_sms(
    row: OutboundMessage, note: Notification, name: str, values: dict[str, Any], school: School | None, zone: ZoneInfo
) -> None:
    cfg = context.current().config
    rendered = rendering.render_sms(name, values, fit=note.fit, limit=note.segments)
    row.body_text = rendered.text
    row.segments = rendered.segments
    sender = sender_pool.sender_for(
        row.to_address,
        school_number=school.sms_number if school else None,
        school_service=school.sms_service_sid if school else None,
        school_pool=school.sms_pool if school else None,
        service=cfg.sms_service_sid,
        pool=cfg.sms_pool,
        number=cfg.sms_from,
    )
    row.from_address, row.messaging_service_sid = sender.from_address, sender.service_sid
    if note.to is not None and quiet_hours.keeps_quiet_hours(note.to.role, note.kind):
        row.next_attempt_at = quiet_hours.quiet_release(row.created_at, zone, cfg.quiet_window)


def opted_out(session: Session, phone: str) -> bool:
    row = session.get(SmsOptOut, phone)
    return bool(row and row.opted_out)


def _notices_today(session: Session, address: str, now: datetime) -> int:
    """Automatic notices to this address in the last day, not counting suppressed ones.

    The cap guards against loops (an auto-responder answering each notice with a new message).
    Alerts to coordinators are not capped and do not count: they report our own failures, they
    cannot be triggered by mail to their address, and an undeliverable alert raises no other.
    """
    count = session.scalar(
        select(func.count())
        .select_from(OutboundMessage)
        .where(
            OutboundMessage.to_address == address,
            OutboundMessage.kind == Category.notice.value,
            OutboundMessage.status != Status.suppressed.value,
            OutboundMessage.created_at > now - timedelta(days=1),
        )
    )
    return count or 0


def delay_ms_until(due: datetime, now: datetime) -> int | None:
    """Broker delay for a message due at `due`; None when it is due now."""
    wait = (due - now).total_seconds()
    return int(wait * 1000) if wait > 0.02 else None


EMAIL_BATCH = 10


def hand_off(rows: Iterable[OutboundMessage], now: datetime | None = None) -> int:
    """Give rows to the broker; a failure is logged, and the sweeper delivers them later.

    Emails due now go in broker messages of up to EMAIL_BATCH ids, which a worker claims in one
    statement and records in one (small enough that several threads share a big commit)."""
    ctx = context.current()
    now = now or utcnow()
    handed = 0
    batches: list[tuple[str, tuple[int, ...], int | None]] = []
    emails: list[int] = []
    for row in rows:
        delay = delay_ms_until(row.next_attempt_at, now)
        if row.channel == "email" and delay is None:
            emails.append(row.id)
        else:
            batches.append((actors.deliver(row.channel), (row.id,), delay))
    for start in range(0, len(emails), EMAIL_BATCH):
        batches.append((actors.DELIVER_EMAIL, tuple(emails[start : start + EMAIL_BATCH]), None))
    for actor, ids, delay in batches:
        try:
            ctx.enqueue(actor, ids, delay)
            handed += len(ids)
        except Exception:
            log.warning("could not enqueue messages %s; the sweeper will pick them up", ids, exc_info=True)
    return handed


_INSTALLED: weakref.WeakSet[sessionmaker[Session]] = weakref.WeakSet()


def install(sessions: sessionmaker[Session]) -> None:
    """Hand each session's queued rows to the broker after it commits, for the sessions that
    `sessions` makes (the composition root calls this on the factory it builds). Sessions from
    any other factory hand nothing off: their queued rows wait for the sweeper."""
    # Not `event.contains`: SQLAlchemy's registry is keyed by id(), and a new factory may reuse a
    # collected one's id and be taken for it. A weak set forgets a factory when it is collected.
    if sessions not in _INSTALLED:
        event.listen(sessions, "after_commit", _after_commit)
        event.listen(sessions, "after_rollback", _after_rollback)
        _INSTALLED.add(sessions)


def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a SAVEPOINT was released: the real commit, and the hand-off, come later
    rows = session.info.pop(_PENDING, None)
    if rows:
        # Rows added inside a savepoint that was rolled back were never written.
        hand_off([row for row in rows if not inspect(row).transient])


def _after_rollback(session: Session) -> None:
    if session.in_nested_transaction():
        return  # only a SAVEPOINT: its rows are dropped at hand-off, the others still stand
    session.info.pop(_PENDING, None)
