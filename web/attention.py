"""Needs attention (`GET /dashboard/attention`): the coordinator's action queue. The domain's lists
come from `workflow.oversight.needs_attention`; the channel problems of the school's people are
read here from messaging's tables: bounced email addresses, phones that opted out of texts, and
messages that failed for good (those three are the coordinator's, not an advisor's).

Two changes, each a form with the CSRF token, audited with channel `dashboard`, answered by a 303
back to the page with a flash line (`?done=<code>`, words in `web/attention_flash.txt`):
- `POST /dashboard/days/{day_id}/remind`: `remind_mentor_now`, its email queued in the same
  transaction; another school's day, like a missing one, is a 404;
- `POST /dashboard/bounces/clear` (form field `address`): `clear_bounce`, only for an address of a
  person of this school (else 404).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Query, Response
from fastapi.responses import RedirectResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException

from messaging import context, outbox, rendering
from messaging.models import BouncedAddress, OutboundMessage, SmsOptOut, Status
from messaging.outbound.failures import clear_bounce
from web import staff_session
from web.dashboard import staff_page
from web.paths import Id
from web.staff import SignedIn, SignedInWithCsrf, Staff
from web.today import viewer
from workflow.errors import Refused
from workflow.models import Person
from workflow.oversight import Attention, needs_attention, remind_mentor_now
from workflow.oversight.attention import SHOWN

router = APIRouter(include_in_schema=False)
PAGE = "/dashboard/attention"
FAILED_SHOWN = 50  # the newest failed messages listed; the count says how many there are
# The flash lines a redirect may ask for: `{% block <code> %}` of web/attention_flash.txt, or a
# refusal's reason (web/refusals.txt).
FLASHES = frozenset({"reminded", "cleared", "not_blocked"})
REFUSALS = frozenset({"nothing_to_remind", "reminded_recently", "coordinator_only"})


@dataclass(frozen=True)
class Bounce:
    address: str
    names: list[str]
    status: str | None
    diagnostic: str | None
    bounced_at: datetime


@dataclass(frozen=True)
class OptedOut:
    phone: str
    names: list[str]
    keyword: str | None
    since: datetime


@dataclass(frozen=True)
class Failed:
    id: int
    channel: str
    to: str
    name: str | None
    subject: str | None
    error: str | None
    at: datetime


@dataclass(frozen=True)
class Channels:
    bounces: list[Bounce] = field(default_factory=list)
    opted_out: list[OptedOut] = field(default_factory=list)
    failed: list[Failed] = field(default_factory=list)
    failed_count: int = 0


def _bounces(session: Session, school_id: int) -> list[Bounce]:
    rows = session.execute(
        select(BouncedAddress, Person.name)
        .join(Person, func.lower(Person.email) == BouncedAddress.address)
        .where(Person.school_id == school_id)
        .order_by(BouncedAddress.bounced_at.desc(), BouncedAddress.address, Person.name)
    ).all()
    found: dict[str, Bounce] = {}
    for bounce, name in rows:
        found.setdefault(
            bounce.address, Bounce(bounce.address, [], bounce.status, bounce.diagnostic, bounce.bounced_at)
        )
        found[bounce.address].names.append(name)
    return list(found.values())


def _opted_out(session: Session, school_id: int) -> list[OptedOut]:
    rows = session.execute(
        select(SmsOptOut, Person.name)
        .join(Person, Person.phone == SmsOptOut.phone)
        .where(Person.school_id == school_id, SmsOptOut.opted_out.is_(True))
        .order_by(SmsOptOut.updated_at.desc(), SmsOptOut.phone, Person.name)
    ).all()
    found: dict[str, OptedOut] = {}
    for row, name in rows:
        found.setdefault(row.phone, OptedOut(row.phone, [], row.keyword, row.updated_at))
        found[row.phone].names.append(name)
    return list(found.values())


def _failed(session: Session, school_id: int) -> tuple[list[Failed], int]:
    where = (OutboundMessage.school_id == school_id, OutboundMessage.status == Status.failed)
    count = session.scalar(select(func.count()).select_from(OutboundMessage).where(*where)) or 0
    rows = session.execute(
        select(OutboundMessage, Person.name)
        .outerjoin(Person, Person.id == OutboundMessage.person_id)
        .where(*where)
        .order_by(OutboundMessage.id.desc())
        .limit(FAILED_SHOWN)
    ).all()
    failed = [
        Failed(m.id, m.channel, m.to_address, name, m.subject, m.last_error, m.final_at or m.created_at)
        for m, name in rows
    ]
    return failed, count


def channels(session: Session, staff: Staff) -> Channels:
    """The school's channel problems; an advisor sees none (they are the coordinator's to fix)."""
    if not staff.is_coordinator:
        return Channels()
    failed, count = _failed(session, staff.school_id)
    return Channels(_bounces(session, staff.school_id), _opted_out(session, staff.school_id), failed, count)


def _flash(done: str | None) -> str | None:
    if done in FLASHES:
        return rendering.render_copy("attention_flash", done, {})
    if done in REFUSALS:
        return rendering.refusal(Refused(done))
    return None


@router.get("/dashboard/attention")
def attention_page(
    staff: SignedIn, done: str | None = None, show_all: Annotated[bool, Query(alias="all")] = False
) -> Response:
    """Each list's count and its first SHOWN items; `?all=1` lists everything (the days' lists also
    have their own page, /dashboard/days?status=...)."""
    now = staff_session.now()
    with context.current().sessions() as session:
        queue: Attention = needs_attention(session, viewer(staff), now, limit=None if show_all else SHOWN)
        problems = channels(session, staff)
    counts = {
        **queue.counts,
        "bounces": len(problems.bounces),
        "opted_out": len(problems.opted_out),
        "failed": problems.failed_count,
    }
    counts["decisions"] = counts["requests"] + counts["starts"]
    return staff_page(
        "attention",
        staff,
        "attention",
        queue=queue,
        channels=problems,
        counts=counts,
        total=sum(v for k, v in counts.items() if k not in ("unanswered_mentors", "requests", "starts")),
        flash=_flash(done),
        refused=done in REFUSALS,
        zone=ZoneInfo(staff.timezone),
        now=now,
        show_all=show_all,
    )


def _back(done: str, anchor: str) -> Response:
    return RedirectResponse(f"{PAGE}?{urlencode({'done': done})}#{anchor}", status_code=303)


@router.post("/dashboard/days/{day_id}/remind")
def remind_now(day_id: Id, staff: SignedInWithCsrf) -> Response:
    """Email the mentor the reminder again, now (the day must be waiting for them)."""
    now = staff_session.now()
    with context.current().sessions.begin() as session:
        try:
            result = remind_mentor_now(session, viewer(staff), day_id, now)
        except Refused as refused:
            if refused.reason == "not_found" or refused.reason not in REFUSALS:
                raise HTTPException(status_code=404) from None
            return _back(refused.reason, "unanswered")
        outbox.queue(session, result.notifications, now=now)
    return _back("reminded", "unanswered")


@router.post("/dashboard/bounces/clear")
def clear(staff: SignedInWithCsrf, address: Annotated[str, Form(max_length=320)] = "") -> Response:
    """Let mail go to a bounced address of one of this school's people again, once it is fixed."""
    address = address.strip().lower()
    now = staff_session.now()
    with context.current().sessions.begin() as session:
        ours = session.scalar(
            select(func.count())
            .select_from(Person)
            .where(Person.school_id == staff.school_id, func.lower(Person.email) == address)
        )
        if not address or not ours or not staff.is_coordinator:
            raise HTTPException(status_code=404)
        cleared = clear_bounce(session, address, staff.person(session), now, channel="dashboard")
    return _back("cleared" if cleared else "not_blocked", "bounces")
