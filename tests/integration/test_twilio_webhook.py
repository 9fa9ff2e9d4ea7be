"""The Twilio webhooks over real HTTP, with requests signed by twilio's own RequestValidator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from messaging.inbound.handling import processing
from messaging.models import InboundMessage, OutboundMessage, Status
from relay.runtime import Runtime
from tests.support import builders, servers
from workflow.base import utcnow
from workflow.models import DayStatus, InternshipDay, Role

TOKEN = "test-twilio-auth-token-0123456789"
PUBLIC = "http://relay.test:8000"  # what Twilio calls; the app sits behind a proxy at another address


def _params(sid: str = "SM" + "a" * 32, body: str = "HELP") -> dict[str, str]:
    return {
        "MessageSid": sid,
        "SmsSid": sid,
        "AccountSid": "AC" + "0" * 32,
        "From": "+15555550100",
        "To": "+15005550006",
        "Body": body,
        "NumMedia": "0",
    }


def _post(
    base: str,
    path: str,
    params: dict[str, str],
    *,
    signed_url: str | None = None,
    token: str = TOKEN,
    signature: str | None = None,
) -> httpx.Response:
    url = signed_url or PUBLIC + path
    sig = signature if signature is not None else RequestValidator(token).compute_signature(url, params)
    return httpx.post(base + path, data=params, headers={"X-Twilio-Signature": sig}, timeout=10)


def _runtime(make_runtime: Callable[..., Runtime], backend: dict[str, Any]) -> Runtime:
    return make_runtime(
        **backend, twilio_account_sid="AC" + "0" * 32, twilio_auth_token=TOKEN, twilio_from="+15005550006"
    )


def _inbound(runtime: Runtime) -> list[InboundMessage]:
    with runtime.sessions() as session:
        return list(session.scalars(select(InboundMessage).where(InboundMessage.channel == "sms")))


def test_signed_sms_is_stored_and_answered_with_empty_twiml(make_runtime: Any, backend: dict[str, Any]) -> None:
    runtime = _runtime(make_runtime, backend)
    with servers.web(runtime) as base:
        response = _post(base, "/sms/inbound", _params())
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/xml")
        assert response.text == '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
    [row] = _inbound(runtime)
    assert (row.provider_id, row.sender, row.payload["Body"]) == ("SM" + "a" * 32, "+15555550100", "HELP")


def test_forged_and_misaddressed_requests_get_403_and_store_nothing(make_runtime: Any, backend: dict[str, Any]) -> None:
    runtime = _runtime(make_runtime, backend)
    with servers.web(runtime) as base:
        assert _post(base, "/sms/inbound", _params(), token="someone-elses-token").status_code == 403
        assert _post(base, "/sms/inbound", _params(), signature="").status_code == 403
        assert _post(base, "/sms/inbound", _params(), signature="bm90IGEgc2lnbmF0dXJl").status_code == 403
        # Signed for another URL (a request replayed against us from elsewhere).
        assert _post(base, "/sms/inbound", _params(), signed_url="https://evil.example/sms/inbound").status_code == 403
        # Signed correctly, then a parameter changed in transit.
        params = _params()
        sig = RequestValidator(TOKEN).compute_signature(PUBLIC + "/sms/inbound", params)
        tampered = {**params, "Body": "STOP"}
        response = httpx.post(base + "/sms/inbound", data=tampered, headers={"X-Twilio-Signature": sig}, timeout=10)
        assert response.status_code == 403
        assert (
            _post(base, "/sms/status", {"MessageSid": "SMx", "MessageStatus": "delivered"}, token="x").status_code
            == 403
        )
    assert _inbound(runtime) == []


def test_a_replayed_message_sid_is_stored_once(make_runtime: Any, backend: dict[str, Any]) -> None:
    runtime = _runtime(make_runtime, backend)
    with servers.web(runtime) as base:
        for _ in range(3):
            assert _post(base, "/sms/inbound", _params(sid="SM" + "b" * 32)).status_code == 200
        assert _post(base, "/sms/inbound", _params(sid="SM" + "c" * 32)).status_code == 200
    assert sorted(r.provider_id for r in _inbound(runtime)) == ["SM" + "b" * 32, "SM" + "c" * 32]


def test_status_callbacks_out_of_order_never_move_a_final_status_back(
    make_runtime: Any, backend: dict[str, Any]
) -> None:
    runtime = _runtime(make_runtime, backend)
    with runtime.sessions.begin() as session:
        school = builders.school(session)
        student = builders.person(session, school, Role.student, "Sam", phone="+15555550100")
        row = OutboundMessage(
            channel="sms",
            status=Status.sending,
            template="sms/help",
            school_id=school.id,
            person_id=student.id,
            to_address="+15555550100",
            from_address="+15005550006",
            body_text="hi",
            created_at=utcnow(),
        )
        session.add(row)
        session.flush()
        message_id = row.id

    def status() -> str:
        with runtime.sessions() as session:
            return session.get_one(OutboundMessage, message_id).status

    path = f"/sms/status?m={message_id}"
    with servers.web(runtime) as base:

        def callback(value: str, **extra: str) -> None:
            params = {"MessageSid": "SM" + "d" * 32, "MessageStatus": value, **extra}
            assert _post(base, path, params, signed_url=PUBLIC + path).status_code == 204

        callback("delivered")  # arrives before "sent" and before our own record of the send
        assert status() == Status.delivered
        callback("sent")
        callback("queued")
        callback("undelivered", ErrorCode="30003")
        assert status() == Status.delivered
    with runtime.sessions() as session:
        stored = session.get(OutboundMessage, message_id)
        assert stored is not None and stored.final_at is not None


def test_bodies_larger_than_twilio_sends_are_413_before_parsing(make_runtime: Any, sqlite_url: str) -> None:
    """An unsigned body of 1 MB, declared or streamed without a length, is answered 413 in plain
    words and stores nothing; a signed SMS near the limit is still stored; `?m=` out of range is
    not a 500."""
    runtime = _runtime(make_runtime, {"database_url": sqlite_url})
    huge = b"Body=" + b"x" * 1_000_000

    def chunks() -> Any:
        for start in range(0, len(huge), 65_536):
            yield huge[start : start + 65_536]

    with servers.web(runtime) as base:
        for path in ("/sms/inbound", "/sms/status"):
            declared = httpx.post(
                base + path,
                content=huge,
                headers={"content-type": "application/x-www-form-urlencoded", "X-Twilio-Signature": "x"},
            )
            assert declared.status_code == 413, declared.status_code
            assert declared.text == "Payload too large: this endpoint takes at most 64 KB."
            streamed = httpx.post(
                base + path, content=chunks(), headers={"content-type": "application/x-www-form-urlencoded"}
            )
            assert streamed.status_code == 413 and "at most 64 KB" in streamed.text
            assert "content-length" not in streamed.request.headers
        params = _params(body="y" * 1600)
        params["Extra"] = "z" * 50_000
        assert _post(base, "/sms/inbound", params).status_code == 200
        status = {"MessageSid": "SM" + "b" * 32, "MessageStatus": "delivered"}
        assert _post(base, "/sms/status?m=99999999999999999999", status).status_code == 204
    [row] = _inbound(runtime)
    assert row.payload and row.payload["Body"] == "y" * 1600


def test_a_checkin_from_an_opted_out_number_is_recorded_and_nothing_is_texted(
    make_runtime: Any, sqlite_url: str
) -> None:
    """Opting out stops Relay's texts, not the student's attendance: after STOP, CHECKIN opens the
    day and CHECKOUT asks the mentor, with every text back written blocked, never sent."""
    runtime = _runtime(make_runtime, {"database_url": sqlite_url, "quiet_hours": "00:00-00:00"})
    builders.build(runtime)
    with servers.web(runtime) as base:
        for i, body in enumerate(["STOP", "CHECKIN", "CHECKOUT", "WHO"]):
            assert _post(base, "/sms/inbound", _params(sid=f"SM{i:032d}", body=body)).status_code == 200
            processing.process_inbound(*[row.id for row in _inbound(runtime)][i:])
            if body == "CHECKIN":
                with runtime.sessions() as session:
                    assert session.scalars(select(InternshipDay)).one().status == DayStatus.open
    rows = sorted(_inbound(runtime), key=lambda row: row.id)
    assert [(row.status, row.kind) for row in rows] == [
        ("processed", "opt_out"),
        ("processed", "checkin"),
        ("processed", "checkout"),
        ("ignored", "opted_out"),
    ]
    with runtime.sessions() as session:
        assert session.scalars(select(InternshipDay)).one().status == DayStatus.pending
        texts = list(session.scalars(select(OutboundMessage).where(OutboundMessage.channel == "sms")))
        emails = [
            m.template for m in session.scalars(select(OutboundMessage).where(OutboundMessage.channel == "email"))
        ]
    assert texts and all(
        m.status == Status.failed and m.last_error == "not sent: the number opted out" for m in texts
    ), [(m.template, m.status) for m in texts]
    assert "email/mentor_confirm" in emails
