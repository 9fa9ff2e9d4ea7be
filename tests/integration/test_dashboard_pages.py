"""Today and Needs attention through the real app (FastAPI's TestClient), on SQLite and Postgres:
the pages, the htmx fragment, the filters, "Remind now" and "Clear" a bounce, with CSRF and
school isolation (another school's day or address is a 404 and nothing changes)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from messaging.models import BouncedAddress, OutboundMessage, SmsOptOut, Status
from relay.app import create_app
from tests.integration.test_staff_sign_in import BLAKE, CASEY, Clock, _audit, _csrf, _sign_in
from tests.support import builders
from web import attention, staff_session
from workflow.models import DayStatus, InternshipDay, Role

LA = ZoneInfo("America/Los_Angeles")
RUTH = "ruth@clinic.example"
BEA = "bea@b-clinic.example"


@dataclass
class World:
    runtime: Any
    maya: int
    sam: int
    waiting_day: int
    their_day: int


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Noon today in the schools' zone, so the day's presences do not depend on the hour."""
    moved = Clock()
    moved.now = datetime.now(LA).replace(hour=12, minute=0, second=0, microsecond=0).astimezone(LA)
    monkeypatch.setattr(staff_session, "now", moved)
    return moved


@pytest.fixture
def world(make_runtime: Any, backend: dict[str, Any], clock: Clock) -> World:
    runtime = make_runtime(**backend)
    today = clock.now.date()
    with runtime.sessions.begin() as session:
        a, b = builders.school(session, "A High"), builders.school(session, "B High")
        builders.person(session, a, Role.coordinator, "Casey Rivera", CASEY)
        builders.person(session, b, Role.coordinator, "Blake Ode", BLAKE)
        clinic = builders.site(session, a, "Riverside Clinic")
        ruth = builders.person(session, a, Role.mentor, "Ruth Chen", RUTH, site_id=clinic.id)
        maya = builders.person(session, a, Role.student, "Maya Lopez", "maya@a-high.example", phone="+15555550101")
        sam = builders.person(session, a, Role.student, "Sam Reed", "sam@a-high.example", phone="+15555550102")
        nine, three = time(9, 0), time(15, 0)
        mayas = builders.placement(session, a, maya, ruth, clinic, start=nine, end=three)
        builders.placement(session, a, sam, ruth, clinic, start=nine, end=three)
        checked_in = clock.now.replace(hour=9, minute=2)
        session.add(InternshipDay(placement_id=mayas.id, date=today, status=DayStatus.open, check_in_at=checked_in))
        earlier = today - timedelta(days=3)
        waiting = InternshipDay(
            placement_id=mayas.id,
            date=earlier,
            status=DayStatus.pending,
            check_in_at=datetime.combine(earlier, nine, LA),
            check_out_at=datetime.combine(earlier, three, LA),
            hours=6,
            confirmation_requested_at=datetime.combine(earlier, three, LA),
        )
        b_clinic = builders.site(session, b, "Bay Clinic")
        bea = builders.person(session, b, Role.mentor, "Bea Park", BEA, site_id=b_clinic.id)
        bo = builders.person(session, b, Role.student, "Bo Dee", "bo@b-high.example")
        bos = builders.placement(session, b, bo, bea, b_clinic, start=nine, end=three)
        theirs = InternshipDay(
            placement_id=bos.id,
            date=earlier,
            status=DayStatus.pending,
            check_in_at=datetime.combine(earlier, nine, LA),
            check_out_at=datetime.combine(earlier, three, LA),
            hours=6,
            confirmation_requested_at=datetime.combine(earlier, three, LA),
        )
        session.add_all([waiting, theirs])
        session.add_all([BouncedAddress(address=RUTH, status="5.1.1"), BouncedAddress(address=BEA, status="5.1.1")])
        session.add(SmsOptOut(phone="+15555550102", keyword="STOP"))
        session.add(
            OutboundMessage(
                channel="sms",
                status=Status.failed,
                template="sms/checkin_ack",
                school_id=a.id,
                person_id=maya.id,
                to_address="+15555550101",
                from_address="+15005550006",
                body_text="x",
                last_error="21211 not a valid phone number",
            )
        )
        session.flush()
        return World(runtime, maya.id, sam.id, waiting.id, theirs.id)


@pytest.fixture
def client(world: World) -> Iterator[TestClient]:
    with TestClient(create_app(world.runtime), follow_redirects=False) as test_client:
        yield test_client


def _day(world: World, day_id: int) -> InternshipDay:
    with world.runtime.sessions() as session:
        day: InternshipDay = session.get_one(InternshipDay, day_id)
        return day


def _reminders(world: World) -> list[OutboundMessage]:
    with world.runtime.sessions() as session:
        query = select(OutboundMessage).where(OutboundMessage.template == "email/mentor_reminder")
        return list(session.scalars(query))


def _bounced(world: World) -> set[str]:
    with world.runtime.sessions() as session:
        return set(session.scalars(select(BouncedAddress.address)))


def test_today_shows_each_placement_with_counts_that_filter(client: TestClient, world: World) -> None:
    _sign_in(client, world.runtime)
    page = client.get("/dashboard")
    assert page.status_code == 200 and "<h1>Today" in page.text
    text = page.text
    assert f'href="/dashboard/students/{world.maya}"' in text and f'href="/dashboard/students/{world.sam}"' in text
    assert "since 9:02am" in text and "9:00am–3:00pm" in text and "Riverside Clinic" in text
    assert 'hx-get="/dashboard/today/lines"' in text and 'hx-trigger="every 20s"' in text
    assert re.search(r'href="/dashboard\?presence=in"[^>]*><span class="n">1</span> In now', text)
    assert re.search(r'href="/dashboard\?presence=no_show"[^>]*><span class="n">1</span> No show', text)
    assert "Do this first" in text and "Sam Reed hasn't checked in" in text  # the no-show stands out

    only_in = client.get("/dashboard?presence=in")
    assert "Maya Lopez" in only_in.text and f"/dashboard/students/{world.sam}" not in only_in.text.split("<table")[1]
    nobody = client.get("/dashboard?presence=closed_without_checkout")
    assert "Nobody here right now" in nobody.text and "<table" not in nobody.text
    assert client.get("/dashboard?presence=nonsense").status_code == 200  # an unknown filter shows everyone

    fragment = client.get("/dashboard/today/lines?presence=no_show&refresh=2", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and fragment.text.startswith('<div id="today-board"')
    assert "<html" not in fragment.text and "Sam Reed" in fragment.text and "since 9:02am" not in fragment.text
    assert (
        'hx-trigger="every 2s"' in fragment.text
        and 'hx-get="/dashboard/today/lines?presence=no_show&amp;refresh=2"' in fragment.text
    )


def test_a_school_sees_only_its_own_day(client: TestClient, world: World) -> None:
    _sign_in(client, world.runtime, BLAKE)
    page = client.get("/dashboard").text
    assert "Maya Lopez" not in page and "Sam Reed" not in page and "Bo Dee" in page
    attention = client.get("/dashboard/attention").text
    assert "Maya Lopez" not in attention and RUTH not in attention and "Bo Dee" in attention and BEA in attention


def test_needs_attention_lists_each_section_with_its_count(client: TestClient, world: World) -> None:
    _sign_in(client, world.runtime)
    page = client.get("/dashboard/attention")
    assert page.status_code == 200
    text = page.text
    assert "Mentors who haven't answered" in text and "Ruth Chen" in text and "Remind now" in text
    assert f'action="/dashboard/days/{world.waiting_day}/remind"' in text
    assert f'action="/dashboard/days/{world.their_day}/remind"' not in text
    assert "Emails that bounce" in text and RUTH in text and BEA not in text
    assert "Phones that opted out of texts" in text and "+15555550102" in text
    assert "Messages that couldn't be sent" in text and "21211" in text
    assert "All clear" in text and "<li>Disputed days</li>" in text


def test_needs_attention_shows_the_first_of_each_list_and_links_to_all(
    client: TestClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _sign_in(client, world.runtime)
    whole = client.get("/dashboard/attention").text
    assert "Show all" not in whole, "every list fits"
    monkeypatch.setattr(attention, "SHOWN", 1)
    first = client.get("/dashboard/attention").text
    assert re.search(r'<a href="/dashboard/attention\?all=1#no_shows">Show all \d+</a> · the first 1 are here', first)
    everything = client.get("/dashboard/attention", params={"all": "1"}).text
    assert "Show all" not in everything and everything.count("See the record") == whole.count("See the record")
    assert first.count("See the record") == 1 < whole.count("See the record")


def test_remind_now_needs_the_csrf_token_and_queues_the_email(client: TestClient, world: World) -> None:
    with world.runtime.sessions.begin() as session:  # Ruth's address works again
        session.delete(session.get_one(BouncedAddress, RUTH))
    _sign_in(client, world.runtime)
    token = _csrf(client.get("/dashboard/attention").text)
    path = f"/dashboard/days/{world.waiting_day}/remind"
    for data in ({}, {"csrf_token": "0" * 64}):
        assert client.post(path, data=data).status_code == 403
    assert _reminders(world) == [] and _day(world, world.waiting_day).mentor_reminded_at is None

    done = client.post(path, data={"csrf_token": token})
    assert done.status_code == 303 and done.headers["location"] == "/dashboard/attention?done=reminded#unanswered"
    [email] = _reminders(world)
    assert email.to_address == RUTH and email.status == Status.queued
    assert _day(world, world.waiting_day).mentor_reminded_at is not None
    [entry] = _audit(world.runtime, "day.mentor_reminded")
    assert entry.channel == "dashboard" and "Casey Rivera" in entry.actor
    assert "fresh reminder" in client.get(done.headers["location"]).text

    again = client.post(path, data={"csrf_token": token})
    assert again.headers["location"] == "/dashboard/attention?done=reminded_recently#unanswered"
    assert "less than an hour ago" in client.get(again.headers["location"]).text and len(_reminders(world)) == 1


def test_remind_now_for_another_schools_day_is_a_404_and_changes_nothing(client: TestClient, world: World) -> None:
    _sign_in(client, world.runtime)
    token = _csrf(client.get("/dashboard/attention").text)
    for day_id in (world.their_day, 10**9):
        assert client.post(f"/dashboard/days/{day_id}/remind", data={"csrf_token": token}).status_code == 404
    assert _reminders(world) == [] and _day(world, world.their_day).mentor_reminded_at is None
    assert _audit(world.runtime, "day.mentor_reminded") == []


def test_clear_a_bounce_of_this_school_only(client: TestClient, world: World) -> None:
    _sign_in(client, world.runtime)
    token = _csrf(client.get("/dashboard/attention").text)
    assert client.post("/dashboard/bounces/clear", data={"address": RUTH}).status_code == 403
    for address in (BEA, "nobody@nowhere.example", ""):  # another school's person, nobody, nothing
        answer = client.post("/dashboard/bounces/clear", data={"address": address, "csrf_token": token})
        assert answer.status_code == 404
    assert _bounced(world) == {RUTH, BEA} and _audit(world.runtime, "email.bounce_cleared") == []

    done = client.post("/dashboard/bounces/clear", data={"address": " Ruth@Clinic.example ", "csrf_token": token})
    assert done.status_code == 303 and done.headers["location"] == "/dashboard/attention?done=cleared#bounces"
    assert _bounced(world) == {BEA}
    [entry] = _audit(world.runtime, "email.bounce_cleared")
    assert entry.channel == "dashboard" and "Casey Rivera" in entry.actor
    page = client.get(done.headers["location"]).text
    assert "Relay will email that address again" in page and "<li>Emails that bounce</li>" in page
    again = client.post("/dashboard/bounces/clear", data={"address": RUTH, "csrf_token": token})
    assert again.headers["location"] == "/dashboard/attention?done=not_blocked#bounces"


def test_the_students_reflection_is_on_the_day_and_the_student_pages(client: TestClient, world: World) -> None:
    with world.runtime.sessions.begin() as session:
        session.get_one(InternshipDay, world.waiting_day).reflection = "Learned to read a chest X-ray\nand <b>CT</b>"
    _sign_in(client, world.runtime)
    day = client.get(f"/dashboard/days/{world.waiting_day}").text
    assert '<dt>Learned</dt><dd class="reflection">Learned to read a chest X-ray\nand &lt;b&gt;CT&lt;/b&gt;</dd>' in day
    student = client.get(f"/dashboard/students/{world.maya}").text
    assert "Learned: Learned to read a chest X-ray" in student
