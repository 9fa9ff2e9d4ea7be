"""The dev outbox (`relay demo` only): every email and SMS Relay "sent", and a way to answer.

Act as a student: the text goes through the real webhook, signed as Twilio would sign it. Act as
a mentor: the reply is written the way Gmail writes one and goes through the real SMTP server.
Links in the emails open the real signed-link pages.
"""

from __future__ import annotations

import re
import smtplib
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import httpx
from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from markupsafe import Markup, escape
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from twilio.request_validator import RequestValidator

from messaging import context, rendering
from messaging.inbound.reading.sms_keywords import OPT_IN_WORDS, OPT_OUT_WORDS
from messaging.models import InboundMessage, OutboundMessage
from relay.dev import mail as dev_mail
from relay.dev.demo import DEMO_SCHOOL
from relay.runtime import Runtime
from relay.settings import split_bind
from workflow.base import utcnow
from workflow.models import InternshipDay, Person, Placement, Role, School

_URL = re.compile(r"https?://[^\s<>\"]+")
SHOWN = 60


def linkify(text: str) -> Markup:
    """Plain text with its links clickable, everything else escaped."""
    escaped = str(escape(text))

    def anchor(match: re.Match[str]) -> str:
        url = match.group(0).rstrip(".,;:!?)")  # a sentence's full stop is not part of the link
        return f'<a href="{url}">{url}</a>{match.group(0)[len(url) :]}'

    return Markup(_URL.sub(anchor, escaped))


def router(runtime: Runtime) -> APIRouter:
    settings = runtime.settings
    routes = APIRouter(prefix="/dev", include_in_schema=False)
    host, port = split_bind(settings.http_bind)
    local_base = f"http://{'127.0.0.1' if host in ('0.0.0.0', '', '::') else host}:{port}"

    @routes.get("/outbox")
    async def outbox(fragment: bool = False, phone: str = "") -> HTMLResponse:
        page = await run_in_threadpool(_page, runtime, fragment, phone)
        return HTMLResponse(page)

    @routes.post("/sms")
    async def text_as_student(request: Request) -> Response:
        form = await request.form()
        params = {
            "MessageSid": f"SMdev{utcnow().timestamp():.6f}".replace(".", ""),
            "AccountSid": "ACdev",
            "From": str(form.get("phone", "")),
            "To": "+15005550006",
            "Body": str(form.get("body", "")),
        }
        url = f"{settings.public_base_url}/sms/inbound"
        signature = RequestValidator(context.current().config.twilio_auth_token or "").compute_signature(url, params)
        async with httpx.AsyncClient(timeout=10) as client:
            await client.post(f"{local_base}/sms/inbound", data=params, headers={"X-Twilio-Signature": signature})
        return RedirectResponse(f"/dev/outbox?{urlencode({'phone': params['From']})}", status_code=303)

    @routes.post("/reply")
    async def reply_as_recipient(request: Request) -> Response:
        form = await request.form()
        await run_in_threadpool(_send_reply, runtime, int(str(form.get("message_id", "0"))), str(form.get("text", "")))
        return RedirectResponse("/dev/outbox", status_code=303)

    return routes


def _send_reply(runtime: Runtime, message_id: int, text: str) -> None:
    with runtime.sessions() as session:
        original = session.get(OutboundMessage, message_id)
        if original is None or not original.reply_to:
            return
        reply = dev_mail.gmail_reply(dev_mail.Original.from_row(original), sender=original.to_address, text=text)
    host, port = split_bind(runtime.settings.smtp_bind)
    with smtplib.SMTP("127.0.0.1" if host in ("0.0.0.0", "", "::") else host, port, timeout=10) as client:
        client.send_message(reply, from_addr=original.to_address, to_addrs=[original.reply_to])


def _page(runtime: Runtime, fragment: bool, phone: str) -> str:
    with runtime.sessions() as session:
        school = session.scalars(select(School).where(School.name == DEMO_SCHOOL)).one_or_none()
        students = list(
            session.scalars(
                # in the order the demo seeds them, so the README's Maya is the one already chosen
                select(Person).where(Person.role == Role.student, Person.phone.is_not(None)).order_by(Person.id)
            )
        )
        messages = list(session.scalars(select(OutboundMessage).order_by(OutboundMessage.id.desc()).limit(SHOWN)))
        texts = list(
            session.scalars(
                select(InboundMessage)
                .where(InboundMessage.channel == "sms")
                .order_by(InboundMessage.id.desc())
                .limit(SHOWN)
            )
        )
        names = {p.id: p.name for p in session.scalars(select(Person))}
        by_phone = {p.phone: p.name for p in students}
        days: list[InternshipDay] = []
        if school is not None:
            today = utcnow().astimezone(school.zone).date()
            days = list(
                session.scalars(
                    select(InternshipDay)
                    .join(Placement)
                    .where(Placement.school_id == school.id, InternshipDay.date == today)
                    .order_by(InternshipDay.id)
                )
            )
        values: dict[str, Any] = {
            "school": school,
            "person": None,
            "students": students,
            "days": days,
            "names": names,
            "phone": phone,
            "messages": _interleaved([_view(m, names) for m in messages], [_text_view(t, by_phone) for t in texts]),
            "zone": school.zone if school else None,
            "zone_name": _zone_name(school),
        }
        return rendering.render_page("_dev_live" if fragment else "dev_outbox", values)


def _interleaved(sent: list[dict[str, Any]], received: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Relay's messages and the students' own texts, newest first, as one conversation."""
    return sorted(sent + received, key=lambda m: m["created_at"], reverse=True)[:SHOWN]


def _zone_name(school: School | None) -> str:
    """The school's time zone as written beside a time: its abbreviation now ("PDT", "+14")."""
    return (datetime.now(school.zone).tzname() or school.timezone) if school is not None else "UTC"


def _text_view(text: InboundMessage, by_phone: dict[str | None, str]) -> dict[str, Any]:
    """A student's own text. STOP and START (and their synonyms) are answered by the carrier, not
    by Relay, so the page says so instead of leaving the reader waiting for an answer."""
    body = str((text.payload or {}).get("Body", ""))
    word = body.strip().lower()
    return {
        "id": f"in-{text.id}",
        "channel": "sms",
        "direction": "in",
        "status": text.status,
        "from": text.sender,
        "from_name": by_phone.get(text.sender),
        "body": body,
        "template": "inbound",
        "created_at": text.received_at,
        "carrier_word": word.upper() if word in OPT_OUT_WORDS | OPT_IN_WORDS else None,
        "opt_out": word in OPT_OUT_WORDS,
    }


def _view(message: OutboundMessage, names: dict[int, str]) -> dict[str, Any]:
    return {
        "id": message.id,
        "channel": message.channel,
        "direction": "out",
        "status": message.status,
        "subject": message.subject,
        "to": message.to_address,
        "to_name": names.get(message.person_id or 0),
        "from": message.from_address,
        "body": linkify(message.body_text),
        "reply_to": message.reply_to,
        "template": message.template,
        "created_at": message.created_at,
        "held_until": message.next_attempt_at
        if message.status == "queued" and message.next_attempt_at > datetime.now(message.created_at.tzinfo)
        else None,
    }
