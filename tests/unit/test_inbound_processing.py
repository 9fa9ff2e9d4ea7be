"""Processing stored input: SMS keywords, opt-outs and help; replies, auto-replies, bounces, loops."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import pytest

from messaging import addresses, outbox, tokens
from messaging.inbound.handling import email_replies, processing, sms
from messaging.inbound.handling.incoming import IncomingReply
from messaging.inbound.reading.sms_keywords import Keyword
from messaging.models import BouncedAddress, OutboundMessage, SmsOptOut, Status
from tests.conftest import TEST_KEYS
from tests.support import builders, inbound
from workflow.models import Role
from workflow.notifications import Category, Happened, Notification, Result

STUDENT_PHONE = "+15555550100"


@pytest.fixture
def school_runtime(make_runtime: Any, sqlite_url: str) -> Any:
    runtime = make_runtime(database_url=sqlite_url, quiet_hours="00:00-00:00")
    with runtime.sessions.begin() as session:
        school = builders.school(session, name="Lincoln High")
        builders.person(session, school, Role.coordinator, "Cora Diaz", "cora@example.org")
        builders.person(session, school, Role.student, "Maya Lopez", "maya@example.org", phone=STUDENT_PHONE)
        builders.person(session, school, Role.mentor, "Ruth Chen", "ruth@example.org")
    return runtime


def test_help_who_and_unknown_numbers(school_runtime: Any) -> None:
    runtime = school_runtime
    assert inbound.sms(runtime, STUDENT_PHONE, "HELP").kind == "help"
    assert inbound.sms(runtime, STUDENT_PHONE, "who am i").kind == "who"
    texts = [m.body_text for m in inbound.sent(runtime, STUDENT_PHONE)]
    assert texts[0].startswith("Relay for Lincoln High: text CHECKIN when you arrive")
    assert texts[1].startswith("Relay knows this number as Maya Lopez, student at Lincoln High.")
    stranger = inbound.sms(runtime, "+15555550999", "hello?")
    assert (stranger.status, stranger.kind) == ("processed", "unknown_number")
    assert "We don't know this number yet" in inbound.sent(runtime, "+15555550999")[0].body_text


def test_repeated_unknown_text_gets_help_once_an_hour(school_runtime: Any) -> None:
    runtime = school_runtime
    for i in range(4):
        row = inbound.sms(runtime, STUDENT_PHONE, f"what is this {i}")
        assert row.status == "processed" and row.kind == "not_understood"
    assert len(inbound.sent(runtime, STUDENT_PHONE)) == 1
    assert inbound.sms(runtime, STUDENT_PHONE, "HELP").kind == "help"  # asking for help is always answered
    assert len(inbound.sent(runtime, STUDENT_PHONE)) == 2


def test_stop_is_recorded_nothing_is_sent_after_it_and_start_undoes_it(school_runtime: Any) -> None:
    runtime = school_runtime
    assert inbound.sms(runtime, STUDENT_PHONE, "STOP").kind == "opt_out"
    assert inbound.sent(runtime, STUDENT_PHONE) == [], "Twilio answers STOP itself; Relay stays silent"
    with runtime.sessions() as session:
        assert session.get_one(SmsOptOut, STUDENT_PHONE).opted_out
    ignored = inbound.sms(runtime, STUDENT_PHONE, "HELP")
    assert (ignored.status, ignored.kind) == ("ignored", "opted_out")
    assert inbound.sent(runtime, STUDENT_PHONE) == []
    assert inbound.sms(runtime, STUDENT_PHONE, "START").kind == "opt_in"
    assert inbound.sms(runtime, STUDENT_PHONE, "HELP").kind == "help"
    assert len(inbound.sent(runtime, STUDENT_PHONE)) == 1


def test_a_handler_that_breaks_leaves_the_row_failed_and_the_texter_answered(
    school_runtime: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any) -> Result:
        raise RuntimeError("bug")

    monkeypatch.setitem(sms.KEYWORD_HANDLERS, Keyword.who, broken)
    row = inbound.sms(school_runtime, STUDENT_PHONE, "who")
    assert (row.status, row.kind) == ("failed", "error") and "RuntimeError: bug" in (row.result or "")
    assert "Sorry, Relay couldn't handle that message" in inbound.sent(school_runtime, STUDENT_PHONE)[0].body_text


# -- email ------------------------------------------------------------------------------------


def _token(
    runtime: Any, ttl: timedelta = timedelta(days=3), name: str = "Ruth Chen", address: str = "ruth@example.org"
) -> str:
    with runtime.sessions.begin() as session:
        mentor = builders.person(session, builders.school(session, name="Lincoln High"), Role.mentor, name, address)
        return tokens.issue(
            session,
            purpose="attendance.confirm",
            object_type="day",
            object_id=5,
            person_id=mentor.id,
            ttl=ttl,
            keys=TEST_KEYS,
            now=datetime.now(UTC),
        )


def _reply(
    token: str,
    *,
    sender: str = "Ruth Chen <ruth@example.org>",
    body: str = "Yes, great day.",
    headers: dict[str, str] | None = None,
    to: str | None = None,
    in_reply_to: str | None = "ours",
) -> bytes:
    """A reply to Relay's email carrying `token`; `in_reply_to` None leaves the header out."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to or addresses.reply_address(token, "relay.test")
    msg["Subject"] = "Re: Please confirm Maya's day"
    msg["Message-ID"] = "<abc@mail.example.org>"
    if in_reply_to is not None:
        msg["In-Reply-To"] = _ours(token) if in_reply_to == "ours" else in_reply_to
    for key, value in (headers or {}).items():
        msg[key] = value
    msg.set_content(f"{body}\n\nOn Tue, Mar 10, 2026 at 3:05 PM Relay <relay@relay.test> wrote:\n> Was Maya here?\n")
    return msg.as_bytes()


def _ours(token: str) -> str:
    """The Message-ID of Relay's email that carried `token`."""
    return f"<{token}.0a1b2c3d4e5f@relay.test>"


@pytest.fixture
def replies(monkeypatch: pytest.MonkeyPatch) -> list[IncomingReply]:
    seen: list[IncomingReply] = []

    def handler(session: Any, reply: IncomingReply, now: datetime) -> Result:
        seen.append(reply)
        return Result(summary="recorded", happened=Happened.confirmed)

    monkeypatch.setitem(email_replies.REPLY_HANDLERS, tokens.Purpose.attendance_confirm, handler)
    return seen


def test_a_reply_from_the_recipient_reaches_its_handler_with_the_new_text(
    school_runtime: Any, replies: list[IncomingReply]
) -> None:
    token = _token(school_runtime)
    row = inbound.email(
        school_runtime, _reply(token), addresses.reply_address(token, "relay.test"), mail_from="ruth@example.org"
    )
    assert (row.status, row.kind) == ("processed", "attendance.confirm")
    assert [r.text for r in replies] == ["Yes, great day."]
    assert replies[0].person.email == "ruth@example.org"


def test_a_reply_that_lost_its_token_is_matched_by_in_reply_to(
    school_runtime: Any, replies: list[IncomingReply]
) -> None:
    token = _token(school_runtime)
    row = inbound.email(
        school_runtime, _reply(token, to="relay@relay.test"), "relay@relay.test", mail_from="ruth@example.org"
    )
    assert row.kind == "attendance.confirm" and len(replies) == 1


@pytest.mark.parametrize(
    "in_reply_to",
    [None, "<earlier-reply@mail.example.org>"],  # no In-Reply-To; or one naming a message not Relay's
)
def test_a_reply_that_lost_its_token_is_matched_through_references_alone(
    school_runtime: Any, replies: list[IncomingReply], in_reply_to: str | None
) -> None:
    token = _token(school_runtime)
    references = f"<first@mail.example.org> {_ours(token)} <earlier-reply@mail.example.org>"
    raw = _reply(token, to="relay@relay.test", in_reply_to=in_reply_to, headers={"References": references})
    row = inbound.email(school_runtime, raw, "relay@relay.test", mail_from="ruth@example.org")
    assert (row.status, row.kind) == ("processed", "attendance.confirm")
    assert [(r.text, r.person.email) for r in replies] == [("Yes, great day.", "ruth@example.org")]


def test_a_tokenless_reply_from_another_address_matched_through_references_changes_nothing(
    school_runtime: Any, replies: list[IncomingReply]
) -> None:
    token = _token(school_runtime)
    raw = _reply(
        token,
        sender="Someone <someone@example.net>",
        to="relay@relay.test",
        in_reply_to=None,
        headers={"References": _ours(token)},
    )
    row = inbound.email(school_runtime, raw, "relay@relay.test", mail_from="someone@example.net")
    assert (row.status, row.kind) == ("processed", "sender_mismatch") and replies == []
    [notice] = inbound.sent(school_runtime, "ruth@example.org")
    assert notice.subject == "A reply from someone@example.net was not applied"
    assert inbound.sent(school_runtime, "someone@example.net") == []


def test_a_reply_from_another_address_changes_nothing_and_the_recipient_is_told(
    school_runtime: Any, replies: list[IncomingReply]
) -> None:
    token = _token(school_runtime)
    raw = _reply(token, sender="Someone <someone@example.net>")
    row = inbound.email(
        school_runtime, raw, addresses.reply_address(token, "relay.test"), mail_from="someone@example.net"
    )
    assert (row.status, row.kind) == ("processed", "sender_mismatch") and replies == []
    [notice] = inbound.sent(school_runtime, "ruth@example.org")
    assert notice.subject == "A reply from someone@example.net was not applied"


def test_auto_replies_and_loops_are_never_answers(school_runtime: Any, replies: list[IncomingReply]) -> None:
    token = _token(school_runtime)
    rcpt = addresses.reply_address(token, "relay.test")
    cases = [
        ({"Auto-Submitted": "auto-replied"}, "auto_reply"),
        ({"X-Autoreply": "yes"}, "auto_reply"),
        ({"Precedence": "bulk"}, "auto_reply"),
        ({"Subject": "Abwesenheitsnotiz: Re: Please confirm"}, "auto_reply"),
        ({"X-Relay-Message": "12"}, "loop"),
    ]
    for headers, kind in cases:
        raw = _reply(token, headers={k: v for k, v in headers.items() if k != "Subject"})
        if "Subject" in headers:
            raw = raw.replace(b"Subject: Re: Please confirm Maya's day", f"Subject: {headers['Subject']}".encode())
        row = inbound.email(school_runtime, raw, rcpt)
        assert (row.status, row.kind) == ("ignored", kind), headers
    assert replies == []
    assert inbound.sent(school_runtime, "ruth@example.org") == []


def test_an_expired_token_gets_one_explanation_a_day(school_runtime: Any, replies: list[IncomingReply]) -> None:
    token = _token(school_runtime, ttl=timedelta(seconds=-5))
    rcpt = addresses.reply_address(token, "relay.test")
    for _ in range(3):
        row = inbound.email(school_runtime, _reply(token), rcpt)
        assert row.kind == "expired"
    [notice] = inbound.sent(school_runtime, "ruth@example.org")
    assert notice.subject == "Your reply arrived too late to use" and replies == []


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], None]:
    """Processing reads the time through `processing.utcnow`: set it."""
    now = [datetime.now(UTC)]
    monkeypatch.setattr(processing, "utcnow", lambda: now[0])

    def set_to(moment: datetime) -> None:
        now[0] = moment

    return set_to


def test_the_expired_reply_notice_comes_again_a_day_later_and_each_address_gets_its_own(
    school_runtime: Any, replies: list[IncomingReply], clock: Callable[[datetime], None]
) -> None:
    start = datetime.now(UTC)
    ruth = _token(school_runtime, ttl=timedelta(seconds=-5))
    bob = _token(school_runtime, ttl=timedelta(seconds=-5), name="Bob Ito", address="bob@example.org")

    def expired_reply(token: str, sender: str, at: timedelta) -> str:
        clock(start + at)
        raw = _reply(token, sender=sender)
        row = inbound.email(school_runtime, raw, addresses.reply_address(token, "relay.test"), mail_from=sender)
        assert row.kind == "expired"
        return row.result or ""

    assert expired_reply(ruth, "ruth@example.org", timedelta(0)) == "sender told"
    assert expired_reply(bob, "bob@example.org", timedelta(hours=2)) == "sender told", "another address"
    assert expired_reply(ruth, "ruth@example.org", timedelta(hours=23)).startswith("already told today")
    assert expired_reply(ruth, "ruth@example.org", timedelta(days=1, minutes=1)) == "sender told"
    assert expired_reply(bob, "bob@example.org", timedelta(days=1, minutes=30)).startswith("already told today")

    def notices(address: str) -> list[datetime]:
        return [m.created_at for m in inbound.sent(school_runtime, address) if m.template == "email/reply_expired"]

    assert notices("ruth@example.org") == [start, start + timedelta(days=1, minutes=1)]
    assert notices("bob@example.org") == [start + timedelta(hours=2)]
    assert replies == []


def _email_to_ruth(runtime: Any) -> OutboundMessage:
    """An email Relay sent Ruth Chen, mentor at Lincoln High: the message a bounce is about."""
    with runtime.sessions.begin() as session:
        ruth = builders.person(
            session, builders.school(session, name="Lincoln High"), Role.mentor, "Ruth Chen", "ruth@example.org"
        )
        [original] = outbox.queue(
            session,
            [Notification(template="email/reply_unmatched", to=ruth, kind=Category.message, context={"subject": "x"})],
        )
    return original


def test_a_bounce_marks_the_message_blocks_the_address_and_tells_the_coordinator(school_runtime: Any) -> None:
    runtime = school_runtime
    original = _email_to_ruth(runtime)
    dsn = (
        b"From: Mail Delivery Subsystem <mailer-daemon@mx.example.org>\r\nTo: bounce@relay.test\r\n"
        b"Subject: Delivery Status Notification (Failure)\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        b"--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.org\r\n\r\n"
        b"Final-Recipient: rfc822; ruth@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        b"Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n\r\n--b--\r\n"
    )
    bounce_to = addresses.bounce_address(original.id, TEST_KEYS, "relay.test")
    row = inbound.email(runtime, dsn, bounce_to, mail_from="")
    assert (row.status, row.kind) == ("processed", "bounce")
    with runtime.sessions() as session:
        assert session.get_one(OutboundMessage, original.id).status == Status.bounced
        assert session.get(BouncedAddress, "ruth@example.org") is not None
    alert = inbound.sent(runtime, "cora@example.org")
    assert [m.subject for m in alert] == ["Could not reach Ruth Chen"]
    with runtime.sessions.begin() as session:  # nothing more goes to the bounced address
        ruth = builders.person(
            session, builders.school(session, name="Lincoln High"), Role.mentor, "Ruth Chen", "ruth@example.org"
        )
        [blocked] = outbox.queue(
            session, [Notification(template="email/reply_unmatched", to=ruth, context={"subject": "y"})]
        )
    assert blocked.status == Status.failed and "bounced" in (blocked.last_error or "")


def _exim_bounce(failed: str, to: str) -> bytes:
    """A bounce the way Exim writes it: plain text, no delivery-status part, X-Failed-Recipients."""
    return (
        "Return-path: <>\r\n"
        "From: Mail Delivery System <Mailer-Daemon@mx.example.org>\r\n"
        f"To: {to}\r\n"
        "Subject: Mail delivery failed: returning message to sender\r\n"
        f"X-Failed-Recipients: {failed}\r\n"
        "Auto-Submitted: auto-replied\r\n"
        "Message-Id: <E1tXyZ-0001Ab-2c@mx.example.org>\r\n"
        "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
        "This message was created automatically by mail delivery software.\r\n\r\n"
        "A message that you sent could not be delivered to one or more of its\r\n"
        "recipients. This is a permanent error. The following address(es) failed:\r\n\r\n"
        f"  {failed.lower()}\r\n"
        "    host mx.example.org [192.0.2.1]\r\n"
        "    SMTP error from remote mail server after RCPT TO:<ruth@example.org>:\r\n"
        "    550 5.1.1 User unknown\r\n\r\n"
        "------ This is a copy of the message, including all the headers. ------\r\n\r\n"
        "Subject: Please confirm Maya's day\r\n\r\nWas Maya here?\r\n"
    ).encode()


def test_an_x_failed_recipients_bounce_marks_the_address_and_tells_the_coordinator(school_runtime: Any) -> None:
    """At the message's own return path: the message is marked and its address kept from mail."""
    runtime = school_runtime
    original = _email_to_ruth(runtime)
    rcpt = addresses.bounce_address(original.id, TEST_KEYS, "relay.test")
    row = inbound.email(runtime, _exim_bounce("Ruth@Example.org", rcpt), rcpt, mail_from="")
    assert (row.status, row.kind, row.result) == ("processed", "bounce", "bounced: ruth@example.org")
    with runtime.sessions() as session:
        assert session.get(BouncedAddress, "ruth@example.org") is not None
        assert session.get_one(OutboundMessage, original.id).status == Status.bounced
    [alert] = inbound.sent(runtime, "cora@example.org")
    assert alert.subject == "Could not reach Ruth Chen" and "ruth@example.org" in alert.body_text
    assert "550 5.1.1 User unknown" in alert.body_text  # the refusing server's words, from the text
    with runtime.sessions.begin() as session:
        ruth = builders.person(
            session, builders.school(session, name="Lincoln High"), Role.mentor, "Ruth Chen", "ruth@example.org"
        )
        [blocked] = outbox.queue(
            session, [Notification(template="email/reply_unmatched", to=ruth, context={"subject": "y"})]
        )
    assert blocked.status == Status.failed and "bounced" in (blocked.last_error or "")


def test_a_bounce_to_the_bare_address_is_stored_and_ignored(school_runtime: Any) -> None:
    """Anyone can write to the bare address: a bounce there proves nothing and changes nothing."""
    runtime = school_runtime
    original = _email_to_ruth(runtime)
    row = inbound.email(runtime, _exim_bounce("Ruth@Example.org", "relay@relay.test"), "relay@relay.test", "")
    assert (row.status, row.kind) == ("ignored", "bounce_unverified")
    with runtime.sessions() as session:
        assert session.get(BouncedAddress, "ruth@example.org") is None
        assert session.get_one(OutboundMessage, original.id).status == Status.queued
    assert inbound.sent(runtime, "cora@example.org") == []


def test_a_gmail_reaction_reaches_its_handler_as_its_emoji_alone(
    school_runtime: Any, replies: list[IncomingReply]
) -> None:
    token = _token(school_runtime)
    msg = EmailMessage()
    msg["From"] = "Ruth Chen <ruth@example.org>"
    msg["To"] = addresses.reply_address(token, "relay.test")
    msg["Subject"] = "Re: Please confirm Maya's day"
    msg["In-Reply-To"] = _ours(token)
    msg.set_content("👍\n\nRuth reacted via Gmail<https://www.google.com/gmail/about/>\n")
    msg.add_alternative('{"emoji": "👍", "version": 1}', subtype="vnd.google.email-reaction+json")
    msg.add_alternative('<p style="font-size:50px">👍</p><p>Ruth reacted via <a href="#">Gmail</a></p>', subtype="html")
    row = inbound.email(
        school_runtime, msg.as_bytes(), addresses.reply_address(token, "relay.test"), mail_from="ruth@example.org"
    )
    assert (row.status, row.kind) == ("processed", "attendance.confirm")
    assert [r.text for r in replies] == ["👍"]


def test_an_html_only_outlook_reply_reaches_its_handler_without_the_original(
    school_runtime: Any, replies: list[IncomingReply]
) -> None:
    token = _token(school_runtime)
    msg = EmailMessage()
    msg["From"] = "Ruth Chen <ruth@example.org>"
    msg["To"] = addresses.reply_address(token, "relay.test")
    msg["Subject"] = "RE: Please confirm Maya's day"
    msg["In-Reply-To"] = _ours(token)
    msg.set_content(
        '<html><body><div class="elementToProof">Yes, all day.</div><div id="appendonsend"></div>'
        '<hr style="display:inline-block;width:98%" tabindex="-1"><div id="divRplyFwdMsg" dir="ltr"><b>From:</b> '
        "Relay &lt;relay@relay.test&gt;<br><b>Sent:</b> Tuesday, March 10, 2026 3:05 PM<br><b>To:</b> Ruth Chen"
        "<br><b>Subject:</b> Please confirm Maya's day</div><div><p>Was Maya at Riverside Clinic today?</p></div>"
        "</body></html>",
        subtype="html",
    )
    row = inbound.email(
        school_runtime, msg.as_bytes(), addresses.reply_address(token, "relay.test"), mail_from="ruth@example.org"
    )
    assert (row.status, row.kind) == ("processed", "attendance.confirm")
    assert [r.text for r in replies] == ["Yes, all day."]
