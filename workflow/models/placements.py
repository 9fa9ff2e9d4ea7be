"""Finding an internship: opportunities, what students want and suggest, and their requests."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.base import Base, utcnow
from workflow.models.attendance import Site
from workflow.models.core import Person, School


class ComplianceDocument(Base):
    """A mentor's document, such as a background check, with its status and expiry."""

    __tablename__ = "compliance_documents"
    __table_args__ = (UniqueConstraint("mentor_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    kind: Mapped[str] = mapped_column(String(48))
    status: Mapped[str] = mapped_column(String(16), default="valid")  # valid | pending | rejected
    expires_on: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Opportunity(Base):
    __tablename__ = "opportunities"
    __table_args__ = (Index("ix_opportunities_school_field", "school_id", "field"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    mentor_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    title: Mapped[str] = mapped_column(String(200))
    field: Mapped[str] = mapped_column(String(100), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    capacity: Mapped[int] = mapped_column(default=1)
    shared_with_region: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    school: Mapped[School] = relationship()
    site: Mapped[Site] = relationship()
    mentor: Mapped[Person] = relationship()


class WishlistField(Base):
    __tablename__ = "wishlist_fields"
    __table_args__ = (UniqueConstraint("student_id", "field"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    field: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Favourite(Base):
    __tablename__ = "favourites"
    __table_args__ = (UniqueConstraint("student_id", "opportunity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Prospect(Base):
    """A site a student suggests; checked against do-not-solicit before anyone contacts it."""

    __tablename__ = "prospects"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    student_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(500), default="")
    field: Mapped[str] = mapped_column(String(100), default="")
    contact: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(24), default="suggested")  # suggested | do_not_solicit
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class InternshipRequest(Base):
    """A student's request for an opportunity, from asking to an active internship.

    Its moves are those of `workflow.requests.TRANSITIONS`, and nowhere else."""

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
