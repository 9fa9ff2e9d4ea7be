"""People & places in a real browser against `relay demo` (which runs `relay serve`): a coordinator
uploads a CSV file with three problems in two rows and sees all three (line and column), nothing
imported; fixes it and uploads again; searches; adds a mentor with mistakes and sees each beside its
field; marks a site do-not-solicit; deactivates a student and sees her leave Today. On a phone
(390 px) and a laptop (1280 px), with the content security policy in force; screenshots under
artifacts/directory-<size>/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from tests.support import browser, processes
from tests.system.test_browser_staff_fixes import _fits, _sign_in
from tests.system.test_browser_staff_sign_in import CASEY, LAPTOP, PHONE, _refused_by_policy
from workflow.models import Person, Role, Site

pytestmark = pytest.mark.browser
BAD = (
    "name,email,phone,advisor_email\n"
    "Noor Haddad,noor@students.demo-high.example,(415) 555-0140,alex.kim@demo-high.example\n"
    "Lee Wong,lee@students,12345,\n"  # two problems: email and phone
    "Kim Park,kim@students.demo-high.example,4155550142,nobody@demo-high.example\n"  # one: the advisor
)
GOOD = BAD.replace("lee@students,12345", "lee@students.demo-high.example,4155550141").replace("nobody@", "alex.kim@")


def _students(database: Path) -> int:
    with Session(create_engine(f"sqlite:///{database}")) as session:
        return session.scalar(select(func.count()).where(Person.role == Role.student)) or 0


def _upload(page: Any, text: str) -> None:
    page.set_input_files("#file", files=[{"name": "students.csv", "mimeType": "text/csv", "buffer": text.encode()}])
    page.click("button:has-text('Upload and import')")


@pytest.mark.parametrize(("size", "context"), [("390", PHONE), ("1280", LAPTOP)])
def test_a_coordinator_keeps_people_and_places_in_the_browser(
    tmp_path: Path, size: str, context: dict[str, Any]
) -> None:
    shots = browser.artifacts(f"directory-{size}")
    database = tmp_path / "demo.db"
    with processes.demo(tmp_path) as (base, _), browser.chromium(**context) as page:
        refused = _refused_by_policy(page)
        _sign_in(page, base, CASEY)
        page.click(".staff-nav a:has-text('People & places')")
        page.wait_for_selector("h1:has-text('Students')")
        assert "Maya Lopez" in page.inner_text("#directory-list")
        page.screenshot(path=shots / "1-students.png", full_page=True)
        _fits(page, size)

        before = _students(database)
        _upload(page, BAD)
        page.wait_for_selector("text=Nothing was imported: 3 problems to fix.")
        where = page.locator(".problem-list .where").all_inner_texts()
        assert where == ["Line 3, column email", "Line 3, column phone", "Line 4, column advisor_email"], where
        what = page.locator(".problem-list .what").all_inner_texts()
        assert "not an email address" in what[0] and "10-digit" in what[1] and "no advisor" in what[2]
        assert _students(database) == before, "nothing half-imported"
        page.screenshot(path=shots / "2-upload-problems.png", full_page=True)
        _fits(page, size)
        _upload(page, GOOD)
        page.wait_for_selector("text=Imported: 3 added, 0 updated.")
        assert _students(database) == before + 3
        page.screenshot(path=shots / "3-imported.png", full_page=True)

        page.fill("#q", "555-0141")
        page.click("#directory-list button:has-text('Search')")
        page.wait_for_selector("#directory-list strong:has-text('Lee Wong')")
        assert "Maya Lopez" not in page.inner_text("#directory-list")
        page.screenshot(path=shots / "4-search.png", full_page=True)

        page.goto(f"{base}/dashboard/directory/mentors/new")
        page.get_by_label("Name").fill("Dr. Omar Said")
        page.get_by_label("Email").fill("omar@")
        page.click("#directory-form button:has-text('Add')")
        page.wait_for_selector("text=Nothing was saved")
        assert "email 'omar@' is not an email address" in page.inner_text("#directory-form")
        assert "site is empty" in page.inner_text("#directory-form")
        page.screenshot(path=shots / "5-mentor-form-problems.png", full_page=True)
        _fits(page, size)
        page.get_by_label("Email").fill("omar@riverside.example")
        page.select_option("#site", "Riverside Clinic")
        page.click("#directory-form button:has-text('Add')")
        page.wait_for_selector("text=Added. It's in the list now.")
        page.goto(f"{base}/dashboard/directory/mentors")
        assert "Dr. Omar Said" in page.inner_text("#directory-list")
        page.screenshot(path=shots / "6-mentors.png", full_page=True)

        with Session(create_engine(f"sqlite:///{database}")) as session:
            bayview = session.scalars(select(Site).where(Site.name == "Bayview Robotics")).one().id
        page.goto(f"{base}/dashboard/sites/{bayview}/edit")
        page.check("input[name=do_not_solicit]")
        page.get_by_label("Who asked").fill("Dana Ruiz, the office manager")
        page.click("#directory-form button:has-text('Save')")
        page.wait_for_selector("text=Saved.")
        page.screenshot(path=shots / "7-site-do-not-solicit.png", full_page=True)
        _fits(page, size)
        page.goto(f"{base}/dashboard/directory/sites")
        assert "Do not solicit" in page.inner_text("#directory-list")
        page.screenshot(path=shots / "8-sites.png", full_page=True)

        page.goto(f"{base}/dashboard")
        page.wait_for_selector("h1:has-text('Today')")
        assert "Maya Lopez" in page.inner_text("main")
        page.goto(f"{base}/dashboard/directory/students?q=maya")
        page.click("#directory-list a.edit")
        page.wait_for_selector("h1:has-text('Maya Lopez')")
        page.screenshot(path=shots / "9-student-edit.png", full_page=True)
        _fits(page, size)
        page.click("#deactivate button:has-text('Deactivate')")
        page.wait_for_selector("text=Deactivated. The history stays")
        page.screenshot(path=shots / "10-deactivated.png", full_page=True)
        page.goto(f"{base}/dashboard")
        page.wait_for_selector("h1:has-text('Today')")
        assert "Maya Lopez" not in page.inner_text("main") and "Priya Patel" in page.inner_text("main")
        page.screenshot(path=shots / "11-today-without-maya.png", full_page=True)

        for n, kind in enumerate(("advisors", "opportunities"), start=12):
            page.goto(f"{base}/dashboard/directory/{kind}")
            page.screenshot(path=shots / f"{n}-{kind}.png", full_page=True)
            _fits(page, size)
            page.click("#directory-list a.edit >> nth=0")
            page.wait_for_selector("#directory-form button:has-text('Save')")
            page.screenshot(path=shots / f"{n}-{kind}-edit.png", full_page=True)
            _fits(page, size)
        assert refused == []
