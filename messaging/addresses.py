"""Relay's own email addresses: reply+<token>, bounce+<token>, and reading them back.

Mail systems may change the case of an address, so tokens are lowercase base32 and every
comparison here is case-insensitive. A reply that lost its +token (some servers drop it) can
still be matched by the token Relay puts in its Message-ID, which replies carry in
In-Reply-To/References.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parseaddr
from functools import lru_cache
from typing import Literal

from messaging import tokens

REPLY = "reply"
BOUNCE = "bounce"
# Bounce tokens are never stored: they only say which message bounced.
_BOUNCE_EXPIRY = datetime(2100, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Recipient:
    kind: Literal["reply", "bounce", "bare"]
    token: str | None


def reply_address(token: str, domain: str) -> str:
    return f"{REPLY}+{token}@{domain}"


def bounce_address(message_id: int, keys: Sequence[str], domain: str) -> str:
    claims = tokens.TokenClaims(tokens.Purpose.bounce, 0, message_id, None, _BOUNCE_EXPIRY)
    return f"{BOUNCE}+{tokens.encode(claims, keys)}@{domain}"


def bounced_message_id(token: str, keys: Sequence[str]) -> int | None:
    try:
        claims = tokens.decode(token, keys)
    except tokens.BadToken:
        return None
    return claims.object_id if claims.purpose == tokens.Purpose.bounce else None


def read_recipient(address: str, domain: str, bare_locals: Sequence[str] = (REPLY,)) -> Recipient | None:
    """What an address on our inbound domain is, or None if it is not one of ours."""
    return _read_recipient(address, domain, tuple(bare_locals))


_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.+-_@")


@lru_cache(maxsize=4096)  # the SMTP door reads each address at RCPT and again at DATA
def _read_recipient(address: str, domain: str, bare_locals: tuple[str, ...]) -> Recipient | None:
    # A bare address (what SMTP's RCPT gives) needs no parsing; parseaddr is for display forms.
    addr = address if _PLAIN.issuperset(address) else parseaddr(address)[1]
    local, at, host = addr.strip().lower().rpartition("@")
    if not at or host != domain.lower() or not local:
        return None
    base, plus, tag = local.partition("+")
    if plus and base == REPLY and tag:
        return Recipient("reply", tag)
    if plus and base == BOUNCE and tag:
        return Recipient("bounce", tag)
    if not plus and local in {b.lower() for b in bare_locals}:
        return Recipient("bare", None)
    return None


def token_in_message_id(message_id: str, domain: str) -> str | None:
    """`<token.random@domain>` (our Message-IDs) -> token."""
    left, at, host = message_id.strip("<>").lower().rpartition("@")
    if not at or host != domain.lower():
        return None
    token = left.split(".", 1)[0]
    return token if len(token) == tokens.TOKEN_CHARS else None
