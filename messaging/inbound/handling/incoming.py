"""What the channel adapters hand to action handlers: a matched reply, and link page types."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from messaging import rendering
from messaging.models import ActionToken
from workflow.models import Person
from workflow.notifications import Notification, Result


@dataclass(frozen=True)
class IncomingReply:
    """A person's reply, matched to the token it answers."""

    token: ActionToken
    person: Person
    text: str  # the new text, cut from the quote, signatures removed
    subject: str


ReplyHandler = Callable[[Session, IncomingReply, datetime], Result]


@dataclass(frozen=True)
class LinkView:
    """What a link's page shows before anything happens."""

    title: str
    intro: str
    details: list[tuple[str, str]] = field(default_factory=list)
    choices: list[tuple[str, str]] = field(default_factory=list)  # (value, label); none pre-selected
    comment_label: str | None = None
    template: str = "link_action"  # a page of its own may replace the generic one
    extra: dict[str, Any] = field(default_factory=dict)


def choice_view(copy_file: str, copy: dict[str, Any], choices: tuple[str, ...]) -> LinkView:
    """The generic page of a link that asks for one of `choices` and a comment: every text (title,
    intro, details, each choice's label, the comment's label) comes from the one copy file."""
    return LinkView(
        title=rendering.render_copy(copy_file, "title", copy),
        intro=rendering.render_copy(copy_file, "intro", copy),
        details=rendering.render_details(copy_file, copy),
        choices=[(value, rendering.render_copy(copy_file, value, copy)) for value in choices],
        comment_label=rendering.render_copy(copy_file, "comment_label", copy),
    )


@dataclass(frozen=True)
class LinkResult:
    outcome: str  # shown now, and to anyone who opens the link again
    notifications: list[Notification] = field(default_factory=list)
    redirect: str | None = None
    cookies: dict[str, str] = field(default_factory=dict)
    usable_again: bool = False  # nothing happened (a start blocked by the mentor's documents): try again later


class LinkAction(Protocol):
    """What a signed link shows and does. An action may also have `form_problem(form) -> str | None`:
    what is wrong with a submitted form (said on the page, 400), checked before the link is used so
    that a form the action cannot act on leaves the link usable."""

    def describe(self, session: Session, token: ActionToken, person: Person | None, now: datetime) -> LinkView: ...

    def act(
        self, session: Session, token: ActionToken, person: Person | None, form: dict[str, str], now: datetime
    ) -> LinkResult: ...
