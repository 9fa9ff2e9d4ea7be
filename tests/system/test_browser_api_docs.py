"""`/docs` shows the JSON API in a real browser: Swagger UI from our own /static/vendor, started by
static/api-docs.js, with the strict content security policy in force and nothing refused. And a
coordinator makes and revokes an API token on the dashboard."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support import browser, processes
from tests.system.test_browser_staff_sign_in import CASEY, LAPTOP, PHONE, _emailed_link, _refused_by_policy

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("size", "context"), [("390", PHONE), ("1280", LAPTOP)])
def test_the_api_documentation_renders(tmp_path: Path, size: str, context: dict[str, Any]) -> None:
    shots = browser.artifacts(f"api-docs-{size}")
    with processes.demo(tmp_path) as (base, _), browser.chromium(**context) as page:
        refused = _refused_by_policy(page)
        failed: list[str] = []
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.goto(f"{base}/docs")
        page.wait_for_selector(".swagger-ui .opblock-summary-path[data-path='/api/v1/days/{day_id}/resolve']")
        assert page.locator(".swagger-ui .info .title").inner_text().startswith("Relay")
        page.screenshot(path=shots / "1-docs.png", full_page=True)
        page.click(".opblock-summary-path[data-path='/api/v1/days']")
        page.wait_for_selector(".opblock.is-open .parameters-col_name:has-text('student_email')")
        page.screenshot(path=shots / "2-days-open.png", full_page=True)
        assert page.locator(".swagger-ui .btn.authorize").count() == 1, "the bearer scheme is documented"
        assert refused == [], refused
        assert [url for url in failed if not url.endswith(".map")] == []
    assert (shots / "1-docs.png").stat().st_size > 5_000


@pytest.mark.parametrize(("size", "context"), [("390", PHONE), ("1280", LAPTOP)])
def test_a_coordinator_makes_and_revokes_an_api_token(tmp_path: Path, size: str, context: dict[str, Any]) -> None:
    shots = browser.artifacts(f"api-tokens-{size}")
    with processes.demo(tmp_path) as (base, _), browser.chromium(**context) as page:
        refused = _refused_by_policy(page)
        page.goto(f"{base}/dashboard/sign-in")
        page.get_by_label("Your email address").fill(CASEY)
        page.click("#sign-in button[type=submit]")
        page.wait_for_selector("text=Check your email")
        page.goto(_emailed_link(page, base))
        page.click("button:has-text('Sign in')")
        page.wait_for_url(f"{base}/dashboard")
        page.click(".staff-nav a:has-text('API')")
        page.wait_for_selector("h1:has-text('API tokens')")
        page.get_by_label("What is it for?").fill("District data sync")
        page.click("button:has-text('Make a new token')")
        secret = page.locator("code.secret").inner_text()
        assert secret.startswith("rly_")
        page.screenshot(path=shots / "1-made.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= int(size), "no sideways scrolling"
        answer = page.request.get(f"{base}/api/v1/students", headers={"Authorization": f"Bearer {secret}"})
        assert answer.status == 200 and answer.json()
        page.click("table.tokens button:has-text('Revoke')")
        page.wait_for_selector("table.tokens td:has-text('revoked')")
        page.screenshot(path=shots / "2-revoked.png", full_page=True)
        assert page.request.get(f"{base}/api/v1/students", headers={"Authorization": f"Bearer {secret}"}).status == 401
        assert refused == [], refused
