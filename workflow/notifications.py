"""What the domain asks to be said, to whom; `messaging` decides how and sends it.

Workflow services return `Notification`s and never send anything themselves.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from workflow.models import Person


class Kind(enum.StrEnum):
    message = "message"  # part of a workflow the reader is in
    answer = "answer"  # answers the reader's own message: exempt from quiet hours
    notice = "notice"  # automatic notice: capped per address per day
    alert = "alert"  # something went wrong; goes to coordinators


@dataclass(frozen=True)
class Link:
    """A signed token for one action on one object, issued to the notification's recipient."""

    purpose: str
    object_type: str
    object_id: int
    ttl: timedelta = timedelta(days=14)
    payload: dict[str, Any] = field(default_factory=dict)  # kept with the token (e.g. a digest's days)


@dataclass(frozen=True)
class Notification:
    template: str  # "email/<name>" or "sms/<name>"
    to: Person | None
    context: dict[str, Any] = field(default_factory=dict)
    links: dict[str, Link] = field(default_factory=dict)
    reply: Link | None = None  # email only: replies go to reply+<token>@<inbound domain>
    to_address: str | None = None  # when there is no Person (an unknown phone or address)
    kind: Kind = Kind.message
    school_id: int | None = None
    thread: str | None = None  # emails with the same thread key are threaded together
    fit: str | None = None  # SMS: the context text to shorten if the message would not fit two segments

    @property
    def channel(self) -> str:
        return self.template.split("/", 1)[0]

    def __post_init__(self) -> None:
        if self.channel not in ("email", "sms"):
            raise ValueError(f"template must start with email/ or sms/: {self.template!r}")
        if self.to is None and not self.to_address:
            raise ValueError("a notification needs a recipient")


@dataclass(frozen=True)
class Expectation:
    """What Relay now waits for from the person who wrote (e.g. today's goals, or which of two
    internships they mean), for how long, and about which objects."""

    kind: str
    object_ids: tuple[int, ...] = ()
    ttl: timedelta = timedelta(hours=2)


@dataclass(frozen=True)
class Result:
    """What a service triggered by an inbound message decided: messages to send, and what Relay
    now waits for from the sender (None: nothing; the conversation is over)."""

    notifications: list[Notification] = field(default_factory=list)
    expect: Expectation | None = None
    summary: str = ""
