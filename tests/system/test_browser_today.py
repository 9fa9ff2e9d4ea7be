"""A coordinator watches Today in a real browser (Debian's chromium, the content security policy in
force) against a running `relay demo` (`relay serve` with the demo school): signed in from the
emailed link, they see a student's check-in, sent by a signed Twilio webhook, appear on Today
without reloading the page (htmx refreshes the list; `?refresh=2` shortens the wait). Then Needs
attention. Screenshots at 390 px and 1280 px under artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from twilio.request_validator import RequestValidator

from tests.support import browser, processes
from tests.support.twilio_api import FakeTwilio
from tests.system.test_browser_staff_sign_in import CASEY, LAPTOP, PHONE, _emailed_link, _refused_by_policy

pytestmark = pytest.mark.browser
MAYA_PHONE = "+15555550101"
SCHOOL_NUMBER = "+15005550006"


def _text_as_twilio(base: str, twilio: FakeTwilio, sender: str, body: str, sid: str) -> None:
    """What Twilio posts when a student texts the school's number, signed with the account's token."""
    params = {"MessageSid": sid, "AccountSid": twilio.account_sid, "From": sender, "To": SCHOOL_NUMBER, "Body": body}
    signature = RequestValidator(twilio.auth_token).compute_signature(f"{base}/sms/inbound", params)
    answer = httpx.post(f"{base}/sms/inbound", data=params, headers={"X-Twilio-Signature": signature}, timeout=10)
    assert answer.status_code == 200, answer.text


def _sign_in(page: Any, base: str) -> None:
    page.goto(f"{base}/dashboard/sign-in")
    page.get_by_label("Your email address").fill(CASEY)
    page.click("#sign-in button[type=submit]")
    page.wait_for_selector("text=Check your email")
    page.goto(_emailed_link(page, base))
    page.click("button:has-text('Sign in')")
    page.wait_for_url(f"{base}/dashboard")


@pytest.mark.parametrize(("size", "context"), [("390", PHONE), ("1280", LAPTOP)])
def test_a_check_in_appears_on_today_without_reloading(tmp_path: Path, size: str, context: dict[str, Any]) -> None:
    shots = browser.artifacts(f"staff-today-{size}")
    with FakeTwilio() as twilio:
        settings: dict[str, Any] = {
            "twilio_account_sid": twilio.account_sid,
            "twilio_auth_token": twilio.auth_token,
            "twilio_from": SCHOOL_NUMBER,
            "twilio_api_base": twilio.base_url,
        }
        with processes.demo(tmp_path, **settings) as (base, _), browser.chromium(**context) as page:
            refused = _refused_by_policy(page)
            _sign_in(page, base)
            page.goto(f"{base}/dashboard?refresh=2")
            page.wait_for_selector("h1:has-text('Today')")
            maya = page.locator("tr.line", has_text="Maya Lopez")
            assert maya.locator(".badge").first.inner_text() != "In"
            page.screenshot(path=shots / "1-today-before.png", full_page=True)
            page.evaluate("window.stillTheSamePage = true")

            _text_as_twilio(base, twilio, MAYA_PHONE, "CHECKIN", "SM" + "d" * 32)
            maya.locator(".badge.in").wait_for(timeout=30_000)  # swapped in by htmx, no reload
            assert page.evaluate("window.stillTheSamePage") is True
            assert "since" in maya.locator(".presence").inner_text()
            chip = page.locator("a.chip-in .n").inner_text()
            assert chip == "1"
            page.screenshot(path=shots / "2-today-checked-in.png", full_page=True)
            assert page.evaluate("document.documentElement.scrollWidth") <= int(size), "no sideways scrolling"

            page.click("a.chip-in")  # the chips are plain links
            page.wait_for_url(f"{base}/dashboard?presence=in&refresh=2")
            assert page.locator("tr.line").count() == 1
            page.screenshot(path=shots / "3-today-only-in.png", full_page=True)

            page.click(".staff-nav a:has-text('Needs attention')")
            page.wait_for_selector("h1:has-text('Needs attention')")
            assert page.locator("#no_shows").count() == 1
            page.screenshot(path=shots / "4-needs-attention.png", full_page=True)
            assert page.evaluate("document.documentElement.scrollWidth") <= int(size), "no sideways scrolling"
            assert refused == [], refused
    assert all((shots / name).stat().st_size > 5_000 for name in ("2-today-checked-in.png", "4-needs-attention.png"))
