"""Transports against real peers: aiosmtpd for SMTP, the real twilio client against a local API.

Transient failures are retried and then delivered; permanent ones are not retried and raise a
coordinator alert; each outcome is on the message row.
"""

from __future__ import annotations

import ssl
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from messaging import outbox
from messaging.models import OutboundMessage, SmsOptOut, Status
from messaging.outbound.transports.smtp import SmtpTransport
from relay.processes import start_worker
from tests.support import builders, certs
from tests.support.smtp_sink import SmtpSink
from tests.support.twilio_api import FakeTwilio
from tests.support.waiting import wait_until
from workflow.models import Role
from workflow.notifications import Category, Notification

FINISHED = (Status.sent, Status.failed)


def _email(person: Any, about: str) -> Notification:
    return Notification(
        template="email/message_failed",
        to=person,
        kind=Category.message,
        context={"channel": "email", "address": "x@example.org", "recipient_name": None, "reason": "-", "about": about},
    )


def _rows(runtime: Any) -> dict[str, OutboundMessage]:
    with runtime.sessions() as session:
        return {r.to_address: r for r in session.scalars(select(OutboundMessage).order_by(OutboundMessage.id))}


def _wait_finished(runtime: Any, addresses: list[str]) -> dict[str, OutboundMessage]:
    def done() -> dict[str, OutboundMessage] | None:
        rows = _rows(runtime)
        return rows if all(a in rows and rows[a].status in FINISHED for a in addresses) else None

    return wait_until(done, timeout=30, what=f"messages to {addresses} to finish")


def _wait_attempts(runtime: Any, address: str, attempts: int) -> OutboundMessage:
    def reached() -> OutboundMessage | None:
        row = _rows(runtime).get(address)
        return row if row is not None and row.attempts >= attempts else None

    return wait_until(reached, what=f"{attempts} attempts to {address}")


def _providers(twilio: FakeTwilio, sink: SmtpSink) -> dict[str, Any]:
    """Settings that point Relay at the local Twilio API and SMTP sink, unpaced, no quiet hours."""
    return {
        "outbound_smtp_url": sink.url,
        "twilio_account_sid": twilio.account_sid,
        "twilio_auth_token": twilio.auth_token,
        "twilio_from": "+15005550006",
        "twilio_api_base": twilio.base_url,
        "sms_segments_per_second": 100,
        "quiet_hours": "00:00-00:00",
    }


def _held(runtime: Any, caplog: pytest.LogCaptureFixture, address: str, reason: str, holds: int) -> OutboundMessage:
    """Wait until the message to `address` has been held `holds` times for `reason` (each hold
    logs an error); it is still waiting to go, and no hold was counted as an attempt."""

    def enough() -> bool | None:
        errors = [r for r in caplog.records if r.levelname == "ERROR" and reason in r.getMessage()]
        return True if len(errors) >= holds else None

    wait_until(enough, what=f"{holds} holds for {reason}")
    row = _rows(runtime)[address]
    assert row.status in (Status.queued, Status.sending)
    assert row.attempts <= 1, "holds are not counted as attempts"
    return row


@pytest.mark.parametrize("pipelining", [True, False], ids=["pipelined", "one-command-at-a-time"])
def test_smtp_transient_failures_retry_and_permanent_ones_do_not(
    backend: dict[str, Any], make_runtime: Any, pipelining: bool
) -> None:
    """The six emails are queued in one commit, so they go as one batch (one claim, one record)."""
    with SmtpSink(pipelining=pipelining) as sink:
        script = sink.handler.script
        script["busy@example.org"] = ["451 4.3.0 Mailbox busy, try again later"]
        script["closing@example.org"] = ["421 4.7.0 Service shutting down"]
        script["gone@example.org"] = ["550 5.1.1 No such user here"]
        sink.handler.rcpt_script["refused@example.org"] = ["550 5.7.1 Relaying denied"]
        sink.handler.rcpt_script["later@example.org"] = ["450 4.2.1 Try later", "451 4.3.2 Still busy"]
        runtime = make_runtime(**backend, outbound_smtp_url=sink.url)
        addresses = [
            "ok@example.org",
            "busy@example.org",
            "closing@example.org",
            "gone@example.org",
            "refused@example.org",
            "later@example.org",
        ]
        with runtime.sessions.begin() as session:
            school = builders.school(session)
            builders.person(session, school, Role.coordinator, "Cora Coordinator", "cora@example.org")
            people = [builders.person(session, school, Role.advisor, f"P{i}", a) for i, a in enumerate(addresses)]
            outbox.queue(session, [_email(p, a) for p, a in zip(people, addresses, strict=True)])
        runtime.extra["workers"] = [start_worker(runtime, threads=4)]
        rows = _wait_finished(runtime, [*addresses, "cora@example.org"])

    assert rows["ok@example.org"].status == Status.sent and rows["ok@example.org"].attempts == 1
    for address, attempts in (("busy@example.org", 2), ("closing@example.org", 2), ("later@example.org", 3)):
        row = rows[address]
        assert (row.status, row.attempts, row.last_error) == (Status.sent, attempts, None), address
        assert len(sink.handler.to(address)) == 1
    gone = rows["gone@example.org"]
    assert (gone.status, gone.attempts) == (Status.failed, 1)
    assert "550" in (gone.last_error or "") and "No such user" in (gone.last_error or "")
    assert sink.handler.attempts["gone@example.org"] == 1, "a permanent failure is not retried"
    refused = rows["refused@example.org"]
    assert (refused.status, refused.attempts) == (Status.failed, 1) and "Relaying denied" in (refused.last_error or "")
    # The coordinator hears about each permanent failure, by email.
    alerts = sink.handler.to("cora@example.org")
    assert sorted(r.message["Subject"] for r in alerts) == ["Could not reach P3", "Could not reach P4"]
    assert any("gone@example.org" in r.text and "No such user" in r.text for r in alerts)


def test_smtp_server_down_is_retried_until_it_returns(make_runtime: Any, sqlite_url: str) -> None:
    from tests.support.services import free_port

    port = free_port()
    runtime = make_runtime(database_url=sqlite_url, outbound_smtp_url=f"smtp://127.0.0.1:{port}")
    with runtime.sessions.begin() as session:
        school = builders.school(session)
        ana = builders.person(session, school, Role.advisor, "Ana", "ana@example.org")
        outbox.queue(session, [_email(ana, "waiting")])
    runtime.extra["workers"] = [start_worker(runtime, threads=2)]
    wait_until(lambda: _rows(runtime)["ana@example.org"].attempts >= 2, what="a retry after connection refused")
    row = _rows(runtime)["ana@example.org"]
    assert row.status in (Status.queued, Status.sending) and "connect" in (row.last_error or "")
    with SmtpSink(port=port) as sink:
        rows = _wait_finished(runtime, ["ana@example.org"])
        assert rows["ana@example.org"].status == Status.sent
        assert len(sink.received) == 1


def test_twilio_transient_errors_retry_and_permanent_ones_do_not(backend: dict[str, Any], make_runtime: Any) -> None:
    with FakeTwilio() as twilio, SmtpSink() as sink:
        twilio.script["+15550000429"] = [429, 429]
        twilio.script["+15550000500"] = [500]
        twilio.script["+15550021211"] = [21211]
        twilio.script["+15550021610"] = [21610]
        runtime = make_runtime(
            **backend,
            **_providers(twilio, sink),
        )
        numbers = ["+15550000200", "+15550000429", "+15550000500", "+15550021211", "+15550021610"]
        with runtime.sessions.begin() as session:
            school = builders.school(session)
            builders.person(session, school, Role.coordinator, "Cora Coordinator", "cora@example.org")
            students = [builders.person(session, school, Role.student, f"S{n[-3:]}", phone=n) for n in numbers]
            outbox.queue(session, [Notification(template="sms/help", to=s) for s in students])
        runtime.extra["workers"] = [start_worker(runtime, threads=4)]
        rows = _wait_finished(runtime, numbers)
        _wait_finished(runtime, ["cora@example.org"])

        assert [a.to for a in twilio.accepted].count("+15550000200") == 1
        ok = rows["+15550000200"]
        assert (ok.status, ok.attempts) == (Status.sent, 1) and ok.provider_id == twilio.to("+15550000200")[0].sid
        assert twilio.to("+15550000200")[0].status_callback == f"http://relay.test:8000/sms/status?m={ok.id}"
        for number, attempts in (("+15550000429", 3), ("+15550000500", 2)):
            row = rows[number]
            assert (row.status, row.attempts) == (Status.sent, attempts), number
            assert row.provider_id == twilio.to(number)[0].sid
        for number, code in (("+15550021211", "21211"), ("+15550021610", "21610")):
            row = rows[number]
            assert (row.status, row.attempts) == (Status.failed, 1), number
            assert code in (row.last_error or "")
            assert sum(1 for r in twilio.requests if r[2] == number) == 1, "a permanent failure is not retried"
        with runtime.sessions() as session:
            opt_out = session.get(SmsOptOut, "+15550021610")
            assert opt_out is not None and opt_out.opted_out, "21610 records the opt-out"
            assert session.get(SmsOptOut, "+15550021211") is None
        subjects = sorted(r.message["Subject"] for r in sink.handler.to("cora@example.org"))
        assert subjects == ["Could not reach S211", "Could not reach S610"]


def test_no_sms_is_sent_to_an_opted_out_number(make_runtime: Any, sqlite_url: str) -> None:
    runtime = make_runtime(database_url=sqlite_url, quiet_hours="00:00-00:00")
    with runtime.sessions.begin() as session:
        session.add(SmsOptOut(phone="+15550001111", opted_out=True, keyword="STOP"))
        school = builders.school(session)
        student = builders.person(session, school, Role.student, "Sam", phone="+15550001111")
        [row] = outbox.queue(session, [Notification(template="sms/help", to=student)])
    assert row.status == Status.failed and "opted out" in (row.last_error or "")


def test_hanging_peers_are_cut_off_at_the_send_timeout_retried_and_then_deliver(
    make_runtime: Any, sqlite_url: str
) -> None:
    """Both peers stop answering for far longer than RELAY_SEND_TIMEOUT_SECONDS: each attempt
    ends at the timeout as a transient failure, the rows keep being retried (never stuck in
    `sending`), and once the peers answer again each message is delivered once."""
    hang = 60.0
    with FakeTwilio() as twilio, SmtpSink() as sink:
        runtime = make_runtime(
            database_url=sqlite_url,
            **_providers(twilio, sink),
            send_timeout_seconds=0.3,
            max_attempts=100,  # the test decides when the peers answer, not the attempt limit
        )
        twilio.hang_seconds = sink.handler.hang_seconds = hang
        with runtime.sessions.begin() as session:
            school = builders.school(session)
            ana = builders.person(session, school, Role.advisor, "Ana", "ana@example.org")
            sam = builders.person(session, school, Role.student, "Sam", phone="+15550000777")
            outbox.queue(session, [_email(ana, "hanging"), Notification(template="sms/help", to=sam)])
        started = time.monotonic()
        runtime.extra["workers"] = [start_worker(runtime, threads=2)]

        def retried() -> dict[str, OutboundMessage] | None:
            rows = _rows(runtime)
            return rows if all(r.attempts >= 3 and r.last_error for r in rows.values()) else None

        rows = wait_until(retried, timeout=15, what="both messages to time out and be retried")
        assert time.monotonic() - started < hang / 2, "each attempt ended at the send timeout, not the peer"
        assert "did not answer in time" in (rows["+15550000777"].last_error or "")
        assert "timed out" in (rows["ana@example.org"].last_error or "")
        assert all(r.status in (Status.queued, Status.sending) for r in rows.values())
        assert not twilio.accepted and not sink.received

        twilio.hang_seconds = sink.handler.hang_seconds = 0
        rows = _wait_finished(runtime, ["ana@example.org", "+15550000777"])
    assert [(r.status, r.last_error) for r in rows.values()] == [(Status.sent, None)] * 2
    assert len(twilio.to("+15550000777")) == 1 and rows["+15550000777"].provider_id == twilio.accepted[0].sid
    assert len(sink.handler.to("ana@example.org")) == 1


@pytest.fixture
def trusted_cert(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ssl.SSLContext:
    """A self-signed certificate for 127.0.0.1 that the transport trusts through SSL_CERT_FILE
    (read by OpenSSL's default verify paths), so verification stays on."""
    cert, key = certs.self_signed(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    return certs.server_context(cert, key)


@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN"])
def test_smtp_starttls_and_login_deliver(
    make_runtime: Any, sqlite_url: str, trusted_cert: ssl.SSLContext, mechanism: str
) -> None:
    users = {"relay@school.example": "s3cret:pass/word"}
    with SmtpSink(tls=trusted_cert, users=users, offer_auth=(mechanism,)) as sink:
        host, port = sink.controller.hostname, sink.controller.port
        url = f"smtp://relay%40school.example:s3cret%3Apass%2Fword@{host}:{port}?starttls=true"
        runtime = make_runtime(database_url=sqlite_url, outbound_smtp_url=url)
        with runtime.sessions.begin() as session:
            ana = builders.person(session, builders.school(session), Role.advisor, "Ana", "ana@example.org")
            outbox.queue(session, [_email(ana, "over TLS")])
        runtime.extra["workers"] = [start_worker(runtime, threads=1)]
        rows = _wait_finished(runtime, ["ana@example.org"])
    assert rows["ana@example.org"].status == Status.sent
    [received] = sink.received
    assert (received.tls, received.user) == (True, "relay@school.example")
    assert sink.handler.logins == [(mechanism, "relay@school.example", True)]


def test_smtp_transport_does_not_trust_an_unknown_certificate(
    make_runtime: Any, sqlite_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cert, key = certs.self_signed(tmp_path)  # not in SSL_CERT_FILE
    with SmtpSink(tls=certs.server_context(cert, key)) as sink:
        runtime = make_runtime(database_url=sqlite_url, outbound_smtp_url=f"{sink.url}?starttls=true", max_attempts=1)
        with runtime.sessions.begin() as session:
            ana = builders.person(session, builders.school(session), Role.advisor, "Ana", "ana@example.org")
            outbox.queue(session, [_email(ana, "untrusted")])
        runtime.extra["workers"] = [start_worker(runtime, threads=1)]
        row = _held(runtime, caplog, "ana@example.org", "certificate not trusted", 2)  # past RELAY_MAX_ATTEMPTS
    assert "certificate" in (row.last_error or "")
    assert not sink.received


def test_a_wrong_smtp_password_holds_the_mail_and_logs_an_error_until_it_is_fixed(
    make_runtime: Any, sqlite_url: str, trusted_cert: ssl.SSLContext, caplog: pytest.LogCaptureFixture
) -> None:
    """A 535 is our configuration, not the message: no row is failed (which would burn through
    the outbox, and the alert email would meet the same 535), each attempt logs an error for
    the operator, and the mail goes once the setting is right."""
    with SmtpSink(tls=trusted_cert, users={"relay": "right"}) as sink:
        base = f"{sink.controller.hostname}:{sink.controller.port}?starttls=true"
        runtime = make_runtime(database_url=sqlite_url, outbound_smtp_url=f"smtp://relay:wrong@{base}", max_attempts=2)
        with runtime.sessions.begin() as session:
            school = builders.school(session)
            builders.person(session, school, Role.coordinator, "Cora", "cora@example.org")
            ana = builders.person(session, school, Role.advisor, "Ana", "ana@example.org")
            outbox.queue(session, [_email(ana, "held")])
        runtime.extra["workers"] = [start_worker(runtime, threads=1)]
        row = _held(runtime, caplog, "ana@example.org", "SMTP 535", 4)  # past RELAY_MAX_ATTEMPTS
        assert "SMTP 535" in (row.last_error or "") and "RELAY_OUTBOUND_SMTP_URL" in (row.last_error or "")
        assert list(_rows(runtime)) == ["ana@example.org"], "no alert queued for a configuration problem"
        errors = [r for r in caplog.records if r.levelname == "ERROR" and "SMTP 535" in r.getMessage()]
        assert len(errors) >= 3
        assert not sink.received and {ok for _, _, ok in sink.handler.logins} == {False}

        # The operator fixes the password (a restart with the new setting).
        runtime.context.transports["email"] = SmtpTransport(f"smtp://relay:right@{base}", timeout=5)
        rows = _wait_finished(runtime, ["ana@example.org"])
    assert rows["ana@example.org"].status == Status.sent
    assert [r.user for r in sink.received] == ["relay"]


def test_twilio_refusing_our_credentials_holds_the_texts(
    make_runtime: Any, sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    with FakeTwilio() as twilio:
        runtime = make_runtime(
            database_url=sqlite_url,
            twilio_account_sid=twilio.account_sid,
            twilio_auth_token="not-the-right-token",
            twilio_from="+15005550006",
            twilio_api_base=twilio.base_url,
            sms_segments_per_second=100,
            quiet_hours="00:00-00:00",
            max_attempts=2,
        )
        with runtime.sessions.begin() as session:
            sam = builders.person(session, builders.school(session), Role.student, "Sam", phone="+15550000888")
            outbox.queue(session, [Notification(template="sms/help", to=sam)])
        runtime.extra["workers"] = [start_worker(runtime, threads=1)]
        row = _held(runtime, caplog, "+15550000888", "Twilio 401", 4)  # past RELAY_MAX_ATTEMPTS
    assert "Twilio 401" in (row.last_error or "") and "RELAY_TWILIO_AUTH_TOKEN" in (row.last_error or "")
    assert not twilio.accepted


@pytest.mark.parametrize("offered", [True, False])
def test_a_non_ascii_address_goes_by_smtputf8_or_fails_once_with_one_alert(
    make_runtime: Any, sqlite_url: str, offered: bool
) -> None:
    """An address the import accepts (josé@example.org) is sent with SMTPUTF8 when the server offers
    it; when it does not, the message fails permanently on its first attempt and the coordinator
    is told once, instead of being retried forever."""
    with SmtpSink(smtputf8=offered) as sink:
        runtime = make_runtime(database_url=sqlite_url, outbound_smtp_url=sink.url)
        with runtime.sessions.begin() as session:
            school = builders.school(session)
            builders.person(session, school, Role.coordinator, "Cora Coordinator", "cora@example.org")
            jose = builders.person(session, school, Role.advisor, "José Núñez", "josé@example.org")
            outbox.queue(session, [_email(jose, "josé")])
        runtime.extra["workers"] = [start_worker(runtime, threads=2)]
        if offered:
            rows = _wait_finished(runtime, ["josé@example.org"])
            [received] = sink.handler.to("josé@example.org")
            assert received.message["To"] == "josé@example.org"
        else:
            rows = _wait_finished(runtime, ["josé@example.org", "cora@example.org"])
            time.sleep(0.5)  # a retry, were there one, would be due by now (retry_base_seconds=0.05)
            rows = _rows(runtime)
    row = rows["josé@example.org"]
    if offered:
        assert (row.status, row.attempts) == (Status.sent, 1)
        return
    assert (row.status, row.attempts) == (Status.failed, 1)
    assert "does not offer SMTPUTF8" in (row.last_error or "")
    assert sink.handler.to("josé@example.org") == []
    [alert] = sink.handler.to("cora@example.org")
    assert alert.message["Subject"] == "Could not reach José Núñez"
