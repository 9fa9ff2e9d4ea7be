"""Alerts that go to a school's coordinators."""

from __future__ import annotations

from sqlalchemy.orm import Session

from workflow.notifications import Category, Notification
from workflow.people import coordinators


def message_failed(
    session: Session,
    *,
    school_id: int | None,
    channel: str,
    address: str,
    recipient_name: str | None,
    reason: str,
    about: str,
) -> list[Notification]:
    """A message could not be delivered and will not be retried: the coordinator should know."""
    if school_id is None:
        return []
    return [
        Notification(
            template="email/message_failed",
            to=coordinator,
            kind=Category.alert,
            school_id=school_id,
            context={
                "channel": "text message" if channel == "sms" else "email",
                "address": address,
                "recipient_name": recipient_name,
                "reason": reason,
                "about": about,
            },
        )
        for coordinator in coordinators(session, school_id)
    ]
