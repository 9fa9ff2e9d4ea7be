"""A worker killed with SIGKILL in the middle of a batch of 1,000: nothing lost, nothing sent twice.

Real processes (`relay worker`, `relay scheduler`), Postgres, Redis and the real twilio client
against a local API. The dead worker's unacked Redis messages would only come back when the
broker's maintenance notices; the outbox sweeper finds the rows first. A row the dead worker left
`sending` may or may not have reached Twilio: the recovering worker asks Twilio before sending.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from messaging import outbox
from messaging.models import OutboundMessage, Status
from tests.support import builders
from tests.support.processes import relay, relay_env
from tests.support.smtp_sink import SmtpSink
from tests.support.twilio_api import FakeTwilio
from tests.support.waiting import wait_until
from workflow.models import Role
from workflow.notifications import Category, Notification

BATCH = 1000
RECOVERY = {
    "stale_sending_seconds": 2,
    "requeue_after_seconds": 2,
    "sweep_interval_seconds": 1,
    "send_timeout_seconds": 2,
    "worker_threads": 8,
}


def _statuses(runtime: Any) -> Counter[str]:
    with runtime.sessions() as session:
        return Counter(
            dict(session.execute(select(OutboundMessage.status, func.count()).group_by(OutboundMessage.status)).all())
        )


def test_sigkilled_worker_loses_no_sms_and_sends_none_twice(
    make_runtime: Any, postgres_url: str, redis_url: str, namespace: str, tmp_path: Path
) -> None:
    with FakeTwilio(delay_seconds=0.004) as twilio:
        twilio_settings = {
            "twilio_account_sid": twilio.account_sid,
            "twilio_auth_token": twilio.auth_token,
            "twilio_from": "+15005550006",
            "twilio_api_base": twilio.base_url,
            "sms_segments_per_second": 100_000,
            "quiet_hours": "00:00-00:00",
        }
        shared = {
            "database_url": postgres_url,
            "redis_url": redis_url,
            "redis_namespace": namespace,
            **twilio_settings,
            **RECOVERY,
        }
        runtime = make_runtime(**shared)
        with runtime.sessions.begin() as session:
            school = builders.school(session)
            students = [
                builders.person(session, school, Role.student, f"S{i}", phone=f"+1555{i:07d}") for i in range(BATCH)
            ]
            outbox.queue(session, [Notification(template="sms/help", to=s, kind=Category.answer) for s in students])
        env = relay_env(**shared)

        with relay(["worker"], env, tmp_path / "worker1.log") as first:
            wait_until(lambda: len(twilio.accepted) >= 300, timeout=60, what="300 SMS before the kill")
            # From now on Twilio takes each message but never answers, so the worker's threads
            # are held mid-send, between Twilio's acceptance and our record of it, when it dies.
            twilio.hang_after_accept, twilio.hang_seconds = True, 60
            wait_until(lambda: twilio.held >= 2, timeout=10, what="sends held in flight")
            first.kill()
        twilio.hang_seconds = 0
        at_kill = _statuses(runtime)
        accepted_at_kill = {a.to for a in twilio.accepted}
        with runtime.sessions() as session:
            in_flight = {
                r.to_address: r.attempts
                for r in session.scalars(select(OutboundMessage).where(OutboundMessage.status == Status.sending))
            }
        # Killed mid-batch: some sent, some never claimed, and some taken by Twilio mid-send.
        assert at_kill.get(Status.sent, 0) > 0 and at_kill.get(Status.queued, 0) > 0, at_kill
        assert len(in_flight.keys() & accepted_at_kill) >= 2, f"mid-send at the kill: {in_flight}"

        with relay(["worker"], env, tmp_path / "worker2.log"), relay(["scheduler"], env, tmp_path / "scheduler.log"):
            wait_until(
                lambda: _statuses(runtime).get(Status.sent, 0) == BATCH,
                timeout=120,
                what=f"all {BATCH} SMS sent after the restart",
            )

    per_number = Counter(a.to for a in twilio.accepted)
    assert len(per_number) == BATCH, "none lost"
    assert max(per_number.values()) == 1, f"sent twice: {[n for n, c in per_number.items() if c > 1]}"
    with runtime.sessions() as session:
        rows = session.scalars(select(OutboundMessage)).all()
        sids = {a.to: a.sid for a in twilio.accepted}
        assert all(r.provider_id == sids[r.to_address] for r in rows)
        after = {r.to_address: r for r in rows}
    # Each row the dead worker held mid-send was claimed again, and the recovering worker found
    # Twilio had it (once, per the count above) instead of sending it again.
    assert all(after[n].attempts > in_flight[n] and after[n].status == Status.sent for n in in_flight)
    print(f"\nkilled after {len(accepted_at_kill)} accepted; at kill {dict(at_kill)}; mid-send: {len(in_flight)}")


def test_sigkilled_worker_loses_no_email_and_repeats_only_with_the_same_message_id(
    make_runtime: Any, postgres_url: str, redis_url: str, namespace: str, tmp_path: Path
) -> None:
    """SMTP cannot be asked whether a message went through: an email interrupted between the
    server's 250 and our record of it is sent again with the same Message-ID, which mail clients
    show once. Nothing is lost, and nothing that was recorded as sent is sent again."""
    with SmtpSink() as sink:
        shared = {
            "database_url": postgres_url,
            "redis_url": redis_url,
            "redis_namespace": namespace,
            "outbound_smtp_url": sink.url,
            **RECOVERY,
        }
        runtime = make_runtime(**shared)
        with runtime.sessions.begin() as session:
            school = builders.school(session)
            people = [
                builders.person(session, school, Role.advisor, f"A{i}", f"a{i}@example.org") for i in range(BATCH)
            ]
            outbox.queue(
                session,
                [
                    Notification(
                        template="email/message_failed",
                        to=p,
                        context={
                            "channel": "email",
                            "address": "-",
                            "recipient_name": None,
                            "reason": "-",
                            "about": "batch",
                        },
                    )
                    for p in people
                ],
            )
        env = relay_env(**shared)
        with relay(["worker"], env, tmp_path / "worker1.log") as first:
            wait_until(lambda: len(sink.received) >= 300, timeout=60, what="300 emails before the kill")
            first.kill()
        at_kill = _statuses(runtime)
        with runtime.sessions() as session:
            sent_before = {
                r.message_id_header
                for r in session.scalars(select(OutboundMessage).where(OutboundMessage.status == Status.sent))
            }
        with relay(["worker"], env, tmp_path / "worker2.log"), relay(["scheduler"], env, tmp_path / "scheduler.log"):
            wait_until(lambda: _statuses(runtime).get(Status.sent, 0) == BATCH, timeout=120, what="all emails sent")

    per_id = Counter(r.message_id for r in sink.received)
    with runtime.sessions() as session:
        ids = {r.message_id_header for r in session.scalars(select(OutboundMessage))}
    assert set(per_id) == ids, "none lost"
    repeated = {m for m, c in per_id.items() if c > 1}
    assert not repeated & sent_before, "a message recorded as sent was sent again"
    assert len(repeated) <= at_kill.get(Status.sending, 0), "only messages cut off mid-send repeat"
    print(f"\nat kill {dict(at_kill)}; repeated with the same Message-ID: {len(repeated)}")
