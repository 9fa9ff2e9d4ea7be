"""What the loaders of imported rows share (workflow/import_people.py, import_places.py): the batch
being imported, looking up a school, a person or a site by the names a CSV uses, and which row a
line updates (by its key; on a dashboard form, the object being edited)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflow.import_cells import Row
from workflow.models import Person, Role, School, Site

T = TypeVar("T")


@dataclass
class ImportReport:
    kind: str
    created: int = 0
    updated: int = 0
    lines: int = 0
    # imported, but someone should look (a placement whose mentor is not cleared): "line N: ..."
    flags: list[str] = field(default_factory=list)


@dataclass
class Batch:
    """One import. From the dashboard, `school_id` is the signed-in school (a row naming another is
    wrong), `adding` says a form adds (a row whose key exists is wrong), and `target` is the object
    a form edits (its key may change, but not to another's)."""

    session: Session
    report: ImportReport
    today: date
    schools: dict[str, School] = field(default_factory=dict)
    school_id: int | None = None
    adding: bool = False
    target: Any = None
    saved: Any = None  # the object the last row wrote
    line: int = 0  # the line being imported (the header is line 1)


def school(batch: Batch, row: Row) -> School | None:
    """The row's school (None once its problem is noted); looked up once per row."""
    if "school" not in row.memo:
        row.memo["school"] = _school(batch, row)
    found: School | None = row.memo["school"]
    return found


def _school(batch: Batch, row: Row) -> School | None:
    name = row.text("school")
    if not name:
        return None
    if name not in batch.schools:
        found = batch.session.scalars(select(School).where(func.lower(School.name) == name.lower())).one_or_none()
        if found is None:
            row.problem("school", f"no school named {name!r} (import schools first)")
            return None
        batch.schools[name] = found
    found = batch.schools[name]
    if batch.school_id is not None and found.id != batch.school_id:
        row.problem("school", f"school {name!r} is not the school you are signed in to")
        return None
    return found


def person(session: Session, school: School, role: Role, email: str) -> Person | None:
    return session.scalars(
        select(Person).where(Person.school_id == school.id, Person.role == role, Person.email == email)
    ).one_or_none()


def site(session: Session, school: School, name: str) -> Site | None:
    return session.scalars(
        select(Site).where(Site.school_id == school.id, func.lower(Site.name) == name.lower())
    ).one_or_none()


def known(batch: Batch, row: Row, school: School | None, role: Role, column: str, later: str = "") -> Person | None:
    """The person of `role` whose email is in `column` (None, with the problem noted, if unknown)."""
    email = row.email(column)
    if school is None or email is None:
        return None
    found = person(batch.session, school, role, email)
    if found is None:
        row.problem(column, f"no {role} {email} at {school.name}{later}")
    return found


def known_site(batch: Batch, row: Row, school: School | None, later: str = "") -> Site | None:
    name = row.text("site")
    if school is None or not name:
        return None
    found = site(batch.session, school, name)
    if found is None:
        row.problem("site", f"no site named {name!r} at {school.name}{later}")
    return found


def pick(batch: Batch, row: Row, found: T | None, column: str, taken: str) -> T | None:
    """The object this row writes: the form's target, else the one its key finds (None: a new
    one). A key that belongs to another object, or exists when a form adds, is a problem."""
    if batch.target is not None:
        if found is not None and found is not batch.target:
            row.problem(column, taken)
        return batch.target  # type: ignore[no-any-return]
    if found is not None and batch.adding:
        row.problem(column, taken)
    return found


def counted(batch: Batch, new: bool) -> None:
    if new:
        batch.report.created += 1
    else:
        batch.report.updated += 1
