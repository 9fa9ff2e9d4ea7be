"""Sites, placements (a student with a mentor at a site, on set days) and internship days."""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, Numeric, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.base import Base, utcnow
from workflow.models.core import Person, School

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class Site(Base):
    __tablename__ = "sites"
    __table_args__ = (UniqueConstraint("school_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(500), default="")
    field: Mapped[str] = mapped_column(String(100), default="")
    do_not_solicit: Mapped[bool] = mapped_column(Boolean, default=False)
    latitude: Mapped[float | None] = mapped_column()
    longitude: Mapped[float | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    school: Mapped[School] = relationship()


class PlacementStatus(enum.StrEnum):
    active = "active"
    ended = "ended"


class Placement(Base):
    """A student at a site with a mentor, on given weekdays and hours, between two dates."""

    __tablename__ = "placements"
    __table_args__ = (Index("ix_placements_student", "student_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    student_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    mentor_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    weekdays: Mapped[str] = mapped_column(String(32))  # "Tue Thu"
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(24), default=PlacementStatus.active)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    student: Mapped[Person] = relationship(foreign_keys=[student_id])
    mentor: Mapped[Person] = relationship(foreign_keys=[mentor_id])
    site: Mapped[Site] = relationship()
    school: Mapped[School] = relationship()

    def meets_on(self, day: date) -> bool:
        return self.start_date <= day <= self.end_date and WEEKDAYS[day.weekday()] in self.weekdays.split()


class DayStatus(enum.StrEnum):
    open = "open"  # checked in, not yet out
    pending = "pending"  # checked out, waiting for the mentor
    confirmed = "confirmed"
    disputed = "disputed"
    missed = "missed"  # scheduled, no check-in (yet)


class InternshipDay(Base):
    """One scheduled or attended day of a placement. Hours count only once it is confirmed."""

    __tablename__ = "internship_days"
    __table_args__ = (
        UniqueConstraint("placement_id", "date"),
        Index("ix_days_status", "status", "date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id"))
    date: Mapped[date] = mapped_column(Date)  # the school's local date
    status: Mapped[str] = mapped_column(String(16), default=DayStatus.missed)
    check_in_at: Mapped[datetime | None] = mapped_column()
    check_out_at: Mapped[datetime | None] = mapped_column()
    goals: Mapped[str | None] = mapped_column(Text)
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
