"""Loading one row of the places' CSV formats: sites, opportunities, placements and mentors'
compliance documents (the columns are in docs/ARCHITECTURE.md). Each reads every cell, notes every
problem, and writes only once the row is right (`Row.check`)."""

from __future__ import annotations

from sqlalchemy import func, select

from workflow import compliance as clearance
from workflow import import_batch as look
from workflow.import_batch import Batch
from workflow.import_cells import Row
from workflow.models import ComplianceDocument, Opportunity, Placement, PlacementStatus, Role, Site
from workflow.schedule_text import parse_date, parse_days, parse_time

DOCUMENT_STATUSES = ("valid", "pending", "rejected")


def sites(batch: Batch, row: Row) -> None:
    school = look.school(batch, row)
    name = row.text("name")
    address = row.text("address", required=False, limit=500)
    field = row.text("field", required=False, limit=100)
    blocked = row.yes_no("do_not_solicit")
    asked_on = row.parsed("do_not_solicit_on", parse_date, required=False)
    asked_by = row.text("do_not_solicit_by", required=False)
    latitude, longitude = row.number("latitude", -90, 90), row.number("longitude", -180, 180)
    if (latitude is None) != (longitude is None) and not row.bad("latitude", "longitude"):
        row.problem(
            "longitude" if longitude is None else "latitude", "latitude and longitude go together: give both or neither"
        )
    found = look.site(batch.session, school, name) if school and name else None
    site = look.pick(batch, row, found, "name", f"a site named {name!r} is already in the directory")
    row.check()
    assert school is not None
    look.counted(batch, site is None)
    if site is None:
        site = Site(school_id=school.id, name=name)
        batch.session.add(site)
    site.name, site.address, site.field = name, address, field
    site.latitude, site.longitude = latitude, longitude
    site.do_not_solicit = blocked
    if blocked:  # when and who asked; a file without them keeps what is known
        site.do_not_solicit_on = asked_on or site.do_not_solicit_on or batch.today
        site.do_not_solicit_by = asked_by or site.do_not_solicit_by or ""
    else:
        site.do_not_solicit_on, site.do_not_solicit_by = None, None
    batch.session.flush()
    batch.saved = site


def opportunities(batch: Batch, row: Row) -> None:
    school = look.school(batch, row)
    site = look.known_site(batch, row, school, " (import sites first)")
    mentor = look.known(batch, row, school, Role.mentor, "mentor_email", " (import mentors first)")
    title = row.text("title")
    capacity_text = row.text("capacity")
    if capacity_text and (not capacity_text.isdigit() or int(capacity_text) < 1):
        row.problem("capacity", f"capacity must be a whole number of at least 1, not {capacity_text!r}")
    field = row.text("field", required=False, limit=100)
    description = row.text("description", required=False, limit=4000)
    shared = row.yes_no("shared_with_region")
    found = None
    if school is not None and site is not None and title:
        found = batch.session.scalars(
            select(Opportunity).where(
                Opportunity.school_id == school.id,
                Opportunity.site_id == site.id,
                func.lower(Opportunity.title) == title.lower(),
            )
        ).one_or_none()
    opportunity = look.pick(batch, row, found, "title", f"{title!r} is already an opportunity at this site")
    row.check()
    assert school is not None and site is not None and mentor is not None
    look.counted(batch, opportunity is None)
    if opportunity is None:
        opportunity = Opportunity(school_id=school.id, site_id=site.id, title=title)
        batch.session.add(opportunity)
        opportunity.active = True
    if batch.target is None:
        opportunity.active = True  # importing a file again opens what it lists
    opportunity.site_id, opportunity.title = site.id, title
    opportunity.mentor_id = mentor.id
    opportunity.field, opportunity.description = field, description
    opportunity.capacity = int(capacity_text)
    opportunity.shared_with_region = shared
    batch.session.flush()
    batch.saved = opportunity


def placements(batch: Batch, row: Row) -> None:
    school = look.school(batch, row)
    student = look.known(batch, row, school, Role.student, "student_email")
    mentor = look.known(batch, row, school, Role.mentor, "mentor_email")
    for who, column in ((student, "student_email"), (mentor, "mentor_email")):
        if who is not None and not who.active:
            row.problem(column, f"{who.email} is deactivated: reactivate them to place them")
    site = look.known_site(batch, row, school)
    days = row.parsed("days", parse_days)
    start, end = row.parsed("start_time", parse_time), row.parsed("end_time", parse_time)
    if start is not None and end is not None and end <= start:
        row.problem("end_time", f"end_time {end:%H:%M} is not after start_time {start:%H:%M}")
    first, last = row.parsed("start_date", parse_date), row.parsed("end_date", parse_date)
    if first is not None and last is not None and last < first:
        row.problem("end_date", f"end_date {last} is before start_date {first}")
    row.check()
    assert school and student and mentor and site and days and start and end and first and last
    placement = batch.session.scalars(
        select(Placement).where(
            Placement.student_id == student.id, Placement.site_id == site.id, Placement.start_date == first
        )
    ).one_or_none()
    look.counted(batch, placement is None)
    if placement is None:
        placement = Placement(
            school_id=school.id, student_id=student.id, site_id=site.id, start_date=first, status=PlacementStatus.active
        )
        batch.session.add(placement)
    placement.mentor_id = mentor.id
    placement.weekdays, placement.start_time, placement.end_time, placement.end_date = days, start, end, last
    batch.session.flush()
    batch.saved = placement
    if placement.status == PlacementStatus.active:
        found = clearance.problems(batch.session, mentor, batch.today)
        if found:
            said = "; ".join(str(p) for p in found)
            batch.report.flags.append(f"line {batch.line}: imported, but flagged: {said} ({student.name}'s mentor)")


def compliance(batch: Batch, row: Row) -> None:
    school = look.school(batch, row)
    mentor = look.known(batch, row, school, Role.mentor, "mentor_email", " (import mentors first)")
    kind = clearance.kind_of(row.text("kind", limit=48))
    status = row.text("status").lower()
    if status and status not in DOCUMENT_STATUSES:
        row.problem("status", f"status must be one of {', '.join(DOCUMENT_STATUSES)}, not {status!r}")
    expires = row.parsed("expires_on", parse_date, required=False)
    note = row.text("note", required=False, limit=500)
    row.check()
    assert mentor is not None
    document = batch.session.scalars(
        select(ComplianceDocument).where(ComplianceDocument.mentor_id == mentor.id, ComplianceDocument.kind == kind)
    ).one_or_none()
    look.counted(batch, document is None)
    if document is None:
        document = ComplianceDocument(mentor_id=mentor.id, kind=kind)
        batch.session.add(document)
    document.status = status
    document.expires_on = expires
    document.note = note
    batch.session.flush()
    batch.saved = document
