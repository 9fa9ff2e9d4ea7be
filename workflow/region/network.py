"""The network story, per region and overall, counts only (no student is ever named):

- students with at least one internship day: a day checked in or confirmed (not missed or disputed);
- internships started (placements whose first date has come) and completed (ended, or past their
  last date);
- median internship length in weeks, of the internships started: first to last date (or to today,
  while one goes on), in days plus one, over 7;
- confirmed hours: the hours of confirmed days;
- attendance rate: days attended (checked in, or confirmed by the mentor) over the days scheduled
  up to today;
- feedback: days with a comment from the mentor.

Summed per region from the summary of `workflow.region.totals` (one row per school) plus the days
since counted live (`_live`); the median from the placements grouped by their dates.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from workflow.models import (
    DayStatus,
    InternshipDay,
    Placement,
    PlacementDayTotals,
    PlacementStatus,
    School,
    SchoolDayTotals,
)
from workflow.region import totals
from workflow.region.figures import median_of, rate
from workflow.region.totals import ATTENDED

OVERALL = "All regions"
NO_REGION = "(no region)"
COLUMNS = (
    "region",
    "students_with_days",
    "internships_started",
    "internships_completed",
    "median_weeks",
    "confirmed_hours",
    "attendance_rate",
    "feedback",
)


@dataclass(frozen=True)
class NetworkRow:
    region: str
    students_with_days: int
    internships_started: int
    internships_completed: int
    median_weeks: float | None
    confirmed_hours: float
    attendance_rate: float | None
    feedback: int

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in COLUMNS}


def _median_weeks(lengths: list[tuple[int, int]]) -> float | None:
    """The median of (length in days, how many) pairs, in weeks."""
    total = sum(n for _, n in lengths)
    if not total:
        return None
    ordered = sorted(lengths)

    def nth(k: int) -> int:
        for days, n in ordered:
            if k < n:
                return days
            k -= n
        return ordered[-1][0]

    middle = (nth((total - 1) // 2) + nth(total // 2)) / 2
    return median_of([middle / 7])


def _live(session: Session, today: date, since: date | None) -> tuple[dict[str, list[Any]], dict[str, int]]:
    """Per region, the days from `since` to today counted live (every day if None): attended,
    confirmed hours, attended up to today, due, feedback; and the students with a day attended
    there whom the summary does not count yet. A day to come is neither attended nor due, nor has
    hours or feedback yet."""
    status = InternshipDay.status
    attended = status.in_([s.value for s in ATTENDED])
    due = InternshipDay.date <= today
    name = func.coalesce(School.region, NO_REGION)
    days = (
        select(InternshipDay)
        .join(Placement, Placement.id == InternshipDay.placement_id)
        .join(School, School.id == Placement.school_id)
        .group_by(name)
    )
    if since is not None:
        days = days.where(InternshipDay.date >= since, InternshipDay.date <= today)
    sums = session.execute(
        days.with_only_columns(
            name,
            func.sum(case((attended, 1), else_=0)),
            func.sum(case((status == DayStatus.confirmed, InternshipDay.hours), else_=0)),
            func.sum(case((attended & due, 1), else_=0)),
            func.sum(case((due, 1), else_=0)),
            func.sum(case((func.coalesce(InternshipDay.mentor_feedback, "") != "", 1), else_=0)),
        )
    )
    counted = select(PlacementDayTotals.placement_id).where(
        PlacementDayTotals.student_id == Placement.student_id, PlacementDayTotals.attended > 0
    )
    new = days.where(attended)
    if since is not None:
        new = new.where(~counted.exists())
    students = session.execute(new.with_only_columns(name, func.count(func.distinct(Placement.student_id))))
    return {r[0]: list(r[1:]) for r in sums}, {r[0]: int(r[1]) for r in students}


def network_story(session: Session, today: date, region: str | None = None) -> list[NetworkRow]:
    """One row per region (of `region` only, when given), then the overall row (whole network):
    the summary's 30-odd school rows and the days since, summed per region (a student is at one
    school, so regions add up), and the placements grouped by their dates and status."""
    since = totals.through(session)
    since = None if since is None or since > today else since
    name = func.coalesce(School.region, NO_REGION)
    # per region: [students, attended, hours, attended due, due, feedback]
    found: dict[str, list[Any]] = defaultdict(lambda: [0, 0, Decimal(0), 0, 0, 0])
    if since is not None:
        summary = session.execute(
            select(
                name,
                func.sum(SchoolDayTotals.students),
                func.sum(SchoolDayTotals.attended),
                func.sum(SchoolDayTotals.hours),
                func.sum(SchoolDayTotals.days),
                func.sum(SchoolDayTotals.feedback),
            )
            .join(School, School.id == SchoolDayTotals.school_id)
            .group_by(name)
        )
        for key, pupils, attended, hours, days, feedback in summary:
            found[key] = [
                int(pupils or 0),
                int(attended or 0),
                Decimal(hours or 0),
                int(attended or 0),
                int(days or 0),
                int(feedback or 0),
            ]
    live, students = _live(session, today, since)
    for key, (attended, hours, attended_due, due, feedback) in live.items():
        tally = found[key]
        tally[1:] = [
            tally[1] + int(attended or 0),
            tally[2] + Decimal(hours or 0),
            tally[3] + int(attended_due or 0),
            tally[4] + int(due or 0),
            tally[5] + int(feedback or 0),
        ]
    for key, n in students.items():
        found[key][0] += n
    placements = session.execute(
        select(name, Placement.start_date, Placement.end_date, Placement.status, func.count())
        .join(School, School.id == Placement.school_id)
        .group_by(name, Placement.start_date, Placement.end_date, Placement.status)
    )
    started: dict[str, int] = defaultdict(int)
    completed: dict[str, int] = defaultdict(int)
    lengths: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for key, start, end, status, n in placements:
        if status == PlacementStatus.ended or end < today:
            completed[key] += n
        if start <= today:
            started[key] += n
            lengths[key].append(((min(end, today) - start).days + 1, int(n)))

    def story_row(key: str, figures: list[Any], began: int, done: int, spans: list[tuple[int, int]]) -> NetworkRow:
        return NetworkRow(
            region=key,
            students_with_days=figures[0],
            internships_started=began,
            internships_completed=done,
            median_weeks=_median_weeks(spans),
            confirmed_hours=float(round(figures[2], 2)),
            attendance_rate=rate(figures[3], figures[4]),
            feedback=figures[5],
        )

    keys = set(found) | set(started) | set(completed)
    everything = [sum((found[k][i] for k in keys), Decimal(0) if i == 2 else 0) for i in range(6)]
    overall = story_row(
        OVERALL,
        everything,
        sum(started.values()),
        sum(completed.values()),
        [pair for pairs in lengths.values() for pair in pairs],
    )
    names = sorted(keys) if region is None else [region]
    return [story_row(k, found[k], started[k], completed[k], lengths[k]) for k in names] + [overall]
