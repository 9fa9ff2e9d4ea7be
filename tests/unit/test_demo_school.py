"""The demo school: at any hour of the machine's clock it is midday there, and the README's
examples work in it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from relay.dev import demo
from workflow.models import Person
from workflow.requests.queries import visible_opportunities


def test_the_demo_school_is_at_midday_whatever_the_hour() -> None:
    start = datetime(2026, 3, 8, 0, 0, tzinfo=UTC)
    for minutes in range(0, 24 * 60, 10):
        now = start + timedelta(minutes=minutes)
        zone = demo.midday_zone(now)
        assert now.astimezone(ZoneInfo(zone)).hour == demo.MIDDAY, (now, zone)
        assert demo.describe_zone(zone).startswith("UTC")


def test_the_readme_find_examples_find_something_in_the_demo(sqlite_url: str, make_runtime: Any) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    examples = re.findall(r"`FIND ([^`]+)`", readme)
    assert "nursing" in examples
    runtime = make_runtime(database_url=sqlite_url)
    demo.seed(runtime)
    with runtime.sessions() as session:
        maya = session.scalars(select(Person).where(Person.email == "maya@students.demo-high.example")).one()
        for words in examples:
            assert visible_opportunities(session, maya, words=words), f"FIND {words} finds nothing in the demo"


def test_the_readme_evaluation_example_works_in_the_demo(sqlite_url: str, make_runtime: Any) -> None:
    """Priya's first internship ended yesterday: Sam's evaluation email is waiting, answered as the
    README says; Priya's rating by text too. Seeding again asks nothing twice."""
    from messaging.models import OutboundMessage
    from relay.dev import mail
    from tests.support import inbound
    from workflow.models import Evaluation

    runtime = make_runtime(database_url=sqlite_url, quiet_hours="00:00-00:00")
    demo.seed(runtime)
    demo.seed(runtime)
    with runtime.sessions() as session:
        [email] = session.scalars(select(OutboundMessage).where(OutboundMessage.template == "email/evaluation_request"))
        priya = session.scalars(select(Person).where(Person.name == "Priya Patel")).one()
    assert email.to_address == "sam@bayview-robotics.example"
    reply = mail.gmail_reply(mail.Original.from_row(email), sender=email.to_address, text="4 3 3 2 4, great year")
    inbound.email(runtime, reply.as_bytes(), email.reply_to or "", mail_from=email.to_address)
    inbound.sms(runtime, priya.phone or "", "5 loved it")
    with runtime.sessions() as session:
        evaluation = session.scalars(select(Evaluation)).one()
        assert (evaluation.status, evaluation.comment, evaluation.student_rating) == ("answered", "great year", 5)
