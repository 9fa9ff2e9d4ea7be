"""The student's reflection and their own record, end to end through the real doors: texts by the
signed Twilio webhook to `relay web`, handled by `relay worker` on Postgres and Redis, answers
through the real twilio client; the export by `relay export`; the record page through the texted
link, in Debian's chromium at 390 px and printed to PDF by Chromium's own print."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.support import browser
from tests.support.waiting import wait_until
from tests.system.test_e2e_attendance import (  # the same processes: one stack for the module
    PUBLIC,
    People,
    Stack,
    _people,
    _student_email,
    export,
    stack,
    text,
    texts_to,
)
from workflow.models import DayStatus, InternshipDay

__all__ = ["stack"]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
INVITE = "What did you learn today? Reply with one line (optional)."


def _check_in_and_out(stack: Stack, people: People, checkout: str = "CHECKOUT") -> str:
    text(stack, people.phone, "checkin")
    texts_to(stack, people.phone, 1)
    text(stack, people.phone, "Shadow the X-ray tech")
    texts_to(stack, people.phone, 2)
    text(stack, people.phone, checkout)
    return texts_to(stack, people.phone, 3)[2]


def _reflection(stack: Stack, people: People) -> str | None:
    value = export(stack, _student_email(stack, people))["reflection"]
    return None if value is None else str(value)


def _record_page(stack: Stack, people: People) -> str:
    """The student's record, reached the way students reach their pages: FIND, then the link."""
    text(stack, people.phone, "FIND")
    link_path = _pages_link(stack, people)
    with httpx.Client(base_url=stack.web, timeout=10) as client:
        opened = client.post(link_path, data={"choice": "open"})
        assert opened.status_code in (200, 303), opened.text
        page = client.get("/s/record")
        assert page.status_code == 200
        return page.text


def _pages_link(stack: Stack, people: People) -> str:
    """The /l/ path of the student's pages, from the short link in the last text."""
    body = wait_until(
        lambda: next((a.body for a in stack.twilio.to(people.phone) if "/t/" in a.body and "page" in a.body), None),
        timeout=30,
        what="the pages link by text",
    )
    short = re.search(r"/t/\w+", body)
    assert short, body
    found = httpx.get(stack.web + short.group(0), follow_redirects=False, timeout=10)
    location = str(found.headers.get("location", "")).removeprefix(PUBLIC)
    assert found.status_code == 303 and location.startswith("/l/"), found
    return location


def test_checkout_then_a_reflection_text_is_in_the_export_and_on_the_record(stack: Stack) -> None:
    people = _people(stack)
    answer = _check_in_and_out(stack, people)
    assert answer.endswith(INVITE) and len(answer) <= 160, answer
    assert _reflection(stack, people) is None

    text(stack, people.phone, "Learned to read a chest X-ray")
    assert texts_to(stack, people.phone, 4)[3].startswith("Saved on today's record")
    text(stack, people.phone, "and how contrast dye works")
    assert texts_to(stack, people.phone, 5)[4].startswith("Added to today's reflection"), "a second text adds"
    assert _reflection(stack, people) == "Learned to read a chest X-ray\nand how contrast dye works"

    page = _record_page(stack, people)
    assert "What I learned" in page and "Learned to read a chest X-ray" in page and "and how contrast dye" in page
    assert "Shadow the X-ray tech" in page and "Waiting for your mentor" in page


def test_checkout_with_words_keeps_them_as_the_reflection(stack: Stack) -> None:
    people = _people(stack)
    answer = _check_in_and_out(stack, people, "CHECKOUT learned to read an X-ray")
    assert "Your reflection is saved." in answer and INVITE not in answer
    assert _reflection(stack, people) == "learned to read an X-ray"


@pytest.mark.parametrize("keyword", ["HELP", "WHO", "thanks!", "CHECKIN"])
def test_keywords_and_thanks_after_checkout_are_not_reflections(stack: Stack, keyword: str) -> None:
    """HELP, WHO and a thank-you are never kept, and the next line still is; CHECKIN is answered
    as CHECKIN and ends the wait, so the line after it is not taken either (it gets help)."""
    people = _people(stack)
    _check_in_and_out(stack, people)
    text(stack, people.phone, keyword)
    if keyword != "thanks!":
        texts_to(stack, people.phone, 4)  # its answer
    line = "The radiographer let me position a patient"
    text(stack, people.phone, line)
    if keyword == "CHECKIN":
        assert "CHECKIN" in texts_to(stack, people.phone, 5)[4], "help, not a saved reflection"
        assert _reflection(stack, people) is None
    else:
        wait_until(lambda: _reflection(stack, people), timeout=30, what="the next line kept as the reflection")
        assert _reflection(stack, people) == line


def _history(stack: Stack, people: People) -> None:
    """Five weeks of confirmed days before today, with goals, reflections and the mentor's words."""
    zone = ZoneInfo("America/Los_Angeles")
    today = datetime.now(zone).date()
    lines = [
        ("File patient charts", "How the clinic keeps records private", "Careful, tidy work."),
        ("Shadow the X-ray tech", "Learned to read a chest X-ray", "Great questions about imaging."),
        ("Help at the front desk", "Checking in patients takes patience", None),
        ("Watch a CT scan", "CT takes many X-rays from around the body", "Asked smart questions."),
        ("Sterilise instruments", None, "Reliable and on time."),
    ]
    with stack.runtime.sessions.begin() as session:
        for week, (goals, reflection, feedback) in enumerate(lines):
            for offset in (0, 2):
                day = today - timedelta(days=7 * (len(lines) - week) - offset)
                start = datetime.combine(day, time(9), tzinfo=zone).astimezone(UTC)
                hours = Decimal("5.5") + week
                session.add(
                    InternshipDay(
                        placement_id=people.placement_id,
                        date=day,
                        status=DayStatus.confirmed,
                        check_in_at=start,
                        check_out_at=start + timedelta(hours=float(hours)),
                        hours=hours,
                        goals=goals,
                        reflection=reflection if offset == 0 else None,
                        mentor_feedback=feedback if offset == 0 else None,
                        confirmed_via="email",
                        later_answers=[],
                    )
                )


@pytest.mark.browser
def test_the_students_record_on_a_phone_and_printed(stack: Stack) -> None:
    shots = browser.artifacts("student-record")
    people = _people(stack)
    _history(stack, people)
    _check_in_and_out(stack, people, "CHECKOUT learned to read an X-ray")
    text(stack, people.phone, "FIND")
    link_path = _pages_link(stack, people)
    with browser.chromium(**PHONE) as page:
        page.goto(stack.web + link_path)
        page.click("button[name=choice][value=open]")
        page.wait_for_selector("text=Find an internship")
        page.click("nav a[href='/s/record']")
        page.wait_for_selector("h1:has-text('internship record')")
        page.screenshot(path=shots / "1-record-390-top.png")
        page.screenshot(path=shots / "1-record-390.png", full_page=True)
        page.evaluate("window.scrollTo(0, document.getElementById('placements-title').offsetTop - 10)")
        page.screenshot(path=shots / "1-record-390-placements-and-days.png")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scrolling on a phone"
        assert page.locator("svg.hours-chart rect.confirmed").count() >= 5, "a bar for each week with hours"
        rows = page.locator("table.week-table tbody tr")
        assert rows.count() >= 6 and "learned to read an X-ray" in page.locator("section.record-days").inner_text()
        assert page.locator("section.evaluations h2").inner_text() == "Evaluations"
        assert page.locator("p.big").inner_text().endswith("hours confirmed")

        page.set_viewport_size({"width": 1280, "height": 900})
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=shots / "1-record-1280.png")

        page.emulate_media(media="print")
        assert not page.locator("nav").is_visible(), "printed without the navigation"
        assert not page.locator(".no-print").first.is_visible()
        page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
        page.screenshot(path=shots / "2-record-print-first-page.png")
        pdf = shots / "3-record.pdf"
        page.pdf(path=str(pdf), format="A4", print_background=True)
    data = Path(pdf).read_bytes()
    assert data.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page[^s]", data)) >= 2, "a portfolio of pages"
