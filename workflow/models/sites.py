"""Sites (the places internships happen) and their mentors' compliance documents."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.base import Base, utcnow
from workflow.models.schools import School


class Site(Base):
    __tablename__ = "sites"
    __table_args__ = (UniqueConstraint("school_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(500), default="")
    field: Mapped[str] = mapped_column(String(100), default="")
    do_not_solicit: Mapped[bool] = mapped_column(Boolean, default=False)
    do_not_solicit_on: Mapped[date | None] = mapped_column(Date)  # when the business asked
    do_not_solicit_by: Mapped[str | None] = mapped_column(String(200))  # who asked, in their words
    active: Mapped[bool] = mapped_column(Boolean, default=True)  # deactivated, never deleted
    latitude: Mapped[float | None] = mapped_column()
    longitude: Mapped[float | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    school: Mapped[School] = relationship()


class ComplianceDocument(Base):
    """A mentor's document, such as a background check, with its status, expiry and a note (the
    school's `required_documents` say which kinds a mentor must hold; `workflow.compliance`)."""

    __tablename__ = "compliance_documents"
    __table_args__ = (UniqueConstraint("mentor_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    kind: Mapped[str] = mapped_column(String(48))
    status: Mapped[str] = mapped_column(String(16), default="valid")  # valid | pending | rejected
    expires_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(500), default="", server_default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
