"""`relay demo`: a demo school seeded once (through the same import code as `relay import`), and
the banner with the URLs to try."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from relay.runtime import Runtime
from workflow import imports
from workflow.base import utcnow
from workflow.models import Person, School

DEMO_SCHOOL = "Relay Demo High"
EVERY_DAY = "Mon Tue Wed Thu Fri Sat Sun"

DEMO_ROWS: list[tuple[str, list[dict[str, str]]]] = [
    (
        "schools",
        [{"name": DEMO_SCHOOL, "timezone": "America/Los_Angeles", "region": "Demo Bay", "sms_number": "+15005550006"}],
    ),
    ("coordinators", [{"school": DEMO_SCHOOL, "name": "Casey Rivera", "email": "casey@demo-high.example"}]),
    ("advisors", [{"school": DEMO_SCHOOL, "name": "Alex Kim", "email": "alex.kim@demo-high.example"}]),
    (
        "students",
        [
            {
                "school": DEMO_SCHOOL,
                "name": "Maya Lopez",
                "email": "maya@students.demo-high.example",
                "phone": "+15555550101",
                "advisor_email": "alex.kim@demo-high.example",
            },
            {
                "school": DEMO_SCHOOL,
                "name": "Jordan Smith",
                "email": "jordan@students.demo-high.example",
                "phone": "+15555550102",
                "advisor_email": "alex.kim@demo-high.example",
            },
            {
                "school": DEMO_SCHOOL,
                "name": "Priya Patel",
                "email": "priya@students.demo-high.example",
                "phone": "+15555550103",
                "advisor_email": "alex.kim@demo-high.example",
            },
        ],
    ),
    (
        "sites",
        [
            {
                "school": DEMO_SCHOOL,
                "name": "Riverside Clinic",
                "address": "100 River Rd",
                "field": "health",
                "do_not_solicit": "no",
                "latitude": "37.7749",
                "longitude": "-122.4194",
            },
            {
                "school": DEMO_SCHOOL,
                "name": "Bayview Robotics",
                "address": "20 Dock St",
                "field": "engineering",
                "do_not_solicit": "no",
                "latitude": "37.7793",
                "longitude": "-122.3893",
            },
            {
                "school": DEMO_SCHOOL,
                "name": "Acme Corp",
                "address": "1 Industrial Way",
                "field": "business",
                "do_not_solicit": "yes",
            },
        ],
    ),
    (
        "mentors",
        [
            {
                "school": DEMO_SCHOOL,
                "name": "Dr. Ruth Chen",
                "email": "ruth.chen@riverside.example",
                "phone": "",
                "site": "Riverside Clinic",
            },
            {
                "school": DEMO_SCHOOL,
                "name": "Sam Okafor",
                "email": "sam@bayview-robotics.example",
                "phone": "",
                "site": "Bayview Robotics",
            },
        ],
    ),
    (
        "opportunities",
        [
            {
                "school": DEMO_SCHOOL,
                "site": "Riverside Clinic",
                "mentor_email": "ruth.chen@riverside.example",
                "title": "Radiology assistant",
                "field": "health",
                "capacity": "2",
                "shared_with_region": "yes",
                "description": "Shadow the X-ray team, prepare rooms and meet patients.",
            },
            {
                "school": DEMO_SCHOOL,
                "site": "Riverside Clinic",
                "mentor_email": "ruth.chen@riverside.example",
                "title": "Front desk and patient records",
                "field": "health",
                "capacity": "1",
                "shared_with_region": "no",
                "description": "Greet patients and keep charts in order.",
            },
            {
                "school": DEMO_SCHOOL,
                "site": "Bayview Robotics",
                "mentor_email": "sam@bayview-robotics.example",
                "title": "Robot build team",
                "field": "engineering",
                "capacity": "1",
                "shared_with_region": "yes",
                "description": "Build and test the arm of a warehouse robot.",
            },
        ],
    ),
    (
        "compliance",
        [
            {
                "school": DEMO_SCHOOL,
                "mentor_email": "ruth.chen@riverside.example",
                "kind": "background_check",
                "status": "valid",
                "expires_on": "2099-12-31",
            },
            {
                "school": DEMO_SCHOOL,
                "mentor_email": "sam@bayview-robotics.example",
                "kind": "background_check",
                "status": "valid",
                "expires_on": "2099-12-31",
            },
        ],
    ),
]


@dataclass(frozen=True)
class DemoSummary:
    school: str
    people: int


def _placements(first_day: str, last_day: str) -> list[dict[str, str]]:
    rows = []
    for student, mentor, site in (
        ("maya@students.demo-high.example", "ruth.chen@riverside.example", "Riverside Clinic"),
        ("jordan@students.demo-high.example", "sam@bayview-robotics.example", "Bayview Robotics"),
        ("priya@students.demo-high.example", "ruth.chen@riverside.example", "Riverside Clinic"),
    ):
        rows.append(
            {
                "school": DEMO_SCHOOL,
                "student_email": student,
                "mentor_email": mentor,
                "site": site,
                "days": EVERY_DAY,
                "start_time": "8:00",
                "end_time": "17:00",
                "start_date": first_day,
                "end_date": last_day,
            }
        )
    return rows


def seed(runtime: Runtime) -> DemoSummary:
    """Create the demo school once; every placement meets every day, so today always works."""
    now = utcnow()
    with runtime.sessions.begin() as session:
        school = session.scalars(select(School).where(School.name == DEMO_SCHOOL)).one_or_none()
        if school is None:
            for kind, rows in DEMO_ROWS:
                imports.import_rows(session, kind, list(rows[0]), rows, now=now, actor_label="demo")
            school = session.scalars(select(School).where(School.name == DEMO_SCHOOL)).one()
            today = now.astimezone(school.zone).date()
            rows = _placements((today - timedelta(days=365)).isoformat(), (today + timedelta(days=365)).isoformat())
            imports.import_rows(session, "placements", list(rows[0]), rows, now=now, actor_label="demo")
        count = session.scalar(select(func.count()).select_from(Person).where(Person.school_id == school.id))
        return DemoSummary(school=school.name, people=int(count or 0))


def banner(summary: DemoSummary, *, base_url: str, smtp_bind: str) -> str:
    return "\n".join(
        [
            f"Relay demo: {summary.school} ({summary.people} people). Nothing leaves this machine.",
            f"  try it    {base_url}/dev/outbox   (text as a student, answer as a mentor)",
            f"  health    {base_url}/healthz",
            f"  SMTP      {smtp_bind}   (mentors' replies arrive here)",
            "Stop with Ctrl-C.",
        ]
    )
