"""Token purposes: one enum keys the code table, the reply handlers and the link actions."""

from __future__ import annotations

from messaging import tokens
from messaging.inbound.handling import email_replies
from messaging.tokens import Purpose
from web import links


def test_every_purpose_has_a_handler_or_is_marked_internal_or_reserved() -> None:
    for purpose in Purpose:
        handled = purpose in email_replies.REPLY_HANDLERS or purpose in links.LINK_ACTIONS
        handled = handled or purpose in tokens.OWN_PAGES
        marked = purpose in tokens.INTERNAL or purpose in tokens.RESERVED
        assert handled != marked, f"{purpose}: a handler or own pages, or marked internal/reserved (not both)"


def test_every_purpose_has_one_code_and_no_retired_code_is_reused() -> None:
    assert set(tokens.PURPOSES) == set(Purpose)
    codes = list(tokens.PURPOSES.values())
    assert len(codes) == len(set(codes))
    assert not set(codes) & tokens.RETIRED_CODES
    assert {tokens.PURPOSE_NAMES[code] for code in codes} == set(Purpose)


def test_the_codes_written_into_tokens_never_change() -> None:
    assert {purpose.value: code for purpose, code in tokens.PURPOSES.items()} == {
        "login": 1,
        "attendance.confirm": 3,
        "attendance.digest": 4,
        "checkin.location": 5,
        "student.pages": 6,
        "request.decide": 7,
        "start.decide": 8,
        "bounce": 11,
        "evaluation": 14,
    }
