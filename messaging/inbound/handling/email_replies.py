"""Handling one stored email: a person's reply is applied; everything else is recognised.

Order: loops, bounces and auto-replies are set aside first (never taken as an answer). Then the
token is found, in the envelope recipient (reply+<token>) or, for a reply that lost its +token,
in the Message-ID it answers. An expired token gets a short explanation (once a day per
address); a reply from someone other than the token's recipient changes nothing and the
recipient is told. Only then is the new text cut from the quote and handed, by the token's
purpose, to a workflow service.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from email.utils import parseaddr

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from messaging import addresses, context, outbox, tokens
from messaging.addresses import Recipient
from messaging.inbound.handling import bounces
from messaging.inbound.handling.actions import attendance, evaluations, placements
from messaging.inbound.handling.incoming import IncomingReply, ReplyHandler
from messaging.inbound.handling.outcome import Outcome, OutcomeKind
from messaging.inbound.reading import mime
from messaging.inbound.reading.auto_replies import Origin, classify
from messaging.inbound.reading.reply_text import split_reply
from messaging.models import InboundMessage, InboundStatus, OutboundMessage
from messaging.tokens import Purpose
from workflow import people
from workflow.models import Person
from workflow.notifications import Category, Notification

log = logging.getLogger(__name__)


REPLY_HANDLERS: dict[Purpose, ReplyHandler] = {
    Purpose.attendance_confirm: attendance.confirm_by_reply,
    Purpose.attendance_digest: attendance.digest_by_reply,
    Purpose.request_decide: placements.request_by_reply,
    Purpose.start_decide: placements.start_by_reply,
    Purpose.evaluation: evaluations.answer_by_reply,
}


def handle(session: Session, row: InboundMessage, now: datetime) -> Outcome:
    cfg = context.current().config
    mail = mime.parse(row.raw or b"")
    envelope_sender = str(row.payload.get("mail_from", row.sender or ""))
    recipients = _recipients(row, cfg.inbound_domain, cfg.mail_from)
    own = {parseaddr(cfg.mail_from)[1].lower()}
    kind = classify(mail, envelope_sender=envelope_sender, own_addresses=own)
    if any(r.kind == "bounce" for r in recipients) and kind != Origin.loop:
        kind = Origin.bounce
    if kind == Origin.loop:
        return Outcome(InboundStatus.ignored, OutcomeKind.loop, "our own message came back, or too many hops")
    if kind == Origin.bounce:
        return bounces.handle(session, mail, recipients, cfg.signing_keys, now)
    if kind == Origin.auto_reply:
        return Outcome(InboundStatus.ignored, OutcomeKind.auto_reply, mail.subject[:200])

    sender = mail.from_address or parseaddr(envelope_sender)[1].lower()
    token = _token(recipients, mail, cfg.inbound_domain)
    if token is None:
        return _unmatched(session, sender, mail, now)
    try:
        claims, token_row = tokens.load(session, token, cfg.signing_keys)
    except tokens.BadToken:
        return _unmatched(session, sender, mail, now)
    person = session.get(Person, token_row.person_id) if token_row.person_id else None
    if person is None:
        return Outcome(InboundStatus.quarantined, OutcomeKind.no_recipient, f"token {token_row.id} has no person")
    if claims.expired(now):
        return _expired(session, sender, person, mail, now)
    if not person.email or sender != person.email.strip().lower():
        return _wrong_sender(session, sender, person, mail, now)
    bounces.clear_after_reply(session, person, now)  # a reply to our token: the address takes mail
    handler = REPLY_HANDLERS.get(claims.purpose)
    if handler is None:
        return Outcome(InboundStatus.ignored, OutcomeKind.no_handler, f"replies to {claims.purpose} are not read")
    reply = IncomingReply(token_row, person, split_reply(mail.text).text, mail.subject)
    result = handler(session, reply, now)
    outbox.queue(session, result.notifications, now=now)
    return Outcome(InboundStatus.processed, claims.purpose, result.summary)


def _recipients(row: InboundMessage, domain: str, mail_from: str) -> list[Recipient]:
    bare = (addresses.REPLY, parseaddr(mail_from)[1].partition("@")[0].lower())
    found = []
    for address in row.payload.get("rcpt_tos", []) or [row.recipient or ""]:
        recipient = addresses.read_recipient(str(address), domain, bare)
        if recipient is not None:
            found.append(recipient)
    return found


def _token(recipients: Sequence[Recipient], mail: mime.ParsedEmail, domain: str) -> str | None:
    for recipient in recipients:
        if recipient.kind == "reply" and recipient.token:
            return recipient.token
    for message_id in mail.thread_ids:
        token = addresses.token_in_message_id(message_id, domain)
        if token:
            return token
    for address in mail.delivered_to + mail.to + mail.cc:
        header_recipient = addresses.read_recipient(address, domain)
        if header_recipient is not None and header_recipient.kind == "reply" and header_recipient.token:
            return header_recipient.token
    return None


def _sent_today(session: Session, address: str, template: str, now: datetime) -> bool:
    count = session.scalar(
        select(func.count())
        .select_from(OutboundMessage)
        .where(
            OutboundMessage.to_address == address,
            OutboundMessage.kind == Category.notice.value,
            OutboundMessage.template == template,
            OutboundMessage.created_at > now - timedelta(days=1),
        )
    )
    return bool(count)


def _notice(session: Session, template: str, to: Person, now: datetime, **values: object) -> bool:
    """A notice about an email that could not be used; at most one of each a day per address."""
    if not to.email or _sent_today(session, to.email, template, now):
        return False
    outbox.queue(session, [Notification(template=template, to=to, kind=Category.notice, context=values)], now=now)
    return True


def _known(session: Session, address: str) -> Person | None:
    found = people.by_email(session, address)
    return found[0] if found else None


def _expired(session: Session, sender: str, person: Person, mail: mime.ParsedEmail, now: datetime) -> Outcome:
    to = person if person.email and person.email.lower() == sender else _known(session, sender)
    told = to is not None and _notice(session, "email/reply_expired", to, now, subject=mail.subject)
    return Outcome(
        InboundStatus.processed, OutcomeKind.expired, "sender told" if told else "already told today, or unknown sender"
    )


def _wrong_sender(session: Session, sender: str, person: Person, mail: mime.ParsedEmail, now: datetime) -> Outcome:
    told = _notice(session, "email/reply_wrong_sender", person, now, sender=sender, subject=mail.subject)
    log.info("reply for person %s came from %s; not applied", person.id, sender)
    return Outcome(
        InboundStatus.processed,
        OutcomeKind.sender_mismatch,
        f"from {sender}; {'recipient told' if told else 'not told again'}",
    )


def _unmatched(session: Session, sender: str, mail: mime.ParsedEmail, now: datetime) -> Outcome:
    person = _known(session, sender)
    told = person is not None and _notice(session, "email/reply_unmatched", person, now, subject=mail.subject)
    return Outcome(
        InboundStatus.quarantined, OutcomeKind.unmatched, "sender told" if told else "no token and no known sender"
    )
