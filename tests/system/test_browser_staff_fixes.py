"""Fixing the record and deciding, in a real browser against `relay demo` (which runs `relay serve`):
a coordinator settles a disputed day and approves two requests at once; an advisor signs in and
sees only their advisees. On a phone (390 px) and a laptop (1280 px), with the content security
policy in force; screenshots under artifacts/staff-fixes-<size>/."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from tests.support import browser, builders, processes
from tests.system.test_browser_staff_sign_in import LAPTOP, PHONE, _emailed_link, _refused_by_policy
from workflow.models import (
    DayStatus,
    InternshipDay,
    InternshipRequest,
    Opportunity,
    Person,
    Role,
    School,
    Site,
)
from workflow.requests.states import State

pytestmark = pytest.mark.browser
CASEY, ALEX = "casey@demo-high.example", "alex.kim@demo-high.example"


def _seed(database: Path) -> dict[str, int]:
    """Into the demo's database: Maya placed at Riverside Clinic with a day Dr. Chen disputed
    yesterday; Jordan and Priya asking for opportunities; Noor, nobody's advisee, asking too."""
    engine = create_engine(f"sqlite:///{database}")
    with Session(engine) as session, session.begin():
        school = session.scalars(select(School)).one()
        people = {p.name: p for p in session.scalars(select(Person).where(Person.school_id == school.id))}
        clinic = session.scalars(select(Site).where(Site.name == "Riverside Clinic")).one()
        maya, ruth = people["Maya Lopez"], people["Dr. Ruth Chen"]
        placed = builders.placement(session, school, maya, ruth, clinic)
        now = datetime.now(UTC)
        yesterday = now.astimezone(school.zone).date() - timedelta(days=1)
        start = datetime.combine(yesterday, time(9, 4), tzinfo=school.zone).astimezone(UTC)
        day = InternshipDay(
            placement_id=placed.id,
            date=yesterday,
            status=DayStatus.disputed,
            check_in_at=start,
            check_out_at=start + timedelta(hours=6),
            hours=6,
            goals="Shadow the X-ray team and restock room 2.",
            mentor_feedback="I didn't see Maya today.",
            confirmation_requested_at=start + timedelta(hours=6),
            confirmed_at=start + timedelta(hours=7),
            later_answers=[],
        )
        session.add(day)
        noor = builders.person(session, school, Role.student, "Noor Haddad", "noor@students.demo-high.example")
        asked = {}
        for who, title in (("Jordan Smith", "Robot build team"), ("Priya Patel", "Nursing assistant"), ("Noor", "")):
            student = noor if who == "Noor" else people[who]
            opportunity = session.scalars(
                select(Opportunity).where(Opportunity.title == (title or "Front desk and patient records"))
            ).one()
            row = InternshipRequest(
                school_id=school.id,
                student_id=student.id,
                opportunity_id=opportunity.id,
                status=State.requested,
                requested_at=now - timedelta(days=2),
                updated_at=now - timedelta(days=2),
            )
            session.add(row)
            session.flush()
            asked[who] = row.id
        session.flush()
        return {"day": day.id, "maya": maya.id, "noor": noor.id, **asked}


def _sign_in(page: Any, base: str, address: str) -> None:
    page.goto(f"{base}/dashboard/sign-in")
    page.get_by_label("Your email address").fill(address)
    page.click("#sign-in button[type=submit]")
    page.wait_for_selector("text=Check your email")
    page.goto(_emailed_link(page, base))
    page.click("button:has-text('Sign in')")
    page.wait_for_url(f"{base}/dashboard")


def _fits(page: Any, size: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= int(size), "no sideways scrolling"


@pytest.mark.parametrize(("size", "context"), [("390", PHONE), ("1280", LAPTOP)])
def test_a_coordinator_settles_a_dispute_and_approves_two_requests_and_an_advisor_sees_only_advisees(
    tmp_path: Path, size: str, context: dict[str, Any]
) -> None:
    shots = browser.artifacts(f"staff-fixes-{size}")
    with processes.demo(tmp_path) as (base, _), browser.chromium(**context) as page:
        ids = _seed(tmp_path / "demo.db")
        refused = _refused_by_policy(page)
        _sign_in(page, base, CASEY)

        page.goto(f"{base}/dashboard/days?status=disputed")
        page.wait_for_selector("h1:has-text('Disputed days')")
        page.screenshot(path=shots / "1-disputed-days.png", full_page=True)
        page.click(f"a[href='/dashboard/days/{ids['day']}']")
        page.wait_for_selector("h2:has-text('Fix the record')")
        page.screenshot(path=shots / "2-day.png", full_page=True)
        _fits(page, size)
        page.click("button:has-text('Save the change')")  # nothing chosen, no reason: the browser asks
        assert page.url.endswith(f"/dashboard/days/{ids['day']}")
        assert not page.is_checked("input[name=status][value=confirmed]"), "a disputed day: nothing chosen for you"
        page.check("input[name=status][value=confirmed]")
        page.get_by_label("Checked out at").fill("14:30")
        page.get_by_label("Reason (kept with the change)").fill("Dr. Chen confirmed by phone: Maya left at 2:30.")
        page.click("button:has-text('Save the change')")
        page.wait_for_selector("text=Done: the day is confirmed")
        assert "5.4" in page.inner_text(".day-card") and "Casey Rivera" in page.inner_text(".day-card")
        page.screenshot(path=shots / "3-day-settled.png", full_page=True)

        page.goto(f"{base}/dashboard/requests")
        page.wait_for_selector("h1:has-text('Requests to decide')")
        page.check(f"#request-{ids['Jordan Smith']}")
        page.check(f"#request-{ids['Priya Patel']}")
        page.get_by_label("Reason (the student sees it if you deny)").fill("Both good fits; references checked.")
        page.screenshot(path=shots / "4-requests.png", full_page=True)
        _fits(page, size)
        page.click("button:has-text('Approve selected')")
        page.wait_for_selector("text=Done: 2 requests approved")
        assert "Noor Haddad" in page.inner_text("main") and "Jordan Smith" not in page.inner_text("main")
        page.screenshot(path=shots / "5-approved.png", full_page=True)

        page.goto(f"{base}/dashboard/students/{ids['maya']}")
        page.wait_for_selector("h1:has-text('Maya Lopez')")
        page.screenshot(path=shots / "6-student.png", full_page=True)
        _fits(page, size)
        page.click(".staff-bar button:has-text('Sign out')")
        page.wait_for_selector("text=You're signed out.")

        _sign_in(page, base, ALEX)
        page.goto(f"{base}/dashboard/requests")
        page.wait_for_selector("h1:has-text('Requests to decide')")
        assert "Noor Haddad" not in page.inner_text("main")
        page.goto(f"{base}/dashboard/students/{ids['maya']}")
        page.wait_for_selector("h1:has-text('Maya Lopez')")
        assert "Add a day" not in page.inner_text("main"), "advisors read; coordinators fix"
        page.screenshot(path=shots / "7-advisor-student.png", full_page=True)
        missing = page.goto(f"{base}/dashboard/students/{ids['noor']}")
        assert missing is not None and missing.status == 404
        page.screenshot(path=shots / "8-advisor-not-theirs.png", full_page=True)
        assert refused == [], refused
