"""The school's directory for the coordinator: searching students, mentors, advisors, sites and
opportunities (name, email, phone, field, site; active or not), a row's values in the CSV's words
(for the edit form), and deactivating or reactivating one (never deleting what has history).
Adding and editing go through `workflow.imports.save_row`, the CSV import's own checks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, false, func, or_, select, true
from sqlalchemy.orm import Session, aliased

from workflow import audit
from workflow.models import Opportunity, Person, Placement, Role, Site

KINDS = ("students", "mentors", "advisors", "sites", "opportunities")
ROLES = {"students": Role.student, "mentors": Role.mentor, "advisors": Role.advisor}
MODELS: dict[str, type[Any]] = {"students": Person, "mentors": Person, "advisors": Person}
MODELS.update(sites=Site, opportunities=Opportunity)
SHOWS = ("active", "inactive", "all")
LIMIT = 200  # rows a list shows; a search narrows the rest
ADVISOR = aliased(Person, name="advisor")


@dataclass(frozen=True)
class Entry:
    """One line of a list."""

    id: int
    name: str
    email: str | None
    phone: str | None
    field: str | None
    site: str | None
    other: str | None  # a student's advisor, an opportunity's mentor, a site's address
    active: bool
    do_not_solicit: bool = False


@dataclass(frozen=True)
class Listing:
    entries: list[Entry]
    more: int  # how many more matched than are shown


def _like(columns: list[Any], query: str) -> ColumnElement[bool]:
    """Any of the columns contains the words (case-insensitive); a number also matches a phone's digits."""
    words = query.strip().lower()
    if not words:
        return true()
    pattern = f"%{words.replace('%', '').replace('_', '')}%"
    return or_(*(func.lower(func.coalesce(c, "")).like(pattern) for c in columns))


def _shown(active: Any, show: str) -> ColumnElement[bool]:
    condition: ColumnElement[bool] = {"inactive": active.is_(False), "all": true()}.get(show, active.is_(True))
    return condition


def _digits(column: Any, query: str) -> ColumnElement[bool]:
    digits = re.sub(r"\D", "", query)
    found: ColumnElement[bool] = column.contains(digits) if len(digits) >= 3 else false()
    return found


def _placed_at(kind: str, query: str) -> ColumnElement[bool]:
    """A student placed at a site whose name or field holds the words."""
    if kind != "students" or not query.strip():
        return false()
    placed = select(Placement.student_id).join(Site, Site.id == Placement.site_id)
    return Person.id.in_(placed.where(_like([Site.name, Site.field], query)))


def _people(school_id: int, kind: str, query: str) -> Select[*tuple[Any, ...]]:
    where = [Person.name, Person.email, Person.phone, Site.name, Site.field, ADVISOR.name]
    return (
        select(Person.id, Person.name, Person.email, Person.phone, Site.field, Site.name, ADVISOR.name, Person.active)
        .outerjoin(Site, Site.id == Person.site_id)
        .outerjoin(ADVISOR, ADVISOR.id == Person.advisor_id)
        .where(Person.school_id == school_id, Person.role == ROLES[kind])
        .where(or_(_like(where, query), _digits(Person.phone, query), _placed_at(kind, query)))
        .order_by(func.lower(Person.name), Person.id)
    )


def _sites(school_id: int, query: str) -> Select[*tuple[Any, ...]]:
    return (
        select(Site.id, Site.name, Site.field, Site.address, Site.active, Site.do_not_solicit)
        .where(Site.school_id == school_id, _like([Site.name, Site.field, Site.address], query))
        .order_by(func.lower(Site.name), Site.id)
    )


def _opportunities(school_id: int, query: str) -> Select[*tuple[Any, ...]]:
    where = [Opportunity.title, Opportunity.field, Site.name, Person.name, Person.email]
    return (
        select(
            Opportunity.id,
            Opportunity.title,
            Opportunity.field,
            Site.name,
            Person.name,
            Person.email,
            Opportunity.active,
        )
        .join(Site, Site.id == Opportunity.site_id)
        .join(Person, Person.id == Opportunity.mentor_id)
        .where(Opportunity.school_id == school_id, _like(where, query))
        .order_by(func.lower(Opportunity.title), Opportunity.id)
    )


def search(session: Session, school_id: int, kind: str, query: str = "", show: str = "active") -> Listing:
    """The school's `kind` whose name, email, phone, field or site holds `query`, active or not."""
    if kind in ROLES:
        base, active = _people(school_id, kind, query), Person.active
    elif kind == "sites":
        base, active = _sites(school_id, query), Site.active
    else:
        base, active = _opportunities(school_id, query), Opportunity.active
    base = base.where(_shown(active, show))
    rows = session.execute(base.limit(LIMIT)).all()
    total = len(rows)
    if total == LIMIT:
        total = session.scalar(select(func.count()).select_from(base.order_by(None).subquery())) or total
    return Listing([_entry(kind, row) for row in rows], total - len(rows))


def _entry(kind: str, row: Any) -> Entry:
    if kind in ROLES:
        ident, name, email, phone, field, site, advisor, active = row
        return Entry(ident, name, email, phone, field, site, advisor, active)
    if kind == "sites":
        ident, name, field, address, active, blocked = row
        return Entry(ident, name, None, None, field, None, address, active, blocked)
    ident, title, field, site, mentor, email, active = row
    return Entry(ident, title, email, None, field, site, mentor, active)


def find(session: Session, school_id: int, kind: str, object_id: int) -> Any:
    """The school's object of `kind` with this id, or None (another school's is None too)."""
    row = session.get(MODELS[kind], object_id)
    if row is None or row.school_id != school_id:
        return None
    if kind in ROLES and row.role != ROLES[kind]:
        return None
    return row


def values_of(session: Session, kind: str, row: Any) -> dict[str, str]:
    """An object's fields as its CSV row has them (what an edit form starts from)."""
    if kind in ROLES:
        values = {"name": row.name, "email": row.email or "", "phone": row.phone or ""}
        if kind == "students":
            advisor = session.get(Person, row.advisor_id) if row.advisor_id else None
            values["advisor_email"] = advisor.email or "" if advisor else ""
        if kind == "mentors":
            site = session.get(Site, row.site_id) if row.site_id else None
            values["site"] = site.name if site else ""
        return values
    if kind == "sites":
        return {
            "name": row.name,
            "address": row.address,
            "field": row.field,
            "do_not_solicit": "yes" if row.do_not_solicit else "no",
            "do_not_solicit_on": row.do_not_solicit_on.isoformat() if row.do_not_solicit_on else "",
            "do_not_solicit_by": row.do_not_solicit_by or "",
            "latitude": "" if row.latitude is None else str(row.latitude),
            "longitude": "" if row.longitude is None else str(row.longitude),
        }
    mentor = session.get_one(Person, row.mentor_id)
    return {
        "site": session.get_one(Site, row.site_id).name,
        "mentor_email": mentor.email or "",
        "title": row.title,
        "field": row.field,
        "capacity": str(row.capacity),
        "shared_with_region": "yes" if row.shared_with_region else "no",
        "description": row.description,
    }


def set_active(session: Session, kind: str, row: Any, active: bool, *, actor: Person, now: datetime) -> None:
    """Deactivate or reactivate (audited); history stays. A deactivated student leaves Today and
    can't be placed; a deactivated opportunity is no longer offered."""
    if row.active == active:
        return
    row.active = active
    audit.record(
        session,
        action="directory.reactivated" if active else "directory.deactivated",
        channel="dashboard",
        now=now,
        actor=actor,
        object_type=kind.removesuffix("s"),
        object_id=row.id,
    )


# -- the API's lists (GET /api/v1/mentors, sites, opportunities): every match, with every field --


def mentor_rows(session: Session, school_id: int, query: str = "", show: str = "active") -> list[dict[str, Any]]:
    where = [Person.name, Person.email, Person.phone, Site.name, Site.field]
    rows = session.execute(
        select(Person, Site.name)
        .outerjoin(Site, Site.id == Person.site_id)
        .where(Person.school_id == school_id, Person.role == Role.mentor, _shown(Person.active, show))
        .where(or_(_like(where, query), _digits(Person.phone, query)))
        .order_by(func.lower(Person.name), Person.id)
    ).all()
    return [
        {"id": p.id, "name": p.name, "email": p.email, "phone": p.phone, "site_id": p.site_id, "site": site,
         "active": p.active}
        for p, site in rows
    ]  # fmt: skip


def site_rows(session: Session, school_id: int, query: str = "", show: str = "active") -> list[Site]:
    return list(
        session.scalars(
            select(Site)
            .where(Site.school_id == school_id, _shown(Site.active, show))
            .where(_like([Site.name, Site.field, Site.address], query))
            .order_by(func.lower(Site.name), Site.id)
        )
    )


def opportunity_rows(session: Session, school_id: int, query: str = "", show: str = "active") -> list[dict[str, Any]]:
    where = [Opportunity.title, Opportunity.field, Site.name, Person.name, Person.email]
    rows = session.execute(
        select(Opportunity, Site.name, Person.email)
        .join(Site, Site.id == Opportunity.site_id)
        .join(Person, Person.id == Opportunity.mentor_id)
        .where(Opportunity.school_id == school_id, _shown(Opportunity.active, show), _like(where, query))
        .order_by(func.lower(Opportunity.title), Opportunity.id)
    ).all()
    return [
        {"id": o.id, "title": o.title, "site_id": o.site_id, "site": site, "mentor_id": o.mentor_id,
         "mentor_email": email, "field": o.field, "description": o.description, "capacity": o.capacity,
         "shared_with_region": o.shared_with_region, "active": o.active}
        for o, site, email in rows
    ]  # fmt: skip
