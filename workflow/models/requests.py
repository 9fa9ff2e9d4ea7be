"""A student's request for an opportunity, from asking to an active internship."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Date, ForeignKey, Index, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.base import Base, utcnow
from workflow.models.opportunities import Opportunity
from workflow.models.schools import Person, School


class InternshipRequest(Base):
    """A student's request for an opportunity, from asking to an active internship.

    Its moves are those of `workflow.requests.states.TRANSITIONS`, and nowhere else."""

    __tablename__ = "internship_requests"
    __table_args__ = (
        Index("ix_requests_opportunity_status", "opportunity_id", "status"),
        Index("ix_requests_student", "student_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    student_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id"))
    status: Mapped[str] = mapped_column(String(24))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column()
    reason: Mapped[str | None] = mapped_column(Text)
    pursue_until: Mapped[datetime | None] = mapped_column()
    pursuit_reminded_at: Mapped[datetime | None] = mapped_column()
    days: Mapped[str | None] = mapped_column(String(32))
    start_time: Mapped[time | None] = mapped_column(Time)
    end_time: Mapped[time | None] = mapped_column(Time)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    start_requested_at: Mapped[datetime | None] = mapped_column()
    advisor_reminded_at: Mapped[datetime | None] = mapped_column()
    escalated_at: Mapped[datetime | None] = mapped_column()
    placement_id: Mapped[int | None] = mapped_column(ForeignKey("placements.id"))

    student: Mapped[Person] = relationship(foreign_keys=[student_id])
    opportunity: Mapped[Opportunity] = relationship()
    school: Mapped[School] = relationship()
