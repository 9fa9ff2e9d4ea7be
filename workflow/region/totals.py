"""The network story's summary (`placement_day_totals`, `school_day_totals`): each placement's and
each school's days dated before a day, counted by a scheduled job (`refresh`, every 15 minutes),
so that reading the story sums 30 schools' rows and counts only the days from that date on (a few
thousand) live; a placement's row tells whether its student already counts.

The summary may lag a change to an older day (a mentor's late answer, a day settled on the
dashboard) by up to one refresh. Until the first refresh, the story counts every day live.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import case, delete, func, insert, literal, select
from sqlalchemy.orm import Session

from workflow.models import DayStatus, InternshipDay, Placement, PlacementDayTotals, SchoolDayTotals
from workflow.notifications import Notification

ATTENDED = (DayStatus.open, DayStatus.pending, DayStatus.confirmed)


def refresh(session: Session, today: date, now: datetime) -> int:
    """Count every placement's days dated before `today` again; returns the rows written."""
    status = InternshipDay.status
    counted = (
        select(
            InternshipDay.placement_id,
            Placement.student_id,
            literal(today),
            func.count(),
            func.sum(case((status.in_([s.value for s in ATTENDED]), 1), else_=0)),
            func.coalesce(func.sum(case((status == DayStatus.confirmed, InternshipDay.hours), else_=0)), 0),
            func.sum(case((func.coalesce(InternshipDay.mentor_feedback, "") != "", 1), else_=0)),
            literal(now),
        )
        .join(Placement, Placement.id == InternshipDay.placement_id)
        .where(InternshipDay.date < today)
        .group_by(InternshipDay.placement_id, Placement.student_id)
    )
    session.execute(delete(PlacementDayTotals))
    columns = ["placement_id", "student_id", "through", "days", "attended", "hours", "feedback", "refreshed_at"]
    session.execute(insert(PlacementDayTotals).from_select(columns, counted))
    per_school = (
        select(
            Placement.school_id,
            literal(today),
            func.count(func.distinct(case((PlacementDayTotals.attended > 0, Placement.student_id)))),
            func.sum(PlacementDayTotals.days),
            func.sum(PlacementDayTotals.attended),
            func.sum(PlacementDayTotals.hours),
            func.sum(PlacementDayTotals.feedback),
            literal(now),
        )
        .join(Placement, Placement.id == PlacementDayTotals.placement_id)
        .group_by(Placement.school_id)
    )
    session.execute(delete(SchoolDayTotals))
    school_columns = ["school_id", "through", "students", "days", "attended", "hours", "feedback", "refreshed_at"]
    session.execute(insert(SchoolDayTotals).from_select(school_columns, per_school))
    return int(session.scalar(select(func.count()).select_from(PlacementDayTotals)) or 0)


def through(session: Session) -> date | None:
    """The date the summary counts up to (exclusive), or None if it was never refreshed."""
    return session.scalar(select(func.min(SchoolDayTotals.through)))


def refresh_job(session: Session, now: datetime) -> list[Notification]:
    refresh(session, now.date(), now)
    return []
