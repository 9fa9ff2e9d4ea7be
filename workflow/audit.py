"""The audit log: who did what, through which channel, and when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from workflow.models import AuditEntry, Person


def record(
    session: Session,
    *,
    action: str,
    channel: str,
    now: datetime,
    actor: Person | None = None,
    actor_label: str | None = None,
    school_id: int | None = None,
    object_type: str | None = None,
    object_id: int | None = None,
    **detail: Any,
) -> AuditEntry:
    entry = AuditEntry(
        at=now,
        school_id=school_id if school_id is not None else (actor.school_id if actor else None),
        actor_id=actor.id if actor else None,
        actor=actor_label or (f"{actor.role}:{actor.id} {actor.name}" if actor else "system"),
        channel=channel,
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail={k: v for k, v in detail.items() if v is not None},
    )
    session.add(entry)
    return entry
