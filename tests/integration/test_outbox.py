"""The outbox: rows are written in the business transaction and delivered only after commit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from messaging import outbox
from messaging.models import OutboundMessage, Status
from relay.processes import start_worker
from relay.runtime import Runtime
from tests.support import builders
from tests.support.smtp_sink import SmtpSink
from tests.support.waiting import wait_until
from workflow.base import utcnow
from workflow.models import Role
from workflow.notifications import Category, Notification


class Boom(Exception):
    pass


def _alert(to: Any, about: str) -> Notification:
    return Notification(
        template="email/message_failed",
        to=to,
        kind=Category.message,
        context={
            "channel": "email",
            "address": "x@example.org",
            "recipient_name": None,
            "reason": "test",
            "about": about,
        },
    )


def test_rolled_back_message_is_never_sent_and_committed_one_is_sent_once(
    backend: dict[str, Any], make_runtime: Callable[..., Runtime]
) -> None:
    with SmtpSink() as sink:
        runtime = make_runtime(**backend, outbound_smtp_url=sink.url)
        runtime.extra["workers"] = [start_worker(runtime, threads=4)]
        with runtime.sessions.begin() as session:
            school = builders.school(session)
            ana = builders.person(session, school, Role.coordinator, "Ana", "ana@example.org")
            ben = builders.person(session, school, Role.coordinator, "Ben", "ben@example.org")

        with pytest.raises(Boom), runtime.sessions.begin() as session:
            outbox.queue(session, [_alert(session.merge(ana), "rolled back")])
            raise Boom
        with runtime.sessions.begin() as session:
            [kept] = outbox.queue(session, [_alert(session.merge(ben), "committed")])

        def sent() -> bool:
            with runtime.sessions() as session:
                return session.get_one(OutboundMessage, kept.id).status == Status.sent

        wait_until(sent, what="the committed message to be sent")
        # Give any stray delivery time to show up before counting.
        runtime.broker.join("email", timeout=5000)
        assert [r.rcpt_tos for r in sink.received] == [["ben@example.org"]]
        assert sink.received[0].message["Subject"] == "Could not reach x@example.org"
        with runtime.sessions() as session:
            rows = session.scalars(select(OutboundMessage)).all()
            assert [(r.to_address, r.status, r.attempts) for r in rows] == [("ben@example.org", Status.sent, 1)]
            assert rows[0].provider_id == rows[0].message_id_header == sink.received[0].message_id


def test_duplicate_delivery_messages_send_once(backend: dict[str, Any], make_runtime: Any) -> None:
    """The broker is at-least-once: ten deliveries of one row still send one email."""
    with SmtpSink() as sink:
        runtime = make_runtime(**backend, outbound_smtp_url=sink.url)
        with runtime.sessions.begin() as session:
            school = builders.school(session)
            ana = builders.person(session, school, Role.coordinator, "Ana", "ana@example.org")
            [row] = outbox.queue(session, [_alert(ana, "once")])
        for _ in range(9):
            runtime.context.enqueue("deliver_email", (row.id,), None)
        runtime.extra["workers"] = [start_worker(runtime, threads=8)]
        runtime.broker.join("email", timeout=20_000)
        assert len(sink.received) == 1
        with runtime.sessions() as session:
            assert session.get_one(OutboundMessage, row.id).status == Status.sent


def test_rows_queued_inside_a_savepoint_are_handed_off_only_after_the_real_commit(
    make_runtime: Any, sqlite_url: str
) -> None:
    runtime = make_runtime(database_url=sqlite_url)
    handed: list[tuple[str, tuple[Any, ...]]] = []
    runtime.context.enqueue = lambda actor, args, delay: handed.append((actor, args))
    with runtime.sessions.begin() as session:
        school = builders.school(session)
        ana = builders.person(session, school, Role.coordinator, "Ana", "ana@example.org")
        with session.begin_nested():
            [kept] = outbox.queue(session, [_alert(ana, "in a savepoint")])
        with pytest.raises(Boom), session.begin_nested():
            outbox.queue(session, [_alert(ana, "rolled back with its savepoint")])
            raise Boom
        assert handed == [], "nothing is handed to the broker before the transaction commits"
    assert handed == [("deliver_email", (kept.id,))]


def test_the_hand_off_is_wired_on_the_runtimes_session_factory_only(make_runtime: Any, sqlite_url: str) -> None:
    runtime = make_runtime(database_url=sqlite_url)
    handed: list[tuple[str, tuple[Any, ...]]] = []
    runtime.context.enqueue = lambda actor, args, delay: handed.append((actor, args))
    with Session(runtime.engine, expire_on_commit=False) as session, session.begin():
        school = builders.school(session)
        ana = builders.person(session, school, Role.coordinator, "Ana", "ana@example.org")
        [unwired] = outbox.queue(session, [_alert(ana, "from a session of no factory")])
    assert handed == [], "a session the runtime did not make has no hand-off (the sweeper finds its rows)"
    outbox.install(runtime.sessions)  # installing again adds no second hook: one hand-off per commit
    with runtime.sessions.begin() as session:
        [row] = outbox.queue(session, [_alert(session.get_one(type(ana), ana.id), "from the runtime's sessions")])
    assert handed == [("deliver_email", (row.id,))]
    assert unwired.id != row.id


def test_notices_over_the_daily_cap_are_kept_as_suppressed_and_alerts_are_never_capped(
    make_runtime: Any, sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    runtime = make_runtime(database_url=sqlite_url, notice_cap_per_day=2)
    handed: list[int] = []
    runtime.context.enqueue = lambda actor, args, delay: handed.extend(args)  # emails go in batches of ids

    def notice(to: Any, about: str) -> Notification:
        return replace(_alert(to, about), kind=Category.notice)

    def alert(to: Any, about: str) -> Notification:
        return replace(_alert(to, about), kind=Category.alert)

    now = utcnow()
    with runtime.sessions.begin() as session:
        school = builders.school(session)
        ana = builders.person(session, school, Role.coordinator, "Ana", "ana@example.org")
        ben = builders.person(session, school, Role.coordinator, "Ben", "ben@example.org")
        outbox.queue(session, [notice(ana, "yesterday")], now=now - timedelta(hours=25))  # outside the day
        outbox.queue(session, [notice(ana, "one")], now=now)
    with runtime.sessions.begin() as session:  # the cap counts within one batch too
        outbox.queue(session, [notice(session.merge(ana), "two"), notice(session.merge(ana), "three")], now=now)
        outbox.queue(session, [alert(session.merge(ana), f"alert {i}") for i in range(3)], now=now)
        outbox.queue(session, [notice(session.merge(ben), "for ben")], now=now)
    with runtime.sessions.begin() as session:
        outbox.queue(session, [notice(session.merge(ana), "four")], now=now)

    with runtime.sessions() as session:
        rows = session.scalars(select(OutboundMessage).order_by(OutboundMessage.id)).all()
    statuses = [(r.to_address, r.kind, r.status) for r in rows]
    assert statuses == [
        ("ana@example.org", "notice", Status.queued),  # yesterday's: not counted
        ("ana@example.org", "notice", Status.queued),  # one
        ("ana@example.org", "notice", Status.queued),  # two: the cap
        ("ana@example.org", "notice", Status.suppressed),  # three, in the same batch
        ("ana@example.org", "alert", Status.queued),  # alerts to a coordinator go regardless
        ("ana@example.org", "alert", Status.queued),
        ("ana@example.org", "alert", Status.queued),
        ("ben@example.org", "notice", Status.queued),  # the cap is per address
        ("ana@example.org", "notice", Status.suppressed),  # four
    ]
    suppressed = [r for r in rows if r.status == Status.suppressed]
    assert all("daily cap" in (r.last_error or "") and r.final_at is not None for r in suppressed)
    assert sorted(handed) == sorted(r.id for r in rows if r.status == Status.queued), "suppressed rows are not sent"
    assert [r.getMessage() for r in caplog.records if "daily notice cap" in r.getMessage()] == [
        "daily notice cap of 2 reached for ana@example.org; email/message_failed suppressed"
    ] * 2
