"""`relay demo`: a demo school seeded once (through the same import code as `relay import`), and
the banner with the URLs to try.

The demo school keeps a clock of its own: each time the demo starts, its time zone is chosen so
that it is midday there, inside its students' day (8:00-17:00) and far from quiet hours (21:00-07:00)
and the day's closing. The rules stay those of every school; only the demo school's zone moves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from messaging import outbox
from relay.runtime import Runtime
from workflow import evaluations, imports
from workflow.base import utcnow
from workflow.models import Person, School

DEMO_SCHOOL = "Relay Demo High"
DEMO_COORDINATOR = "casey@demo-high.example"
EVERY_DAY = "Mon Tue Wed Thu Fri Sat Sun"
DAY_START, DAY_END = "8:00", "17:00"
MIDDAY = 12

DEMO_ROWS: list[tuple[str, list[dict[str, str]]]] = [
    (
        "schools",
        [{"name": DEMO_SCHOOL, "timezone": "America/Los_Angeles", "region": "Demo Bay", "sms_number": "+15005550006"}],
    ),
    ("coordinators", [{"school": DEMO_SCHOOL, "name": "Casey Rivera", "email": DEMO_COORDINATOR}]),
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
                "site": "Riverside Clinic",
                "mentor_email": "ruth.chen@riverside.example",
                "title": "Nursing assistant",
                "field": "health",
                "capacity": "2",
                "shared_with_region": "yes",
                "description": "Help the nursing team on the ward: take vitals with a nurse and restock rooms.",
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
    timezone: str = "UTC"
    local_time: str = ""


def midday_zone(now: datetime) -> str:
    """The IANA zone (`Etc/GMT±N`, fixed offsets from -12 to +14 hours) where `now` falls in the
    hour after noon: the demo day then spans now, at whatever hour the demo is tried."""
    offset = (MIDDAY - now.astimezone(UTC).hour) % 24
    if offset > 14:
        offset -= 24
    if offset == 0:
        return "Etc/GMT"
    # POSIX sign: Etc/GMT-5 is five hours *ahead* of UTC.
    return f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


def describe_zone(name: str) -> str:
    if name == "Etc/GMT":
        return "UTC"
    sign, hours = name[len("Etc/GMT")], name[len("Etc/GMT") + 1 :]
    return f"UTC{'+' if sign == '-' else '-'}{hours}"


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
                "start_time": DAY_START,
                "end_time": DAY_END,
                "start_date": first_day,
                "end_date": last_day,
            }
        )
    return rows


def seed(runtime: Runtime) -> DemoSummary:
    """Create the demo school once; every placement meets every day, and each start moves the
    demo school's time zone to where it is midday now, so today always works."""
    now = utcnow()
    zone = midday_zone(now)
    with runtime.sessions.begin() as session:
        school = session.scalars(select(School).where(School.name == DEMO_SCHOOL)).one_or_none()
        if school is None:
            for kind, seeded in DEMO_ROWS:
                rows = [{**seeded[0], "timezone": zone}] if kind == "schools" else seeded
                imports.import_rows(session, kind, list(rows[0]), rows, now=now, actor_label="demo")
            school = session.scalars(select(School).where(School.name == DEMO_SCHOOL)).one()
            today = now.astimezone(school.zone).date()
            rows = _placements((today - timedelta(days=365)).isoformat(), (today + timedelta(days=365)).isoformat())
            rows.append(  # Priya's first internship ended yesterday: Sam's evaluation email is in the outbox
                {
                    **rows[1],
                    "student_email": "priya@students.demo-high.example",
                    "start_date": (today - timedelta(days=120)).isoformat(),
                    "end_date": (today - timedelta(days=1)).isoformat(),
                }
            )
            imports.import_rows(session, "placements", list(rows[0]), rows, now=now, actor_label="demo")
        school.timezone = zone
        outbox.queue(session, evaluations.ask_evaluations(session, now), now=now)  # what is due, once
        count = session.scalar(select(func.count()).select_from(Person).where(Person.school_id == school.id))
        local = now.astimezone(school.zone)
        return DemoSummary(school=school.name, people=int(count or 0), timezone=zone, local_time=f"{local:%H:%M}")


def banner(summary: DemoSummary, *, base_url: str, smtp_bind: str) -> str:
    return "\n".join(
        [
            f"Relay demo: {summary.school} ({summary.people} people). Nothing leaves this machine.",
            f"  clock     the demo school keeps its own time zone, {describe_zone(summary.timezone)}"
            f" ({summary.timezone}), chosen now",
            f"            so that it is {summary.local_time} there: today's internship day"
            f" ({DAY_START}-{DAY_END}) is open and quiet hours are far off.",
            f"  try it    {base_url}/dev/outbox   (text as a student, answer as a mentor)",
            f"  staff     {base_url}/dashboard   (sign in as {DEMO_COORDINATOR}: the link arrives in the outbox)",
            f"  health    {base_url}/healthz",
            f"  SMTP      {smtp_bind}   (mentors' replies arrive here)",
            "Stop with Ctrl-C.",
        ]
    )
