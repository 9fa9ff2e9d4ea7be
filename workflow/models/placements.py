"""Placements: a student with a mentor at a site, on set weekdays and hours, between two dates."""

from __future__ import annotations

import enum
from datetime import date, datetime, time

from sqlalchemy import Date, ForeignKey, Index, String, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.base import Base, utcnow
from workflow.models.schools import Person, School
from workflow.models.sites import Site

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class PlacementStatus(enum.StrEnum):
    active = "active"
    ended = "ended"


class Placement(Base):
    """A student at a site with a mentor, on given weekdays and hours, between two dates."""

    __tablename__ = "placements"
    __table_args__ = (
        Index("ix_placements_student", "student_id", "status"),
        Index("ix_placements_school", "school_id", "status"),  # every dashboard list is one school's
    )

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
