"""A coordinator's or advisor's signed-in session: the cookie, the row behind it, its CSRF token.

- At sign-in a new random id is made (32 bytes from `secrets`); the browser keeps it in the
  `relay_staff` cookie and the database keeps only its SHA-256 (`staff_sessions.id_hash`). A cookie
  the browser already had is never adopted, so nobody can fix a session id in advance.
- A session ends when its person signs out (the row's `ended_at`), after `IDLE` without a request,
  or `LIFETIME` after sign-in, whichever comes first; an ended session never comes back.
- The CSRF token is an HMAC of the session id under Relay's newest signing key, so it is bound to
  the session, needs no storage, and dies with it (older keys still verify, so a key rotation does
  not break a form already open). A plain HMAC rather than a library: the maintained CSRF packages
  for Starlette (starlette-csrf, fastapi-csrf-protect) are double-submit cookies that know nothing of
  our server-side session; this is the same construction as the student pages' form token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from fastapi import Response
from sqlalchemy import update
from sqlalchemy.orm import Session

from messaging import context
from web.models import StaffSession
from workflow.base import utcnow
from workflow.models import Person

COOKIE = "relay_staff"
IDLE = timedelta(hours=12)
LIFETIME = timedelta(days=14)
TOUCH_EVERY = timedelta(minutes=1)  # last_seen_at is written at most this often (one write, not one per page)


def now() -> datetime:
    """The clock of sessions and sign-in links (tests replace it to move time)."""
    return utcnow()


def id_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def start(session: Session, person: Person, now: datetime, *, user_agent: str = "", client: str = "") -> str:
    """A new session for `person`; returns the id for the cookie (shown once, stored hashed)."""
    session_id = secrets.token_urlsafe(32)
    session.add(
        StaffSession(
            id_hash=id_hash(session_id),
            person_id=person.id,
            school_id=person.school_id,
            created_at=now,
            last_seen_at=now,
            user_agent=user_agent[:300] or None,
            client=client[:64] or None,
        )
    )
    return session_id


def expiry(row: StaffSession, now: datetime) -> str | None:
    """Why the session is over (`signed_out`, `idle`, `too_old`), or None while it is live."""
    if row.ended_at is not None:
        return row.ended_why or "signed_out"
    if now - row.created_at >= LIFETIME:
        return "too_old"
    if now - row.last_seen_at >= IDLE:
        return "idle"
    return None


def find(session: Session, session_id: str | None, now: datetime) -> StaffSession | None:
    """The live session behind a cookie, touched; None for no cookie, an unknown id or an ended one.

    A session found timed out is ended on the spot, so it stays ended whatever the clock says later.
    """
    if not session_id or len(session_id) > 100:
        return None
    row = session.get(StaffSession, id_hash(session_id))
    if row is None:
        return None
    why = expiry(row, now)
    if why is not None:
        if row.ended_at is None:
            row.ended_at, row.ended_why = now, why
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
    return row


def end(session: Session, row: StaffSession, now: datetime, why: str = "signed_out") -> bool:
    """End a session server-side; False if it had already ended (atomic)."""
    result = session.execute(
        update(StaffSession)
        .where(StaffSession.id_hash == row.id_hash, StaffSession.ended_at.is_(None))
        .values(ended_at=now, ended_why=why)
        .execution_options(synchronize_session=False)
    )
    session.refresh(row)
    return bool(result.rowcount)  # type: ignore[attr-defined]


def csrf_token(session_id: str) -> str:
    return _mac(context.current().config.signing_keys[0], session_id)


def csrf_ok(session_id: str, token: str | None) -> bool:
    if not token:
        return False
    given = token.encode("utf-8", "replace")  # as bytes: compare_digest refuses non-ASCII str
    keys = context.current().config.signing_keys
    return any(hmac.compare_digest(_mac(key, session_id).encode(), given) for key in keys)


def _mac(key: str, session_id: str) -> str:
    return hmac.new(key.encode(), b"relay.staff-csrf:" + session_id.encode(), hashlib.sha256).hexdigest()


def set_cookie(response: Response, session_id: str) -> None:
    """HttpOnly, SameSite=Lax, Secure when Relay is reached over https; the server decides expiry."""
    response.set_cookie(
        COOKIE,
        session_id,
        max_age=int(LIFETIME.total_seconds()),
        path="/",
        httponly=True,
        samesite="lax",
        secure=context.current().config.public_base_url.startswith("https://"),
    )


def clear_cookie(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax")
