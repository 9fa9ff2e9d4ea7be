"""Hours and attendance of a period: one line per student (with their required hours), per site and
per mentor (with the median time a mentor took to confirm), and per week. One query per figure
set, whatever the number of days: `workflow.reports.tally`.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from workflow.models import DayStatus, InternshipDay, Person, Placement, School, Site
from workflow.oversight.viewer import Viewer, placement_scope
from workflow.reports.calendar import Schedule, tracked_from
from workflow.reports.days import PlacementRow, placements
from workflow.reports.tally import Tally, period_tallies, total


@dataclass(frozen=True)
class StudentLine:
    student_id: int
    name: str
    email: str | None
    required_hours: Decimal | None
    tally: Tally

    @property
    def hours_left(self) -> Decimal | None:
        if self.required_hours is None:
            return None
        return max(Decimal("0.00"), self.required_hours - self.tally.confirmed_hours)


@dataclass(frozen=True)
class GroupLine:
    """A site's or a mentor's days."""

    id: int
    name: str
    tally: Tally
    median_hours_to_confirm: float | None  # from the mentor's being asked to their answer


@dataclass(frozen=True)
class HoursReport:
    since: date
    until: date
    students: list[StudentLine]
    totals: Tally


def _placements(session: Session, viewer: Viewer, since: date, until: date) -> list[PlacementRow]:
    overlapping = and_(placement_scope(viewer), Placement.start_date <= until, Placement.end_date >= since)
    return placements(session, overlapping)


@dataclass(frozen=True)
class _Placed:
    id: int
    student_id: int
    schedule: Schedule


def hours_by_student(session: Session, viewer: Viewer, since: date, until: date, today: date) -> HoursReport:
    """Every student placed in the period (the viewer's), by name."""
    query = (
        select(
            Placement.id,
            Placement.student_id,
            Placement.weekdays,
            Placement.start_date,
            Placement.end_date,
            Placement.created_at,
            School.timezone,
            Person.name,
            Person.email,
            func.coalesce(Person.required_hours, School.required_hours),
        )
        .join(School, School.id == Placement.school_id)
        .join(Person, Person.id == Placement.student_id)
        .where(placement_scope(viewer), Placement.start_date <= until, Placement.end_date >= since)
    )
    found, students = [], {}
    for r in session.execute(query):
        found.append(_Placed(r[0], r[1], Schedule(r[2], r[3], r[4], tracked_from(r[5], ZoneInfo(r[6])))))
        students[r[1]] = (r[7], r[8], r[9])
    period = period_tallies(session, found, placement_scope(viewer), since, until, today)
    by_student: dict[int, Tally] = defaultdict(Tally)
    for p in found:
        by_student[p.student_id].add(period.by_placement[p.id])
    lines = [StudentLine(sid, *students[sid], by_student[sid]) for sid in students]
    lines.sort(key=lambda line: (line.name.lower(), line.student_id))
    return HoursReport(since, until, lines, total(line.tally for line in lines))


def _hours_to_confirm(session: Session, where: ColumnElement[bool], since: date, until: date) -> dict[int, list[float]]:
    """Per placement: how long each day the mentor confirmed or disputed (by email or link) waited
    for the answer, in hours."""
    query = (
        select(InternshipDay.placement_id, InternshipDay.confirmation_requested_at, InternshipDay.confirmed_at)
        .join(Placement, Placement.id == InternshipDay.placement_id)
        .where(
            where,
            InternshipDay.date >= since,
            InternshipDay.date <= until,
            InternshipDay.status.in_((DayStatus.confirmed, DayStatus.disputed)),
            InternshipDay.confirmed_via.in_(("email", "link")),
            InternshipDay.confirmation_requested_at.is_not(None),
            InternshipDay.confirmed_at.is_not(None),
        )
    )
    waits: dict[int, list[float]] = defaultdict(list)
    for placement_id, asked, answered in session.execute(query):
        if asked is not None and answered is not None:
            waits[placement_id].append(_hours(asked, answered))
    return waits


def _hours(asked: datetime, answered: datetime) -> float:
    return max(0.0, (answered - asked).total_seconds() / 3600)


def hours_by_site_and_mentor(
    session: Session, viewer: Viewer, since: date, until: date, today: date
) -> tuple[list[GroupLine], list[GroupLine], Tally]:
    """Each site's and each mentor's days in the period, by name, and the totals."""
    found = _placements(session, viewer, since, until)
    period = period_tallies(session, found, placement_scope(viewer), since, until, today)
    waits = _hours_to_confirm(session, placement_scope(viewer), since, until)
    sites = _group(found, period.by_placement, waits, lambda p: (p.site_id, p.site))
    mentors = _group(found, period.by_placement, waits, lambda p: (p.mentor_id, p.mentor_name))
    return sites, mentors, total(period.by_placement[p.id] for p in found)


def _group(
    found: list[PlacementRow],
    tallies: dict[int, Tally],
    waits: dict[int, list[float]],
    key: Callable[[PlacementRow], tuple[int, str]],
) -> list[GroupLine]:
    tally: dict[tuple[int, str], Tally] = defaultdict(Tally)
    hours: dict[tuple[int, str], list[float]] = defaultdict(list)
    for p in found:
        group = key(p)
        tally[group].add(tallies[p.id])
        hours[group] += waits.get(p.id, [])
    lines = [
        GroupLine(group[0], group[1], t, round(statistics.median(hours[group]), 1) if hours[group] else None)
        for group, t in tally.items()
    ]
    return sorted(lines, key=lambda line: (line.name.lower(), line.id))


def site_names(session: Session, viewer: Viewer) -> list[tuple[int, str]]:
    """The sites of the viewer's school, for the feedback filter."""
    return [
        (r[0], r[1])
        for r in session.execute(
            select(Site.id, Site.name).where(Site.school_id == viewer.school_id).order_by(Site.name)
        )
    ]


STUDENT_FIELDS = (
    "student_email",
    "name",
    "confirmed_hours",
    "pending_hours",
    "required_hours",
    "days_confirmed",
    "days_missed",
    "days_disputed",
    "attendance_rate",
    "days_waiting",
    "days_no_checkout",
)


def student_record(line: StudentLine) -> dict[str, Any]:
    """A student's line as the API, the downloads and the page's table have it."""
    t = line.tally
    return {
        "student_email": line.email,
        "name": line.name,
        "confirmed_hours": float(t.confirmed_hours),
        "pending_hours": float(t.pending_hours),
        "required_hours": float(line.required_hours) if line.required_hours is not None else None,
        "days_confirmed": t.confirmed,
        "days_missed": t.missed,
        "days_disputed": t.disputed,
        "attendance_rate": t.rate,
        "days_waiting": t.pending,
        "days_no_checkout": t.no_checkout,
    }


GROUP_FIELDS = (
    "kind",
    "name",
    "days",
    "days_present",
    "days_missed",
    "days_disputed",
    "attendance_rate",
    "median_hours_to_confirm",
)


def group_record(kind: str, line: GroupLine) -> dict[str, Any]:
    """A site's or mentor's line for the downloads."""
    t = line.tally
    return {
        "kind": kind,
        "name": line.name,
        "days": t.counted,
        "days_present": t.present,
        "days_missed": t.missed,
        "days_disputed": t.disputed,
        "attendance_rate": t.rate,
        "median_hours_to_confirm": line.median_hours_to_confirm,
    }
