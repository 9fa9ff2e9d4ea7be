"""Signed delivery-status callbacks with hostile fields: a MessageSid or an ErrorCode too long for
its column, or holding a NUL, is recorded as far as it can be, and never answered 500."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx
from twilio.request_validator import RequestValidator

from messaging.models import OutboundMessage, Status
from relay.runtime import Runtime
from tests.support import builders, servers
from workflow.base import utcnow
from workflow.models import Role

TOKEN = "test-twilio-auth-token-0123456789"
PUBLIC = "http://relay.test:8000"
SID = "SM" + "e" * 32


def _runtime(make_runtime: Callable[..., Runtime], backend: dict[str, Any]) -> Runtime:
    return make_runtime(
        **backend, twilio_account_sid="AC" + "0" * 32, twilio_auth_token=TOKEN, twilio_from="+15005550006"
    )


def _outbound(runtime: Runtime, n: int) -> list[int]:
    with runtime.sessions.begin() as session:
        school = builders.school(session)
        student = builders.person(session, school, Role.student, "Sam", phone="+15555550100")
        rows = [
            OutboundMessage(
                channel="sms",
                status=Status.sending,
                template="sms/help",
                school_id=school.id,
                person_id=student.id,
                to_address="+15555550100",
                from_address="+15005550006",
                body_text="hi",
                provider_id=SID,
                created_at=utcnow(),
            )
            for _ in range(n)
        ]
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]


def _callback(base: str, message_id: int, params: dict[str, str]) -> httpx.Response:
    path = f"/sms/status?m={message_id}"
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC + path, params)
    return httpx.post(base + path, data=params, headers={"X-Twilio-Signature": signature}, timeout=20)


def test_hostile_sids_and_error_codes_are_recorded_never_500(make_runtime: Any, backend: dict[str, Any]) -> None:
    runtime = _runtime(make_runtime, backend)
    long_sid, nul_sid, no_sid, long_code, nul_code = _outbound(runtime, 5)
    with servers.web(runtime) as base:
        answers = {
            long_sid: _callback(base, long_sid, {"MessageSid": "SM" + "x" * 300, "MessageStatus": "sent"}),
            nul_sid: _callback(base, nul_sid, {"MessageSid": "SM\x00x", "MessageStatus": "sent"}),
            no_sid: _callback(base, no_sid, {"MessageStatus": "sent"}),
            long_code: _callback(base, long_code, {"MessageStatus": "failed", "ErrorCode": "3" * 2000}),
            nul_code: _callback(base, nul_code, {"MessageStatus": "undelivered", "ErrorCode": "300\x0003"}),
        }
    assert {message_id: answer.status_code for message_id, answer in answers.items()} == dict.fromkeys(answers, 204)
    with runtime.sessions() as session:
        rows = {message_id: session.get_one(OutboundMessage, message_id) for message_id in answers}
    for message_id in (long_sid, nul_sid, no_sid):
        # The status moves; the provider id we had is kept rather than replaced by one that cannot be stored.
        assert (rows[message_id].status, rows[message_id].provider_id) == (Status.sent, SID)
    assert rows[long_code].status == Status.failed and rows[long_code].final_at is not None
    assert len(rows[long_code].last_error or "") <= 1000 and "333" in (rows[long_code].last_error or "")
    assert rows[nul_code].status == Status.undelivered and "\x00" not in (rows[nul_code].last_error or "")


def test_a_message_id_of_unicode_digits_is_not_ours_and_not_a_500(make_runtime: Any, sqlite_url: str) -> None:
    """`?m=` must be ASCII digits: "²" is a digit to str.isdigit() but not to int() (a 500), and
    "٣" is 3 to int()."""
    runtime = _runtime(make_runtime, {"database_url": sqlite_url})
    [message_id] = _outbound(runtime, 1)
    with servers.web(runtime) as base:
        for odd in ("\u00b2", "\u0663", f"{message_id}\u00b2"):
            path = f"/sms/status?m={quote(odd)}"
            params = {"MessageSid": SID, "MessageStatus": "delivered"}
            signature = RequestValidator(TOKEN).compute_signature(PUBLIC + path, params)
            answer = httpx.post(base + path, data=params, headers={"X-Twilio-Signature": signature}, timeout=20)
            assert answer.status_code == 204, (odd, answer.status_code)
    with runtime.sessions() as session:
        assert session.get_one(OutboundMessage, message_id).status == Status.sending
