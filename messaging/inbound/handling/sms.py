"""Handling one stored SMS: opt-outs, then what the sender asked, in one transaction.

Keywords go to `workflow` services; free text goes to whatever Relay was waiting for from that
number (today's goals, a choice between two internships, a line on what was learned after
CHECKOUT); anything else gets short help text,
at most once an hour to a number that keeps repeating itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from messaging import outbox
from messaging.inbound.handling import conversation as conversations
from messaging.inbound.handling.actions import attendance, evaluations, placements
from messaging.inbound.handling.outcome import Outcome, OutcomeKind
from messaging.inbound.reading.sms_keywords import Keyword, Parsed, parse
from messaging.models import InboundMessage, InboundStatus, SmsOptOut
from workflow import audit, directory, people
from workflow.models import Person, Role
from workflow.notifications import Expectation, Result

KeywordHandler = Callable[[Session, Person, Parsed, datetime], Result]
# An expectation handler returns None when the message is not an answer to what it waits for.
ExpectationHandler = Callable[[Session, Person, Expectation, Parsed, datetime], Result | None]

KEYWORD_HANDLERS: dict[Keyword, KeywordHandler] = {
    Keyword.help: lambda session, person, parsed, now: directory.help_for(person),
    Keyword.who: lambda session, person, parsed, now: directory.whoami(person),
    Keyword.checkin: attendance.check_in,
    Keyword.checkout: attendance.check_out,
    Keyword.search: placements.find,
    Keyword.ready: placements.ready,
}
EXPECTATION_HANDLERS: dict[str, ExpectationHandler] = {
    "goals": attendance.goals,
    "reflection": attendance.reflection,
    "which_placement": attendance.which_placement,
    "ready": placements.ready_answer,
}
# What an opted-out number may still do: opting out stops our texts, not the student's attendance
# (the day is opened or closed, the mentor emailed; any text back is written blocked, never sent).
ATTENDANCE = frozenset({Keyword.checkin, Keyword.checkout})
# Keywords that leave whatever Relay was waiting for in place.
ASIDES = frozenset({Keyword.help, Keyword.who})
ROLE_ORDER = {Role.student: 0, Role.mentor: 1, Role.advisor: 2, Role.coordinator: 3}


def sender(session: Session, phone: str) -> Person | None:
    found = sorted(people.by_phone(session, phone), key=lambda p: (ROLE_ORDER.get(Role(p.role), 9), p.id))
    return found[0] if found else None


def handle(session: Session, row: InboundMessage, now: datetime) -> Outcome:
    phone = row.sender
    parsed = parse(str(row.payload.get("Body", "")))
    if parsed.keyword in (Keyword.opt_out, Keyword.opt_in):
        outcome = _opt(session, phone, parsed, now)
        person = sender(session, phone)
        consent = evaluations.student_answer(session, person, parsed, now) if person else None
        if consent is not None:  # YES while a recommendation waits for it: opted in, and consent given
            outbox.queue(session, consent.notifications, now=now)
        return outcome
    if outbox.opted_out(session, phone) and parsed.keyword not in ATTENDANCE:
        return Outcome(InboundStatus.ignored, OutcomeKind.opted_out, "the number opted out; nothing can be sent back")
    conversation = conversations.load(session, phone, now)
    person = sender(session, phone)
    if person is None:
        if not conversations.take_help_turn(conversation, now):
            return Outcome(InboundStatus.processed, OutcomeKind.unknown_number, "help already sent within the hour")
        outbox.queue(session, directory.unknown_number(phone).notifications, now=now)
        return Outcome(InboundStatus.processed, OutcomeKind.unknown_number)

    result: Result | None = None
    expectation = conversations.expecting(conversation)
    if expectation is not None and parsed.keyword in (Keyword.text, Keyword.choice):
        answer = EXPECTATION_HANDLERS.get(expectation.kind)
        result = answer(session, person, expectation, parsed, now) if answer else None
    if result is None and parsed.keyword in (Keyword.text, Keyword.choice):
        result = evaluations.student_answer(session, person, parsed, now)  # a rating, or a yes to share
    if result is None:
        handler = KEYWORD_HANDLERS.get(parsed.keyword)
        if handler is None:
            if not conversations.take_help_turn(conversation, now):
                return Outcome(InboundStatus.processed, OutcomeKind.not_understood, "help already sent within the hour")
            outbox.queue(session, directory.help_for(person).notifications, now=now)
            return Outcome(InboundStatus.processed, OutcomeKind.not_understood, "help sent")
        result = handler(session, person, parsed, now)
        if parsed.keyword not in ASIDES:
            conversations.remember(conversation, result.expect, now)
    else:
        conversations.remember(conversation, result.expect, now)
    outbox.queue(session, result.notifications, now=now)
    return Outcome(InboundStatus.processed, parsed.keyword, result.summary)


def _opt(session: Session, phone: str, parsed: Parsed, now: datetime) -> Outcome:
    """Carrier keywords: recorded so nothing is sent to an opted-out number. Twilio answers them
    itself (its standard opt-out and opt-in replies), so Relay sends nothing back."""
    out = parsed.keyword == Keyword.opt_out
    session.merge(SmsOptOut(phone=phone, opted_out=out, keyword="STOP" if out else "START", updated_at=now))
    person = sender(session, phone)
    audit.record(
        session,
        action="sms.opt_out" if out else "sms.opt_in",
        channel="sms",
        now=now,
        actor=person,
        actor_label=None if person else phone,
    )
    return Outcome(InboundStatus.processed, parsed.keyword)
