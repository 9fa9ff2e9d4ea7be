"""A term at Lincoln High (America/New_York) made through Relay's real doors, for the report tests:
students text CHECKIN and CHECKOUT to the Twilio webhook (signed), mentors answer by email through
Relay's SMTP server, a coordinator settles a disputed day on the dashboard, and the job closes a
day left open. The clock is moved for each day (processing and the dashboard read it).

Maya (Sun Tue Thu, Riverside Clinic, Ruth; her own 80 required hours) and Sam (Mon Wed, Harbor
Lab, Ben; the school's 60), from Oct 19 to Nov 12 2026, "today" Nov 12:

    Maya  Oct 20 confirmed by email, 6 h, "Great day with the X-rays"
          Oct 22 no-show (no row at all)
          Oct 25 disputed by email, then confirmed on the dashboard, 6 h
          Oct 27 waiting for the mentor, 6 h
          Oct 29 checked in, never out: closed by the job, waiting, 6 h
          Nov 1  the DST change: in 00:30 EDT, out 04:30 EST, 5 h, confirmed
          Nov 3  disputed by email, "She was not here today"
          Nov 5, 8, 10 no-shows
    Sam   Oct 19 confirmed by email, 6 h, "Punctual and curious"; every other day a no-show
"""

from __future__ import annotations

import smtplib
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from messaging.inbound.handling import processing
from messaging.models import InboundMessage, InboundStatus, OutboundMessage
from relay.dev import mail
from relay.runtime import Runtime
from tests.support import builders, servers
from web import staff_session
from workflow import imports
from workflow.attendance.jobs import close_open_days
from workflow.models import InternshipDay, Person, Placement, Role

NY = ZoneInfo("America/New_York")
TOKEN = "test-twilio-auth-token-0123456789"
PUBLIC = "http://relay.test:8000"
SINCE, UNTIL, TODAY = date(2026, 10, 19), date(2026, 11, 12), date(2026, 11, 12)
MAYA_PHONE, SAM_PHONE = "+15555550101", "+15555550102"


def at(on: date, hour: int, minute: int = 0, *, fold: int = 0) -> datetime:
    return datetime.combine(on, time(hour, minute), tzinfo=NY).replace(fold=fold).astimezone(UTC)


@dataclass
class Clock:
    now: datetime = field(default_factory=lambda: at(TODAY, 12))

    def __call__(self) -> datetime:
        return self.now


@dataclass
class World:
    runtime: Runtime
    clock: Clock
    coordinator_id: int
    maya_id: int
    sam_id: int
    maya_site_id: int
    days: dict[str, int]  # "maya 10-25" -> day id


def runtime_for(make_runtime: Any, backend: dict[str, Any]) -> Runtime:
    runtime: Runtime = make_runtime(
        **backend,
        twilio_account_sid="AC" + "0" * 32,
        twilio_auth_token=TOKEN,
        twilio_from="+15005550006",
        quiet_hours="00:00-00:00",
    )
    return runtime


def _import(runtime: Runtime, kind: str, header: list[str], rows: list[dict[str, str]]) -> None:
    with runtime.sessions.begin() as session:
        imports.import_rows(session, kind, header, rows, now=at(date(2026, 10, 1), 9))


def _people(runtime: Runtime) -> tuple[int, int, int, int]:
    _import(runtime, "schools", ["name", "timezone", "required_hours"], [
        {"name": "Lincoln High", "timezone": "America/New_York", "required_hours": "60"}
    ])  # fmt: skip
    _import(runtime, "students", ["school", "name", "email", "phone", "advisor_email", "required_hours"], [
        {"school": "Lincoln High", "name": "Maya Lopez", "email": "maya@lincoln.example", "phone": MAYA_PHONE,
         "advisor_email": "", "required_hours": "80"},
        {"school": "Lincoln High", "name": "Sam Reed", "email": "sam@lincoln.example", "phone": SAM_PHONE,
         "advisor_email": "", "required_hours": ""},
    ])  # fmt: skip
    with runtime.sessions.begin() as session:
        school = builders.school(session, "Lincoln High")
        cora = builders.person(session, school, Role.coordinator, "Cora Diaz", "cora@lincoln.example")
        maya = session.scalars(select(Person).where(Person.email == "maya@lincoln.example")).one()
        sam = session.scalars(select(Person).where(Person.email == "sam@lincoln.example")).one()
        clinic, lab = builders.site(session, school, "Riverside Clinic"), builders.site(session, school, "Harbor Lab")
        ruth = builders.person(session, school, Role.mentor, "Ruth Chen", "ruth@example.org", site_id=clinic.id)
        ben = builders.person(session, school, Role.mentor, "Ben Ode", "ben@example.org", site_id=lab.id)
        entered = at(date(2026, 10, 1), 9)
        for student, mentor, site, weekdays, last in (
            (maya, ruth, clinic, "Sun Tue Thu", date(2026, 11, 10)),
            (sam, ben, lab, "Mon Wed", date(2026, 11, 11)),
        ):
            placed = builders.placement(
                session, school, student, mentor, site, weekdays=weekdays, start=time(9), end=time(15),
                start_date=SINCE, end_date=last,
            )  # fmt: skip
            placed.created_at = entered
        return cora.id, maya.id, sam.id, clinic.id


class Doors:
    """The web app and the SMTP server, and processing as a worker would do it."""

    def __init__(self, runtime: Runtime, clock: Clock, web: str, smtp: tuple[str, int]) -> None:
        self.runtime, self.clock, self.web, self.smtp = runtime, clock, web, smtp

    def text(self, phone: str, body: str, when: datetime) -> None:
        self.clock.now = when
        params = {"MessageSid": f"SM{uuid.uuid4().hex}", "AccountSid": "AC" + "0" * 32, "From": phone,
                  "To": "+15005550006", "Body": body, "NumMedia": "0"}  # fmt: skip
        signature = RequestValidator(TOKEN).compute_signature(f"{PUBLIC}/sms/inbound", params)
        answer = httpx.post(f"{self.web}/sms/inbound", data=params, headers={"X-Twilio-Signature": signature})
        assert answer.status_code == 200, answer.text
        self.process()

    def reply(self, mentor: str, text: str, when: datetime) -> None:
        """The mentor answers the newest confirmation email Relay sent them."""
        self.clock.now = when
        with self.runtime.sessions() as session:
            asked = session.scalars(
                select(OutboundMessage)
                .where(OutboundMessage.to_address == mentor, OutboundMessage.template == "email/mentor_confirm")
                .order_by(OutboundMessage.id.desc())
            ).first()
            assert asked is not None
            original = mail.Original.from_row(asked)
        message = mail.gmail_reply(original, sender=mentor, text=text)
        with smtplib.SMTP(*self.smtp, timeout=10) as client:
            client.send_message(message, from_addr=mentor, to_addrs=[original.reply_to])
        self.process()

    def process(self) -> None:
        with self.runtime.sessions() as session:
            waiting = session.scalars(
                select(InboundMessage.id)
                .where(InboundMessage.status == InboundStatus.received)
                .order_by(InboundMessage.id)
            ).all()
        for message_id in waiting:
            processing.process_one(message_id)
        with self.runtime.sessions() as session:
            for row in session.scalars(select(InboundMessage).where(InboundMessage.id.in_(waiting))):
                assert row.status == "processed", (row.kind, row.result)


def day_id(runtime: Runtime, student_id: int, on: date) -> int:
    with runtime.sessions() as session:
        found = session.scalars(
            select(InternshipDay.id)
            .join(Placement, Placement.id == InternshipDay.placement_id)
            .where(Placement.student_id == student_id, InternshipDay.date == on)
        ).one()
        return int(found)


def settle_on_dashboard(runtime: Runtime, clock: Clock, web: str, coordinator_id: int, day: int) -> None:
    with runtime.sessions.begin() as session:
        session_id = staff_session.start(session, session.get_one(Person, coordinator_id), clock.now)
    form = {"csrf_token": staff_session.csrf_token(session_id), "status": "confirmed", "check_in": "09:00",
            "check_out": "15:00", "reason": "Ruth confirmed by phone: she mixed up the days"}  # fmt: skip
    answer = httpx.post(f"{web}/dashboard/days/{day}/resolve", data=form, cookies={staff_session.COOKIE: session_id})
    assert answer.status_code == 303, answer.text


def build(make_runtime: Any, backend: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> World:
    clock = Clock()
    monkeypatch.setattr(processing, "utcnow", clock)
    monkeypatch.setattr(staff_session, "now", clock)
    runtime = runtime_for(make_runtime, backend)
    cora, maya, sam, clinic = _people(runtime)
    with servers.web(runtime) as web, servers.smtp(runtime) as smtp:
        doors = Doors(runtime, clock, web, smtp)
        d = date
        # Maya
        doors.text(MAYA_PHONE, "CHECKIN", at(d(2026, 10, 20), 9))
        doors.text(MAYA_PHONE, "CHECKOUT", at(d(2026, 10, 20), 15))
        doors.reply("ruth@example.org", "Yes, great day with the X-rays", at(d(2026, 10, 20), 18))
        doors.text(MAYA_PHONE, "CHECKIN", at(d(2026, 10, 25), 9))
        doors.text(MAYA_PHONE, "CHECKOUT", at(d(2026, 10, 25), 15))
        doors.reply("ruth@example.org", "No - she didn't come in today.", at(d(2026, 10, 26), 9))
        clock.now = at(d(2026, 10, 26), 11)
        settle_on_dashboard(runtime, clock, web, cora, day_id(runtime, maya, d(2026, 10, 25)))
        doors.text(MAYA_PHONE, "CHECKIN", at(d(2026, 10, 27), 9))
        doors.text(MAYA_PHONE, "CHECKOUT", at(d(2026, 10, 27), 15))
        doors.text(MAYA_PHONE, "CHECKIN", at(d(2026, 10, 29), 9))
        clock.now = at(d(2026, 10, 29), 17, 30)
        with runtime.sessions.begin() as session:
            close_open_days(session, clock.now)
        doors.text(MAYA_PHONE, "CHECKIN", at(d(2026, 11, 1), 0, 30))  # EDT
        doors.text(MAYA_PHONE, "CHECKOUT", at(d(2026, 11, 1), 4, 30))  # EST: the clocks went back at 2:00
        doors.reply("ruth@example.org", "Yes", at(d(2026, 11, 1), 12))
        doors.text(MAYA_PHONE, "CHECKIN", at(d(2026, 11, 3), 9))
        doors.text(MAYA_PHONE, "CHECKOUT", at(d(2026, 11, 3), 15))
        doors.reply("ruth@example.org", "No, she was not here today", at(d(2026, 11, 4), 8))
        # Sam
        doors.text(SAM_PHONE, "CHECKIN", at(d(2026, 10, 19), 9))
        doors.text(SAM_PHONE, "CHECKOUT", at(d(2026, 10, 19), 15))
        doors.reply("ben@example.org", "Yes! Punctual and curious", at(d(2026, 10, 21), 15))
    clock.now = at(TODAY, 12)
    days = {
        f"maya {on:%m-%d}": day_id(runtime, maya, on)
        for on in (d(2026, 10, 20), d(2026, 10, 25), d(2026, 10, 27), d(2026, 10, 29), d(2026, 11, 1), d(2026, 11, 3))
    }
    return World(runtime, clock, cora, maya, sam, clinic, days)
