"""Suggestions and do-not-solicit: a student suggests a site; a business that asked not to be
contacted is politely refused (and the coordinator told)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow import audit
from workflow.errors import Refused
from workflow.models import Person, Prospect, School, Site
from workflow.notifications import Category, Happened, Notification, Result
from workflow.people import coordinators


def _plain(name: str) -> str:
    return " ".join("".join(ch for ch in name.lower() if ch.isalnum() or ch.isspace()).split())


def blocked_site(session: Session, school: School, name: str) -> Site | None:
    """A site of the school (or its region) that asked not to be contacted, by name."""
    wanted = _plain(name)
    query = select(Site).join(School, School.id == Site.school_id).where(Site.do_not_solicit.is_(True))
    query = query.where(School.region == school.region) if school.region else query.where(Site.school_id == school.id)
    return next((site for site in session.scalars(query) if _plain(site.name) == wanted), None)


def suggest(
    session: Session, student: Person, *, name: str, address: str, field: str, contact: str, now: datetime
) -> tuple[bool, Result]:
    """A student suggests a site. A business that asked not to be solicited is politely refused
    (and the coordinator told); otherwise the coordinator hears about the idea."""
    name = name.strip()[:200]
    if not name:
        raise Refused("name_the_place")
    blocked = blocked_site(session, student.school, name)
    prospect = Prospect(
        school_id=student.school_id,
        student_id=student.id,
        name=name,
        address=address.strip()[:500],
        field=field.strip()[:100],
        contact=contact.strip()[:300],
        status="do_not_solicit" if blocked else "suggested",
        created_at=now,
    )
    session.add(prospect)
    session.flush()
    audit.record(
        session,
        action="prospect.suggested",
        channel="link",
        now=now,
        actor=student,
        object_type="prospect",
        object_id=prospect.id,
        blocked=bool(blocked) or None,
    )
    notes = [
        Notification(
            template="email/prospect_blocked" if blocked else "email/prospect_suggested",
            to=c,
            school_id=student.school_id,
            kind=Category.notice,
            context={"prospect": prospect, "student": student},
        )
        for c in coordinators(session, student.school_id)
    ]
    return blocked is None, Result(
        notes,
        summary=f"prospect {prospect.id} {prospect.status}",
        happened=Happened.suggestion_blocked if blocked else Happened.suggested,
    )
