"""Quiet hours hold for every attempt, not only the first: a retry's backoff, or a row reclaimed
from a worker that stopped, never sends a student a text between 21:00 and 07:00 local time,
unless it answers their own message. The clock is the test's."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from messaging import outbox
from messaging.models import OutboundMessage, Status
from messaging.outbound import delivery
from messaging.outbound.transports import Outgoing, SendResult, TransientError
from relay.runtime import Runtime
from tests.support import builders
from workflow.models import Role
from workflow.notifications import Category, Notification

LA = ZoneInfo("America/Los_Angeles")


def local(hour: int, minute: int = 0, day: int = 15) -> datetime:
    return datetime(2026, 1, day, hour, minute, tzinfo=LA).astimezone(UTC)


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Provider:
    """A transport that fails while `failing` and records when (by the test's clock) it sent."""

    clock: Clock
    failing: bool = True
    sent: list[tuple[str, datetime]] = field(default_factory=list)
    name: str = "test"

    def send(self, message: Outgoing) -> SendResult:
        if self.failing:
            raise TransientError("provider busy")
        self.sent.append((message.to_address, self.clock.now))
        return SendResult(provider_id=f"p-{message.id}")

    def close(self) -> None:
        pass


@dataclass
class World:
    runtime: Runtime
    clock: Clock
    provider: Provider
    enqueued: list[tuple[str, tuple[Any, ...], int | None]]

    def row(self, message_id: int) -> OutboundMessage:
        with self.runtime.sessions() as session:
            return session.get_one(OutboundMessage, message_id)


@pytest.fixture
def quiet(make_runtime: Callable[..., Runtime], sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> World:
    # Backoff of 96-144 s: from 20:59 it always lands inside quiet hours.
    runtime = make_runtime(
        database_url=sqlite_url,
        quiet_hours="21:00-07:00",
        retry_base_seconds=120,
        retry_max_seconds=600,
        sms_segments_per_second=1000,  # pacing (on the real clock) out of the way
    )
    clock = Clock(local(20, 59))
    monkeypatch.setattr(delivery, "utcnow", clock)
    provider = Provider(clock)
    runtime.context.transports["sms"] = provider
    enqueued: list[tuple[str, tuple[Any, ...], int | None]] = []
    runtime.context.enqueue = lambda actor, args, delay: enqueued.append((actor, args, delay))
    return World(runtime, clock, provider, enqueued)


def _queue(w: World, role: Role, phone: str, kind: Category = Category.message) -> int:
    with w.runtime.sessions.begin() as session:
        school = builders.school(session, timezone="America/Los_Angeles")
        person = builders.person(session, school, role, f"{role} {phone[-2:]}", phone=phone)
        [row] = outbox.queue(session, [Notification(template="sms/help", to=person, kind=kind)], now=w.clock.now)
        return row.id


def test_a_retry_that_would_land_in_quiet_hours_waits_until_seven(quiet: World) -> None:
    w = quiet
    student = _queue(w, Role.student, "+15550000001")
    answer = _queue(w, Role.student, "+15550000002", Category.answer)
    mentor = _queue(w, Role.mentor, "+15550000003")
    for message_id in (student, answer, mentor):
        delivery.deliver_sms(message_id)
    release = local(7, day=16)

    held = w.row(student)
    assert (held.status, held.attempts, held.last_error) == (Status.queued, 1, "provider busy")
    assert held.next_attempt_at == release, "the retry waits for the end of quiet hours"
    assert ("deliver_sms", (student,), int((release - w.clock.now).total_seconds() * 1000)) in w.enqueued
    for exempt in (answer, mentor):  # an answer to the student's own text, and a mentor, retry at once
        row = w.row(exempt)
        assert row.status == Status.queued and row.next_attempt_at < local(21, 2)

    # The broker (or the sweeper) brings the student's text back early: it is put off again.
    w.provider.failing = False
    w.clock.now = local(21, 30)
    w.enqueued.clear()
    delivery.deliver_sms(student)
    assert w.provider.sent == [] and w.row(student).status == Status.queued
    assert w.enqueued == [("deliver_sms", (student,), int((release - w.clock.now).total_seconds() * 1000))]

    w.clock.now = release
    delivery.deliver_sms(student)
    assert w.provider.sent == [("+15550000001", release)]
    assert (w.row(student).status, w.row(student).attempts) == (Status.sent, 2)


def test_a_text_reclaimed_from_a_stopped_worker_in_quiet_hours_waits_until_seven(quiet: World) -> None:
    w = quiet
    student = _queue(w, Role.student, "+15550000001")
    with w.runtime.sessions.begin() as session:  # a worker claimed it at 20:59 and died
        session.execute(
            update(OutboundMessage)
            .where(OutboundMessage.id == student)
            .values(status=Status.sending, claimed_at=w.clock.now, attempts=1)
        )
    w.provider.failing = False
    w.clock.now = local(21, 30)  # past the stale limit (300 s): the sweeper hands it on
    delivery.deliver_sms(student)
    row = w.row(student)
    assert w.provider.sent == []
    assert (row.status, row.attempts, row.next_attempt_at) == (Status.queued, 1, local(7, day=16))

    w.clock.now = local(7, day=16) + timedelta(seconds=1)
    delivery.deliver_sms(student)
    assert w.provider.sent == [("+15550000001", w.clock.now)]
    assert w.row(student).status == Status.sent


def test_a_first_attempt_that_comes_late_into_quiet_hours_waits_until_seven(quiet: World) -> None:
    """Queued at 20:59, outside quiet hours, but the broker lost it and the sweeper brings it
    back at 21:05 (or a backlog held it): it is not sent until seven, and the wait costs no
    attempt. One that is on time is sent without a look-up."""
    w = quiet
    w.provider.failing = False
    late = _queue(w, Role.student, "+15550000001")
    on_time = _queue(w, Role.student, "+15550000002")
    delivery.deliver_sms(on_time)
    assert w.provider.sent == [("+15550000002", local(20, 59))]

    w.clock.now = local(21, 5)
    delivery.deliver_sms(late)
    row = w.row(late)
    assert w.provider.sent == [("+15550000002", local(20, 59))]
    assert (row.status, row.attempts, row.next_attempt_at) == (Status.queued, 0, local(7, day=16))

    w.clock.now = local(7, day=16)
    delivery.deliver_sms(late)
    assert w.provider.sent[-1] == ("+15550000001", local(7, day=16))
    assert (w.row(late).status, w.row(late).attempts) == (Status.sent, 1)
