"""The mentor's evaluation page behind the emailed link, and the evaluation on the coordinator's
student page, in a real browser on a phone (390 px) and a laptop (1280 px), with the content
security policy in force; screenshots under artifacts/evaluation-<width>/."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from messaging.models import OutboundMessage
from relay.jobs import _domain_runner
from tests.support import browser, builders, servers
from web import staff_session
from workflow import evaluations
from workflow.attendance.days import local
from workflow.base import utcnow
from workflow.models import Evaluation, Person

pytestmark = pytest.mark.browser
SIZES: dict[int, dict[str, Any]] = {
    390: {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True},
    1280: {"viewport": {"width": 1280, "height": 900}},
}


@pytest.mark.parametrize("width", sorted(SIZES))
def test_the_evaluation_page_and_the_coordinators_view(make_runtime: Any, sqlite_url: str, width: int) -> None:
    shots = browser.artifacts(f"evaluation-{width}")
    runtime = make_runtime(database_url=sqlite_url, quiet_hours="00:00-00:00")
    with runtime.sessions.begin() as session:
        today = local(utcnow(), builders.school(session, name="Lincoln High")).date()
    world = builders.build(runtime, start_date=today - timedelta(days=90), end_date=today - timedelta(days=1))
    _domain_runner(evaluations.ask_evaluations)(utcnow())
    with runtime.sessions() as session:
        email = session.scalars(
            select(OutboundMessage).where(OutboundMessage.template == "email/evaluation_request")
        ).one()
    path = re.search(r"relay\.test:8000(/l/\w+)", email.body_text).group(1)  # type: ignore[union-attr]

    with servers.web(runtime) as base, browser.chromium(**SIZES[width]) as page:
        refused: list[str] = []
        page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
        page.goto(base + path)
        page.wait_for_selector("text=How did Maya do at Riverside Clinic?")
        page.screenshot(path=shots / "1-form.png", full_page=True)
        assert page.locator("input[type=radio]").count() == 20
        assert page.locator("input[type=radio]:checked").count() == 0, "nothing is chosen for the mentor"
        assert page.evaluate("document.documentElement.scrollWidth") <= width, "no sideways scrolling"

        for goal, level in (("personal_qualities", 4), ("communication", 3), ("quantitative_reasoning", 3)):
            page.locator(f"input[name={goal}][value='{level}']").check()
        page.locator("input[name=empirical_reasoning][value='2']").check()
        page.click("button[type=submit]")  # Social Reasoning left out: the browser asks for it
        assert page.locator("input[type=radio]:checked").count() == 4 and "/l/" in page.url
        page.evaluate("document.querySelectorAll('input[type=radio]').forEach(r => r.required = false)")
        page.click("button[type=submit]")  # past the browser: the server says what is missing
        page.wait_for_selector("text=Please choose a level for Social Reasoning.")
        page.screenshot(path=shots / "2-one-missing.png", full_page=True)
        assert page.locator("input[type=radio]:checked").count() == 4, "the mentor's own choices are kept"
        with runtime.sessions() as session:
            assert session.scalars(select(Evaluation)).one().status == "asked"

        page.locator("input[name=social_reasoning][value='4']").check()
        page.fill("#comment", "A great year: Maya grew in confidence with patients.")
        page.fill("#endorsement", "I recommend Maya without reservation: curious, reliable and kind.")
        page.click("button[type=submit]")
        page.wait_for_selector("text=Your evaluation of Maya is saved")
        page.screenshot(path=shots / "3-saved.png", full_page=True)

        with runtime.sessions.begin() as session:
            evaluation = session.scalars(select(Evaluation)).one()
            assert evaluation.levels["social_reasoning"] == 4 and evaluation.answered_via == "link"
            evaluation.student_rating, evaluation.student_comment = 5, "Loved the X-ray team"
            coordinator = session.get_one(Person, world.coordinator_id)
            cookie = staff_session.start(session, coordinator, staff_session.now())
        page.context.add_cookies([{"name": staff_session.COOKIE, "value": cookie, "url": base}])
        page.goto(f"{base}/dashboard/students/{world.student_id}")
        section = page.locator("section.evaluations")
        section.wait_for()
        section.scroll_into_view_if_needed()
        page.screenshot(path=shots / "4-coordinator-student.png", full_page=True)
        shown = section.inner_text()
        assert "Communication" in shown and "3 Meets" in shown and "rated it 5 of 5" in shown
        assert "waits for the student's yes" in shown and "curious, reliable" not in shown
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert refused == [], refused
