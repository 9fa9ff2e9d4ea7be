"""What the domain asks to be said, to whom; `messaging` decides how and sends it.

Workflow services return `Notification`s and never send anything themselves.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from workflow.models import Person


class Category(enum.StrEnum):
    """What a message is to its reader, which decides the rules it follows (quiet hours, caps)."""

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
    kind: Category = Category.message
    school_id: int | None = None
    thread: str | None = None  # emails with the same thread key are threaded together
    fit: str | None = None  # SMS: the context text to shorten if the message would not fit `segments`
    segments: int = 2  # SMS: at most this many; an answer to the student's own text takes one

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
    internships they mean), for how long, about which objects, and what the person already said
    (READY's days while their hours and dates are asked for), as short strings."""

    kind: str
    object_ids: tuple[int, ...] = ()
    ttl: timedelta = timedelta(hours=2)
    known: tuple[tuple[str, str], ...] = ()


class Happened(enum.StrEnum):
    """What a service did, so a channel can say it without reading templates or states."""

    # answers to anyone who writes
    help = "help"  # HELP: what Relay can do
    whoami = "whoami"  # WHO: who Relay thinks you are
    unknown_number = "unknown_number"  # a number Relay does not know
    # the attendance loop
    no_placement = "no_placement"  # nothing to check in to today
    asked_which = "asked_which"  # two placements today: asked which one
    checked_in = "checked_in"
    already_checked_in = "already_checked_in"  # a second CHECKIN for the same day
    goals_recorded = "goals_recorded"
    checked_out = "checked_out"
    already_checked_out = "already_checked_out"
    checkout_without_checkin = "checkout_without_checkin"
    reflection_saved = "reflection_saved"  # the student's line on what they learned, kept on the day
    reflection_added = "reflection_added"  # a later line, added after the first (never replacing it)
    thanked = "thanked"  # "thanks!" after CHECKOUT: not a reflection, nothing to send
    # the mentor's answer
    not_the_mentor = "not_the_mentor"  # the answer came from someone else: nothing changed
    asked_again = "asked_again"  # the answer was unclear: a short question went back
    nothing_to_answer = "nothing_to_answer"  # the day is in no state to be answered
    confirmed = "confirmed"
    disputed = "disputed"
    same_answer_again = "same_answer_again"  # a later answer that says what the first did
    later_answer = "later_answer"  # a later answer that adds or changes something: coordinator told
    digest_answered = "digest_answered"  # some or all days of a digest answered
    # finding and starting an internship
    pages_link = "pages_link"  # the student's link was sent
    request_sent = "request_sent"  # the coordinator was asked
    request_waiting = "request_waiting"  # no room yet: the request waits in line
    request_approved = "request_approved"
    request_denied = "request_denied"
    withdrawn = "withdrawn"
    start_requested = "start_requested"
    asked_schedule = "asked_schedule"  # READY without all of its days, hours and dates: asked for the rest
    start_blocked = "start_blocked"  # approved, but the mentor's documents are missing or expired
    started = "started"
    start_denied = "start_denied"
    suggested = "suggested"
    suggestion_blocked = "suggestion_blocked"  # the business asked not to be contacted
    # the coordinator's workspace (the dashboard)
    day_resolved = "day_resolved"  # a coordinator confirmed a day, marked it missed or fixed its times
    day_added = "day_added"  # a coordinator added a day that was never texted, confirmed
    days_confirmed = "days_confirmed"  # a coordinator confirmed several days at once, with one reason
    requests_decided = "requests_decided"  # several requests or starts decided at once, with one reason
    mentor_reminded = "mentor_reminded"  # "remind now": the mentor's reminder email went again
    # evaluations
    evaluation_recorded = "evaluation_recorded"  # the mentor's five levels stored (or corrected)
    rating_recorded = "rating_recorded"  # the student rated the internship
    consent_recorded = "consent_recorded"  # the student said yes or no to showing the recommendation
    sharing_changed = "sharing_changed"  # an opportunity shared with the region, or taken back
    # a person's own lists
    noted = "noted"  # kept a favourite or a wish: nothing to send
    # nothing was done
    unreadable = "unreadable"  # the input could not be read (a day or a time): nothing changed
    gone = "gone"  # the object the message was about no longer exists
    refused = "refused"  # the move is not allowed now (see the Refused reason)


@dataclass(frozen=True)
class Result:
    """What a service triggered by an inbound message decided: what happened, messages to send,
    and what Relay now waits for from the sender (None: nothing; the conversation is over).
    `summary` is for the log and the stored outcome; channels decide by `happened`."""

    notifications: list[Notification] = field(default_factory=list)
    expect: Expectation | None = None
    summary: str = ""
    happened: Happened = field(kw_only=True)
