"""Hostile requests at signed links and the student's pages over real HTTP: a friendly page or a
clear answer every time, never 500, and nothing acted on."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import select

from messaging import student_cookie, tokens
from messaging.models import ActionToken
from relay.app import create_app
from tests.conftest import TEST_KEYS
from tests.integration.test_staff_sign_in import _csrf, _sign_in
from tests.support import builders, servers
from web import student_session
from workflow.models import Role, WishlistField

PAGE = {"accept": "text/html"}


def _link(runtime: Any, ttl: timedelta = timedelta(days=3)) -> str:
    with runtime.sessions.begin() as session:
        school = builders.school(session)
        mentor = builders.person(session, school, Role.mentor, "Ruth Chen", "ruth@example.org")
        return tokens.issue(
            session,
            purpose="attendance.confirm",
            object_type="day",
            object_id=1,
            person_id=mentor.id,
            ttl=ttl,
            keys=TEST_KEYS,
            now=datetime.now(UTC),
        )


def test_odd_tokens_and_bodies_at_signed_links_get_pages_not_500(make_runtime: Any, backend: dict[str, Any]) -> None:
    runtime = make_runtime(**backend)
    token = _link(runtime)
    stale = _link(runtime, ttl=timedelta(seconds=-1))
    odd_tokens = [
        token.upper() + ").",
        token[:-2],
        token + "a",
        "%00" * 10,
        "%C3%A9" * 30,
        "%ED%A0%80",
        "a" * 5000,
        "\u0130" * len(token),
        token.replace(token[5], "\u212a", 1),  # KELVIN SIGN lowercases to "k"
    ]
    with servers.web(runtime) as base, httpx.Client(base_url=base, timeout=20) as client:
        for odd in odd_tokens:
            for method in ("GET", "HEAD", "POST"):
                answer = client.request(method, f"/l/{odd}", headers=PAGE, data={"choice": "confirm"})
                assert answer.status_code in (200, 400, 404, 410), (odd[:40], method, answer.status_code)
                assert "Traceback" not in answer.text
        bodies: list[tuple[str, bytes]] = [
            ("multipart/form-data", b"--x\r\n"),
            ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: form-data\r\n\r\nv\r\n--x--"),
            ("multipart/form-data; boundary=x", b"garbage"),
            ("application/x-www-form-urlencoded", b"choice=%FF%00&comment=" + b"%00" * 10_000),
            ("application/json", b'{"choice": "confirm"}'),
            ("text/plain", b"\xff\xfe"),
        ]
        for path in (f"/l/{stale}", f"/l/{token}"):
            for content_type, content in bodies:
                answer = client.post(path, content=content, headers={**PAGE, "content-type": content_type})
                assert answer.status_code in (200, 400, 410), (path, content_type, answer.status_code)
                assert "Traceback" not in answer.text


def test_hostile_student_forms_are_refused_in_words_never_500(make_runtime: Any, backend: dict[str, Any]) -> None:
    runtime = make_runtime(**backend)
    world = builders.build(runtime)
    cookie = student_cookie.session_value(world.student_id)
    good = student_session.form_token(cookie)
    with (
        servers.web(runtime) as base,
        httpx.Client(base_url=base, cookies={student_cookie.COOKIE: cookie}, timeout=20) as client,
    ):
        for csrf in ("\u00e9" * 32, good[:-1] + "\u00e9", "", "\x00" * 32, good + "x"):
            answer = client.post("/s/wishlist", data={"csrf": csrf, "field": "Health"}, headers=PAGE)
            assert answer.status_code == 401, (csrf, answer.status_code)
            assert "Traceback" not in answer.text
        for cookie_value in ("\u00e9", "x" * 4000, cookie + "x", cookie.replace(".", "\u00e9", 1)):
            raw_cookie = f"{student_cookie.COOKIE}={cookie_value}".encode()
            answer = httpx.get(f"{base}/s/", headers=[(b"accept", b"text/html"), (b"cookie", raw_cookie)])
            assert answer.status_code == 401, (cookie_value[:20], answer.status_code)
        for query in ("q=%00%FF&field=%ED%A0%80&note=%00", "q=" + "a" * 50_000, "note=<script>x</script>"):
            answer = client.get(f"/s/?{query}", headers=PAGE)
            assert answer.status_code == 200 and "<script>x" not in answer.text
        answer = client.post("/s/wishlist", data={"csrf": good, "field": "Hea\x00lth" + "x" * 5000}, headers=PAGE)
        assert answer.status_code in (303, 400), answer.status_code
    with runtime.sessions() as session:
        wishes = list(session.scalars(select(WishlistField)))
    assert all("\x00" not in wish.field for wish in wishes)


def test_a_staff_csrf_token_with_non_ascii_characters_is_refused_not_500(make_runtime: Any, sqlite_url: str) -> None:
    """hmac.compare_digest raises TypeError for a str with non-ASCII characters: the staff CSRF
    check answered 500 to a form or header token like that, instead of refusing it."""
    runtime = make_runtime(database_url=sqlite_url, quiet_hours="00:00-00:00")
    with runtime.sessions.begin() as session:
        school = builders.school(session)
        builders.person(session, school, Role.coordinator, "Casey Park", "casey@example.org")
    with TestClient(create_app(runtime), follow_redirects=False, raise_server_exceptions=False) as client:
        _sign_in(client, runtime, "casey@example.org")
        good = _csrf(client.get("/dashboard").text)
        for form in ({"csrf_token": "\u00e9" * 64}, {"csrf_token": good[:-1] + "\u00e9"}):
            answer = client.post("/dashboard/sign-out", data=form, headers=PAGE)
            assert answer.status_code == 403, (form, answer.status_code)
        answer = client.post("/dashboard/sign-out", headers={**PAGE, "X-CSRF-Token": ("\u00e9" * 64).encode("latin-1")})
        assert answer.status_code == 403, answer.status_code
        assert client.post("/dashboard/sign-out", data={"csrf_token": good}).status_code == 303


def _chunked(data: bytes) -> Iterator[bytes]:
    for start in range(0, len(data), 65_536):
        yield data[start : start + 65_536]


def test_forms_larger_than_any_page_sends_are_413_before_parsing(make_runtime: Any, backend: dict[str, Any]) -> None:
    """A link's or a student page's form body of 5 MB (declared, or streamed without a length) is
    answered with a page saying it was too much, and nothing acts; a full-length comment still works."""
    runtime = make_runtime(**backend)
    token = _link(runtime)
    world = builders.build(runtime)
    cookie = student_cookie.session_value(world.student_id)
    huge = b"choice=confirm&comment=" + b"x" * 5_000_000
    form = {**PAGE, "content-type": "application/x-www-form-urlencoded"}
    with (
        servers.web(runtime) as base,
        httpx.Client(base_url=base, cookies={student_cookie.COOKIE: cookie}, timeout=30) as client,
    ):
        for path in (f"/l/{token}", "/s/wishlist", "/s/suggest"):
            for content in (huge, _chunked(huge)):
                answer = client.post(path, content=content, headers=form)
                assert answer.status_code == 413, (path, answer.status_code)
                assert "too much to send" in answer.text and "Traceback" not in answer.text
        with runtime.sessions() as session:
            assert list(session.scalars(select(ActionToken.used_at))) == [None]  # the 413s acted on nothing
        fine = client.post("/s/wishlist", data={"csrf": student_session.form_token(cookie), "field": "x" * 3000})
        assert fine.status_code == 303
        comment = client.post(f"/l/{token}", data={"choice": "confirm", "comment": "y" * 4000}, headers=PAGE)
        assert comment.status_code in (200, 400)


def test_odd_counts_in_a_staff_pages_flash_are_ignored_not_500(make_runtime: Any, sqlite_url: str) -> None:
    """`?done=...&n=` (and the directory's `created=`/`updated=`): "²" passes str.isdigit() and
    then int() raises, as does a number of 5,000 digits; both answered 500."""
    runtime = make_runtime(database_url=sqlite_url, quiet_hours="00:00-00:00")
    with runtime.sessions.begin() as session:
        school = builders.school(session)
        builders.person(session, school, Role.coordinator, "Casey Park", "casey@example.org")
    with TestClient(create_app(runtime), follow_redirects=False, raise_server_exceptions=False) as client:
        _sign_in(client, runtime, "casey@example.org")
        for odd in ("\u00b2", "1" * 5000):
            for path in (
                f"/dashboard/days?done=confirmed&n={odd}",
                f"/dashboard/directory/students?done=imported&created={odd}",
            ):
                answer = client.get(path, headers=PAGE)
                assert answer.status_code == 200, (path[:60], answer.status_code)


def test_a_feedback_report_filtered_by_a_unicode_digit_is_a_page_not_500(make_runtime: Any, sqlite_url: str) -> None:
    runtime = make_runtime(database_url=sqlite_url, quiet_hours="00:00-00:00")
    with runtime.sessions.begin() as session:
        school = builders.school(session)
        builders.person(session, school, Role.coordinator, "Casey Park", "casey@example.org")
    with TestClient(create_app(runtime), follow_redirects=False, raise_server_exceptions=False) as client:
        _sign_in(client, runtime, "casey@example.org")
        for odd in ("\u00b2", "\u0663"):
            answer = client.get(f"/dashboard/reports/feedback?student={odd}&site={odd}", headers=PAGE)
            assert answer.status_code == 200, (odd, answer.status_code)


def test_the_staff_sign_in_form_is_read_with_a_limit(make_runtime: Any, sqlite_url: str) -> None:
    """POST /dashboard/sign-in needs no session: a 5 MB body was read whole and parsed."""
    runtime = make_runtime(database_url=sqlite_url)
    huge = b"email=" + b"a" * 5_000_000 + b"@example.org"
    form = {**PAGE, "content-type": "application/x-www-form-urlencoded"}
    with servers.web(runtime) as base, httpx.Client(base_url=base, timeout=30) as client:
        for content in (huge, _chunked(huge)):
            answer = client.post("/dashboard/sign-in", content=content, headers=form)
            assert answer.status_code == 413 and "too much to send" in answer.text, answer.status_code
        assert client.post("/dashboard/sign-in", data={"email": "casey@example.org"}, headers=PAGE).status_code == 200
