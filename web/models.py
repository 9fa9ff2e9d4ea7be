"""Tables of the staff workspace: signed-in sessions, sign-in requests, API tokens.

Secrets are never stored: a session's id and an API token are kept as their SHA-256, so a copy of
the database signs nobody in.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from workflow.base import Base, BigId, utcnow


class StaffSession(Base):
    """A coordinator or advisor signed in on one browser; ended by sign-out or a timeout."""

    __tablename__ = "staff_sessions"
    __table_args__ = (Index("ix_staff_sessions_person", "person_id"),)

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 hex of the cookie's id
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column()
    ended_why: Mapped[str | None] = mapped_column(String(32))  # signed_out, idle, too_old
    user_agent: Mapped[str | None] = mapped_column(String(300))
    client: Mapped[str | None] = mapped_column(String(64))  # the client address at sign-in


class SignInRequest(Base):
    """One `POST /dashboard/sign-in`: counted for the hourly caps, whatever the address was."""

    __tablename__ = "staff_sign_in_requests"
    __table_args__ = (
        Index("ix_staff_sign_in_requests_email_at", "email", "at"),
        Index("ix_staff_sign_in_requests_client_at", "client", "at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    email: Mapped[str] = mapped_column(String(320))  # as typed, lowercased
    client: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16))  # emailed, unknown, capped


class ApiToken(Base):
    """A bearer token for the JSON API (`Authorization: Bearer ...`), shown once when created."""

    __tablename__ = "api_tokens"
    __table_args__ = (Index("ix_api_tokens_person", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex of the token
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()
