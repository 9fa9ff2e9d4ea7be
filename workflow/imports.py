"""Importing the directory and the placements from rows (the CSV formats in docs/ARCHITECTURE.md).

Each kind of file has a `CsvFormat` (in `FORMATS`) with exact header names (extra columns are
ignored). Every row is checked; if any row is wrong, `ImportFailed` lists each problem with its
line number (the header is line 1) and the caller rolls the whole import back: nothing is
half-imported. Importing the same file again updates what it created instead of duplicating it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflow import audit
from workflow import import_cells as cells
from workflow.import_cells import RowProblem
from workflow.models import (
    ComplianceDocument,
    Opportunity,
    Person,
    Placement,
    PlacementStatus,
    Role,
    School,
    Site,
)
from workflow.phones import normalise_phone
from workflow.schedule_text import ScheduleTextError, parse_date, parse_days, parse_time


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class ImportFailed(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} problem(s); nothing was imported")
        self.errors = errors


@dataclass
class ImportReport:
    kind: str
    created: int = 0
    updated: int = 0
    lines: int = 0


@dataclass
class _Batch:
    session: Session
    report: ImportReport
    schools: dict[str, School] = field(default_factory=dict)


Handler = Callable[[_Batch, dict[str, str]], None]


@dataclass(frozen=True)
class CsvFormat:
    """One CSV format: its columns (required, then optional) and the loader of one row."""

    required: tuple[str, ...]
    optional: tuple[str, ...]
    handler: Handler


# -- lookups ------------------------------------------------------------------------------------------


def _school(batch: _Batch, row: dict[str, str]) -> School:
    name = cells.text(row, "school")
    if name not in batch.schools:
        found = batch.session.scalars(select(School).where(func.lower(School.name) == name.lower())).one_or_none()
        if found is None:
            raise RowProblem(f"no school named {name!r} (import schools first)")
        batch.schools[name] = found
    return batch.schools[name]


def _person(session: Session, school: School, role: Role, email: str) -> Person | None:
    return session.scalars(
        select(Person).where(Person.school_id == school.id, Person.role == role, Person.email == email)
    ).one_or_none()


def _site(session: Session, school: School, name: str) -> Site | None:
    return session.scalars(
        select(Site).where(Site.school_id == school.id, func.lower(Site.name) == name.lower())
    ).one_or_none()


def _upsert_person(
    batch: _Batch, row: dict[str, str], role: Role, *, phone_required: bool = False, phone_column: bool = False
) -> Person:
    school = _school(batch, row)
    name = cells.text(row, "name")
    email = cells.email(row, "email")
    assert email is not None
    phone = None
    if phone_column:
        raw = cells.text(row, "phone", required=phone_required, limit=40)
        try:
            phone = normalise_phone(raw, school.country) if raw else None
        except ValueError as exc:
            raise RowProblem(f"phone: {exc}") from None
    person = _person(batch.session, school, role, email)
    if person is None:
        person = Person(school_id=school.id, role=role, name=name, email=email, phone=phone)
        batch.session.add(person)
        batch.report.created += 1
    else:
        person.name = name
        if phone_column:
            person.phone = phone
        batch.report.updated += 1
    batch.session.flush()
    return person


# -- formats -------------------------------------------------------------------------------------------


def _schools(batch: _Batch, row: dict[str, str]) -> None:
    name = cells.text(row, "name")
    zone = cells.text(row, "timezone", limit=64)
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise RowProblem(f"timezone {zone!r} is not an IANA time zone like America/Los_Angeles") from None
    sms_number = cells.text(row, "sms_number", required=False, limit=40)
    if sms_number:
        try:
            sms_number = normalise_phone(sms_number, "US")
        except ValueError as exc:
            raise RowProblem(f"sms_number: {exc}") from None
    school = batch.session.scalars(select(School).where(func.lower(School.name) == name.lower())).one_or_none()
    if school is None:
        school = School(name=name, timezone=zone)
        batch.session.add(school)
        batch.report.created += 1
    else:
        batch.report.updated += 1
    school.timezone = zone
    school.region = cells.text(row, "region", required=False) or None
    school.sms_number = sms_number or None
    if "midpoint_evaluation" in row:  # a file without the column leaves the school's choice alone
        school.midpoint_evaluation = cells.yes_no(row, "midpoint_evaluation")
    batch.session.flush()


def _coordinators(batch: _Batch, row: dict[str, str]) -> None:
    _upsert_person(batch, row, Role.coordinator)


def _advisors(batch: _Batch, row: dict[str, str]) -> None:
    _upsert_person(batch, row, Role.advisor)


def _students(batch: _Batch, row: dict[str, str]) -> None:
    school = _school(batch, row)
    advisor_email = cells.email(row, "advisor_email", required=False)
    advisor = None
    if advisor_email:
        advisor = _person(batch.session, school, Role.advisor, advisor_email)
        if advisor is None:
            raise RowProblem(f"no advisor {advisor_email} at {school.name} (import advisors first)")
    student = _upsert_person(batch, row, Role.student, phone_required=True, phone_column=True)
    student.advisor_id = advisor.id if advisor else None


def _sites(batch: _Batch, row: dict[str, str]) -> None:
    school = _school(batch, row)
    name = cells.text(row, "name")
    site = _site(batch.session, school, name)
    if site is None:
        site = Site(school_id=school.id, name=name)
        batch.session.add(site)
        batch.report.created += 1
    else:
        batch.report.updated += 1
    site.address = cells.text(row, "address", required=False, limit=500)
    site.field = cells.text(row, "field", required=False, limit=100)
    site.do_not_solicit = cells.yes_no(row, "do_not_solicit")
    site.latitude = cells.number(row, "latitude", -90, 90)
    site.longitude = cells.number(row, "longitude", -180, 180)
    if (site.latitude is None) != (site.longitude is None):
        raise RowProblem("latitude and longitude go together: give both or neither")
    batch.session.flush()


def _mentors(batch: _Batch, row: dict[str, str]) -> None:
    school = _school(batch, row)
    site_name = cells.text(row, "site")
    site = _site(batch.session, school, site_name)
    if site is None:
        raise RowProblem(f"no site named {site_name!r} at {school.name} (import sites first)")
    mentor = _upsert_person(batch, row, Role.mentor, phone_column="phone" in row)
    mentor.site_id = site.id


def _placements(batch: _Batch, row: dict[str, str]) -> None:
    school = _school(batch, row)
    student_email, mentor_email = cells.email(row, "student_email"), cells.email(row, "mentor_email")
    assert student_email and mentor_email
    student = _person(batch.session, school, Role.student, student_email)
    if student is None:
        raise RowProblem(f"no student {student_email} at {school.name}")
    mentor = _person(batch.session, school, Role.mentor, mentor_email)
    if mentor is None:
        raise RowProblem(f"no mentor {mentor_email} at {school.name}")
    site_name = cells.text(row, "site")
    site = _site(batch.session, school, site_name)
    if site is None:
        raise RowProblem(f"no site named {site_name!r} at {school.name}")
    days = parse_days(cells.text(row, "days"))
    start, end = parse_time(cells.text(row, "start_time")), parse_time(cells.text(row, "end_time"))
    if end <= start:
        raise RowProblem(f"end_time {end:%H:%M} is not after start_time {start:%H:%M}")
    first, last = parse_date(cells.text(row, "start_date")), parse_date(cells.text(row, "end_date"))
    if last < first:
        raise RowProblem(f"end_date {last} is before start_date {first}")
    placement = batch.session.scalars(
        select(Placement).where(
            Placement.student_id == student.id, Placement.site_id == site.id, Placement.start_date == first
        )
    ).one_or_none()
    if placement is None:
        placement = Placement(
            school_id=school.id, student_id=student.id, site_id=site.id, start_date=first, status=PlacementStatus.active
        )
        batch.session.add(placement)
        batch.report.created += 1
    else:
        batch.report.updated += 1
    placement.mentor_id = mentor.id
    placement.weekdays, placement.start_time, placement.end_time, placement.end_date = days, start, end, last
    batch.session.flush()


def _opportunities(batch: _Batch, row: dict[str, str]) -> None:
    school = _school(batch, row)
    site_name = cells.text(row, "site")
    site = _site(batch.session, school, site_name)
    if site is None:
        raise RowProblem(f"no site named {site_name!r} at {school.name} (import sites first)")
    mentor_email = cells.email(row, "mentor_email")
    assert mentor_email
    mentor = _person(batch.session, school, Role.mentor, mentor_email)
    if mentor is None:
        raise RowProblem(f"no mentor {mentor_email} at {school.name} (import mentors first)")
    title = cells.text(row, "title")
    capacity_text = cells.text(row, "capacity")
    if not capacity_text.isdigit() or int(capacity_text) < 1:
        raise RowProblem(f"capacity must be a whole number of at least 1, not {capacity_text!r}")
    opportunity = batch.session.scalars(
        select(Opportunity).where(
            Opportunity.school_id == school.id,
            Opportunity.site_id == site.id,
            func.lower(Opportunity.title) == title.lower(),
        )
    ).one_or_none()
    if opportunity is None:
        opportunity = Opportunity(school_id=school.id, site_id=site.id, title=title)
        batch.session.add(opportunity)
        batch.report.created += 1
    else:
        batch.report.updated += 1
    opportunity.mentor_id = mentor.id
    opportunity.field = cells.text(row, "field", required=False, limit=100)
    opportunity.description = cells.text(row, "description", required=False, limit=4000)
    opportunity.capacity = int(capacity_text)
    opportunity.shared_with_region = cells.yes_no(row, "shared_with_region")
    opportunity.active = True
    batch.session.flush()


DOCUMENT_STATUSES = ("valid", "pending", "rejected")


def _compliance(batch: _Batch, row: dict[str, str]) -> None:
    school = _school(batch, row)
    mentor_email = cells.email(row, "mentor_email")
    assert mentor_email
    mentor = _person(batch.session, school, Role.mentor, mentor_email)
    if mentor is None:
        raise RowProblem(f"no mentor {mentor_email} at {school.name} (import mentors first)")
    kind = cells.text(row, "kind", limit=48).lower().replace(" ", "_")
    status = cells.text(row, "status").lower()
    if status not in DOCUMENT_STATUSES:
        raise RowProblem(f"status must be one of {', '.join(DOCUMENT_STATUSES)}, not {status!r}")
    expires = cells.text(row, "expires_on", required=False)
    document = batch.session.scalars(
        select(ComplianceDocument).where(ComplianceDocument.mentor_id == mentor.id, ComplianceDocument.kind == kind)
    ).one_or_none()
    if document is None:
        document = ComplianceDocument(mentor_id=mentor.id, kind=kind)
        batch.session.add(document)
        batch.report.created += 1
    else:
        batch.report.updated += 1
    document.status = status
    document.expires_on = parse_date(expires) if expires else None
    batch.session.flush()


FORMATS: dict[str, CsvFormat] = {
    "schools": CsvFormat(("name", "timezone"), ("region", "sms_number", "midpoint_evaluation"), _schools),
    "coordinators": CsvFormat(("school", "name", "email"), (), _coordinators),
    "advisors": CsvFormat(("school", "name", "email"), (), _advisors),
    "students": CsvFormat(("school", "name", "email", "phone", "advisor_email"), (), _students),
    "sites": CsvFormat(("school", "name", "address", "field", "do_not_solicit"), ("latitude", "longitude"), _sites),
    "mentors": CsvFormat(("school", "name", "email", "site"), ("phone",), _mentors),
    "placements": CsvFormat(
        ("school", "student_email", "mentor_email", "site", "days", "start_time", "end_time", "start_date", "end_date"),
        (),
        _placements,
    ),
    "opportunities": CsvFormat(
        ("school", "site", "mentor_email", "title", "field", "capacity", "shared_with_region"),
        ("description",),
        _opportunities,
    ),
    "compliance": CsvFormat(("school", "mentor_email", "kind", "status"), ("expires_on",), _compliance),
}


def import_rows(
    session: Session,
    kind: str,
    header: Sequence[str],
    rows: Sequence[dict[str, str]],
    *,
    now: datetime,
    actor_label: str = "import",
) -> ImportReport:
    """Check and apply every row; raise ImportFailed (apply nothing) if any row is wrong."""
    spec = FORMATS.get(kind)
    if spec is None:
        raise ImportFailed([RowError(0, f"unknown kind {kind!r}; use one of: {', '.join(FORMATS)}")])
    missing = [c for c in spec.required if c not in header]
    if missing:
        raise ImportFailed(
            [RowError(1, f"missing column(s): {', '.join(missing)} (the header must name them exactly)")]
        )
    batch = _Batch(session, ImportReport(kind, lines=len(rows)))
    errors: list[RowError] = []
    for line, row in enumerate(rows, start=2):
        try:
            with session.begin_nested():
                spec.handler(batch, row)
        except (RowProblem, ScheduleTextError) as problem:  # the same words either way
            errors.append(RowError(line, str(problem)))
    if errors:
        raise ImportFailed(errors)
    audit.record(
        session,
        action=f"import.{kind}",
        channel="cli",
        now=now,
        actor_label=actor_label,
        created=batch.report.created,
        updated=batch.report.updated,
    )
    return batch.report
