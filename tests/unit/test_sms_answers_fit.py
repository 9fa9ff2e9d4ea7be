"""An answer to a student's own text (check-in, goals, check-out) takes one SMS segment, with
the longest realistic values: a 40-character site, an 11-letter first name, a long mentor's
name, the latest times, a school's own domain in the short link. And texts carry short links."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.testclient import TestClient

from messaging import rendering, segments, short_links
from relay.app import create_app
from tests.support import builders, inbound
from tests.unit.template_samples import COMMON, SAMPLES

LONG_SITE = "St. Mary's Children's Hospital Radiology"  # 40 characters
SHORT_URL = "https://relay.lincoln-high.org/t/" + "X" * short_links.LENGTH
LATE = datetime(2026, 3, 10, 18, 55, tzinfo=UTC)  # 11:55am in Los Angeles: the longest time
LONGEST: dict[str, Any] = {
    "person": SimpleNamespace(
        **{**vars(COMMON["person"]), "first_name": "Maximiliano", "name": "Maximiliano Rodriguez"}
    ),
    "site": LONG_SITE,
    "mentor": SimpleNamespace(name="Dr. Alexandra Montgomery-Okafor", first_name="Alexandra"),
    "at": LATE,
    "checked_out": LATE,
    "hours": Decimal("10.25"),
    "location_url": SHORT_URL,
    "pages_url": SHORT_URL,
    "options": [(1, LONG_SITE), (2, "Bayview Robotics and Automation Lab")],
}
# READY by text: the widest days, hours and dates a student may send, and what is asked back.
WIDEST_START = SimpleNamespace(
    days="Mon Tue Wed Thu Fri",
    start_time=time(10, 30),
    end_time=time(12, 30),
    start_date=date(2026, 9, 30),
    end_date=date(2027, 12, 30),
)
NOTHING_SAID = SimpleNamespace(days=None, start=None, end=None, first=None, last=None)
WIDEST_SAID = SimpleNamespace(
    days="Mon Tue Wed Thu Fri", start=time(10, 30), end=time(12, 30), first=date(2026, 9, 30), last=None
)
DATES_SAID = SimpleNamespace(days=None, start=None, end=None, first=date(2026, 9, 30), last=date(2027, 12, 30))
LONG_PROBLEM = "'wednesdayyyy' isn't a day, time or date"  # the longest a typo makes it
ANSWERS = [
    ("checkin_ack", {}, "site"),
    ("checkin_already", {"checked_out": None}, None),
    ("checkin_already", {}, None),
    ("checkin_which", {}, None),
    ("goals_ack", {"unscheduled": False}, None),
    ("goals_ack", {"unscheduled": True}, None),
    ("checkout_ack", {}, None),
    ("checkout_ack", {"reflected": True}, None),
    ("reflection_saved", {}, None),
    ("reflection_added", {}, None),
    ("checkout_already", {}, None),
    ("checkout_without_checkin", {}, None),
    ("start_sent", {"request": WIDEST_START}, "site"),
    ("ready_ask", {"said": NOTHING_SAID, "missing": ("days", "hours", "dates")}, None),
    ("ready_ask", {"said": WIDEST_SAID, "missing": ("dates",)}, None),
    ("ready_ask", {"said": DATES_SAID, "missing": ("days", "hours")}, None),
    ("ready_ask", {"said": NOTHING_SAID, "missing": ("days", "hours", "dates"), "problem": LONG_PROBLEM}, None),
    ("student_link", {"ready": True, "pursuing": 0, "pages_url": SHORT_URL}, None),
    ("student_link", {"ready": True, "pursuing": 2, "pages_url": SHORT_URL}, None),
    ("evaluation_rated", {"rating": 5, "ask_consent": True}, None),
    ("evaluation_rate_again", {}, None),
    ("evaluation_consent_again", {}, None),
    ("evaluation_consent_ack", {"consent": True}, None),
    ("evaluation_consent_ack", {"consent": False}, None),
]


@pytest.mark.parametrize(("name", "extra", "fit"), ANSWERS)
def test_an_answer_to_the_students_own_text_is_one_segment(name: str, extra: dict[str, Any], fit: str | None) -> None:
    context = {**COMMON, **SAMPLES[f"sms/{name}"], **LONGEST, **extra}
    rendered = rendering.render_sms(name, context, fit=fit, limit=1)
    assert rendered.segments == 1, f"sms/{name} takes {rendered.segments} segments: {rendered.text!r}"
    if fit:
        assert "Riverside" in rendering.render_sms(name, {**context, "site": "Riverside Clinic"}, limit=1).text


def test_checkin_answer_shortens_only_an_unrealistically_long_site() -> None:
    context = {**COMMON, **SAMPLES["sms/checkin_ack"], **LONGEST, "site": "A" * 120}
    rendered = rendering.render_sms("checkin_ack", context, fit="site", limit=1)
    assert rendered.segments == 1 and "AAA..." in rendered.text and rendered.text.endswith(SHORT_URL)


def test_short_codes_are_unguessable_and_typeable() -> None:
    assert len(short_links.ALPHABET) == len(set(short_links.ALPHABET)) == 56
    assert not set("0O1Il") & set(short_links.ALPHABET)
    codes = {short_links.new_code() for _ in range(2000)}
    assert len(codes) == 2000 and all(re.fullmatch(f"[{short_links.ALPHABET}]{{8}}", c) for c in codes)


def test_a_text_carries_a_short_link_that_leads_to_the_signed_link(make_runtime: Any, sqlite_url: str) -> None:
    runtime = make_runtime(database_url=sqlite_url, quiet_hours="00:00-00:00")
    builders.build(runtime)
    inbound.sms(runtime, builders.STUDENT_PHONE, "checkin")
    [text] = [m.body_text for m in inbound.sent(runtime, builders.STUDENT_PHONE) if m.template == "sms/checkin_ack"]
    assert segments.count(text).segments == 1, text
    match = re.search(r"(https?://\S+)/t/(\S+)$", text)
    assert match, text
    code = match.group(2)
    with TestClient(create_app(runtime)) as client:
        found = client.get(f"/t/{code}", follow_redirects=False)
        assert found.status_code == 303 and found.headers["location"].startswith("/l/")
        assert client.get(found.headers["location"]).status_code == 200
        assert client.get("/t/XXXXXXXX").status_code == 404
    with runtime.sessions() as session:
        assert short_links.token_for(session, code, datetime.now(UTC) + timedelta(days=400)) is None, "expires"


@pytest.mark.parametrize("name", ["request_waiting", "start_approved"])
def test_the_texts_about_a_request_in_line_or_a_start_approved_are_one_segment(name: str) -> None:
    context = {**COMMON, **SAMPLES[f"sms/{name}"], **LONGEST, "place": 12}
    rendered = rendering.render_sms(name, context, limit=1)
    assert rendered.segments == 1, f"sms/{name} takes {rendered.segments} segments: {rendered.text!r}"


@pytest.mark.parametrize("first_name", ["Maya", "Zoë", "Łukasz", "美玲"])
def test_the_checkout_answer_invites_a_reflection_in_one_segment_whatever_the_name(first_name: str) -> None:
    """A name outside GSM-7 makes the text UCS-2 (70 characters a segment): the answer then drops
    the names, never the invitation, and stays one segment."""
    person = SimpleNamespace(**{**vars(COMMON["person"]), "first_name": first_name})
    context = {
        **COMMON,
        **SAMPLES["sms/checkout_ack"],
        **LONGEST,
        "person": person,
        "mentor": SimpleNamespace(name="Dr. Ruth Chen"),
    }
    rendered = rendering.render_sms("checkout_ack", context, limit=1)
    assert rendered.segments == 1, rendered.text
    assert rendered.text.endswith("What did you learn today? Reply with one line (optional).")
    if first_name == "Maya":
        assert "Thanks, Maya! Dr. Ruth Chen will confirm your day." in rendered.text, "names kept when they fit"
