"""Hostile requests at the Twilio webhooks over real HTTP (real Postgres and Redis, and SQLite):
nothing signed is lost, nothing answers 500."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qsl, quote

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from twilio.request_validator import RequestValidator

from messaging.inbound.doors import store, twilio_webhook
from messaging.inbound.handling import processing
from messaging.models import InboundMessage, OutboundMessage
from relay.runtime import Runtime
from tests.support import servers

TOKEN = "test-twilio-auth-token-0123456789"
PUBLIC = "http://relay.test:8000"
FORM = {"content-type": "application/x-www-form-urlencoded"}


def _runtime(make_runtime: Callable[..., Runtime], backend: dict[str, Any]) -> Runtime:
    return make_runtime(
        **backend, twilio_account_sid="AC" + "0" * 32, twilio_auth_token=TOKEN, twilio_from="+15005550006"
    )


def _params(sid: str, body: str = "HELP", sender: str = "+15555550100") -> dict[str, str]:
    return {"MessageSid": sid, "AccountSid": "AC" + "0" * 32, "From": sender, "To": "+15005550006", "Body": body}


def _signature(params: dict[str, str], path: str = "/sms/inbound") -> str:
    return str(RequestValidator(TOKEN).compute_signature(PUBLIC + path, params))


def _post(base: str, params: dict[str, str], path: str = "/sms/inbound") -> httpx.Response:
    return httpx.post(base + path, data=params, headers={"X-Twilio-Signature": _signature(params, path)}, timeout=20)


def _rows(runtime: Runtime) -> list[InboundMessage]:
    with runtime.sessions() as session:
        return list(session.scalars(select(InboundMessage).order_by(InboundMessage.id)))


def test_message_sids_longer_than_the_column_are_each_their_own_input(
    make_runtime: Any, backend: dict[str, Any]
) -> None:
    """Two SIDs that share their first 250 characters are two messages: the second must not be
    taken for a retry of the first (it was: the key was cut to 250 characters, answered 200, and
    dropped)."""
    runtime = _runtime(make_runtime, backend)
    prefix = "SM" + "x" * 260
    with servers.web(runtime) as base:
        for sid in (prefix + "A", prefix + "B", prefix + "A"):
            assert _post(base, _params(sid, body=sid[-1])).status_code == 200
    rows = _rows(runtime)
    assert sorted(row.payload["Body"] for row in rows) == ["A", "B"]
    assert all(len(row.provider_id) <= 250 for row in rows)


def test_the_same_sid_many_times_at_once_is_one_row_and_every_request_gets_200(
    make_runtime: Any, backend: dict[str, Any]
) -> None:
    runtime = _runtime(make_runtime, backend)
    params = _params("SM" + "d" * 32, body="CHECKIN")
    statuses: list[int] = []
    with servers.web(runtime) as base, httpx.Client(timeout=30) as client:
        barrier = threading.Barrier(24)

        def post() -> None:
            barrier.wait(10)
            for _ in range(3):
                response = client.post(
                    base + "/sms/inbound", data=params, headers={"X-Twilio-Signature": _signature(params)}
                )
                statuses.append(response.status_code)

        threads = [threading.Thread(target=post) for _ in range(24)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert statuses == [200] * 72
    [row] = _rows(runtime)
    assert row.payload["Body"] == "CHECKIN"


def test_nul_bad_utf8_and_surrogates_are_stored_and_answered_200(make_runtime: Any, backend: dict[str, Any]) -> None:
    """Fields percent-encoded as NUL, bytes that are not UTF-8, an encoded lone surrogate, raw 8-bit
    bytes and deeply nested JSON text: each signed SMS is stored, none answers 500."""
    runtime = _runtime(make_runtime, backend)
    bodies = {
        "SMnul": "%00a%00",
        "SMbad": "%FF%FE%C3",
        "SMsurrogate": "%ED%A0%80x",
        "SMjson": quote("[" * 8_000 + "]" * 8_000),
        "SMbig": quote("é" * 10_000),  # 60 KB encoded, just under the limit
    }
    with servers.web(runtime) as base:
        for sid, encoded in bodies.items():
            fields = {"MessageSid": sid, "From": "%2B15555550100%00", "To": "+15005550006", "Body": encoded}
            raw = "&".join(f"{name}={value}" for name, value in fields.items())
            # Sign what the server will read (the fields as percent-decoded).
            signature = _signature(dict(parse_qsl(raw, keep_blank_values=True)))
            response = httpx.post(
                base + "/sms/inbound",
                content=raw.encode(),
                headers={**FORM, "X-Twilio-Signature": signature},
                timeout=20,
            )
            assert response.status_code == 200, (sid, response.status_code, response.text)
        raw8 = b"MessageSid=SM8bit&From=%2B15555550100&Body=\xe9\xff\x00"
        latin = dict(parse_qsl(raw8.decode("latin-1"), keep_blank_values=True))
        response = httpx.post(
            base + "/sms/inbound", content=raw8, headers={**FORM, "X-Twilio-Signature": _signature(latin)}, timeout=20
        )
        assert response.status_code == 200, response.text
    rows = {row.provider_id: row for row in _rows(runtime)}
    assert sorted(rows) == sorted([*bodies, "SM8bit"])
    assert rows["SMnul"].payload["Body"] == "\ufffda\ufffd" and rows["SMnul"].sender == "+15555550100\ufffd"
    assert rows["SMjson"].payload["Body"] == "[" * 8_000 + "]" * 8_000
    assert rows["SMbig"].payload["Body"] == "é" * 10_000
    assert "\ufffd" in rows["SMbad"].payload["Body"] and rows["SMsurrogate"].payload["Body"].endswith("x")


def _chunks(data: bytes) -> Iterator[bytes]:
    for start in range(0, len(data), 7):
        yield data[start : start + 7]


def test_chunked_bodies_and_wrong_content_types_are_read_or_refused_in_words(
    make_runtime: Any, backend: dict[str, Any]
) -> None:
    runtime = _runtime(make_runtime, backend)
    params = _params("SMchunked", body="WHO")
    body = httpx.QueryParams(params).__str__().encode()
    with servers.web(runtime) as base:
        chunked = httpx.post(
            base + "/sms/inbound",
            content=_chunks(body),
            headers={**FORM, "X-Twilio-Signature": _signature(params)},
            timeout=20,
        )
        assert chunked.status_code == 200 and "content-length" not in chunked.request.headers
        for content_type, content in (
            ("application/json", b'{"MessageSid": "SMjson", "From": "+15555550100"}'),
            (
                "multipart/form-data; boundary=xyz",
                b"--xyz\r\nContent-Disposition: form-data; name=a\r\n\r\nb\r\n--xyz--",
            ),
            ("text/plain", b"\x00\xff" * 100),
            ("application/x-www-form-urlencoded; charset=utf-16", "MessageSid=SMu16".encode("utf-16")),
        ):
            for path in ("/sms/inbound", "/sms/status"):
                answer = httpx.post(
                    base + path, content=content, headers={"content-type": content_type, "X-Twilio-Signature": "x"}
                )
                assert answer.status_code == 403, (content_type, path, answer.status_code)
                assert "Traceback" not in answer.text
        # A body that says it is longer than it is, and one larger than the limit sent in chunks.
        assert (
            httpx.post(base + "/sms/inbound", content=_chunks(b"a=" + b"b" * 70_000), headers=FORM).status_code == 413
        )
        # A signed body with no fields the door needs: 400 in words, not 500.
        empty: dict[str, str] = {"Body": "x"}
        answer = _post(base, empty)
        assert answer.status_code == 400 and "MessageSid" in answer.text
    assert [row.provider_id for row in _rows(runtime)] == ["SMchunked"]


def test_an_unknown_sender_gets_the_help_text(make_runtime: Any, sqlite_url: str) -> None:
    runtime = _runtime(make_runtime, {"database_url": sqlite_url, "quiet_hours": "00:00-00:00"})
    with servers.web(runtime) as base:
        assert _post(base, _params("SMunknown", body="hello?", sender="+15555550123")).status_code == 200
    processing.process_inbound(*[row.id for row in _rows(runtime)])
    [row] = _rows(runtime)
    assert (row.status, row.kind) == ("processed", "unknown_number")
    with runtime.sessions() as session:
        [text] = session.scalars(select(OutboundMessage).where(OutboundMessage.channel == "sms"))
    assert text.to_address == "+15555550123"
    assert "coordinator" in text.body_text and "Traceback" not in text.body_text


def test_a_database_out_of_reach_is_503_in_words_not_500(
    make_runtime: Any, backend: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database refuses (the write raises as SQLAlchemy does when it cannot connect): each
    door says 503 and when to try again, not the 500 page."""
    runtime = _runtime(make_runtime, backend)

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("INSERT", {}, Exception("connection refused"))

    with servers.web(runtime) as base:
        monkeypatch.setattr(store, "_write", refuse)
        monkeypatch.setattr(twilio_webhook, "record_status", refuse)
        inbound = _post(base, _params("SMdown"))
        status = _post(base, {"MessageSid": "SMx", "MessageStatus": "delivered"}, path="/sms/status?m=1")
    for answer in (inbound, status):
        assert answer.status_code == 503, answer.status_code
        assert answer.text == "Service unavailable: please try again shortly." and answer.headers["retry-after"]


def test_without_an_auth_token_nothing_is_taken_as_signed(make_runtime: Any, sqlite_url: str) -> None:
    """A context built without a Twilio token (relay.runtime derives one, but messaging.context's
    default is None) must refuse every request, not check HMACs made with an empty key."""
    runtime = _runtime(make_runtime, {"database_url": sqlite_url})
    runtime.context.config = replace(runtime.context.config, twilio_auth_token=None)
    params = _params("SMforged")
    with servers.web(runtime) as base:
        signature = RequestValidator("").compute_signature(PUBLIC + "/sms/inbound", params)
        answer = httpx.post(base + "/sms/inbound", data=params, headers={"X-Twilio-Signature": signature})
        assert answer.status_code == 403, answer.status_code
    assert _rows(runtime) == []
