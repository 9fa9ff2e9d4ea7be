"""The reports in a real browser, on the term of tests/integration/reports_world.py (made through
the signed webhook and SMTP): the hours page with its chart and sortable table, a student's hours
by week, sites and mentors, the feedback stream; on a phone (390 px) and a laptop (1280 px), with
the content security policy in force and no JavaScript needed. Screenshots under
artifacts/reports-<size>/."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration import reports_world as rw
from tests.support import browser, servers
from tests.system.test_browser_staff_sign_in import LAPTOP, PHONE, _refused_by_policy
from web import staff_session
from workflow.models import Person

pytestmark = pytest.mark.browser
PERIOD = f"from={rw.SINCE.isoformat()}&to={rw.UNTIL.isoformat()}"


@pytest.mark.parametrize(("size", "context"), [("390", PHONE), ("1280", LAPTOP)])
def test_the_reports_read_at_a_glance(
    make_runtime: Any, sqlite_url: str, monkeypatch: pytest.MonkeyPatch, size: str, context: dict[str, Any]
) -> None:
    world = rw.build(make_runtime, {"database_url": sqlite_url}, monkeypatch)
    with world.runtime.sessions.begin() as session:
        session_id = staff_session.start(session, session.get_one(Person, world.coordinator_id), world.clock.now)
    shots = browser.artifacts(f"reports-{size}")
    with servers.web(world.runtime) as base, browser.chromium(**context, java_script_enabled=False) as page:
        page.context.add_cookies([{"name": staff_session.COOKIE, "value": session_id, "url": base}])
        refused = _refused_by_policy(page)
        page.goto(f"{base}/dashboard")
        page.get_by_role("link", name="Reports").click()
        assert page.locator("h1").inner_text() == "Hours and attendance"
        assert "The last 90 days, to today" in page.inner_text("main")
        page.fill("#from", rw.SINCE.isoformat())
        page.fill("#to", rw.UNTIL.isoformat())
        page.get_by_role("button", name="Show").click()
        chart = page.locator("figure.chart svg")
        assert chart.is_visible() and chart.locator("rect.bar").count() == 4 * 3
        box = chart.bounding_box()
        assert box is not None and box["width"] <= int(size) and box["height"] > 100
        assert page.locator("#students-table tbody tr").count() == 2
        table = page.locator("#students-table").bounding_box()
        assert table is not None and table["x"] + table["width"] <= int(size), "every number shows, no sideways scroll"
        page.screenshot(path=str(shots / "hours.png"), full_page=True)
        page.get_by_role("link", name="Missed").click()  # sort by missed, then the other way
        page.get_by_role("link", name="Missed ▲").click()
        assert page.locator("#students-table tbody tr td:first-child").all_inner_texts() == ["Sam Reed", "Maya Lopez"]
        page.get_by_role("link", name="Maya Lopez").click()
        assert page.locator("h1").inner_text() == "Maya Lopez's hours"
        assert page.locator("#student-days-table tbody tr").count() == 10
        page.screenshot(path=str(shots / "student.png"), full_page=True)
        page.goto(f"{base}/dashboard/reports/sites?{PERIOD}")
        assert page.locator("#mentors-table tbody tr").count() == 2
        page.screenshot(path=str(shots / "sites.png"), full_page=True)
        page.goto(f"{base}/dashboard/reports/feedback?{PERIOD}")
        page.fill("#q", "punctual")
        page.get_by_role("button", name="Show").click()
        assert page.locator("#comments li").all_inner_texts()[0].startswith("Sam Reed at Harbor Lab")
        page.screenshot(path=str(shots / "feedback.png"), full_page=True)
    assert refused == []
