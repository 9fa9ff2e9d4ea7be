"""Signed tokens: case-insensitive, purpose-bound, rotating keys, and one use each."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from messaging import tokens
from messaging.tokens import BadToken, TokenClaims

KEYS = ["new-key-0123456789abcdefghijklmnopqrstuv", "old-key-0123456789abcdefghijklmnopqrstuv"]
NOW = datetime(2026, 3, 8, 9, 30, tzinfo=UTC)


def _claims(**kw: Any) -> TokenClaims:
    values: dict[str, Any] = {
        "purpose": "attendance.confirm",
        "token_id": 42,
        "object_id": 7,
        "recipient_id": 3,
        "expires_at": NOW + timedelta(days=14),
    }
    values.update(kw)
    return TokenClaims(**values)


def test_token_round_trips_and_survives_a_change_of_case() -> None:
    token = tokens.encode(_claims(), KEYS)
    assert len(token) == tokens.TOKEN_CHARS == 48 and token == token.lower()
    assert set(token) <= tokens.TOKEN_ALPHABET
    assert tokens.decode(token.upper(), KEYS) == _claims()
    assert len(f"reply+{token}") <= 64, "fits an email local part"


def test_a_tampered_token_or_another_purpose_is_refused() -> None:
    token = tokens.encode(_claims(), KEYS)
    flipped = token[:5] + ("a" if token[5] != "a" else "b") + token[6:]
    with pytest.raises(BadToken):
        tokens.decode(flipped, KEYS)
    other = tokens.encode(_claims(purpose="login"), KEYS)
    assert other[32:] != token[32:], "the purpose is the salt: same object, different signature"
    with pytest.raises(BadToken):
        tokens.decode(other[:32] + token[32:], KEYS)
    for junk in ("", "x" * 48, "reply", "0" * 48, token + "a"):
        with pytest.raises(BadToken):
            tokens.decode(junk, KEYS)


def test_keys_rotate_newest_first() -> None:
    old_token = tokens.encode(_claims(), KEYS[1:])
    assert tokens.decode(old_token, KEYS).object_id == 7, "a token signed with the old key still verifies"
    with pytest.raises(BadToken):
        tokens.decode(old_token, ["brand-new-key-0123456789abcdefghijklmnop"])
    assert tokens.encode(_claims(), KEYS) == tokens.encode(_claims(), KEYS[:1]), "the newest key signs"


def test_expiry_is_carried_and_judged_by_the_caller() -> None:
    claims = tokens.decode(tokens.encode(_claims(expires_at=NOW + timedelta(hours=1)), KEYS), KEYS)
    assert not claims.expired(NOW) and claims.expired(NOW + timedelta(hours=1, seconds=1))


def test_a_token_acts_once_even_when_two_sessions_race(make_runtime: Any, backend: dict[str, Any]) -> None:
    runtime = make_runtime(**backend)
    with runtime.sessions.begin() as session:
        token = tokens.issue(
            session,
            purpose="login",
            object_type="person",
            object_id=5,
            person_id=None,
            ttl=timedelta(days=1),
            keys=KEYS,
            now=NOW,
        )
    with runtime.sessions.begin() as first:
        _, row = tokens.load(first, token, KEYS)
        assert tokens.use(first, row, via="link", outcome="signed in", now=NOW)
    with runtime.sessions.begin() as second:
        _, row = tokens.load(second, token.upper(), KEYS)
        assert not tokens.use(second, row, via="link", outcome="again", now=NOW)
        assert row.outcome == "signed in" and row.used_via == "link"
