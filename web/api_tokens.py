"""Bearer tokens for the JSON API: made for a coordinator, shown once, kept as a hash, revocable.

A token is `rly_` and 32 random bytes (`secrets.token_urlsafe`); the `api_tokens` table keeps only
its SHA-256, so a copy of the database authenticates nobody. `Authorization: Bearer <token>` on a
path under `/api` signs its coordinator in (`web.staff.signed_in_staff`) without a session or a
CSRF token (a browser never sends the header by itself). `last_used_at` is written at most once a
minute. Creating and revoking are audited: channel `dashboard` or `cli`.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from web.models import ApiToken
from workflow import audit
from workflow.models import Person, Role

PREFIX = "rly_"
TOUCH_EVERY = timedelta(minutes=1)
MAX_LABEL = 200


class TokenRefused(Exception):
    """A token cannot be made: `why` is `unknown_coordinator` or `several_schools`."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


@dataclass(frozen=True)
class TokenLine:
    """A token as lists show it (never the secret)."""

    id: int
    label: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def coordinators_with_email(session: Session, email: str, school_id: int | None = None) -> list[Person]:
    query = select(Person).where(
        func.lower(Person.email) == email.strip().lower(), Person.role == Role.coordinator, Person.active.is_(True)
    )
    if school_id is not None:
        query = query.where(Person.school_id == school_id)
    return list(session.scalars(query.order_by(Person.id)))


def coordinator(session: Session, email: str, school_id: int | None = None) -> Person:
    """The one active coordinator with this address (in this school), or TokenRefused."""
    found = coordinators_with_email(session, email, school_id)
    if not found:
        raise TokenRefused("unknown_coordinator")
    if len(found) > 1:
        raise TokenRefused("several_schools")
    return found[0]


def create(
    session: Session, person: Person, label: str, now: datetime, *, channel: str, actor: Person | None = None
) -> tuple[ApiToken, str]:
    """A new token for a coordinator: the row, and the secret (shown once, never stored)."""
    if person.role != Role.coordinator or not person.active:
        raise TokenRefused("unknown_coordinator")
    secret = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        person_id=person.id, school_id=person.school_id, hash=token_hash(secret), label=label.strip()[:MAX_LABEL]
    )
    row.created_at = now
    session.add(row)
    session.flush()
    _audit(session, "api_token.created", row, person, now, channel=channel, actor=actor)
    return row, secret


def listed(session: Session, person_id: int) -> list[TokenLine]:
    """A coordinator's tokens, newest first, revoked ones included."""
    rows = session.scalars(
        select(ApiToken).where(ApiToken.person_id == person_id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    return [TokenLine(r.id, r.label, r.created_at, r.last_used_at, r.revoked_at) for r in rows]


def revoke(session: Session, row: ApiToken, now: datetime, *, channel: str, actor: Person | None = None) -> bool:
    """Revoke a token; False if it already was (nothing changes then)."""
    if row.revoked_at is not None:
        return False
    row.revoked_at = now
    owner = session.get_one(Person, row.person_id)
    _audit(session, "api_token.revoked", row, owner, now, channel=channel, actor=actor)
    return True


def authenticate(session: Session, token: str, now: datetime) -> ApiToken | None:
    """The live token behind a bearer secret (touched at most once a minute), or None."""
    if not token.startswith(PREFIX) or len(token) > 100:
        return None
    row = session.scalars(select(ApiToken).where(ApiToken.hash == token_hash(token))).one_or_none()
    if row is None or row.revoked_at is not None:
        return None
    if row.last_used_at is None or now - row.last_used_at >= TOUCH_EVERY:
        row.last_used_at = now
    return row


def _audit(
    session: Session, action: str, row: ApiToken, owner: Person, now: datetime, *, channel: str, actor: Person | None
) -> None:
    audit.record(
        session,
        action=action,
        channel=channel,
        now=now,
        actor=actor,
        actor_label=None if actor else "operator (relay api-token)",
        school_id=row.school_id,
        object_type="api_token",
        object_id=row.id,
        owner=f"{owner.role}:{owner.id} {owner.name}",
        label=row.label or None,
    )
