"""A real browser walks the demo: the dev outbox, a student's texts, the mentor's link, Confirm."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import browser, processes

pytestmark = pytest.mark.browser


def test_the_demo_loop_in_a_browser(tmp_path: Path) -> None:
    shots = browser.artifacts("demo")
    with processes.demo(tmp_path) as (base, demo):
        assert "/dev/outbox" in demo.output()
        with browser.chromium(viewport={"width": 1100, "height": 900}) as page:
            page.goto(f"{base}/dev/outbox")
            page.screenshot(path=shots / "1-outbox.png", full_page=True)
            page.select_option("#student", label="Maya Lopez (+15555550101)")
            for words in ["CHECKIN", "Shadow the X-ray tech and file charts", "CHECKOUT"]:
                page.fill("#body", words)
                page.click("#text-form button[type=submit]")
                page.wait_for_url(f"{base}/dev/outbox?phone=%2B15555550101")
            email = page.locator('article[data-template="email/mentor_confirm"]')
            email.wait_for()
            page.screenshot(path=shots / "2-mentor-email.png", full_page=True)
            assert "Shadow the X-ray tech and file charts" in email.inner_text()
            email.locator("a[href*='/l/']").first.click()
            page.wait_for_selector("text=Was Maya at Riverside Clinic")
            page.screenshot(path=shots / "3-confirm-page.png", full_page=True)
            page.check("input[value=confirm]")
            page.fill("#comment", "Great day with the X-rays")
            page.click("button[type=submit]")
            page.wait_for_selector("text=Maya's day is confirmed")
            page.screenshot(path=shots / "4-confirmed.png", full_page=True)
            page.goto(f"{base}/dev/outbox")
            row = page.locator('tr.day[data-student="Maya Lopez"]')
            assert "confirmed" in row.inner_text() and "Great day with the X-rays" in row.inner_text()
            page.wait_for_selector('article[data-template="sms/day_confirmed"]')
            page.screenshot(path=shots / "5-outbox-after.png", full_page=True)
    assert all((shots / f).stat().st_size > 10_000 for f in ("1-outbox.png", "4-confirmed.png"))
