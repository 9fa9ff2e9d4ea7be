"""Twilio's webhooks: incoming SMS (`POST /sms/inbound`) and delivery status (`POST /sms/status`).

Every request must carry a valid X-Twilio-Signature for the public URL (RELAY_PUBLIC_BASE_URL, so
it works behind a proxy); anything else gets 403. A body larger than any Twilio sends (64 KB) gets
413 before anything is parsed or checked: the declared Content-Length first, then what is read,
never more than the limit (an unsigned 78 MB body used to be parsed in full). An incoming SMS is stored (deduplicated by
MessageSid), answered at once with empty TwiML, and processed by a worker.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from collections.abc import Mapping
from datetime import datetime
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from fastapi import APIRouter, Request, Response
from sqlalchemy import update
from starlette.concurrency import run_in_threadpool

from messaging import context
from messaging.inbound.doors import store
from messaging.models import OutboundEvent, OutboundMessage, Status, may, target
from messaging.outbound import failures
from messaging.outbound.failures import PermanentFailure
from workflow.base import utcnow

log = logging.getLogger(__name__)
router = APIRouter()
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
OM = OutboundMessage
# Twilio's final statuses, and the error codes that mean the number will not take SMS.
_STATUS_MAP = {
    "sent": Status.sent,
    "delivered": Status.delivered,
    "read": Status.delivered,
    "undelivered": Status.undelivered,
    "failed": Status.failed,
    "canceled": Status.failed,
}
# The event each reported status is, in the outbound status table.
_REPORTED = {
    Status.sent: OutboundEvent.reported_sent,
    Status.delivered: OutboundEvent.reported_delivered,
    Status.undelivered: OutboundEvent.reported_undelivered,
    Status.failed: OutboundEvent.reported_failed,
}
MAX_BODY_BYTES = 64 * 1024  # Twilio's requests are a few KB: a 1,600-character SMS with its fields
MAX_ERROR_CODE = 40  # Twilio's error codes are five digits
MAX_PROVIDER_ID = 100  # OutboundMessage.provider_id
UNREACHABLE_CODES = frozenset({"21610", "30003", "30004", "30005", "30006", "30007"})


def _signature(token: str, url: str, params: Mapping[str, str]) -> bytes:
    """Twilio's X-Twilio-Signature: HMAC-SHA1 over the URL and the fields sorted by name, base64."""
    data = url + "".join(name + params[name] for name in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), data.encode(), hashlib.sha1).digest())


def _other_port_form(url: str) -> str:
    """The URL with its default port written out, or without the port it has: Twilio may sign
    either form (twilio's RequestValidator accepts both)."""
    parts = urlsplit(url)
    if parts.port:
        return urlunsplit(parts._replace(netloc=parts.netloc.rsplit(":", 1)[0]))
    return urlunsplit(parts._replace(netloc=f"{parts.netloc}:{443 if parts.scheme == 'https' else 80}"))


def _signed(request: Request, params: Mapping[str, str]) -> bool:
    """The signature checked as twilio's RequestValidator does, at the cost of one HMAC for the
    usual request (its validator computes two, and compares in a Python loop)."""
    cfg = context.current().config
    url = cfg.public_base_url + request.url.path + (f"?{request.url.query}" if request.url.query else "")
    signature = request.headers.get("X-Twilio-Signature", "").encode()
    token = cfg.twilio_auth_token or ""
    if not signature or not token:  # no token: anyone could sign with an empty key
        return False
    if hmac.compare_digest(_signature(token, url, params), signature):
        return True
    return hmac.compare_digest(_signature(token, _other_port_form(url), params), signature)


async def _form(request: Request) -> dict[str, str] | None:
    """The posted fields, or None when the body is larger than MAX_BODY_BYTES (read no further).
    Read as Starlette's form parser reads them (names and values percent-decoded as UTF-8 from
    a Latin-1 view of the bytes), without its per-field callbacks."""
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and (len(declared) > 12 or int(declared) > MAX_BODY_BYTES):
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
    body = b"".join(chunks).decode("latin-1")
    return dict(parse_qsl(body, keep_blank_values=True))


def _too_large() -> Response:
    return Response(
        f"Payload too large: this endpoint takes at most {MAX_BODY_BYTES // 1024} KB.",
        status_code=413,
        media_type="text/plain",
    )


def _forbidden() -> Response:
    return Response("Forbidden: this endpoint only answers Twilio.", status_code=403, media_type="text/plain")


@router.post("/sms/inbound", include_in_schema=False)
async def sms_inbound(request: Request) -> Response:
    params = await _form(request)
    if params is None:
        return _too_large()
    if not _signed(request, params):
        return _forbidden()
    sid = params.get("MessageSid") or params.get("SmsSid")
    if not sid or not params.get("From"):
        return Response("Bad request: MessageSid and From are required.", status_code=400, media_type="text/plain")
    try:
        await _batcher.store(
            channel="sms", provider_id=sid, sender=params["From"], recipient=params.get("To"), payload=params
        )
    except Exception:  # the database is out of reach: say so (Twilio logs it, tries its fallback URL)
        log.exception("could not store inbound SMS %s", sid[:64])
        return _unavailable()
    return Response(EMPTY_TWIML, media_type="text/xml")


def _unavailable() -> Response:
    return Response(
        "Service unavailable: please try again shortly.",
        status_code=503,
        media_type="text/plain",
        headers={"Retry-After": "30"},
    )


_batcher = store.Batcher()


@router.post("/sms/status", include_in_schema=False)
async def sms_status(request: Request) -> Response:
    params = await _form(request)
    if params is None:
        return _too_large()
    if not _signed(request, params):
        return _forbidden()
    message_id = request.query_params.get("m", "")
    status = _STATUS_MAP.get(params.get("MessageStatus", "").lower())
    ours = message_id.isascii() and message_id.isdigit() and len(message_id) <= 18  # a BIGINT ("²" is no int)
    if status is not None and ours:
        try:
            await run_in_threadpool(record_status, int(message_id), status, params)
        except Exception:
            log.exception("could not record status %s of outbound message %s", status.value, message_id)
            return _unavailable()
    return Response(status_code=204)


def record_status(message_id: int, status: Status, params: Mapping[str, str], now: datetime | None = None) -> bool:
    """Apply a delivery status; callbacks come out of order, so a final status never moves back,
    and `sent` only moves a row that was not yet sent. True if the row changed."""
    now = now or utcnow()
    # Fields as a database holds them: a NUL (Postgres refuses it) becomes U+FFFD, an error code
    # is cut to a code's length, and a MessageSid that is missing, not clean or too long for its
    # column leaves the one we have (each of these used to answer 500).
    code = store.clean(params.get("ErrorCode") or "")[:MAX_ERROR_CODE] or None
    event = _REPORTED[status]
    values: dict[str, object] = {"status": target(event)}
    conditions = [OM.id == message_id, OM.channel == "sms", may(OM.status, event)]
    sid = params.get("MessageSid") or ""
    if status == Status.sent:
        if sid and store.clean(sid) == sid and len(sid) <= MAX_PROVIDER_ID:
            values["provider_id"] = sid
    else:
        values["final_at"] = now
        if code:
            values["last_error"] = f"Twilio {status.value} (code {code})"
    with context.current().sessions.begin() as session:
        changed = session.execute(update(OM).where(*conditions).values(**values)).rowcount  # type: ignore[attr-defined]
        if not changed or status not in (Status.undelivered, Status.failed):
            return bool(changed)
        row = session.get(OM, message_id)
        assert row is not None
        failure = PermanentFailure(
            channel="sms",
            address=row.to_address,
            reason=f"the carrier said {status.value} (Twilio {code})",
            about=row.body_text[:80],
            alert=failures.alert_for(session, row) if code in UNREACHABLE_CODES else {},
            opted_out=code == "21610",
        )
        failures.record_permanent_failure(session, failure, now)
    return True
