"""A coordinator signs in to the workspace the way they would: asks for a link, opens it from the
email (read from the demo's dev outbox), presses "Sign in" and lands on Today. On a phone (390 px)
and a laptop (1280 px), in a real browser, with the content security policy in force."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support import browser, processes

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
LAPTOP = {"viewport": {"width": 1280, "height": 800}}
CASEY = "casey@demo-high.example"


def _emailed_link(page: Any, base: str) -> str:
    """The link in the sign-in email, as the demo's dev outbox shows it (in another tab)."""
    desk = page.context.new_page()
    desk.goto(f"{base}/dev/outbox")
    link = desk.locator('article[data-template="email/sign_in"] a').first
    link.wait_for()
    url = link.get_attribute("href")
    desk.close()
    assert url and "/dashboard/sign-in/" in url
    return str(url)


def _refused_by_policy(page: Any) -> list[str]:
    refused: list[str] = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    return refused


@pytest.mark.parametrize(("size", "context"), [("390", PHONE), ("1280", LAPTOP)])
def test_a_coordinator_signs_in_from_the_emailed_link(tmp_path: Path, size: str, context: dict[str, Any]) -> None:
    shots = browser.artifacts(f"staff-sign-in-{size}")
    with processes.demo(tmp_path) as (base, _), browser.chromium(**context) as page:
        refused = _refused_by_policy(page)
        page.goto(f"{base}/")
        page.click("a.button:has-text('Sign in')")
        page.wait_for_selector("h1:has-text('Sign in to Relay')")
        page.screenshot(path=shots / "1-sign-in.png", full_page=True)
        page.get_by_label("Your email address").fill(CASEY)
        page.click("#sign-in button[type=submit]")
        page.wait_for_selector("text=Check your email")
        page.screenshot(path=shots / "2-check-your-email.png", full_page=True)

        page.goto(_emailed_link(page, base))
        page.wait_for_selector("text=You're signing in as")
        page.screenshot(path=shots / "3-link.png", full_page=True)
        page.goto(f"{base}/dashboard")  # opening the link signed nobody in
        page.wait_for_selector("h1:has-text('Sign in to Relay')")
        page.go_back()
        page.click("button:has-text('Sign in')")
        page.wait_for_url(f"{base}/dashboard")
        page.wait_for_selector("h1:has-text('Today')")
        assert "Casey Rivera" in page.inner_text(".staff-bar") and "Demo High" in page.inner_text(".staff-bar")
        page.screenshot(path=shots / "4-today.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= int(size), "no sideways scrolling"
        assert page.evaluate("typeof window.htmx") == "object", "htmx loads from /static"

        page.click(".staff-bar button:has-text('Sign out')")
        page.wait_for_selector("text=You're signed out.")
        page.screenshot(path=shots / "5-signed-out.png", full_page=True)
        assert refused == [], refused
    assert all((shots / name).stat().st_size > 5_000 for name in ("1-sign-in.png", "4-today.png"))
