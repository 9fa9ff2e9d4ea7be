"""What processing an inbound message came to, as recorded on its row (`status`, `kind`, `result`).

A message handled by an SMS keyword records the keyword, and an email reply applied by its token
records the token's purpose; every other kind of message is one of these, listed once.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from messaging.inbound.reading.sms_keywords import Keyword
from messaging.models import InboundStatus
from messaging.tokens import Purpose


class OutcomeKind(enum.StrEnum):
    opted_out = "opted_out"  # an SMS from a number that opted out: nothing can be sent back
    unknown_number = "unknown_number"  # an SMS from a number of no one we know: help sent (once an hour)
    not_understood = "not_understood"  # an SMS that is no keyword and answers nothing: help sent (once an hour)
    bounce = "bounce"  # a permanent bounce: the message is marked, the address blocked, coordinators told
    bounce_delayed = "bounce_delayed"  # delivery only delayed, or a soft bounce not yet repeated: noted on the message
    bounce_unverified = "bounce_unverified"  # looks like a bounce, not at a message's own return path: ignored
    loop = "loop"  # our own message came back, or too many hops
    auto_reply = "auto_reply"  # an out-of-office or other automatic answer
    no_recipient = "no_recipient"  # a reply whose token names no person
    no_handler = "no_handler"  # a reply to a token whose purpose takes no replies
    expired = "expired"  # a reply to an expired token: the sender is told (once a day)
    sender_mismatch = "sender_mismatch"  # a reply from someone other than the token's recipient
    unmatched = "unmatched"  # an email with no token of ours, or a bad one
    error = "error"  # handling raised: rolled back, the error kept, an SMS sender told
    unknown_channel = "unknown_channel"  # a row of a channel Relay does not read


@dataclass(frozen=True)
class Outcome:
    status: InboundStatus
    kind: OutcomeKind | Keyword | Purpose
    result: str = ""
