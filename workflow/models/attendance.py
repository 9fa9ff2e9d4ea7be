"""Internship days (one scheduled or attended day of a placement), the table of their status moves,
and the digests sent about them."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.base import Base, utcnow
from workflow.errors import Refused
from workflow.models.placements import Placement


class DayStatus(enum.StrEnum):
    open = "open"  # checked in, not yet out
    pending = "pending"  # checked out, waiting for the mentor
    confirmed = "confirmed"
    disputed = "disputed"
    missed = "missed"  # scheduled, no check-in (yet)


class DayEvent(enum.StrEnum):
    check_in = "check_in"  # CHECKIN opens the day
    close = "close"  # CHECKOUT, or the job closing a day left open: hours counted, the mentor asked
    confirm = "confirm"  # the mentor: present
    dispute = "dispute"  # the mentor: not present
    settle = "settle"  # a coordinator, on the dashboard: present (with the times they give or keep)
    excuse = "excuse"  # a coordinator, on the dashboard: not present, marked missed


# Every move of a day's status, in one place; a day is created `missed`. A mentor may answer a day
# that is still open or was never checked in (`answer_day` accepts them), and a day is opened by
# the first check-in whatever was answered before it (`check_in` looks only at `check_in_at`). A
# second answer never moves a day: it is kept beside the first. A coordinator's decision on the
# dashboard (`workflow.oversight.corrections`, always with a reason) settles a day from any state,
# including one already answered: fixing the record is what it is for.
DAY_TRANSITIONS: dict[tuple[DayStatus, DayEvent], DayStatus] = {
    (DayStatus.missed, DayEvent.check_in): DayStatus.open,
    (DayStatus.confirmed, DayEvent.check_in): DayStatus.open,  # answered before any check-in
    (DayStatus.disputed, DayEvent.check_in): DayStatus.open,  # answered before any check-in
    (DayStatus.open, DayEvent.close): DayStatus.pending,
    (DayStatus.pending, DayEvent.confirm): DayStatus.confirmed,
    (DayStatus.open, DayEvent.confirm): DayStatus.confirmed,
    (DayStatus.missed, DayEvent.confirm): DayStatus.confirmed,
    (DayStatus.pending, DayEvent.dispute): DayStatus.disputed,
    (DayStatus.open, DayEvent.dispute): DayStatus.disputed,
    (DayStatus.missed, DayEvent.dispute): DayStatus.disputed,
    **{(state, DayEvent.settle): DayStatus.confirmed for state in DayStatus},
    **{(state, DayEvent.excuse): DayStatus.missed for state in DayStatus},
}
COORDINATOR_EVENTS = frozenset({DayEvent.settle, DayEvent.excuse})


def move_day(day: InternshipDay, event: DayEvent) -> DayStatus:
    """Move the day by `event`; Refused (and nothing changed) if the table has no such move."""
    state = DayStatus(day.status)
    target = DAY_TRANSITIONS.get((state, event))
    if target is None:
        raise Refused("bad_day_move", state=state.value, event=event.value)
    day.status = target
    return target


# The days Needs attention lists (`workflow.oversight.attention`), a few in a hundred: waiting for
# or disputed by the mentor, or closed without check-out and not settled on the dashboard. The
# query's conditions imply this one, so Postgres reads a school's days through this small index
# instead of scanning the table (migration 0008).
NEEDS_ATTENTION = (
    "status = 'pending' OR status = 'disputed' OR (no_checkout IS true AND confirmed_via IS DISTINCT FROM 'dashboard')"
)


REPORT_COLUMNS = ["status", "hours", "no_checkout", "unscheduled"]


class InternshipDay(Base):
    """One scheduled or attended day of a placement. Hours count only once it is confirmed."""

    __tablename__ = "internship_days"
    __table_args__ = (
        UniqueConstraint("placement_id", "date"),
        Index("ix_days_status", "status", "date"),
        Index("ix_days_date", "date"),  # the network story counts the days since its summary live
        Index(
            "ix_days_needing_attention",
            "placement_id",
            postgresql_where=text(NEEDS_ATTENTION),
            sqlite_where=text(NEEDS_ATTENTION),
        ),
        # the reports' tallies (workflow.reports.tally) read a school's days of a period from this
        # index alone on Postgres: every column they sum is in it (migration 0011)
        Index("ix_days_report", "placement_id", "date", postgresql_include=REPORT_COLUMNS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id"))
    date: Mapped[date] = mapped_column(Date)  # the school's local date
    status: Mapped[str] = mapped_column(String(16), default=DayStatus.missed)
    check_in_at: Mapped[datetime | None] = mapped_column()
    check_out_at: Mapped[datetime | None] = mapped_column()
    goals: Mapped[str | None] = mapped_column(Text)
    reflection: Mapped[str | None] = mapped_column(Text)  # the student's line on what they learned
    reflected_at: Mapped[datetime | None] = mapped_column()
    hours: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    unscheduled: Mapped[bool] = mapped_column(Boolean, default=False)
    no_checkout: Mapped[bool] = mapped_column(Boolean, default=False)
    location_consented_at: Mapped[datetime | None] = mapped_column()
    latitude: Mapped[float | None] = mapped_column()
    longitude: Mapped[float | None] = mapped_column()
    distance_m: Mapped[int | None] = mapped_column()
    mentor_feedback: Mapped[str | None] = mapped_column(Text)
    confirmed_via: Mapped[str | None] = mapped_column(String(16))
    confirmed_at: Mapped[datetime | None] = mapped_column()
    confirmation_requested_at: Mapped[datetime | None] = mapped_column()
    nudged_at: Mapped[datetime | None] = mapped_column()
    mentor_reminded_at: Mapped[datetime | None] = mapped_column()
    escalated_at: Mapped[datetime | None] = mapped_column()
    later_answers: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    placement: Mapped[Placement] = relationship()


class Digest(Base):
    """A coordinator digest sent for a school and local date (once per school day)."""

    __tablename__ = "digests"
    __table_args__ = (UniqueConstraint("school_id", "kind", "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    kind: Mapped[str] = mapped_column(String(32))
    date: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
