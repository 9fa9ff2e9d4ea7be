"""A real browser walks the README's five steps in the demo: the dev outbox, a student's texts,
the mentor's link, Confirm; at any hour of the machine's clock, with the real quiet hours."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.support import browser, processes, services

pytestmark = pytest.mark.browser

# The zone the demo school had before it kept its own clock: at night there it used to break.
FORMER_ZONE = ZoneInfo("America/Los_Angeles")
FAST_JOBS = "; ".join(
    f"{job}=@every 2s" for job in ("close_open_days", "nudge_missing_checkins", "coordinator_digests")
)


def shift_to(local: str) -> float:
    """Seconds to add to the real clock so that it reads `local` (HH:MM) today in FORMER_ZONE."""
    now = datetime.now(UTC)
    hour, minute = (int(part) for part in local.split(":"))
    target = now.astimezone(FORMER_ZONE).replace(hour=hour, minute=minute, second=0, microsecond=0)
    return (target - now).total_seconds()


@pytest.mark.parametrize("clock", ["02:00", "12:00", "22:30"])
def test_the_readme_steps_at_any_hour(tmp_path: Path, clock: str) -> None:
    if not processes.LIBFAKETIME.exists():
        services.unavailable("Debian's faketime", "apt-get install faketime; .ci/run installs it")
    shots = browser.artifacts(f"demo-{clock.replace(':', '')}")
    run = processes.demo(tmp_path, quiet_hours=None, clock_shift=shift_to(clock), job_schedules=FAST_JOBS)
    with run as (base, demo):
        assert "/dev/outbox" in demo.output()
        assert "the demo school keeps its own time zone" in demo.output()
        with browser.chromium(viewport={"width": 1100, "height": 900}) as page:
            page.goto(f"{base}/dev/outbox")
            page.screenshot(path=shots / "1-outbox.png", full_page=True)
            page.select_option("#student", label="Maya Lopez (+15555550101)")
            for words in ["CHECKIN", "Shadow the X-ray tech and file charts", "CHECKOUT"]:
                page.fill("#body", words)
                page.click("#text-form button[type=submit]")
                page.wait_for_url(f"{base}/dev/outbox?phone=%2B15555550101")
                if words == "CHECKIN":
                    page.wait_for_selector('article[data-template="sms/checkin_ack"]')
                    time.sleep(5)  # the scheduler's jobs run (every 2 s here) and must leave the day open
            email = page.locator('article[data-template="email/mentor_confirm"]')
            email.wait_for()
            page.screenshot(path=shots / "2-mentor-email.png", full_page=True)
            assert "Shadow the X-ray tech and file charts" in email.inner_text()
            assert page.locator('article[data-template="sms/goals_ack"]').count() == 1
            assert page.locator('article[data-template="sms/checkout_ack"]').count() == 1
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
            text = page.locator("#live").inner_text()
            assert "held for quiet hours" not in text
            for template in ("sms/day_closed", "sms/help", "email/coordinator_digest"):
                assert page.locator(f'article[data-template="{template}"]').count() == 0, template
    assert all((shots / f).stat().st_size > 10_000 for f in ("1-outbox.png", "4-confirmed.png"))
