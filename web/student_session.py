"""A student's session on their pages: the signed cookie (`messaging.student_cookie`, which the
link that opens the pages issues), and here a form token against cross-site posts. Signed with
Relay's keys; nothing is stored."""

from __future__ import annotations

import hashlib
import hmac

from messaging import context


def form_token(cookie: str) -> str:
    key = context.current().config.signing_keys[0].encode()
    return hmac.new(key, b"relay.student-form:" + cookie.encode(), hashlib.sha256).hexdigest()[:32]


def form_token_ok(cookie: str, token: str) -> bool:
    # As bytes: compare_digest refuses str with non-ASCII characters (TypeError: a 500).
    return hmac.compare_digest(form_token(cookie).encode(), token.encode("utf-8", "replace"))
