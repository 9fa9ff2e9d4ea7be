"""The region in a real browser against `relay demo`: the coordinator's supply and demand by field
(a chart and its table), sharing an opportunity and taking it back, and the region admin's pages
(signed in by the emailed link; counts only, no student named). On a phone (390 px) and a laptop
(1280 px), with the content security policy in force; screenshots under artifacts/region-<size>/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from tests.support import browser, builders, processes
from tests.system.test_browser_staff_fixes import _fits, _sign_in
from tests.system.test_browser_staff_sign_in import LAPTOP, PHONE, _refused_by_policy
from workflow.models import Opportunity, Person, Role, School, WishlistField

pytestmark = pytest.mark.browser
CASEY, DANA = "casey@demo-high.example", "dana@demo-bay.example"
STUDENTS = ("Maya Lopez", "Jordan Smith", "Priya Patel", "Lena Ortiz", "Omar Haddad")


def _seed(database: Path) -> None:
    """A neighbour school in Demo Bay sharing two opportunities, wishes of both schools' students,
    and a region admin for Demo Bay."""
    engine = create_engine(f"sqlite:///{database}")
    with Session(engine) as session, session.begin():
        demo = session.scalars(select(School)).one()
        people = {p.name: p for p in session.scalars(select(Person).where(Person.school_id == demo.id))}
        harbor = builders.school(session, "Harbor Middle College", region="Demo Bay")
        builders.person(session, harbor, Role.coordinator, "Hana Lee", "hana@harbor.example")
        studio = builders.site(session, harbor, "Bay Animation Studio", field="arts and media")
        school = builders.site(session, harbor, "Little Harbor School", field="education")
        ani = builders.person(session, harbor, Role.mentor, "Ari Novak", "ari@studio.example", site_id=studio.id)
        tess = builders.person(session, harbor, Role.mentor, "Tess Moy", "tess@lhs.example", site_id=school.id)
        for title, site, mentor, field, places in (
            ("Storyboard intern", studio, ani, "arts and media", 2),
            ("Classroom helper", school, tess, "education", 4),
            ("Reading buddy", school, tess, "education", 3),
        ):
            session.add(
                Opportunity(
                    school_id=harbor.id,
                    site_id=site.id,
                    mentor_id=mentor.id,
                    title=title,
                    field=field,
                    capacity=places,
                    shared_with_region=title != "Reading buddy",
                )
            )
        lena = builders.person(session, harbor, Role.student, "Lena Ortiz", "lena@harbor.example")
        omar = builders.person(session, demo, Role.student, "Omar Haddad", "omar@students.demo-high.example")
        wishes = {
            people["Maya Lopez"]: ("health",),
            people["Jordan Smith"]: ("engineering", "health"),
            people["Priya Patel"]: ("health", "arts and media"),
            omar: ("health", "engineering", "law"),
            lena: ("health",),
        }
        for student, fields in wishes.items():
            for field in fields:
                session.add(WishlistField(student_id=student.id, field=field, source="survey"))
        dana = builders.person(session, demo, Role.region_admin, "Dana Ruiz", DANA)
        dana.region = "Demo Bay"


def _emailed_link_to(page: Any, base: str, address: str) -> str:
    desk = page.context.new_page()
    desk.goto(f"{base}/dev/outbox")
    link = desk.locator(f'article[data-template="email/sign_in"]:has-text("{address}") a').first
    link.wait_for()
    url = link.get_attribute("href")
    desk.close()
    assert url and "/dashboard/sign-in/" in url
    return str(url)


@pytest.mark.parametrize(("size", "context"), [("390", PHONE), ("1280", LAPTOP)])
def test_supply_and_demand_sharing_and_the_region_admin(tmp_path: Path, size: str, context: dict[str, Any]) -> None:
    shots = browser.artifacts(f"region-{size}")
    with processes.demo(tmp_path) as (base, _), browser.chromium(**context) as page:
        _seed(tmp_path / "demo.db")
        refused = _refused_by_policy(page)
        _sign_in(page, base, CASEY)

        page.goto(f"{base}/dashboard/supply-demand")
        page.wait_for_selector("h1:has-text('Supply and demand by field')")
        page.screenshot(path=shots / "1-supply-demand.png", full_page=True)
        assert "Recruit first in engineering" in page.inner_text("main"), page.inner_text("p.lead")
        assert page.locator("figure.grouped-chart svg rect").count() > 5, "the chart is drawn without script"
        label = page.locator("figure.grouped-chart svg text").first.bounding_box()
        assert label is not None and label["height"] >= 13, "the chart's words are readable on a phone"
        first = page.locator("table.numbers tbody tr").first.inner_text()
        assert first.startswith("engineering"), "the biggest gap first"
        _fits(page, size)

        page.goto(f"{base}/dashboard/opportunities")
        page.wait_for_selector("h1:has-text('Your opportunities')")
        assert "Storyboard intern" in page.inner_text("main") and "Reading buddy" not in page.inner_text("main")
        page.click("button[aria-label='Share Front desk and patient records with the region']")
        page.wait_for_selector("text=Done: the opportunity is shared with your region")
        page.screenshot(path=shots / "2-shared.png", full_page=True)
        _fits(page, size)
        page.click("button[aria-label='Take back Front desk and patient records']")
        page.wait_for_selector("text=Done: taken back")
        page.click(".staff-bar button:has-text('Sign out')")
        page.wait_for_selector("text=You're signed out.")

        page.goto(f"{base}/dashboard/sign-in")
        page.get_by_label("Your email address").fill(DANA)
        page.click("#sign-in button[type=submit]")
        page.wait_for_selector("text=Check your email")
        page.goto(_emailed_link_to(page, base, DANA))
        assert "region admin for Demo Bay" in page.inner_text("main")
        page.click("button:has-text('Sign in')")
        page.wait_for_url(f"{base}/region")
        page.wait_for_selector("h1:has-text('Demo Bay: the schools side by side')")
        text = page.inner_text("main")
        assert "Relay Demo High" in text and "Harbor Middle College" in text
        assert [name for name in STUDENTS if name in page.content()] == [], "counts only"
        page.screenshot(path=shots / "3-region.png", full_page=True)
        _fits(page, size)
        page.click("nav a:has-text('Network story')")
        page.wait_for_selector("h1:has-text('The network story')")
        assert [name for name in STUDENTS if name in page.content()] == []
        page.screenshot(path=shots / "4-network.png", full_page=True)
        _fits(page, size)
        page.click(".staff-bar button:has-text('Sign out')")
        page.wait_for_selector("text=You're signed out.")
        assert refused == [], refused
