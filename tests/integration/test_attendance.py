"""The attendance loop's links, opened on Relay's own web server (the rest is in tests/unit/test_attendance.py)."""

from __future__ import annotations

import html
from typing import Any

import httpx

from tests.support import inbound, servers
from tests.support.builders import STUDENT_PHONE
from tests.unit.test_attendance import _checked_out, _day, _texts, place, runtime
from workflow.models import DayStatus

__all__ = ["place", "runtime"]  # the unit tests' fixtures, used here too


def test_the_link_shows_on_get_and_confirms_on_post(runtime: Any, place: Any) -> None:
    email = _checked_out(runtime)
    link = next(word for word in email.body_text.split() if "/l/" in word)
    path = link.split("relay.test:8000", 1)[1]
    with servers.web(runtime) as base:
        page = httpx.get(base + path)
        assert page.status_code == 200 and "Was Maya at Riverside Clinic on" in page.text
        assert _day(runtime).status == DayStatus.pending
        done = httpx.post(base + path, data={"choice": "confirm", "comment": "Lovely work"})
        assert done.status_code == 200 and "Maya's day is confirmed" in html.unescape(done.text)
    day = _day(runtime)
    assert (day.status, day.confirmed_via, day.mentor_feedback) == (DayStatus.confirmed, "link", "Lovely work")


def test_location_is_kept_only_when_shared_and_compared_with_the_site(runtime: Any, place: Any) -> None:
    inbound.sms(runtime, STUDENT_PHONE, "checkin")
    with servers.web(runtime) as base:
        path = inbound.signed_path(base, _texts(runtime)[0])
        page = httpx.get(base + path)
        assert '<script src="/static/js/checkin-location.js"' in page.text and _day(runtime).latitude is None
        assert "navigator.geolocation" in httpx.get(base + "/static/js/checkin-location.js").text
        assert httpx.post(base + path, data={"choice": "", "latitude": "", "longitude": ""}).status_code == 400
        done = httpx.post(base + path, data={"choice": "share", "latitude": "37.7755", "longitude": "-122.4180"})
        assert "Your location was saved" in done.text
    day = _day(runtime)
    assert day.location_consented_at is not None and day.distance_m is not None and 100 < day.distance_m < 200


def test_a_location_post_without_valid_coordinates_keeps_the_link_usable(runtime: Any, place: Any) -> None:
    """Missing, `nan`, `inf` or out-of-range coordinates: the page says so (400), nothing is saved,
    and the link still works; a good location afterwards is saved, once."""
    inbound.sms(runtime, STUDENT_PHONE, "checkin")
    with servers.web(runtime) as base:
        path = inbound.signed_path(base, _texts(runtime)[0])
        for latitude, longitude, words in [
            ("", "", "Your browser didn't send a location"),
            ("37.7", None, "Your browser didn't send a location"),
            ("nan", "nan", "Your browser didn't send a location"),
            ("NaN", "-122.4", "Your browser didn't send a location"),
            ("inf", "-inf", "Your browser didn't send a location"),
            ("1e400", "0", "Your browser didn't send a location"),
            ("91", "0", "That location didn't look right"),
            ("0", "-180.5", "That location didn't look right"),
        ]:
            form = {"choice": "share", "latitude": latitude}
            if longitude is not None:
                form["longitude"] = longitude
            answer = httpx.post(base + path, data=form)
            assert answer.status_code == 400, (latitude, longitude, answer.status_code)
            assert words in html.unescape(answer.text) and "You can try again" in html.unescape(answer.text)
            assert _day(runtime).location_consented_at is None
        assert "Share my location" in httpx.get(base + path).text, "the link is still usable"
        done = httpx.post(base + path, data={"choice": "share", "latitude": "37.7755", "longitude": "-122.4180"})
        assert done.status_code == 200 and "Your location was saved" in done.text
        again = httpx.post(base + path, data={"choice": "share", "latitude": "0", "longitude": "0"})
        assert "already" in html.unescape(again.text).lower()
    day = _day(runtime)
    assert (day.latitude, day.longitude) == (37.7755, -122.4180)
