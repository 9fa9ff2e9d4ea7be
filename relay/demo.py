"""`relay demo`: a demo school, seeded once, and the banner with the URLs to try."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from relay.runtime import Runtime
from workflow.models import Person, Role, School

DEMO_SCHOOL = "Relay Demo High"


@dataclass(frozen=True)
class DemoSummary:
    school: str
    people: int


def seed(runtime: Runtime) -> DemoSummary:
    with runtime.sessions.begin() as session:
        school = session.scalars(select(School).where(School.name == DEMO_SCHOOL)).one_or_none()
        if school is None:
            school = School(name=DEMO_SCHOOL, timezone="America/Los_Angeles", sms_number="+15005550006")
            session.add(school)
            session.flush()
            session.add(
                Person(
                    school_id=school.id,
                    role=Role.coordinator,
                    name="Casey Coordinator",
                    email="coordinator@demo.relay.localhost",
                )
            )
        count = len(session.scalars(select(Person).where(Person.school_id == school.id)).all())
        return DemoSummary(school=school.name, people=count)


def banner(summary: DemoSummary, *, base_url: str, smtp_bind: str) -> str:
    return "\n".join(
        [
            f"Relay demo: {summary.school} ({summary.people} people), dev transports (nothing leaves this machine).",
            f"  web       {base_url}/healthz",
            f"  smtp      {smtp_bind}",
            "Stop with Ctrl-C.",
        ]
    )
