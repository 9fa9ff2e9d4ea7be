"""Signed action tokens for links and reply addresses.

A token is 48 characters of lowercase base32, so it survives mail systems that change the case of
an address: 32 characters of payload (purpose, token row id, object id, recipient id, expiry) and
16 of signature. itsdangerous signs it with the purpose as salt and a list of keys, newest first, so
keys rotate. The signature proves origin; the `action_tokens` row makes a token act only once.
"""

from __future__ import annotations

import base64
import enum
import hmac
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from itsdangerous import Signer
from sqlalchemy import update
from sqlalchemy.orm import Session

from messaging.models import ActionToken


class Purpose(enum.StrEnum):
    """What a token lets its holder do. Each has a reply handler (`email_replies.REPLY_HANDLERS`),
    a link action (`links.LINK_ACTIONS`), or both, unless it is in INTERNAL, OWN_PAGES or RESERVED."""

    login = "login"  # a coordinator or advisor signs in to the workspace (web/sign_in.py)
    attendance_confirm = "attendance.confirm"  # a mentor confirms one internship day (link, reply)
    attendance_digest = "attendance.digest"  # a mentor answers the daily digest of days (reply)
    checkin_location = "checkin.location"  # a student shares where they checked in (link)
    student_pages = "student.pages"  # a student opens their pages (link)
    request_decide = "request.decide"  # a coordinator decides an internship request (link, reply)
    start_decide = "start.decide"  # an advisor decides a request to start (link, reply)
    evaluation = "evaluation"  # a mentor evaluates a placement on the five learning goals (link, reply)
    bounce = "bounce"  # internal: the envelope sender of outgoing mail, bounce+<token>@<inbound domain>


# Codes are written into tokens: never renumber one, never reuse one, only add.
PURPOSES: dict[Purpose, int] = {
    Purpose.login: 1,
    Purpose.attendance_confirm: 3,
    Purpose.attendance_digest: 4,
    Purpose.checkin_location: 5,
    Purpose.student_pages: 6,
    Purpose.request_decide: 7,
    Purpose.start_decide: 8,
    Purpose.bounce: 11,
    Purpose.evaluation: 14,
}
# Codes of purposes removed because nothing issued them: "reply.test", "start.request", "notice.expired".
RETIRED_CODES = frozenset({2, 9, 10})
PURPOSE_NAMES = {code: purpose for purpose, code in PURPOSES.items()}
INTERNAL = frozenset({Purpose.bounce})  # read by the SMTP server itself, never by a person
RESERVED: frozenset[Purpose] = frozenset()  # kept for a feature still to come
OWN_PAGES = frozenset({Purpose.login})  # read by pages of their own, not /l/: /dashboard/sign-in/<token>

_PAYLOAD = struct.Struct(">B5s5s5sI")  # purpose, token id, object id, recipient id, expiry
PAYLOAD_CHARS = 32
SIGNATURE_BYTES = 10
SIGNATURE_CHARS = 16
TOKEN_CHARS = PAYLOAD_CHARS + SIGNATURE_CHARS
TOKEN_ALPHABET = frozenset("abcdefghijklmnopqrstuvwxyz234567")


class BadToken(Exception):
    """Not a token of ours: malformed, tampered with, or signed by a retired key."""


@dataclass(frozen=True)
class TokenClaims:
    purpose: Purpose
    token_id: int
    object_id: int
    recipient_id: int | None
    expires_at: datetime

    def expired(self, now: datetime) -> bool:
        return now >= self.expires_at


class _Base32Signer(Signer):
    """itsdangerous' HMAC signer with a short, case-insensitive signature."""

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        # The same HMAC of the salt every time: derived once per key (a signer is cached per
        # purpose and key list, and every inbound reply is verified at RCPT).
        cache: dict[str | bytes | None, bytes] = self.__dict__.setdefault("_derived", {})
        if secret_key not in cache:
            cache[secret_key] = super().derive_key(secret_key)
        return cache[secret_key]

    def get_signature(self, value: str | bytes) -> bytes:
        mac = hmac.new(self.derive_key(), _bytes(value), self.digest_method).digest()
        return _b32(mac[:SIGNATURE_BYTES]).encode()

    def verify_signature(self, value: str | bytes, sig: str | bytes) -> bool:
        expected = _bytes(sig)
        for key in reversed(self.secret_keys):
            mac = hmac.new(self.derive_key(key), _bytes(value), self.digest_method).digest()
            if hmac.compare_digest(_b32(mac[:SIGNATURE_BYTES]).encode(), expected):
                return True
        return False


def _bytes(value: str | bytes) -> bytes:
    return value.encode() if isinstance(value, str) else value


def _b32(raw: bytes) -> str:
    return base64.b32encode(raw).decode().rstrip("=").lower()


def _unb32(text: str) -> bytes:
    padding = "=" * (-len(text) % 8)
    return base64.b32decode(text.upper() + padding)


def _int5(value: int) -> bytes:
    if not 0 <= value < 1 << 40:
        raise ValueError(f"id out of range for a token: {value}")
    return value.to_bytes(5, "big")


def _signer(purpose: Purpose, keys: Sequence[str]) -> _Base32Signer:
    return _cached_signer(purpose, tuple(keys))


@lru_cache(maxsize=64)
def _cached_signer(purpose: Purpose, keys: tuple[str, ...]) -> _Base32Signer:
    # itsdangerous wants oldest first and signs with the last; our settings list newest first.
    return _Base32Signer(list(reversed(keys)), salt=f"relay.{purpose}", key_derivation="hmac")


def encode(claims: TokenClaims, keys: Sequence[str]) -> str:
    payload = _PAYLOAD.pack(
        PURPOSES[claims.purpose],
        _int5(claims.token_id),
        _int5(claims.object_id),
        _int5(claims.recipient_id or 0),
        int(claims.expires_at.timestamp()),
    )
    text = _b32(payload)
    return text + _signer(claims.purpose, keys).get_signature(text).decode()


def decode(token: str, keys: Sequence[str]) -> TokenClaims:
    """Verify the signature and read the claims; expiry is for the caller to judge."""
    token = token.strip().rstrip(".,;:!?)'\"").lower()  # punctuation a reader copied along with the link
    if len(token) != TOKEN_CHARS or not set(token) <= TOKEN_ALPHABET:
        raise BadToken("not a Relay token")
    text, sig = token[:PAYLOAD_CHARS], token[PAYLOAD_CHARS:]
    try:
        code, token_id, object_id, recipient_id, expires = _PAYLOAD.unpack(_unb32(text))
    except (ValueError, struct.error):
        raise BadToken("not a Relay token") from None
    purpose = PURPOSE_NAMES.get(code)
    if purpose is None or not _signer(purpose, keys).verify_signature(text, sig):
        raise BadToken("signature does not match")
    recipient = int.from_bytes(recipient_id, "big")
    return TokenClaims(
        purpose=purpose,
        token_id=int.from_bytes(token_id, "big"),
        object_id=int.from_bytes(object_id, "big"),
        recipient_id=recipient or None,
        expires_at=datetime.fromtimestamp(expires, UTC),
    )


def issue(
    session: Session,
    *,
    purpose: Purpose | str,  # workflow's links name theirs as strings
    object_type: str,
    object_id: int,
    person_id: int | None,
    ttl: timedelta,
    keys: Sequence[str],
    now: datetime,
    payload: dict[str, Any] | None = None,
) -> str:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown token purpose {purpose!r}")
    purpose = Purpose(purpose)
    expires_at = (now + ttl).replace(microsecond=0)
    row = ActionToken(
        purpose=purpose,
        object_type=object_type,
        object_id=object_id,
        person_id=person_id,
        created_at=now,
        expires_at=expires_at,
        payload=payload or {},
    )
    session.add(row)
    session.flush()
    claims = TokenClaims(purpose, row.id, object_id, person_id, expires_at)
    return encode(claims, keys)


def load(session: Session, token: str, keys: Sequence[str]) -> tuple[TokenClaims, ActionToken]:
    """The verified claims and their row; BadToken if either does not match the other."""
    claims = decode(token, keys)
    row = session.get(ActionToken, claims.token_id)
    if (
        row is None
        or row.purpose != claims.purpose
        or row.object_id != claims.object_id
        or row.person_id != claims.recipient_id
    ):
        raise BadToken("no such token")
    return claims, row


def use(session: Session, row: ActionToken, *, via: str, outcome: str, now: datetime) -> bool:
    """Mark the token used; False if someone used it first (atomic, safe across processes)."""
    result = session.execute(
        update(ActionToken)
        .where(ActionToken.id == row.id, ActionToken.used_at.is_(None))
        .values(used_at=now, used_via=via, outcome=outcome[:500])
        .execution_options(synchronize_session=False)
    )
    won = bool(result.rowcount)  # type: ignore[attr-defined]
    session.refresh(row)
    return won
