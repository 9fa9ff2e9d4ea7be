"""Texts through a Twilio Messaging Service (a pool of numbers), with the real twilio client
against the local Twilio API, which models the service's pool and its sticky sender.

The send names the service, never a number; a recipient gets every text from one number; pacing
runs one lane a pool number (the lane is the recipient's, kept on the row), so the pool sends
`numbers x rate`; status callbacks and opt-outs work as with one number; a school's own service
wins over the deployment's, and a school's own number still goes from that number.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import pairwise
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from messaging import outbox
from messaging.models import OutboundMessage, SmsOptOut, Status
from relay.processes import start_worker
from tests.support import builders
from tests.support.twilio_api import FakeTwilio
from tests.support.waiting import wait_until
from workflow.models import Role
from workflow.notifications import Category, Notification

SERVICE = "MG" + "1" * 32
SCHOOL_SERVICE = "MG" + "2" * 32
POOL = ["+15550170001", "+15550170002", "+15550170003"]
RATE = 4.0  # segments a second, each number
STUDENTS = 9
TEXTS = 3


def _runtime(make_runtime: Any, backend: dict[str, Any], twilio: FakeTwilio, **extra: Any) -> Any:
    return make_runtime(
        **backend,
        twilio_account_sid=twilio.account_sid,
        twilio_auth_token=twilio.auth_token,
        twilio_messaging_service_sid=SERVICE,
        twilio_pool=",".join(POOL),
        twilio_api_base=twilio.base_url,
        sms_segments_per_second=RATE,
        quiet_hours="00:00-00:00",
        **extra,
    )


def _rows(runtime: Any) -> list[OutboundMessage]:
    with runtime.sessions() as session:
        return list(session.scalars(select(OutboundMessage).order_by(OutboundMessage.id)))


def _finished(runtime: Any, statuses: set[Status]) -> list[OutboundMessage] | None:
    rows = [r for r in _rows(runtime) if r.channel == "sms"]
    return rows if all(r.status in statuses for r in rows) else None


def test_a_pool_sends_through_the_service_keeps_each_recipient_on_one_number_and_paces_each_number(
    backend: dict[str, Any], make_runtime: Any
) -> None:
    with FakeTwilio(services={SERVICE: POOL}) as twilio:
        runtime = _runtime(make_runtime, backend, twilio)
        with runtime.sessions.begin() as session:
            school = builders.school(session)
            students = [
                builders.person(session, school, Role.student, f"S{i}", phone=f"+1555018{i:04d}")
                for i in range(STUDENTS)
            ]
            for _ in range(TEXTS):  # each in its own batch, as a student's answers come
                outbox.queue(session, [Notification(template="sms/help", to=s, kind=Category.answer) for s in students])
        runtime.extra["workers"] = [start_worker(runtime, threads=8)]
        total = STUDENTS * TEXTS
        wait_until(lambda: len(twilio.accepted) == total, timeout=60, what=f"{total} texts")
        rows = wait_until(lambda: _finished(runtime, {Status.sent}), what="all recorded")

    assert all(a.messaging_service_sid == SERVICE and a.from_ in POOL for a in twilio.accepted), "sent by the service"
    numbers: dict[str, set[str]] = defaultdict(set)
    for accepted in twilio.accepted:
        numbers[accepted.to].add(accepted.from_)
    assert all(len(n) == 1 for n in numbers.values()), f"a recipient got texts from several numbers: {numbers}"
    lanes: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        assert row.messaging_service_sid == SERVICE and row.from_address in POOL
        lanes[row.to_address].add(row.from_address)
    assert all(len(lane) == 1 for lane in lanes.values()), "Relay keeps a recipient on one lane"
    by_lane: dict[str, list[float]] = defaultdict(list)
    for accepted in twilio.accepted:
        by_lane[next(iter(lanes[accepted.to]))].append(accepted.at)
    assert len(by_lane) >= 2, "these recipients are spread over the pool"
    for lane, times in by_lane.items():
        times.sort()
        # One number is never faster than its rate; the slack is the 0.5 s a text may be off its
        # slot on a busy machine (tests/integration/test_pacing.py), here for the lane's first.
        gaps = [round(b - a, 3) for a, b in pairwise(times)]
        assert sum(gaps) >= (len(times) - 1) / RATE - 0.5, f"{lane} went faster than {RATE}/s: {gaps}"
    spans = [(min(t), max(t)) for t in by_lane.values()]
    assert max(s for s, _ in spans) < min(e for _, e in spans), "the pool's numbers send side by side"


def test_callbacks_and_opt_outs_work_through_the_service(backend: dict[str, Any], make_runtime: Any) -> None:
    with FakeTwilio(services={SERVICE: POOL}) as twilio:
        twilio.script["+15550189002"] = [21610]  # opted out at the carrier since we last heard
        runtime = _runtime(make_runtime, backend, twilio)
        with runtime.sessions.begin() as session:
            school = builders.school(session)
            builders.person(session, school, Role.coordinator, "Cora", "cora@example.org")
            phones = ["+15550189001", "+15550189002", "+15550189003"]
            people = [builders.person(session, school, Role.student, f"S{i}", phone=p) for i, p in enumerate(phones)]
            session.add(SmsOptOut(phone=phones[2], opted_out=True))
            session.flush()
            outbox.queue(session, [Notification(template="sms/help", to=p, kind=Category.answer) for p in people])
        runtime.extra["workers"] = [start_worker(runtime, threads=4)]
        finished = wait_until(lambda: _finished(runtime, {Status.sent, Status.failed}), what="the texts to finish")
        rows = {x.to_address: x for x in finished if x.channel == "sms"}
        assert rows[phones[0]].status == Status.sent
        [accepted] = twilio.to(phones[0])
        assert accepted.status_callback is not None
        query = parse_qs(urlsplit(accepted.status_callback).query)
        assert query["m"] == [str(rows[phones[0]].id)], "the callback still names our row"
        assert rows[phones[1]].status == Status.failed and "21610" in (rows[phones[1]].last_error or "")
        with runtime.sessions() as session:
            assert session.get_one(SmsOptOut, phones[1]).opted_out, "a 21610 through the service records the opt-out"
        assert rows[phones[2]].status == Status.failed and not twilio.to(phones[2]), "an opted-out number gets nothing"


def test_a_schools_own_service_or_number_wins_over_the_deployments(backend: dict[str, Any], make_runtime: Any) -> None:
    with FakeTwilio(services={SERVICE: POOL, SCHOOL_SERVICE: ["+15550170101", "+15550170102"]}) as twilio:
        runtime = _runtime(make_runtime, backend, twilio)
        with runtime.sessions.begin() as session:
            pooled = builders.school(session, name="Big High", sms_service_sid=SCHOOL_SERVICE, sms_pool="2")
            own = builders.school(session, name="Small High", sms_number="+15550170200")
            plain = builders.school(session, name="Other High")
            people = [
                builders.person(session, s, Role.student, f"S{i}", phone=f"+155501902{i:02d}")
                for i, s in enumerate((pooled, own, plain))
            ]
            outbox.queue(session, [Notification(template="sms/help", to=p, kind=Category.answer) for p in people])
        runtime.extra["workers"] = [start_worker(runtime, threads=4)]
        wait_until(lambda: len(twilio.accepted) == 3, what="three texts")
        rows = {r.to_address: r for r in _rows(runtime)}
    by_to = {a.to: a for a in twilio.accepted}
    first, second, third = ("+15550190200", "+15550190201", "+15550190202")
    assert by_to[first].messaging_service_sid == SCHOOL_SERVICE and by_to[first].from_ in (
        "+15550170101",
        "+15550170102",
    )
    assert rows[first].from_address in (f"{SCHOOL_SERVICE}/1", f"{SCHOOL_SERVICE}/2"), "a counted pool's lanes"
    assert by_to[second].messaging_service_sid is None and by_to[second].from_ == "+15550170200"
    assert by_to[third].messaging_service_sid == SERVICE and by_to[third].from_ in POOL
