"""The attendance loop end to end, as separate processes, the way `relay serve` runs.

`relay web` (the Twilio webhook and the link pages), `relay smtp` (replies) and `relay worker`
run against Postgres and Redis. Outbound SMS go through the real twilio client to a local Twilio
API; outbound email through SMTP to a local sink. The test is the student (signed webhooks), the
mentor (smtplib replies, and a browser-less click on the link) and the coordinator (the export).
"""

from __future__ import annotations

import html
import itertools
import json
import smtplib
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from messaging.models import InboundMessage
from relay import migrate
from relay.dev import mail as dev_mail
from relay.runtime import Runtime, build
from tests.conftest import test_settings
from tests.support import builders, services
from tests.support.processes import ROOT, RelayProcess, relay_env, web_up
from tests.support.smtp_sink import Received, SmtpSink
from tests.support.twilio_api import FakeTwilio
from tests.support.waiting import wait_until
from workflow.models import Person, Placement, Role

PUBLIC = "http://relay.test:8000"
_numbers = itertools.count(1)


@dataclass
class Stack:
    web: str
    smtp: tuple[str, int]
    twilio: FakeTwilio
    sink: SmtpSink
    env: dict[str, str]
    runtime: Runtime
    tmp: Path


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    services.postgres_admin().close()
    services.redis_client()
    tmp = tmp_path_factory.mktemp("e2e")
    database = services.create_database()
    url = services.sqlalchemy_url(database)
    migrate.upgrade(url)
    namespace = f"relaytest-e2e-{uuid.uuid4().hex[:8]}"
    web_port, smtp_port = services.free_port(), services.free_port()
    processes: list[RelayProcess] = []
    with FakeTwilio() as twilio, SmtpSink() as sink:
        settings = {
            "database_url": url,
            "redis_url": services.REDIS,
            "redis_namespace": namespace,
            "http_bind": f"127.0.0.1:{web_port}",
            "smtp_bind": f"127.0.0.1:{smtp_port}",
            "outbound_smtp_url": sink.url,
            "twilio_account_sid": twilio.account_sid,
            "twilio_auth_token": twilio.auth_token,
            "twilio_from": "+15005550006",
            "twilio_api_base": twilio.base_url,
            "sms_segments_per_second": 50,
            "quiet_hours": "00:00-00:00",
        }
        env = relay_env(**settings)
        runtime = build(test_settings(**settings))
        try:
            for part in ("web", "smtp", "worker"):
                processes.append(RelayProcess([part], env, tmp / f"{part}.log"))
            base = f"http://127.0.0.1:{web_port}"
            wait_until(lambda: web_up(base), timeout=30, what="relay web")
            wait_until(lambda: _smtp_up(smtp_port), timeout=30, what="relay smtp")
            yield Stack(base, ("127.0.0.1", smtp_port), twilio, sink, env, runtime, tmp)
        finally:
            for proc in processes:
                proc.stop()
            runtime.close()
            services.delete_namespace(redis.Redis.from_url(services.REDIS), namespace)
            services.drop_database(database)


def _smtp_up(port: int) -> bool:
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=2) as client:
            return client.noop()[0] == 250
    except OSError:
        return False


@dataclass
class People:
    number: int
    phone: str
    mentor_email: str
    student_name: str
    placement_id: int


def _people(stack: Stack, *, extra_site: bool = False) -> People:
    """A fresh student and mentor for each test (the stack is shared)."""
    n = next(_numbers)
    phone, mentor_email = f"+1555020{n:04d}", f"mentor{n}@example.org"
    with stack.runtime.sessions.begin() as session:
        lincoln = builders.school(session, name="Lincoln High")
        builders.person(session, lincoln, Role.coordinator, "Cora Diaz", "cora@example.org")
        clinic = builders.site(session, lincoln, f"Riverside Clinic {n}")
        mentor = builders.person(session, lincoln, Role.mentor, f"Ruth Chen {n}", mentor_email, site_id=clinic.id)
        student = builders.person(session, lincoln, Role.student, f"Maya Lopez{n}", f"maya{n}@example.org", phone=phone)
        placement = builders.placement(session, lincoln, student, mentor, clinic)
        if extra_site:
            vet = builders.site(session, lincoln, f"Lincoln Park Vet {n}")
            builders.placement(session, lincoln, student, mentor, vet)
        return People(n, phone, mentor_email, student.name, placement.id)


def text(stack: Stack, phone: str, body: str) -> None:
    params = {
        "MessageSid": f"SM{uuid.uuid4().hex}",
        "AccountSid": stack.twilio.account_sid,
        "From": phone,
        "To": "+15005550006",
        "Body": body,
        "NumMedia": "0",
    }
    signature = RequestValidator(stack.twilio.auth_token).compute_signature(f"{PUBLIC}/sms/inbound", params)
    response = httpx.post(
        f"{stack.web}/sms/inbound", data=params, headers={"X-Twilio-Signature": signature}, timeout=10
    )
    assert response.status_code == 200


def texts_to(stack: Stack, phone: str, count: int) -> list[str]:
    def arrived() -> list[str] | None:
        bodies = [a.body for a in stack.twilio.to(phone)]
        return bodies if len(bodies) >= count else None

    return wait_until(arrived, timeout=30, what=f"{count} SMS to {phone}")


def email_to(stack: Stack, address: str, subject_start: str, count: int = 1) -> Received:
    def found() -> list[Received] | None:
        matching = [r for r in stack.sink.handler.to(address) if str(r.message["Subject"]).startswith(subject_start)]
        return matching if len(matching) >= count else None

    return wait_until(found, timeout=30, what=f"email {subject_start!r} to {address}")[count - 1]


def reply(stack: Stack, original: Received, sender: str, body: str, **headers: str) -> str:
    """The mentor's mail client answers, through Relay's SMTP server; returns the reply's Message-ID."""
    answered = dev_mail.Original.from_message(original.message)
    out = dev_mail.gmail_reply(answered, sender=sender, text=body, extra_headers=headers or None)
    with smtplib.SMTP(*stack.smtp, timeout=10) as client:
        client.send_message(out, from_addr=sender, to_addrs=[answered.reply_to])
    return str(out["Message-ID"])


def handled(stack: Stack, message_id: str, sender: str) -> tuple[str, str | None]:
    """Waits until the worker has processed the email stored for `message_id`; its status and kind."""

    def done() -> tuple[str, str | None] | None:
        with stack.runtime.sessions() as session:
            row = session.scalars(
                select(InboundMessage).where(
                    InboundMessage.channel == "email",
                    InboundMessage.provider_id.startswith(f"{message_id}|{sender.lower()}|", autoescape=True),
                )
            ).one_or_none()
            return (row.status, row.kind) if row is not None and row.processed_at is not None else None

    return wait_until(done, timeout=30, what=f"the worker to process {message_id}")


def export(stack: Stack, student_email: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "relay", "export", "attendance", "--format", "json"],
        env=stack.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    days: list[dict[str, Any]] = json.loads(result.stdout)
    [day] = [d for d in days if d["student_email"] == student_email]
    return day


def _checked_out(stack: Stack, people: People) -> Received:
    text(stack, people.phone, "checkin")
    assert texts_to(stack, people.phone, 1)[0].startswith("Checked in at ")
    text(stack, people.phone, "Shadow the X-ray tech and file charts")
    assert texts_to(stack, people.phone, 2)[1].startswith("Got it, have a great day at Riverside Clinic")
    text(stack, people.phone, "CHECKOUT")
    answer = texts_to(stack, people.phone, 3)[2]
    assert f"Ruth Chen {people.number} will confirm your day" in answer and "What did you learn today?" in answer
    return email_to(stack, people.mentor_email, "Please confirm Maya's day at Riverside Clinic")


def test_checkin_goals_checkout_mentor_replies_yes_and_it_is_confirmed(stack: Stack) -> None:
    people = _people(stack)
    email = _checked_out(stack, people)
    assert "Shadow the X-ray tech and file charts" in email.text
    assert str(email.message["Reply-To"]).startswith("reply+") and email.message["Auto-Submitted"] == "auto-generated"
    assert email.mail_from.startswith("bounce+"), "bounces come back to Relay"
    reply(stack, email, people.mentor_email, "Yes, great day with the X-rays")
    sms = texts_to(stack, people.phone, 4)[3]
    assert sms.endswith('They said: "great day with the X-rays"')
    day = export(stack, _student_email(stack, people))
    assert (day["status"], day["mentor_feedback"], day["confirmed_via"]) == (
        "confirmed",
        "great day with the X-rays",
        "email",
    )
    assert day["goals"] == "Shadow the X-ray tech and file charts" and day["hours"] is not None


def _student_email(stack: Stack, people: People) -> str:
    with stack.runtime.sessions() as session:
        placement = session.get(Placement, people.placement_id)
        assert placement is not None
        student = session.get(Person, placement.student_id)
        assert student is not None and student.email
        return student.email


def test_wrong_sender_and_out_of_office_change_nothing_then_the_link_confirms(stack: Stack) -> None:
    people = _people(stack)
    email = _checked_out(stack, people)
    reply(stack, email, "someone.else@example.net", "Yes")
    notice = email_to(stack, people.mentor_email, "A reply from someone.else@example.net was not applied")
    assert "nothing was changed" in notice.text
    out_of_office = reply(
        stack, email, people.mentor_email, "I am out of the office until Monday.", **{"Auto-Submitted": "auto-replied"}
    )
    assert handled(stack, out_of_office, people.mentor_email) == ("ignored", "auto_reply")
    assert export(stack, _student_email(stack, people))["status"] == "pending"

    link = next(w for w in email.text.split() if "/l/" in w)
    path = link.split("relay.test:8000", 1)[1]
    page = httpx.get(stack.web + path, timeout=10)
    assert page.status_code == 200 and "Was Maya" in html.unescape(page.text)
    assert httpx.head(stack.web + path, timeout=10).status_code == 200
    assert export(stack, _student_email(stack, people))["status"] == "pending", "GET and HEAD change nothing"
    done = httpx.post(stack.web + path, data={"choice": "confirm", "comment": "Lovely work"}, timeout=10)
    assert done.status_code == 200
    day = export(stack, _student_email(stack, people))
    assert (day["status"], day["confirmed_via"], day["mentor_feedback"]) == ("confirmed", "link", "Lovely work")


def test_no_disputes_the_day_and_emails_the_coordinator(stack: Stack) -> None:
    people = _people(stack)
    email = _checked_out(stack, people)
    reply(stack, email, people.mentor_email, "No - she didn't come in today")
    alert = email_to(stack, "cora@example.org", f"Ruth Chen {people.number} says Maya wasn't at Riverside Clinic")
    assert "Please check with Maya" in alert.text
    assert export(stack, _student_email(stack, people))["status"] == "disputed"
    assert "weren't at Riverside Clinic" in texts_to(stack, people.phone, 4)[3]


def test_a_second_checkin_and_two_placements(stack: Stack) -> None:
    people = _people(stack)
    text(stack, people.phone, "CHECKIN")
    text(stack, people.phone, "Check in")
    # Both answers are queued in order, but two worker threads may hand them to Twilio in either
    # order (as carriers may deliver them): one is the check-in, the other says it is done already.
    answers = sorted(texts_to(stack, people.phone, 2))
    assert answers[0].startswith("Checked in at ") and answers[1].startswith("You already checked in at ")

    both = _people(stack, extra_site=True)
    text(stack, both.phone, "checkin")
    question = texts_to(stack, both.phone, 1)[0]
    assert question.startswith("Which internship are you at today? Reply 1 for Riverside Clinic")
    text(stack, both.phone, "2")
    assert "at Lincoln Park Vet" in texts_to(stack, both.phone, 2)[1]
