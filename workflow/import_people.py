"""Loading one row of the people's CSV formats: schools, coordinators, advisors, students, mentors
(the columns are in docs/ARCHITECTURE.md). Each reads every cell, notes every problem, and writes
only once the row is right (`Row.check`)."""

from __future__ import annotations

import re
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select

from workflow import import_batch as look
from workflow.import_batch import Batch
from workflow.import_cells import Row
from workflow.models import Person, Role, School
from workflow.phones import normalise_phone


def schools(batch: Batch, row: Row) -> None:
    name = row.text("name")
    zone = row.text("timezone", limit=64)
    if zone:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            row.problem("timezone", f"timezone {zone!r} is not an IANA time zone like America/Los_Angeles")
    sms_number = row.phone("sms_number", "US", required=False)
    region = row.text("region", required=False)
    midpoint = row.yes_no("midpoint_evaluation") if row.has("midpoint_evaluation") else None
    service, pool = _sms_pool(row)
    hours = _hours(row) if row.has("required_hours") else None
    row.check()
    school = batch.session.scalars(select(School).where(func.lower(School.name) == name.lower())).one_or_none()
    look.counted(batch, school is None)
    if school is None:
        school = School(name=name, timezone=zone)
        batch.session.add(school)
    school.timezone = zone
    school.region = region or None
    school.sms_number = sms_number
    school.sms_service_sid, school.sms_pool = service, pool
    if row.has("required_hours"):
        school.required_hours = hours
    if midpoint is not None:  # a file without the column leaves the school's choice alone
        school.midpoint_evaluation = midpoint
    batch.session.flush()
    batch.saved = school


def _sms_pool(row: Row) -> tuple[str | None, str | None]:
    """A school's own Twilio Messaging Service, and its pool: its numbers or how many it has."""
    service = row.text("sms_service_sid", required=False, limit=40)
    if service and not re.fullmatch(r"MG[0-9a-fA-F]{32}", service):
        row.problem(
            "sms_service_sid", f"sms_service_sid {service!r} is not a Messaging Service SID (MG and 32 hex digits)"
        )
        service = ""
    pool = row.text("sms_pool", required=False, limit=400)
    if pool and not (pool.isdigit() and 1 <= int(pool) <= 400):
        try:
            pool = ",".join(normalise_phone(n.strip(), "US") for n in pool.split(",") if n.strip())
        except ValueError as exc:
            row.problem("sms_pool", f"sms_pool: give how many numbers, or the numbers separated by commas ({exc})")
            pool = ""
    if pool and not service and not row.bad("sms_service_sid"):
        row.problem("sms_pool", "sms_pool: a pool needs its sms_service_sid")
    return service or None, pool or None


def _person(batch: Batch, row: Row, role: Role, *, phone: str = "") -> Person:
    """Check and write a person of `role`: school, name, email and, if `phone` says so
    ("required" or "optional"), phone. Returns the person once written (raises RowProblems first)."""
    school = look.school(batch, row)
    name = row.text("name")
    email = row.email("email")
    number = None
    if phone:
        number = row.phone("phone", school.country if school else "US", required=phone == "required")
    found = look.person(batch.session, school, role, email) if school and email else None
    person = look.pick(batch, row, found, "email", f"{email} is already in the directory as a {role}")
    row.check()
    assert school is not None and email is not None
    look.counted(batch, person is None)
    if person is None:
        person = Person(school_id=school.id, role=role, name=name, email=email)
        batch.session.add(person)
    person.name, person.email = name, email
    if phone:
        person.phone = number
    batch.session.flush()
    batch.saved = person
    return person


def coordinators(batch: Batch, row: Row) -> None:
    _person(batch, row, Role.coordinator)


def advisors(batch: Batch, row: Row) -> None:
    _person(batch, row, Role.advisor)


def students(batch: Batch, row: Row) -> None:
    school = look.school(batch, row)
    advisor_email = row.email("advisor_email", required=False)
    advisor = None
    if school is not None and advisor_email:
        advisor = look.person(batch.session, school, Role.advisor, advisor_email)
        if advisor is None:
            row.problem("advisor_email", f"no advisor {advisor_email} at {school.name} (import advisors first)")
    given = row.has("required_hours")  # a file without the column leaves the student's alone
    hours = _hours(row) if given else None
    student = _person(batch, row, Role.student, phone="required")
    student.advisor_id = advisor.id if advisor else None
    if given:  # empty: the school's
        student.required_hours = hours


def _hours(row: Row) -> Decimal | None:
    hours = row.number("required_hours", 0, 5000)
    return None if hours is None else Decimal(str(round(hours, 2)))


def mentors(batch: Batch, row: Row) -> None:
    school = look.school(batch, row)
    site = look.known_site(batch, row, school, " (import sites first)")
    mentor = _person(batch, row, Role.mentor, phone="optional" if row.has("phone") else "")
    assert site is not None
    mentor.site_id = site.id
