"""A student's pages on a phone-sized screen, in a real browser: search, favourite, wishlist,
request, suggest. Reached the way students reach them: FIND by text, then the texted link."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support import browser, processes

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def test_student_pages_on_a_phone(tmp_path: Path) -> None:
    shots = browser.artifacts("student-pages")
    with processes.demo(tmp_path) as (base, _):
        with browser.chromium(viewport={"width": 1100, "height": 900}) as desk:
            desk.goto(f"{base}/dev/outbox")
            desk.select_option("#student", label="Maya Lopez (+15555550101)")
            desk.fill("#body", "FIND")
            desk.click("#text-form button[type=submit]")
            link = desk.locator('article[data-template="sms/student_link"] a').first
            link.wait_for()
            url = link.get_attribute("href")
        assert url and "/t/" in url, "a text's link is short"
        with browser.chromium(**PHONE) as page:
            page.goto(url)
            page.screenshot(path=shots / "1-link.png")
            page.click("button[name=choice][value=open]")
            page.wait_for_selector("text=Find an internship")
            page.screenshot(path=shots / "2-find.png", full_page=True)
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scrolling on a phone"

            page.fill("#q", "x-ray")
            page.click("#search button[type=submit]")
            page.wait_for_selector("article[data-title='Radiology assistant']")
            assert page.locator("article.opportunity").count() == 1
            card = page.locator("article[data-title='Radiology assistant']")
            card.locator("form[action^='/s/favourite'] button").click()
            page.wait_for_selector("text=Saved to your favourites.")
            assert "Saved" in page.locator("article[data-title='Radiology assistant']").inner_text()

            page.fill("#wish input[name=field]", "Nursing")
            page.click("#wish button[type=submit]")
            page.wait_for_selector("text=Added nursing to your wishlist.")
            assert "nursing" in page.locator("#wishlist").inner_text()
            page.screenshot(path=shots / "3-favourite-and-wishlist.png", full_page=True)

            page.locator("article[data-title='Radiology assistant'] form[action^='/s/request'] button").click()
            page.wait_for_selector("text=Sent! Your coordinator will decide")
            page.goto(f"{base}/s/requests")
            assert "Waiting for your coordinator" in page.locator("article[data-status=requested]").inner_text()
            page.screenshot(path=shots / "4-requested.png", full_page=True)

            _approve_by_the_coordinators_link(page, base)
            page.goto(f"{base}/s/requests")
            form = page.locator("form.start")
            form.wait_for()
            form.locator("input[name=start_time]").fill("09:00")
            form.locator("input[name=end_time]").fill("15:00")
            form.locator("input[name=start_date]").fill("2026-04-07")
            form.locator("input[name=end_date]").fill("2026-05-29")
            page.screenshot(path=shots / "6-start-form.png", full_page=True)
            _inputs_inside_their_card(page)
            form.locator("button[type=submit]").click()  # no day ticked
            page.wait_for_selector("text=Please tick the days you'll go")
            page.screenshot(path=shots / "7-start-form-no-days.png", full_page=True)
            assert "days is empty" not in page.content()
            kept = page.locator("form.start")
            assert [kept.locator(f"input[name={n}]").input_value() for n in ("start_time", "end_time")] == [
                "09:00",
                "15:00",
            ]
            assert kept.locator("input[name=end_date]").input_value() == "2026-05-29", "what was entered stays"
            _inputs_inside_their_card(page)
            kept.locator("input[value=Tue]").check()
            kept.locator("button[type=submit]").click()
            page.wait_for_selector("text=Sent to your advisor")
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scrolling on a phone"

            page.goto(f"{base}/s/suggest")
            page.fill("#name", "Acme Corp")
            page.fill("#sfield", "business")
            page.click("#suggest button[type=submit]")
            page.wait_for_selector("text=asked schools not to contact them")
            page.screenshot(path=shots / "5-suggest-refused.png", full_page=True)
    assert all((shots / name).stat().st_size > 10_000 for name in ("2-find.png", "4-requested.png", "6-start-form.png"))


def _approve_by_the_coordinators_link(page: Any, base: str) -> None:
    """Cora approves on the page her email links to (opened from the dev outbox)."""
    page.goto(f"{base}/dev/outbox")
    email = page.locator('article[data-template="email/request_decide"]').first
    email.wait_for()
    page.goto(email.locator("a[href*='/l/']").first.get_attribute("href"))
    page.check("input[value=approve]")
    page.click("button[type=submit]")
    page.wait_for_selector("text=approved")


def _inputs_inside_their_card(page: Any) -> None:
    """Every input of the start form lies within its card (a 390 px phone): bounding boxes compared."""
    card = page.locator("article[data-status=pursuing]").bounding_box()
    for name in ("start_time", "end_time", "start_date", "end_date"):
        box = page.locator(f"form.start input[name={name}]").bounding_box()
        assert box["x"] >= card["x"] and box["x"] + box["width"] <= card["x"] + card["width"], (name, box, card)
