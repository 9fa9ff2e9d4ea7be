"""Scheduled jobs of the attendance loop, each run every few minutes and judged per school in
the school's own time zone (so daylight saving changes nothing about "start time plus an hour").

- a student scheduled today with no check-in an hour after their start time gets one nudge;
- a day still open two hours after its scheduled end is closed as "no check-out" and flagged;
- a mentor who has not answered in two days gets one reminder, and two days later the
  coordinator is told (in the digest);
- each school day the coordinators get a digest: no-shows, disputes, unanswered confirmations,
  new feedback;
- on Fridays a mentor with several days waiting gets one email to answer them all.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workflow.attendance.checkout import close_day, mentor_request
from workflow.attendance.days import at_local, day_of, ensure_day, local
from workflow.models import (
    WEEKDAYS,
    ComplianceDocument,
    DayStatus,
    Digest,
    InternshipDay,
    Person,
    Placement,
    PlacementStatus,
    School,
)
from workflow.notifications import Category, Link, Notification
from workflow.people import coordinators

NUDGE_AFTER = timedelta(minutes=60)
CLOSE_AFTER = timedelta(hours=2)
REMIND_AFTER = timedelta(days=2)
ESCALATE_AFTER = timedelta(days=2)
DIGEST_AT = time(16, 30)
MENTOR_DIGEST_AT = time(15, 0)
MENTOR_DIGEST_WEEKDAY = 4  # Friday
DIGEST_TTL = timedelta(days=14)
# A mentor's document is named in the coordinator's digest this many days before it expires.
EXPIRY_NOTICES = (30, 7)


@dataclass(frozen=True)
class ExpiryNotice:
    """A mentor's document to renew, as the coordinator's digest names it."""

    kind: str
    mentor: Person
    expires_on: date
    days_left: int


def _placements_meeting(session: Session, school: School, today: date) -> list[Placement]:
    weekday = WEEKDAYS[today.weekday()]
    return [
        p
        for p in session.scalars(
            select(Placement).where(
                Placement.school_id == school.id,
                Placement.status == PlacementStatus.active,
                Placement.start_date <= today,
                Placement.end_date >= today,
                Placement.weekdays.contains(weekday),
            )
        )
        if p.meets_on(today)
    ]


def nudge_missing_checkins(session: Session, now: datetime) -> list[Notification]:
    notes = []
    for school in session.scalars(select(School)):
        today = local(now, school).date()
        for placement in _placements_meeting(session, school, today):
            start = at_local(today, placement.start_time, school.zone)
            end = at_local(today, placement.end_time, school.zone)
            if not (start + NUDGE_AFTER <= now < end):
                continue
            day = day_of(session, placement, today)
            if day is not None and (day.check_in_at is not None or day.nudged_at is not None):
                continue
            day = ensure_day(session, placement, today)
            day.nudged_at = now
            notes.append(
                Notification(
                    template="sms/checkin_nudge",
                    to=placement.student,
                    kind=Category.message,
                    context={"site": placement.site.name, "start": start},
                )
            )
    return notes


def close_open_days(session: Session, now: datetime) -> list[Notification]:
    notes = []
    for day in session.scalars(select(InternshipDay).where(InternshipDay.status == DayStatus.open)):
        placement = day.placement
        end = at_local(day.date, placement.end_time, placement.school.zone)
        if now >= end + CLOSE_AFTER:
            notes += close_day(session, day, max(end, day.check_in_at or end), by=None, no_checkout=True, now=now)
    return notes


def remind_mentors(session: Session, now: datetime) -> list[Notification]:
    notes = []
    pending = session.scalars(select(InternshipDay).where(InternshipDay.status == DayStatus.pending))
    for day in pending:
        asked = day.confirmation_requested_at
        if asked is None:
            continue
        if day.mentor_reminded_at is None and now - asked >= REMIND_AFTER:
            day.mentor_reminded_at = now
            notes.append(mentor_request(day, reminder=True))
        elif day.mentor_reminded_at and day.escalated_at is None and now - day.mentor_reminded_at >= ESCALATE_AFTER:
            day.escalated_at = now  # the coordinator sees it in the next digest
    return notes


def _claim_digest(session: Session, school_id: int, kind: str, today: date, now: datetime) -> bool:
    """Once per school, kind and day, even if two scheduler ticks race."""
    if session.scalars(
        select(Digest).where(Digest.school_id == school_id, Digest.kind == kind, Digest.date == today)
    ).first():
        return False
    try:
        with session.begin_nested():
            session.add(Digest(school_id=school_id, kind=kind, date=today, sent_at=now))
    except IntegrityError:
        return False
    return True


def coordinator_digests(session: Session, now: datetime) -> list[Notification]:
    notes = []
    for school in session.scalars(select(School)):
        local_now = local(now, school)
        today = local_now.date()
        if today.weekday() >= 5 or local_now.time() < DIGEST_AT:
            continue
        if not _claim_digest(session, school.id, "coordinator", today, now):
            continue
        context = digest_for(session, school, today, now)
        notes += [
            Notification(
                template="email/coordinator_digest", to=c, school_id=school.id, kind=Category.message, context=context
            )
            for c in coordinators(session, school.id)
        ]
    return notes


def digest_for(session: Session, school: School, today: date, now: datetime) -> dict[str, object]:
    since = now - timedelta(days=1)
    days = list(
        session.scalars(
            select(InternshipDay)
            .join(Placement)
            .where(Placement.school_id == school.id, InternshipDay.date >= today - timedelta(days=30))
        )
    )
    by_placement_today = {d.placement_id: d for d in days if d.date == today}
    no_shows = [
        p
        for p in _placements_meeting(session, school, today)
        if (d := by_placement_today.get(p.id)) is None or d.check_in_at is None
    ]
    return {
        "today": today,
        "no_shows": no_shows,
        "disputes": [d for d in days if d.status == DayStatus.disputed and d.confirmed_at and d.confirmed_at >= since],
        "unanswered": [d for d in days if d.status == DayStatus.pending and d.escalated_at is not None],
        "feedback": [
            d
            for d in days
            if d.status == DayStatus.confirmed and d.mentor_feedback and d.confirmed_at and d.confirmed_at >= since
        ],
        "unscheduled": [d for d in days if d.date == today and d.unscheduled and d.check_in_at],
        "no_checkout": [
            d for d in days if d.no_checkout and d.confirmation_requested_at and d.confirmation_requested_at >= since
        ],
        "expiring": expiring_documents(session, school, today),
    }


def expiring_documents(session: Session, school: School, today: date) -> list[ExpiryNotice]:
    """Documents reaching 30 or 7 days before expiry since the last school day's digest (so one
    that reaches it on a weekend is named on Monday), soonest first."""
    previous = today - timedelta(days=1)
    while previous.weekday() >= 5:
        previous -= timedelta(days=1)
    windows = [(previous + timedelta(days=n), today + timedelta(days=n)) for n in EXPIRY_NOTICES]
    rows = session.execute(
        select(ComplianceDocument, Person)
        .join(Person, ComplianceDocument.mentor_id == Person.id)
        .where(Person.school_id == school.id, Person.active.is_(True))
        .where(ComplianceDocument.expires_on > windows[-1][0], ComplianceDocument.expires_on <= windows[0][1])
    ).all()
    notices = [
        ExpiryNotice(document.kind, mentor, document.expires_on, (document.expires_on - today).days)
        for document, mentor in rows
        if document.expires_on and any(low < document.expires_on <= high for low, high in windows)
    ]
    return sorted(notices, key=lambda notice: notice.days_left)


def mentor_weekly_digests(session: Session, now: datetime) -> list[Notification]:
    """Fridays: one email per mentor with two or more days waiting, to answer them all at once."""
    waiting: dict[int, list[InternshipDay]] = defaultdict(list)
    for day in session.scalars(select(InternshipDay).where(InternshipDay.status == DayStatus.pending)):
        waiting[day.placement.mentor_id].append(day)
    notes = []
    for mentor_id, days in waiting.items():
        if len(days) < 2:
            continue
        mentor = session.get(Person, mentor_id)
        if mentor is None:
            continue
        local_now = local(now, mentor.school)
        if local_now.weekday() != MENTOR_DIGEST_WEEKDAY or local_now.time() < MENTOR_DIGEST_AT:
            continue
        if not _claim_digest(session, mentor.school_id, f"mentor:{mentor.id}", local_now.date(), now):
            continue
        days.sort(key=lambda d: (d.date, d.placement.student.name, d.id))
        notes.append(
            Notification(
                template="email/mentor_digest",
                to=mentor,
                school_id=mentor.school_id,
                kind=Category.message,
                context={"days": days},
                reply=Link(
                    "attendance.digest", "mentor", mentor.id, DIGEST_TTL, payload={"days": [d.id for d in days]}
                ),
                links={f"day_{d.id}_url": Link("attendance.confirm", "day", d.id, DIGEST_TTL) for d in days},
            )
        )
    return notes
