"""A school for the coordinator's workspace tests, on a fixed clock: Tue Mar 10 2026, 10:30am in Los
Angeles (PDT). Lincoln High has a coordinator (Cora), an advisor (Alan) and students placed at
Riverside Clinic on school days, each in one state of the day; Roosevelt High, next door, has its
own coordinator, student and day, which Lincoln's staff must never see."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.support import builders
from workflow import attendance
from workflow.models import (
    ComplianceDocument,
    InternshipRequest,
    Opportunity,
    Person,
    Placement,
    Role,
    School,
    Site,
)
from workflow.oversight import Viewer, viewer_of
from workflow.requests.states import State

LA = ZoneInfo("America/Los_Angeles")
TODAY = date(2026, 3, 10)  # a Tuesday
NOW = datetime(2026, 3, 10, 10, 30, tzinfo=LA).astimezone(UTC)
SCHOOL_DAYS = "Mon Tue Wed Thu Fri"


def at(hour: int, minute: int = 0, on: date = TODAY) -> datetime:
    """A Los Angeles wall-clock time on a date, in UTC."""
    return datetime.combine(on, time(hour, minute), tzinfo=LA).astimezone(UTC)


@dataclass
class World:
    school_id: int
    coordinator: Viewer
    advisor: Viewer
    other_coordinator: Viewer
    mentor_id: int
    site_id: int
    students: dict[str, int] = field(default_factory=dict)  # name -> id
    placements: dict[str, int] = field(default_factory=dict)
    other_day_id: int = 0
    other_student_id: int = 0
    other_placement_id: int = 0


def place(
    session: Session,
    school: School,
    name: str,
    mentor: Person,
    site: Site,
    *,
    start: time = time(9),
    end: time = time(15),
    weekdays: str = SCHOOL_DAYS,
    advisor: Person | None = None,
) -> tuple[Person, Placement]:
    email = f"{name.lower().replace(' ', '.')}@example.org"
    phone = f"+1555555{zlib.crc32(name.encode()) % 10_000:04}"  # a test number per name
    student = builders.person(
        session, school, Role.student, name, email, phone=phone, advisor_id=advisor.id if advisor else None
    )
    placed = builders.placement(
        session,
        school,
        student,
        mentor,
        site,
        weekdays=weekdays,
        start=start,
        end=end,
        start_date=date(2026, 2, 2),
        end_date=date(2026, 6, 30),
    )
    return student, placed


def build(session: Session, *, extra_students: int = 0) -> World:
    """Lincoln High with one student per presence (and `extra_students` more, no-shows), Roosevelt High."""
    lincoln = builders.school(session, name="Lincoln High", timezone="America/Los_Angeles")
    cora = builders.person(session, lincoln, Role.coordinator, "Cora Diaz", "cora@example.org")
    alan = builders.person(session, lincoln, Role.advisor, "Alan Park", "alan@example.org")
    clinic = builders.site(session, lincoln, "Riverside Clinic", latitude=37.7749, longitude=-122.4194)
    ruth = builders.person(session, lincoln, Role.mentor, "Ruth Chen", "ruth@example.org", site_id=clinic.id)
    world = World(
        school_id=lincoln.id,
        coordinator=viewer_of(cora),
        advisor=viewer_of(alan),
        other_coordinator=viewer_of(cora),  # replaced below
        mentor_id=ruth.id,
        site_id=clinic.id,
    )

    def add(name: str, **kw: object) -> tuple[Person, Placement]:
        student, placed = place(session, lincoln, name, ruth, clinic, **kw)  # type: ignore[arg-type]
        world.students[name] = student.id
        world.placements[name] = placed.id
        return student, placed

    inside, _ = add("Ines In", advisor=alan)  # checked in at 9:02, still there
    attendance.check_in(session, inside, at(9, 2))
    outside, _ = add("Omar Out", start=time(7), end=time(10))  # in at 7:01, out at 10:05
    attendance.check_in(session, outside, at(7, 1))
    attendance.check_out(session, outside, at(10, 5))
    add("Nora Noshow")  # 9:00 start, no check-in by 10:00
    add("Eli Expected", start=time(11))  # 11:00 start: not late yet
    closed, closed_placement = add("Cal Closed", start=time(6), end=time(8))  # in at 6:00, closed by Relay at 8
    attendance.check_in(session, closed, at(6))
    day = attendance.day_of(session, closed_placement, TODAY)
    assert day is not None
    attendance.close_day(session, day, at(8), by=None, no_checkout=True, now=at(10))
    weekend, _ = add("Uma Unscheduled", weekdays="Sat Sun")  # checks in on a Tuesday
    attendance.check_in(session, weekend, at(9, 45))
    for n in range(extra_students):
        add(f"Extra Student {n:03}")

    roosevelt = builders.school(session, name="Roosevelt High", timezone="America/Los_Angeles")
    rosa = builders.person(session, roosevelt, Role.coordinator, "Rosa Vega", "rosa@example.org")
    lab = builders.site(session, roosevelt, "Harbor Lab")
    hal = builders.person(session, roosevelt, Role.mentor, "Hal Ito", "hal@example.org", site_id=lab.id)
    theirs, their_placement = place(session, roosevelt, "Theo Other", hal, lab)
    attendance.check_in(session, theirs, at(9, 1))
    world.other_coordinator = viewer_of(rosa)
    world.other_student_id = theirs.id
    world.other_placement_id = their_placement.id
    their_day = attendance.day_of(session, their_placement, TODAY)
    assert their_day is not None
    world.other_day_id = their_day.id
    session.flush()
    return world


def request(
    session: Session,
    student_id: int,
    site_id: int,
    status: State,
    *,
    since: datetime = NOW - timedelta(days=2),
    title: str = "Radiology",
) -> InternshipRequest:
    """A request in `status` for a new opportunity at the site (a start with its days and dates)."""
    site = session.get_one(Site, site_id)
    opportunity = Opportunity(
        school_id=site.school_id,
        site_id=site.id,
        mentor_id=_mentor_of(session, site),
        title=title,
        field="health",
        capacity=3,
    )
    session.add(opportunity)
    session.flush()
    student = session.get_one(Person, student_id)
    row = InternshipRequest(
        school_id=student.school_id,
        student_id=student.id,
        opportunity_id=opportunity.id,
        status=status,
        requested_at=since,
        updated_at=since,
    )
    if status == State.start_requested:
        row.days, row.start_time, row.end_time = "Mon Wed", time(9), time(13)
        row.start_date, row.end_date, row.start_requested_at = date(2026, 3, 16), date(2026, 5, 29), since
    session.add(row)
    session.flush()
    return row


def _mentor_of(session: Session, site: Site) -> int:
    mentor = session.scalars(select(Person).where(Person.site_id == site.id, Person.role == Role.mentor)).first()
    assert mentor is not None
    return mentor.id


def background_check(session: Session, mentor_id: int, expires_on: date | None) -> ComplianceDocument:
    document = ComplianceDocument(mentor_id=mentor_id, kind="background_check", status="valid", expires_on=expires_on)
    session.add(document)
    session.flush()
    return document


def site_named(session: Session, name: str) -> int:
    return session.scalars(select(Site.id).where(Site.name == name)).one()


def person_by_email(session: Session, email: str) -> int:
    return session.scalars(select(Person.id).where(Person.email == email)).one()
