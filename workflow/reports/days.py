"""Every scheduled day of a period, one row each, as `relay export attendance` and the reports'
downloads give them: the days Relay has a row for, and the scheduled days that are over with no
row at all, as `missed` (see workflow/reports/calendar.py). Times carry the school's offset.

Plain rows of the columns shown, not ORM objects: a term of a large school is some 40,000 days.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session, aliased

from workflow.models import InternshipDay, Person, Placement, School, Site
from workflow.reports.calendar import Schedule, scheduled_dates, tracked_from

FIELDS = (
    "student_email",
    "student_name",
    "site",
    "mentor_email",
    "mentor_name",
    "date",
    "check_in_at",
    "check_out_at",
    "goals",
    "hours",
    "status",
    "mentor_feedback",
    "confirmed_via",
    "reflection",
)
# A recorded day's own fields of FIELDS, in that order (the rest are its placement's).
RECORDED_COLUMNS = (
    InternshipDay.date,
    InternshipDay.check_in_at,
    InternshipDay.check_out_at,
    InternshipDay.goals,
    InternshipDay.hours,
    InternshipDay.status,
    InternshipDay.mentor_feedback,
    InternshipDay.confirmed_via,
    InternshipDay.reflection,
)
Student, Mentor = aliased(Person, name="student"), aliased(Person, name="mentor")


@dataclass(frozen=True)
class PlacementRow:
    id: int
    school: str
    zone: ZoneInfo
    student_id: int
    site_id: int
    mentor_id: int
    student_email: str | None
    student_name: str
    site: str
    mentor_email: str | None
    mentor_name: str
    schedule: Schedule


def _iso(moment: datetime | None, zone: ZoneInfo) -> str | None:
    return moment.astimezone(zone).isoformat(timespec="seconds") if moment else None


def placements(session: Session, where: ColumnElement[bool]) -> list[PlacementRow]:
    """The placements matching `where` (a condition on Placement, School), with what a row shows."""
    query = (
        select(
            Placement.id,
            School.name,
            School.timezone,
            Student.email,
            Student.name,
            Site.name,
            Mentor.email,
            Mentor.name,
            Placement.weekdays,
            Placement.start_date,
            Placement.end_date,
            Placement.created_at,
            Placement.student_id,
            Placement.site_id,
            Placement.mentor_id,
        )
        .join(School, School.id == Placement.school_id)
        .join(Student, Student.id == Placement.student_id)
        .join(Mentor, Mentor.id == Placement.mentor_id)
        .join(Site, Site.id == Placement.site_id)
        .where(where)
    )
    zones: dict[str, ZoneInfo] = {}
    found = []
    for r in session.execute(query):
        zone = zones.get(r[2]) or zones.setdefault(r[2], ZoneInfo(r[2]))
        schedule = Schedule(r[8], r[9], r[10], tracked_from(r[11], zone))
        ids = (r[12], r[13], r[14])
        found.append(PlacementRow(r[0], r[1], zone, *ids, r[3], r[4], r[5], r[6], r[7], schedule))
    return found


def attendance_rows(
    session: Session,
    *,
    where: ColumnElement[bool] | None = None,
    since: date | None = None,
    until: date | None = None,
    today: Callable[[ZoneInfo], date],
) -> Iterator[dict[str, Any]]:
    """One dict per day (FIELDS), by school, then date; on a date, the recorded days first (in the
    order they were made), then the no-shows without a row, by student. `where` narrows the
    placements (a school, a viewer's scope); `today(zone)` is the school's date now."""
    condition = where if where is not None else true()
    known = placements(session, condition)
    by_id = {p.id: p for p in known}
    query = (
        select(
            InternshipDay.placement_id,
            *RECORDED_COLUMNS,
        )
        .join(Placement, Placement.id == InternshipDay.placement_id)
        .join(School, School.id == Placement.school_id)
        .where(condition)
        .order_by(School.name, InternshipDay.date, InternshipDay.id)
    )
    if since:
        query = query.where(InternshipDay.date >= since)
    if until:
        query = query.where(InternshipDay.date <= until)
    keys = (
        select(InternshipDay.placement_id, InternshipDay.date)
        .join(Placement, Placement.id == InternshipDay.placement_id)
        .join(School, School.id == Placement.school_id)
        .where(condition)
    )
    if since:
        keys = keys.where(InternshipDay.date >= since)
    if until:
        keys = keys.where(InternshipDay.date <= until)
    recorded: set[tuple[int, date]] = {(r[0], r[1]) for r in session.execute(keys)} if known else set()

    def rows() -> Iterator[tuple[str, date, int, dict[str, Any]]]:
        for r in session.execute(query):
            placement = by_id[r[0]]
            yield placement.school, r[1], 0, _row(placement, r[1], r)

    merged = heapq.merge(rows(), _no_shows(known, recorded, since, until, today), key=lambda t: t[:3])
    for _, _, _, row in merged:
        yield row


def _row(placement: PlacementRow, on: date, r: Any) -> dict[str, Any]:
    zone = placement.zone
    return {
        "student_email": placement.student_email,
        "student_name": placement.student_name,
        "site": placement.site,
        "mentor_email": placement.mentor_email,
        "mentor_name": placement.mentor_name,
        "date": on.isoformat(),
        "check_in_at": _iso(r[2], zone) if r is not None else None,
        "check_out_at": _iso(r[3], zone) if r is not None else None,
        "goals": r[4] if r is not None else None,
        "hours": float(r[5]) if r is not None and r[5] is not None else None,
        "status": r[6] if r is not None else "missed",
        "mentor_feedback": r[7] if r is not None else None,
        "confirmed_via": r[8] if r is not None else None,
        "reflection": r[9] if r is not None else None,
    }


def _no_shows(
    known: list[PlacementRow],
    recorded: set[tuple[int, date]],
    since: date | None,
    until: date | None,
    today: Callable[[ZoneInfo], date],
) -> Iterator[tuple[str, date, int, dict[str, Any]]]:
    """The scheduled days that are over and have no row (none in `recorded`), by school, date and
    student."""
    by_school: dict[str, list[PlacementRow]] = defaultdict(list)
    for p in known:
        by_school[p.school].append(p)
    for school in sorted(by_school):
        wanted: list[tuple[date, str, int, PlacementRow]] = []
        for p in by_school[school]:
            first, last = p.schedule.window(since or date.min, until or date.max, today(p.zone))
            wanted.extend(
                (on, p.student_email or "", p.id, p) for on in scheduled_dates(p.schedule.weekdays, first, last)
            )
        wanted.sort(key=lambda t: t[:3])
        for on, _, placement_id, p in wanted:
            if (placement_id, on) not in recorded:
                yield school, on, 1, _row(p, on, None)
