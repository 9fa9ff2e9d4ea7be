"""The broker is down when the business transaction commits: the sweeper delivers once it returns."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from messaging import outbox
from messaging.models import OutboundMessage, Status
from relay.processes import make_scheduler, start_worker
from relay.runtime import Runtime
from tests.support import builders
from tests.support.services import private_redis
from tests.support.smtp_sink import SmtpSink
from tests.support.waiting import wait_until
from workflow.models import Role
from workflow.notifications import Notification


def test_message_committed_while_the_broker_is_down_is_delivered_after_it_returns(
    make_runtime: Any, postgres_url: str, tmp_path: Path
) -> None:
    with SmtpSink() as sink, private_redis(tmp_path) as redis_server:
        runtime = make_runtime(
            database_url=postgres_url,
            redis_url=redis_server.url,
            outbound_smtp_url=sink.url,
            requeue_after_seconds=1,
            sweep_interval_seconds=0.5,
        )
        runtime.extra["workers"] = [start_worker(runtime, threads=2)]
        stop = threading.Event()
        scheduler = threading.Thread(target=make_scheduler(runtime).run, args=(stop,), daemon=True)
        scheduler.start()
        try:
            with runtime.sessions.begin() as session:
                school = builders.school(session)
                ana = builders.person(session, school, Role.advisor, "Ana", "ana@example.org")

            redis_server.stop()
            with runtime.sessions.begin() as session:  # commits; the enqueue after it fails
                [row] = outbox.queue(
                    session,
                    [
                        Notification(
                            template="email/message_failed",
                            to=session.merge(ana),
                            context={
                                "channel": "email",
                                "address": "-",
                                "recipient_name": None,
                                "reason": "-",
                                "about": "outage",
                            },
                        )
                    ],
                )
            with runtime.sessions() as session:
                assert session.get_one(OutboundMessage, row.id).status == Status.queued
            assert sink.received == []

            redis_server.start()  # an empty Redis: the lost enqueue is not in it
            wait_until(lambda: len(sink.received) == 1, timeout=40, what="the sweeper to deliver after the outage")
            with runtime.sessions() as session:
                stored = session.get(OutboundMessage, row.id)
                assert stored is not None
                wait_until(lambda: _status(runtime, row.id) == Status.sent, what="the row to be recorded as sent")
            assert sink.received[0].message_id == stored.message_id_header
        finally:
            stop.set()
            scheduler.join(5)


def _status(runtime: Runtime, message_id: int) -> str:
    with runtime.sessions() as session:
        return session.get_one(OutboundMessage, message_id).status
