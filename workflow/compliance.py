"""Mentors' compliance documents: which kinds a school requires, where each document stands, why a
mentor is not cleared to take a student, and adding or renewing a document on the dashboard.

The one rule (docs/ARCHITECTURE.md, "Compliance documents"): a mentor is cleared when, for every
kind the school requires (`School.required_documents`, `background_check` unless it says
otherwise), they hold a document whose status is `valid` and whose expiry date, if it has one, is
today or later in the school's time zone. A mentor who is not cleared:
- blocks the advisor's start for them (`workflow.requests.starting`): nothing is approved, and the
  advisor and coordinators are told why;
- flags, never refuses, a placement with them: on import (`workflow.imports`, in the report) and
  on the student's and the mentor's pages, since some schools keep paper records (a document with
  a note says so, and then the mentor is cleared);
- is listed in Needs attention while they have an active placement or opportunity.
"""

from __future__ import annotations

import enum
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow import audit
from workflow.errors import Refused
from workflow.models import ComplianceDocument, Person, Role, School

STATUSES = ("valid", "pending", "rejected")
DEFAULT_REQUIRED = "background_check"
EXPIRING_WITHIN = timedelta(days=30)  # the same window as the coordinator's digest's first notice
_KIND = re.compile(r"^[a-z0-9_]{1,48}$")


class Standing(enum.StrEnum):
    """Where a document stands today; only `valid` and `expiring` clear the mentor."""

    valid = "valid"
    expiring = "expiring"  # valid, expiring within EXPIRING_WITHIN
    expired = "expired"
    pending = "pending"
    rejected = "rejected"
    missing = "missing"


CLEARS = frozenset({Standing.valid, Standing.expiring})


def required_kinds(school: School) -> tuple[str, ...]:
    """The kinds of document the school requires of every mentor."""
    return tuple((school.required_documents or DEFAULT_REQUIRED).split())


def label(kind: str) -> str:
    return kind.replace("_", " ")


def kind_of(text: str) -> str:
    """A kind as typed ("Background check") in its stored form ("background_check")."""
    return "_".join(text.strip().lower().replace("-", " ").split())


def standing(document: ComplianceDocument | None, today: date) -> Standing:
    if document is None:
        return Standing.missing
    if document.status != "valid":
        return Standing(document.status) if document.status in STATUSES else Standing.pending
    if document.expires_on is not None and document.expires_on < today:
        return Standing.expired
    if document.expires_on is not None and document.expires_on <= today + EXPIRING_WITHIN:
        return Standing.expiring
    return Standing.valid


@dataclass(frozen=True)
class Problem:
    """A required document that keeps a mentor from being cleared."""

    mentor_id: int
    mentor: str
    kind: str
    standing: Standing
    expires_on: date | None

    def __str__(self) -> str:
        what = label(self.kind)
        if self.standing == Standing.missing:
            return f"{self.mentor} has no {what} on file"
        if self.standing == Standing.expired and self.expires_on is not None:
            return f"{self.mentor}'s {what} expired on {self.expires_on:%b %-d, %Y}"
        return f"{self.mentor}'s {what} is {self.standing.value}"


def problems_of(
    mentor: Person, kinds: Iterable[str], documents: Iterable[ComplianceDocument], today: date
) -> list[Problem]:
    """The problems of one mentor, given their documents (loaded by the caller)."""
    held = {d.kind: d for d in documents}
    found = []
    for kind in kinds:
        document = held.get(kind)
        now_standing = standing(document, today)
        if now_standing not in CLEARS:
            found.append(Problem(mentor.id, mentor.name, kind, now_standing, document.expires_on if document else None))
    return found


def problems(session: Session, mentor: Person, today: date) -> list[Problem]:
    """Why the mentor is not cleared to take a student today (empty: cleared)."""
    return problems_by_mentor(session, [mentor], today).get(mentor.id, [])


def problems_by_mentor(session: Session, mentors: Iterable[Person], today: date) -> dict[int, list[Problem]]:
    """The problems of each of these mentors that has any (two queries whatever their number)."""
    people = {m.id: m for m in mentors}
    if not people:
        return {}
    schools = {
        s.id: s for s in session.scalars(select(School).where(School.id.in_({m.school_id for m in people.values()})))
    }
    held: dict[int, list[ComplianceDocument]] = defaultdict(list)
    for document in session.scalars(select(ComplianceDocument).where(ComplianceDocument.mentor_id.in_(list(people)))):
        held[document.mentor_id].append(document)
    found = {}
    for mentor in people.values():
        listed = problems_of(mentor, required_kinds(schools[mentor.school_id]), held[mentor.id], today)
        if listed:
            found[mentor.id] = listed
    return found


def documents_of(session: Session, mentor: Person) -> list[ComplianceDocument]:
    """The mentor's documents, required kinds first."""
    required = required_kinds(session.get_one(School, mentor.school_id))
    documents = session.scalars(select(ComplianceDocument).where(ComplianceDocument.mentor_id == mentor.id)).all()
    return sorted(documents, key=lambda d: (d.kind not in required, d.kind))


def save_document(
    session: Session,
    actor: Person,
    mentor: Person,
    *,
    kind: str,
    status: str,
    expires_on: date | None,
    note: str,
    now: datetime,
    channel: str = "dashboard",
) -> ComplianceDocument:
    """Add the mentor's document of this kind, or renew the one on file (one per kind); audited
    as `compliance.added` or `compliance.renewed` with what it was and what it is now. The caller
    has checked the actor may (a coordinator of the mentor's school)."""
    kind = kind_of(kind)
    if not _KIND.match(kind):
        raise Refused("document_kind")
    if status not in STATUSES:
        raise Refused("document_status")
    if mentor.role != Role.mentor or mentor.school_id != actor.school_id:
        raise Refused("not_found")
    document = session.scalars(
        select(ComplianceDocument).where(ComplianceDocument.mentor_id == mentor.id, ComplianceDocument.kind == kind)
    ).one_or_none()
    before = None
    if document is None:
        document = ComplianceDocument(mentor_id=mentor.id, kind=kind)
        session.add(document)
    else:
        before = _shown(document)
    document.status, document.expires_on, document.note = status, expires_on, note.strip()[:500]
    document.updated_at = now
    session.flush()
    audit.record(
        session,
        action="compliance.renewed" if before else "compliance.added",
        channel=channel,
        now=now,
        actor=actor,
        object_type="mentor",
        object_id=mentor.id,
        document_id=document.id,
        kind=kind,
        before=before,
        after=_shown(document),
    )
    return document


def _shown(document: ComplianceDocument) -> dict[str, str | None]:
    expires = document.expires_on.isoformat() if document.expires_on else None
    return {"status": document.status, "expires_on": expires, "note": document.note or None}
