"""The signed cookie that signs a student in to their pages (a week). Issued by the link that
opens the pages (`inbound.handling.actions.placements`), read by the pages themselves (`web`).
Signed with Relay's keys; nothing is stored."""

from __future__ import annotations

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
