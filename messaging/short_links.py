"""Short links for texts: `/t/<code>` stands for a signed link `/l/<token>`, so that a text
with a link fits in one SMS segment. The code is random (secrets), 8 characters of a
56-symbol alphabet without look-alikes (0/O, 1/I/l, o), about 10^14 codes: unguessable, typeable
from a phone screen. It expires with the token; the token's own checks (signature, once, expiry)
still decide what the link may do."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy.orm import Session

from messaging.models import ShortLink

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz"
LENGTH = 8
PREFIX = "/t/"


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def shorten(session: Session, token: str, *, expires_at: datetime, base_url: str) -> str:
    """The short URL of a signed token, stored in the caller's transaction."""
    while True:
        code = new_code()
        if session.get(ShortLink, code) is None:  # a clash is about 1 in 10^14 per existing code
            break
    session.add(ShortLink(code=code, token=token, expires_at=expires_at))
    return f"{base_url}{PREFIX}{code}"


def token_for(session: Session, code: str, now: datetime) -> str | None:
    """The token behind a code, or None if it is unknown, malformed or expired."""
    if len(code) != LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    row = session.get(ShortLink, code)
    if row is None or row.expires_at <= now:
        return None
    return row.token
