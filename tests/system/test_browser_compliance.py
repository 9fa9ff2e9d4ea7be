"""Compliance in a real browser against `relay demo` (which runs `relay serve`), issue 11's "Done
when": a mentor with an expired background check; the student asks to start by text (the dev
outbox's text form); the advisor's start, through the signed link in their email, is blocked with
the reason; the mentor is in Needs attention; the coordinator renews the check on the mentor's
page; the same link then approves the start. The mentor's and the student's pages, on a phone
(390 px) and a laptop (1280 px), with the content security policy in force; screenshots under
artifacts/compliance-<size>/."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from tests.support import browser, builders, processes
from tests.system.test_browser_staff_fixes import _fits, _sign_in
from tests.system.test_browser_staff_sign_in import LAPTOP, PHONE, _refused_by_policy
from workflow.models import (
    ComplianceDocument,
    DayStatus,
    Favourite,
    InternshipDay,
    InternshipRequest,
    Opportunity,
    Person,
    Role,
    School,
    Site,
    WishlistField,
)
from workflow.requests.states import State

pytestmark = pytest.mark.browser
CASEY = "casey@demo-high.example"


def _seed(database: Path) -> dict[str, Any]:
    """Into the demo's database: Dr. Lena Ortiz, a new mentor at Riverside Clinic whose background
    check expired last week, with an opportunity Jordan is pursuing; Jordan's wishlist, a favourite
    and a past placement with days, so the student's page has every part."""
    engine = create_engine(f"sqlite:///{database}")
    with Session(engine) as session, session.begin():
        school = session.scalars(select(School)).one()
        people = {p.name: p for p in session.scalars(select(Person).where(Person.school_id == school.id))}
        clinic = session.scalars(select(Site).where(Site.name == "Riverside Clinic")).one()
        today = datetime.now(UTC).astimezone(school.zone).date()
        lena = builders.person(
            session, school, Role.mentor, "Dr. Lena Ortiz", "lena@riverside.example", site_id=clinic.id
        )
        session.add(
            ComplianceDocument(
                mentor_id=lena.id, kind="background_check", status="valid", expires_on=today - timedelta(days=6)
            )
        )
        pharmacy = Opportunity(
            school_id=school.id, site_id=clinic.id, mentor_id=lena.id, title="Pharmacy helper", field="health"
        )
        session.add(pharmacy)
        session.flush()
        jordan, ruth = people["Jordan Smith"], people["Dr. Ruth Chen"]
        now = datetime.now(UTC)
        session.add(
            InternshipRequest(
                school_id=school.id,
                student_id=jordan.id,
                opportunity_id=pharmacy.id,
                status=State.pursuing,
                requested_at=now - timedelta(days=3),
                updated_at=now - timedelta(days=1),
                decided_at=now - timedelta(days=1),
            )
        )
        session.add_all(
            [
                WishlistField(student_id=jordan.id, field="health"),
                WishlistField(student_id=jordan.id, field="robotics"),
                Favourite(student_id=jordan.id, opportunity_id=pharmacy.id),
            ]
        )
        earlier = builders.placement(
            session,
            school,
            jordan,
            ruth,
            clinic,
            weekdays="Mon Wed",
            start=time(9),
            end=time(13),
            start_date=today - timedelta(days=40),
            end_date=today - timedelta(days=10),
        )
        earlier.status = "ended"
        for n, feedback in ((12, "Jordan handled the front desk on his own today."), (14, None)):
            on = today - timedelta(days=n)
            start = datetime.combine(on, time(9, 2), tzinfo=school.zone).astimezone(UTC)
            session.add(
                InternshipDay(
                    placement_id=earlier.id,
                    date=on,
                    status=DayStatus.confirmed,
                    check_in_at=start,
                    check_out_at=start + timedelta(hours=4),
                    hours=4,
                    goals="Learn the check-in desk." if feedback else "Restock the waiting room.",
                    mentor_feedback=feedback,
                    confirmation_requested_at=start + timedelta(hours=4),
                    confirmed_at=start + timedelta(hours=6),
                    confirmed_via="email",
                )
            )
        session.flush()
        first, last = today + timedelta(days=7), today + timedelta(days=60)
        return {
            "lena": lena.id,
            "ruth": ruth.id,
            "jordan": jordan.id,
            "phone": jordan.phone,
            "first": first,
            "last": last,
        }


def _outbox_link(page: Any, base: str, template: str, count: int = 1) -> str:
    """The link in the newest email of `template` in the demo's dev outbox (another tab)."""
    desk = page.context.new_page()
    desk.goto(f"{base}/dev/outbox")
    found = desk.locator(f'article[data-template="{template}"]')
    found.nth(count - 1).wait_for(timeout=20000)
    url = found.first.locator("a[href*='/l/']").first.get_attribute("href")
    desk.close()
    assert url and "/l/" in url
    return str(url)


def _text_as_student(page: Any, base: str, phone: str, body: str) -> None:
    desk = page.context.new_page()
    desk.goto(f"{base}/dev/outbox")
    desk.select_option("#student", phone)
    desk.fill("#body", body)
    desk.press("#body", "Enter")  # on a phone the form's button sits under the field
    desk.wait_for_url(f"{base}/dev/outbox?phone=*")
    desk.close()


@pytest.mark.parametrize(("size", "context"), [("390", PHONE), ("1280", LAPTOP)])
def test_an_expired_check_blocks_the_start_until_it_is_renewed_on_the_mentors_page(
    tmp_path: Path, size: str, context: dict[str, Any]
) -> None:
    shots = browser.artifacts(f"compliance-{size}")
    with processes.demo(tmp_path) as (base, _), browser.chromium(**context) as page:
        seeded = _seed(tmp_path / "demo.db")
        refused = _refused_by_policy(page)
        ready = f"READY Tue Thu 9-3 from {seeded['first']:%b %-d} to {seeded['last']:%b %-d}"
        _text_as_student(page, base, seeded["phone"], ready)
        decide = _outbox_link(page, base, "email/start_decide")

        page.goto(decide)  # the advisor's signed link
        page.wait_for_selector("text=Before you approve: Dr. Lena Ortiz's background check expired on")
        page.screenshot(path=shots / "1-advisor-link-warns.png", full_page=True)
        page.check("input[name=choice][value=approve]")
        page.click("button:has-text('Send')")
        page.wait_for_selector("text=Not approved yet: Dr. Lena Ortiz's background check expired on")
        assert "open this same link and approve again" in page.inner_text("main")
        assert page.inner_text("h1").startswith("Not yet")
        page.screenshot(path=shots / "2-start-blocked.png", full_page=True)

        _sign_in(page, base, CASEY)
        page.goto(f"{base}/dashboard/attention")
        item = page.locator("#compliance li", has_text="Dr. Lena Ortiz")
        assert "background check expired" in item.inner_text()
        page.screenshot(path=shots / "3-needs-attention.png", full_page=True)
        item.locator("a:has-text('Renew')").click()
        page.wait_for_selector("h1:has-text('Dr. Lena Ortiz')")
        main = page.inner_text("main")
        assert "Not cleared to take a student" in main and "Blocked until the documents are fixed" in main
        _fits(page, size)
        page.screenshot(path=shots / "4-mentor-not-cleared.png", full_page=True)

        row = page.locator("#document-background_check")
        row.locator("summary:has-text('Renew')").click()
        row.get_by_label("New expiry date (blank if it never expires)").fill(f"{seeded['last'] + timedelta(days=365)}")
        row.get_by_label("Note").fill("Renewed; copy in the office")
        row.locator("button:has-text('Save')").click()
        page.wait_for_selector("text=Done: the document is renewed")
        assert "Cleared: every required document is valid." in page.inner_text("main")
        page.screenshot(path=shots / "5-mentor-renewed.png", full_page=True)
        page.goto(f"{base}/dashboard/attention")
        assert page.locator("#compliance li", has_text="Dr. Lena Ortiz").count() == 0

        page.goto(decide)  # the same link, now that the check is renewed
        page.check("input[name=choice][value=approve]")
        page.click("button:has-text('Send')")
        page.wait_for_selector("text=Jordan's start is approved.")
        page.screenshot(path=shots / "6-start-approved.png", full_page=True)

        page.goto(f"{base}/dashboard/mentors/{seeded['lena']}")
        page.wait_for_selector("a:has-text('Jordan Smith')")
        _fits(page, size)
        page.screenshot(path=shots / "7-mentor-page.png", full_page=True)
        page.goto(f"{base}/dashboard/students/{seeded['jordan']}")
        page.wait_for_selector("h2:has-text('Wishlist and favourites')")
        text = page.inner_text("main")
        assert "Pharmacy helper" in text and "robotics" in text and "Learn the check-in desk." in text
        assert "Flagged" not in text
        page.locator("summary:has-text('History')").first.click()
        assert "approved the start" in page.inner_text("main")
        _fits(page, size)
        page.screenshot(path=shots / "8-student-page.png", full_page=True)
        page.goto(f"{base}/dashboard/mentors/{seeded['ruth']}")  # a mentor with answers and feedback
        text = page.inner_text("main")
        assert "100%" in text and "2 hours" in text and "Jordan handled the front desk" in text
        _fits(page, size)
        page.screenshot(path=shots / "9-mentor-with-answers.png", full_page=True)
        assert refused == []
