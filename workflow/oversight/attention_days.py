"""Needs attention's days: mentors who have not answered (grouped by mentor, oldest first), disputed
days, days closed without check-out. The first `limit` of each with LIMIT in SQL, counted in the same
query (`count(*) OVER ()`), as plain rows with the people's names (`today.with_people`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, and_, func, select, text
from sqlalchemy.orm import Session

from workflow.models import DayStatus, InternshipDay, Placement
from workflow.oversight.today import PEOPLE_COLUMNS, PersonRef, mentor_of, student_of, with_people
from workflow.oversight.today import Mentor as MentorPerson
from workflow.oversight.viewer import Viewer, placement_scope

UNANSWERED_AFTER = timedelta(days=1)  # a mentor asked this long ago without answering needs a look


@dataclass(frozen=True)
class DayItem:
    day_id: int
    date: date
    student: PersonRef
    site: str
    mentor: PersonRef
    status: DayStatus
    check_in_at: datetime | None
    check_out_at: datetime | None
    hours: Decimal | None
    feedback: str | None
    asked_at: datetime | None  # when the mentor was asked
    answered_at: datetime | None  # when the mentor answered (a dispute's time)


@dataclass(frozen=True)
class MentorWaiting:
    """A mentor with days waiting for their answer, oldest first."""

    mentor: PersonRef
    count: int
    oldest_asked_at: datetime
    oldest_age: timedelta
    last_reminded_at: datetime | None
    days: list[DayItem]


@dataclass(frozen=True)
class DaySections:
    unanswered: list[MentorWaiting] = field(default_factory=list)
    disputed: list[DayItem] = field(default_factory=list)
    no_checkout: list[DayItem] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)


# A day item's columns (with the placement's people and site, `today.with_people`).
ITEM_COLUMNS = (
    InternshipDay.id,
    InternshipDay.date,
    InternshipDay.status,
    InternshipDay.check_in_at,
    InternshipDay.check_out_at,
    InternshipDay.hours,
    InternshipDay.mentor_feedback,
    InternshipDay.confirmation_requested_at,
    InternshipDay.confirmed_at,
    InternshipDay.mentor_reminded_at,
    *PEOPLE_COLUMNS,
)


def day_item(row: Any) -> DayItem:
    """A day item from a row of ITEM_COLUMNS."""
    return DayItem(
        day_id=row.id,
        date=row.date,
        student=student_of(row),
        site=row.site,
        mentor=mentor_of(row),
        status=DayStatus(row.status),
        check_in_at=row.check_in_at,
        check_out_at=row.check_out_at,
        hours=row.hours,
        feedback=row.mentor_feedback,
        asked_at=row.confirmation_requested_at,
        answered_at=row.confirmed_at,
    )


def day_items(*where: Any) -> Select[*tuple[Any, ...]]:
    """A query of day items (ITEM_COLUMNS) and `total`, the number of days matching before any LIMIT."""
    query = select(*ITEM_COLUMNS, func.count().over().label("total")).select_from(InternshipDay)
    return with_people(query.join(Placement, Placement.id == InternshipDay.placement_id)).where(*where)


def unanswered_condition(now: datetime) -> Any:
    asked = InternshipDay.confirmation_requested_at
    return and_(InternshipDay.status == DayStatus.pending, asked <= now - UNANSWERED_AFTER)


DISPUTED = InternshipDay.status == DayStatus.disputed
NO_CHECKOUT = and_(  # as ix_days_needing_attention
    InternshipDay.no_checkout.is_(True), InternshipDay.confirmed_via.is_distinct_from("dashboard")
)


def _listed(session: Session, query: Select[*tuple[Any, ...]], limit: int | None) -> tuple[list[DayItem], int]:
    rows = session.execute(query.order_by(InternshipDay.date, InternshipDay.id).limit(limit)).all()
    return [day_item(r) for r in rows], rows[0].total if rows else 0


def days_needing_attention(session: Session, viewer: Viewer, now: datetime, limit: int | None) -> DaySections:
    # The viewer's placements first, then their days by id through ix_days_needing_attention: with
    # a join, Postgres misjudges the OR and reads the whole district's index and rows (measured
    # with bench/dashboard.py: 200-450 ms against 10-25 ms for the largest school).
    placement_ids = list(session.scalars(select(Placement.id).where(placement_scope(viewer))))
    # as literals in the SQL: two thousand bound parameters cost more to send than the query to run,
    # and written out once for the four statements below (SQLAlchemy's literal_execute renders each
    # id again in every statement: 20 ms a page for the largest school); they are the database's own
    # integers. The scope again on the joined placements: else Postgres hashes the district's 30,000.
    listed = ",".join(str(int(i)) for i in placement_ids) or "NULL"
    ours = and_(text(f"internship_days.placement_id IN ({listed})"), placement_scope(viewer))
    unanswered = unanswered_condition(now)
    oldest = func.min(InternshipDay.confirmation_requested_at)
    mentors = session.execute(  # the first `limit` mentors, oldest first, with the totals
        select(
            Placement.mentor_id,
            MentorPerson.name,
            MentorPerson.email,
            func.count().label("days"),
            oldest.label("oldest"),
            func.max(InternshipDay.mentor_reminded_at).label("reminded"),
            func.count().over().label("mentors"),
            func.sum(func.count()).over().label("total"),
        )
        .select_from(InternshipDay)
        .join(Placement, Placement.id == InternshipDay.placement_id)
        .join(MentorPerson, MentorPerson.id == Placement.mentor_id)
        .where(ours, unanswered)
        .group_by(Placement.mentor_id, MentorPerson.name, MentorPerson.email)
        .order_by(oldest, MentorPerson.name, Placement.mentor_id)
        .limit(limit)
    ).all()
    their_days = session.execute(
        day_items(ours, unanswered, Placement.mentor_id.in_([m.mentor_id for m in mentors])).order_by(
            InternshipDay.confirmation_requested_at, InternshipDay.id
        )
    ).all()
    waiting: dict[int, list[DayItem]] = defaultdict(list)
    for row in their_days:
        waiting[row.mentor_id].append(day_item(row))
    disputed, disputes = _listed(session, day_items(ours, DISPUTED), limit)
    no_checkout, closed = _listed(session, day_items(ours, NO_CHECKOUT), limit)
    return DaySections(
        unanswered=[
            MentorWaiting(
                mentor=PersonRef(m.mentor_id, m.name, m.email),
                count=m.days,
                oldest_asked_at=m.oldest,
                oldest_age=now - m.oldest,
                last_reminded_at=m.reminded,
                days=waiting[m.mentor_id],
            )
            for m in mentors
        ],
        disputed=disputed,
        no_checkout=no_checkout,
        totals={
            "unanswered": int(mentors[0].total) if mentors else 0,
            "unanswered_mentors": mentors[0].mentors if mentors else 0,
            "disputed": disputes,
            "no_checkout": closed,
        },
    )
