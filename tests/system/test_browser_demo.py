"""A real browser walks the README's five steps in the demo (the dev outbox, a student's texts,
the mentor's link, Confirm) and its "Finding an internship" (FIND, the student's pages, the
coordinator's and the advisor's replies, READY by text, send-link); at any hour of the machine's
clock, with the real quiet hours."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
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


MAYA = "maya@students.demo-high.example"
MAYA_PHONE = "+15555550101"
# The request jobs too (pursuit windows and start reminders): at night they must leave the flow alone.
FINDING_JOBS = "; ".join(
    f"{job}=@every 2s"
    for job in (
        "close_open_days",
        "nudge_missing_checkins",
        "coordinator_digests",
        "pursuit_windows",
        "start_reminders",
    )
)
DESK = {"width": 1100, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("clock", ["02:00", "12:00", "22:30"])
def test_finding_an_internship_at_any_hour(tmp_path: Path, clock: str) -> None:
    """The README's "Finding an internship", sentence by sentence, as Maya: FIND and FIND nursing,
    her pages from the texted link (search, favourite, wishlist, ask, suggest), the coordinator's
    `approve` by reply, Maya's text, READY with days and dates by text, the advisor's `approve`
    by reply, the placement that joins the attendance loop, and `./dev send-link`."""
    if not processes.LIBFAKETIME.exists():
        services.unavailable("Debian's faketime", "apt-get install faketime; .ci/run installs it")
    shots = browser.artifacts(f"finding-{clock.replace(':', '')}")
    shift = shift_to(clock)
    run = processes.demo(tmp_path, quiet_hours=None, clock_shift=shift, job_schedules=FINDING_JOBS)
    with run as (base, demo), browser.chromium(viewport=DESK) as page:
        assert "the demo school keeps its own time zone" in demo.output()
        page.goto(f"{base}/dev/outbox")
        assert page.locator("#student").input_value() == MAYA_PHONE, "Maya is the one already chosen"

        # "text FIND (or FIND nursing) as a student: Relay texts a link to the student's pages"
        _text(page, base, "FIND")
        _wait_for(page, "sms/student_link", 1)
        _text(page, base, "FIND nursing")
        link = _wait_for(page, "sms/student_link", 2).first
        assert '(showing "nursing")' in link.inner_text()
        url = link.locator("a").first.get_attribute("href")
        assert url and "/t/" in url
        page.screenshot(path=shots / "1-find-texts.png", full_page=True)

        # "(mobile first) to search opportunities, save favourites, keep a wishlist of fields,
        # ask for an opportunity and suggest a new site"
        page.set_viewport_size(PHONE)
        page.goto(url)
        page.click("button[name=choice][value=open]")
        page.wait_for_selector("text=Find an internship")
        assert page.locator("#q").input_value() == "nursing"
        assert page.locator("article.opportunity").all_inner_texts()[0].startswith("Nursing assistant")
        assert page.locator("article.opportunity").count() == 1
        page.screenshot(path=shots / "2-find-nursing.png", full_page=True)
        page.locator("article[data-title='Nursing assistant'] form[action^='/s/favourite'] button").click()
        page.wait_for_selector("text=Saved to your favourites.")
        page.fill("#wish input[name=field]", "Nursing")
        page.click("#wish button[type=submit]")
        page.wait_for_selector("text=Added nursing to your wishlist.")
        assert "nursing" in page.locator("#wishlist").inner_text()
        page.fill("#q", "")
        page.click("#search button[type=submit]")
        page.wait_for_selector("article[data-title='Robot build team']")
        assert "Saved" in page.locator("article[data-title='Nursing assistant']").inner_text()
        page.screenshot(path=shots / "3-favourite-and-wishlist.png", full_page=True)
        page.locator("article[data-title='Nursing assistant'] form[action^='/s/request'] button").click()
        page.wait_for_selector("text=Sent! Your coordinator will decide")
        page.goto(f"{base}/s/suggest")
        page.fill("#name", "Harbor Animal Hospital")
        page.fill("#address", "8 Pier Ave")
        page.fill("#sfield", "animals")
        page.click("#suggest button[type=submit]")
        page.wait_for_selector("text=Thanks! Your coordinator will look into it.")
        page.goto(f"{base}/s/requests")
        assert "Waiting for your coordinator" in page.locator("article[data-status=requested]").inner_text()
        page.screenshot(path=shots / "4-requested.png", full_page=True)

        # "The coordinator gets an email for each request, with who else is pursuing that site, and
        # answers `approve` ... by reply"
        page.set_viewport_size(DESK)
        page.goto(f"{base}/dev/outbox")
        ask = _wait_for(page, "email/request_decide", 1).first
        assert "Casey Rivera" in ask.inner_text() and "Nursing assistant at Riverside Clinic" in ask.inner_text()
        assert "pursuing Riverside Clinic" in ask.inner_text()
        page.screenshot(path=shots / "5-coordinator-email.png", full_page=True)
        _reply(page, ask, "approve")

        # "the student has the mentor's contact and 14 days ... and the mentor is emailed who may
        # get in touch; then they text READY with their days, hours and dates"
        approved = _wait_for(page, "sms/request_approved", 1).first.inner_text()
        assert "Dr. Ruth Chen" in approved and "ruth.chen@riverside.example" in approved and "READY" in approved
        coming = _wait_for(page, "email/mentor_student_coming", 1).first.inner_text()
        assert "Maya Lopez may contact you" in coming
        _text(page, base, "READY Tue Thu 9-3 from Jan 12 to Mar 20")
        sent = _wait_for(page, "sms/start_sent", 1).first.inner_text()
        assert "Tue Thu" in sent and "Jan 12" in sent and "Mar 20" in sent
        assert page.locator('article[data-template="sms/ready_ask"]').count() == 0, "nothing was missing"
        page.screenshot(path=shots / "6-ready-by-text.png", full_page=True)

        # "The advisor approves by reply ..., the student is texted and emailed, and the internship
        # joins the attendance loop"
        start = _wait_for(page, "email/start_decide", 1).first
        assert "Alex Kim" in start.inner_text()
        _reply(page, start, "approve")
        started = _wait_for(page, "sms/start_approved", 1).first.inner_text()
        assert "Riverside Clinic" in started and "CHECKIN" in started
        for template in ("email/start_approved", "email/mentor_welcome", "email/placement_started"):
            _wait_for(page, template, 1)
        page.screenshot(path=shots / "7-start-approved.png", full_page=True)
        page.set_viewport_size(PHONE)
        page.goto(f"{base}/s/requests")
        assert "Started" in page.locator("article[data-status=active]").inner_text()
        page.screenshot(path=shots / "8-started.png", full_page=True)

        # "A coordinator can text a student their link with `./dev send-link ...`" (the demo's
        # database: --demo), while the demo runs; its sweeper sends it.
        page.set_viewport_size(DESK)
        database = f"sqlite:///{tmp_path / 'demo.db'}"
        env = processes.faked_clock(processes.relay_env(database_url=database, public_base_url=base), shift)
        linked = subprocess.run(
            [sys.executable, "-m", "relay", "send-link", "--demo", MAYA],
            env=env,
            cwd=processes.ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert linked.returncode == 0, linked.stderr
        page.goto(f"{base}/dev/outbox")
        again = _wait_for(page, "sms/student_link", 3).first.locator("a").first.get_attribute("href")
        assert again and again.startswith(f"{base}/t/"), again
        page.screenshot(path=shots / "9-send-link.png", full_page=True)

        live = page.locator("#live").inner_text()
        assert "held for quiet hours" not in live
        for template in ("sms/help", "sms/ready_ask", "email/answer_refused", "email/request_clarify"):
            assert page.locator(f'article[data-template="{template}"]').count() == 0, template
    assert _placements(tmp_path / "demo.db", MAYA)[-1][:4] == (
        "Tue Thu",
        "09:00:00.000000",
        "15:00:00.000000",
        "active",
    )
    first, last = _placements(tmp_path / "demo.db", MAYA)[-1][4:]
    assert first.endswith("-01-12") and last.endswith("-03-20") and first[:4] == last[:4]
    assert all((shots / f).stat().st_size > 10_000 for f in ("2-find-nursing.png", "7-start-approved.png"))


def _text(page: Any, base: str, words: str) -> None:
    """Maya texts `words` from the dev outbox's form (she is chosen in it)."""
    page.select_option("#student", value=MAYA_PHONE)
    page.fill("#body", words)
    page.click("#text-form button[type=submit]")
    page.wait_for_url(f"{base}/dev/outbox?phone=%2B15555550101")


def _wait_for(page: Any, template: str, count: int) -> Any:
    """The outbox's messages of `template` once there are `count` of them (the page refreshes itself)."""
    from playwright.sync_api import expect  # as in tests/support/browser.py: playwright is imported when used

    found = page.locator(f'article[data-template="{template}"]')
    expect(found).to_have_count(count, timeout=30_000)
    return found


def _reply(page: Any, email: Any, text: str) -> None:
    """Answer an email in the outbox's reply box, the way a mail client would write the reply."""
    email.locator("textarea[name=text]").fill(text)
    email.locator(".reply button[type=submit]").click()
    page.wait_for_url("**/dev/outbox")


def _placements(database: Path, email: str) -> list[tuple[str, ...]]:
    """The student's placements in the demo's database, oldest first."""
    with closing(sqlite3.connect(database)) as db:
        rows = db.execute(
            "SELECT p.weekdays, p.start_time, p.end_time, p.status, p.start_date, p.end_date FROM placements p"
            " JOIN people s ON s.id = p.student_id WHERE s.email = ? ORDER BY p.id",
            (email,),
        ).fetchall()
    return [tuple(str(v) for v in row) for row in rows]
