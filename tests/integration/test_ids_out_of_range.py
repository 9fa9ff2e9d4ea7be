"""An id in a path that names nothing (out of the database's range, negative, not a number) is the
404 page, never a 500; so are codes and tokens the database cannot hold (a NUL byte on Postgres).
Through the real door: the app under uvicorn, a signed-in student posting with a valid form token.
Nothing changes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from messaging import student_cookie
from relay.app import create_app
from tests.support import builders, servers
from web import security, student_session
from workflow.models import Favourite, InternshipRequest

HUGE = "99999999999999999999"
BAD_IDS = [HUGE, str(2**63), "-" + HUGE, "-1", "0", "abc", "1e3"]
ID_ROUTES = ["favourite", "request", "start", "withdraw"]  # every int path parameter in web/


@pytest.mark.parametrize("backend", ["sqlite", "postgres+redis"], indirect=True)
def test_ids_out_of_range_are_404_pages_and_change_nothing(make_runtime: Any, backend: dict[str, Any]) -> None:
    runtime = make_runtime(**backend)
    world = builders.build(runtime)
    cookie = student_cookie.session_value(world.student_id)
    page = {"accept": "text/html"}
    with servers.web(runtime) as base, httpx.Client(base_url=base, cookies={student_cookie.COOKIE: cookie}) as client:
        for route in ID_ROUTES:
            for bad in BAD_IDS:
                answer = client.post(
                    f"/s/{route}/{bad}", data={"csrf": student_session.form_token(cookie)}, headers=page
                )
                assert answer.status_code == 404, (route, bad, answer.status_code)
                assert "text/html" in answer.headers["content-type"]
                assert "Content-Security-Policy" in answer.headers
            program = client.post(f"/s/{route}/{HUGE}", data={"csrf": student_session.form_token(cookie)})
            assert program.status_code == 404 and program.json() == {"detail": "Not Found"}
        for path in [f"/t/{HUGE}", "/t/%00", "/t/" + "x" * 3000, "/l/%00", f"/l/{HUGE}", "/dashboard/sign-in/%00"]:
            answer = client.get(path, headers=page)
            assert answer.status_code == 404, (path, answer.status_code)
        assert client.get("/s/", params={"q": "\x00", "field": "\x00"}, headers=page).status_code == 200
        token = student_session.form_token(cookie)
        suggested = client.post(
            "/s/suggest", data={"csrf": token, "name": "Bay\x00view", "address": "\x00"}, headers=page
        )
        assert suggested.status_code == 303, suggested.status_code
        asked = client.post(
            "/dashboard/sign-in", data={"email": "cora\x00@example.org"}, headers={**page, "origin": base}
        )
        assert asked.status_code < 500, asked.status_code
    with runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Favourite)) == 0
        assert session.scalar(select(func.count()).select_from(InternshipRequest)) == 0


def test_the_500_page_carries_the_security_headers(make_runtime: Any, sqlite_url: str) -> None:
    """The last-resort page is answered outside the middleware; it carries the headers itself."""
    runtime = make_runtime(database_url=sqlite_url)
    app = create_app(runtime)

    @app.get("/s/boom")
    def boom() -> None:
        raise RuntimeError("a bug")

    client = TestClient(app, raise_server_exceptions=False)
    for accept in ("text/html", "application/json"):
        answer = client.get("/s/boom", headers={"accept": accept})
        assert answer.status_code == 500 and "a bug" not in answer.text
        assert answer.headers["Content-Security-Policy"] == security.policy("/s/boom")
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["X-Frame-Options"] == "DENY"
