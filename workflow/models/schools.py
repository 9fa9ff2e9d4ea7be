"""Schools and the people in them (one row per person and role)."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.base import Base, utcnow

TITLES = frozenset({"dr", "mr", "mrs", "ms", "mx", "prof", "professor", "rev", "sr", "sra", "mme", "m", "herr", "frau"})


class Role(enum.StrEnum):
    coordinator = "coordinator"
    advisor = "advisor"
    student = "student"
    mentor = "mentor"
    region_admin = "region_admin"  # sees a region's aggregates, never a student's name


class School(Base):
    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    timezone: Mapped[str] = mapped_column(String(64), default="America/Los_Angeles")
    region: Mapped[str | None] = mapped_column(String(200))
    sms_number: Mapped[str | None] = mapped_column(String(20))
    # A Twilio Messaging Service of the school's own (a pool of numbers), instead of one number;
    # `sms_pool` is its numbers, comma-separated, or how many it has (see messaging.sender_pool).
    sms_service_sid: Mapped[str | None] = mapped_column(String(34))
    sms_pool: Mapped[str | None] = mapped_column(String(400))
    country: Mapped[str] = mapped_column(String(2), default="US")
    locale: Mapped[str] = mapped_column(String(8), default="en")
    pursuit_days: Mapped[int] = mapped_column(default=14)
    pursuer_limit: Mapped[int] = mapped_column(default=2)
    # the mentor also evaluates halfway through each placement, not only at its end
    midpoint_evaluation: Mapped[bool] = mapped_column(default=False)
    # the kinds of document a mentor must hold, valid and in date (space-separated; workflow.compliance)
    required_documents: Mapped[str] = mapped_column(
        String(200), default="background_check", server_default="background_check"
    )
    required_hours: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))  # a student's internship hours, at least
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    people: Mapped[list[Person]] = relationship(back_populates="school")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class Person(Base):
    """One person in one role at one school; someone with two roles has two rows."""

    __tablename__ = "people"
    __table_args__ = (
        UniqueConstraint("school_id", "role", "email"),
        Index("ix_people_phone", "phone"),
        Index("ix_people_email", "email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    role: Mapped[Role] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(20))
    advisor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id", use_alter=True))  # a mentor's site
    # A region admin's region (`School.region`); their `school_id` is the region's first school,
    # an anchor for the sign-in and the session, never a scope: region pages read `region` only.
    region: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    required_hours: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))  # a student's own, over the school's
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    school: Mapped[School] = relationship(back_populates="people")
    advisor: Mapped[Person | None] = relationship(remote_side=[id])

    @property
    def first_name(self) -> str:
        """How to greet someone: "Maya" for Maya Lopez, but "Dr. Chen" for Dr. Ruth Chen."""
        words = self.name.split()
        if not words:
            return self.name
        if words[0].rstrip(".").lower() in TITLES and len(words) > 1:
            return f"{words[0]} {words[-1]}"
        return words[0]
