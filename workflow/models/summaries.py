"""Summary tables: figures read over millions of rows, kept ready by a scheduled job."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Numeric
from sqlalchemy.orm import Mapped, mapped_column

from workflow.base import Base, utcnow


class PlacementDayTotals(Base):
    """One placement's days dated before `through`, counted (`workflow.region.totals`): the network
    story reads these and counts only the days from `through` on live."""

    __tablename__ = "placement_day_totals"
    __table_args__ = (Index("ix_placement_day_totals_student", "student_id"),)

    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id"), primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("people.id"))  # whether a student already counts
    through: Mapped[date] = mapped_column(Date)  # the days counted are dated before it
    days: Mapped[int] = mapped_column(default=0)
    attended: Mapped[int] = mapped_column(default=0)
    hours: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=Decimal(0))
    feedback: Mapped[int] = mapped_column(default=0)
    refreshed_at: Mapped[datetime] = mapped_column(default=utcnow)


class SchoolDayTotals(Base):
    """One school's days dated before `through`, counted with its placements' (the same job):
    the network story sums these per region, then adds the days since."""

    __tablename__ = "school_day_totals"

    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), primary_key=True)
    through: Mapped[date] = mapped_column(Date)
    students: Mapped[int] = mapped_column(default=0)  # with at least one day attended before `through`
    days: Mapped[int] = mapped_column(default=0)
    attended: Mapped[int] = mapped_column(default=0)
    hours: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal(0))
    feedback: Mapped[int] = mapped_column(default=0)
    refreshed_at: Mapped[datetime] = mapped_column(default=utcnow)
