"""A student's session on their pages: a signed cookie (a week), and a form token against
cross-site posts. Both are signed with Relay's keys; nothing is stored."""

from __future__ import annotations

import hashlib
import hmac

from itsdangerous import BadSignature, TimestampSigner

from messaging import context

COOKIE = "relay_student"
MAX_AGE_SECONDS = 7 * 24 * 3600


def _signer() -> TimestampSigner:
    keys = context.current().config.signing_keys
    return TimestampSigner(list(reversed(keys)), salt="relay.student-session", key_derivation="hmac")


def session_value(student_id: int) -> str:
    return _signer().sign(str(student_id)).decode()


def student_id(cookie: str | None) -> int | None:
    if not cookie:
        return None
    try:
        value = _signer().unsign(cookie, max_age=MAX_AGE_SECONDS)
    except BadSignature:
        return None
    return int(value) if value.isdigit() else None


def form_token(cookie: str) -> str:
    key = context.current().config.signing_keys[0].encode()
    return hmac.new(key, b"relay.student-form:" + cookie.encode(), hashlib.sha256).hexdigest()[:32]


def form_token_ok(cookie: str, token: str) -> bool:
    return hmac.compare_digest(form_token(cookie), token)
