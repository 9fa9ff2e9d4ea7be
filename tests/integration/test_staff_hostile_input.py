"""Hostile and careless input on the staff side, through the real app on SQLite and Postgres: ids
no database column holds in a list's ticked boxes are a 404 that changes nothing (they were a 500),
and a region named like a formula stays text in `relay report network --format csv`."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from relay import report_cli
from relay.app import create_app
from tests.integration.test_staff_fixes import _day, _requests, _signed_in, _status, _worked
from tests.unit import oversight_world as w
from tests.unit.oversight_world import TODAY
from web.models import SignInRequest
from workflow.models import AuditEntry, DayStatus, Person, Role, School
from workflow.requests.states import State

TOO_BIG = ["99999999999999999999", "-1", "0", str(2**63)]


@pytest.fixture
def runtime(make_runtime: Any, backend: dict[str, Any]) -> Any:
    return make_runtime(**backend, quiet_hours="00:00-00:00")


@pytest.fixture
def world(runtime: Any) -> w.World:
    with runtime.sessions.begin() as session:
        return w.build(session)


@pytest.fixture
def client(runtime: Any, world: w.World) -> Iterator[TestClient]:
    app = create_app(runtime)
    with TestClient(app, follow_redirects=False, raise_server_exceptions=False) as test_client:
        yield test_client


def _audit_count(runtime: Any) -> int:
    with runtime.sessions() as session:
        return int(session.query(AuditEntry).count())


@pytest.mark.parametrize("bad", TOO_BIG)
def test_an_id_no_column_holds_in_the_ticked_days_is_404(
    client: TestClient, runtime: Any, world: w.World, bad: str
) -> None:
    csrf = _signed_in(client, runtime)
    day_id = _worked(runtime, world, "Nora Noshow", TODAY)
    before = _audit_count(runtime)
    form = {"csrf_token": csrf, "status": "pending", "day_id": [str(day_id), bad], "reason": "Phone"}
    answer = client.post("/dashboard/days/confirm", data=form)
    assert answer.status_code == 404, answer.text[:300]
    assert _day(runtime, day_id).status == DayStatus.pending and _audit_count(runtime) == before


@pytest.mark.parametrize("bad", TOO_BIG)
def test_an_id_no_column_holds_in_the_ticked_requests_is_404(
    client: TestClient, runtime: Any, world: w.World, bad: str
) -> None:
    csrf = _signed_in(client, runtime)
    (one,) = _requests(runtime, world, ("Nora Noshow", State.requested))
    before = _audit_count(runtime)
    form = {"csrf_token": csrf, "request_id": [str(one), bad], "reason": "Good fit", "decision": "approve"}
    answer = client.post("/dashboard/requests/decide", data=form)
    assert answer.status_code == 404, answer.text[:300]
    assert _status(runtime, one) == State.requested and _audit_count(runtime) == before


def test_a_region_named_like_a_formula_stays_text_in_the_network_csv(runtime: Any, world: w.World) -> None:
    _worked(runtime, world, "Nora Noshow", TODAY)
    with runtime.sessions.begin() as session:
        session.execute(update(School).values(region="=cmd|' /C calc'!A0"))
    out = io.StringIO()
    assert report_cli.report(runtime, "network", "csv", out, today=TODAY) == 0
    lines = out.getvalue().splitlines()
    assert any(line.startswith("\"'=cmd|") or line.startswith("'=cmd|") for line in lines), lines
    assert not any(line.startswith(("=", '"=')) for line in lines), lines


def _advisors(runtime: Any) -> set[str]:
    with runtime.sessions() as session:
        return {p.email or "" for p in session.scalars(select(Person).where(Person.role == Role.advisor))}


def test_a_csv_upload_with_a_nul_character_is_a_problem_on_its_line_not_a_500(
    client: TestClient, runtime: Any, world: w.World
) -> None:
    csrf = _signed_in(client, runtime)
    before = _advisors(runtime)
    raw = b"name,email\nFine Advisor,fine@example.org\nNul\x00 Advisor,nul@example.org\n"
    answer = client.post(
        "/dashboard/directory/advisors/upload", files={"file": ("a.csv", raw, "text/csv")}, data={"csrf_token": csrf}
    )
    assert answer.status_code == 400, answer.text[:300]
    assert "Line 3" in answer.text and "NUL character" in answer.text
    assert _advisors(runtime) == before, "nothing imported"


def test_a_nul_character_in_a_search_a_reason_or_a_label_is_kept_as_text(
    client: TestClient, runtime: Any, world: w.World
) -> None:
    """Postgres refuses NUL in text (and `\\u0000` in JSON): every one of these answered 500 there."""
    csrf = _signed_in(client, runtime)
    for path in ("/dashboard/directory/students", "/dashboard/reports/feedback"):
        answer = client.get(path, params={"q": "Nora\x00"})
        assert answer.status_code == 200, (path, answer.status_code)
    day_id = _worked(runtime, world, "Nora Noshow", TODAY)
    form = {"csrf_token": csrf, "status": "pending", "day_id": [str(day_id)], "reason": "Phone\x00call"}
    assert client.post("/dashboard/days/confirm", data=form).status_code == 303
    assert _day(runtime, day_id).status == DayStatus.confirmed
    with runtime.sessions() as session:
        said = [v for e in session.scalars(select(AuditEntry)) for v in e.detail.values() if isinstance(v, str)]
    assert {"Phone\ufffdcall", "Phone\x00call"} & set(said), f"audited, the reason kept: {said}"
    made = client.post("/dashboard/api-tokens", data={"csrf_token": csrf, "label": "sync\x00"})
    assert made.status_code < 500, made.text[:300]
    added = {"csrf_token": csrf, "name": "Ada\x00 Lovelace", "email": "ada@example.org"}
    assert client.post("/dashboard/directory/advisors/new", data=added).status_code == 303
    assert "ada@example.org" in _advisors(runtime)


@pytest.mark.parametrize("since, until", [("9999-12-25", "9999-12-31"), ("0001-01-01", "0001-01-07")])
def test_a_period_at_the_end_of_the_calendar_shows_the_default_with_words(
    client: TestClient, runtime: Any, world: w.World, since: str, until: str
) -> None:
    """9999-12-31's week ends after the last date Python holds: the hours report answered 500."""
    _signed_in(client, runtime)
    for path in ("/dashboard/reports", f"/dashboard/reports/students/{world.students['Nora Noshow']}"):
        page = client.get(path, params={"from": since, "to": until})
        assert page.status_code == 200, (path, page.status_code)
        assert "is too far away" in page.text


def test_a_body_too_big_to_hold_is_413_before_any_route_reads_it(client: TestClient, runtime: Any) -> None:
    """Starlette reads a form whole into memory; the sign-in form needs no session, so anyone could
    make the server hold gigabytes. Declared or chunked, a body over the cap is refused unread."""
    big = b"email=" + b"a" * (2 * 1024 * 1024) + b"@example.org"
    declared = client.post(
        "/dashboard/sign-in", content=big, headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert declared.status_code == 413 and "too much to send" in declared.text
    assert "default-src 'self'" in declared.headers["content-security-policy"]

    def chunks() -> Iterator[bytes]:
        yield b"email="
        for _ in range(40):
            yield b"a" * 65536

    chunked = client.post(
        "/dashboard/sign-in", content=chunks(), headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert chunked.status_code == 413
    api = client.post("/api/v1/days/1/resolve", content=big, headers={"content-type": "application/json"})
    assert api.status_code == 413 and "larger than 1 MB" in api.json()["detail"]
    with runtime.sessions() as session:
        assert session.scalars(select(SignInRequest)).all() == [], "no route ran"
    small = client.post("/dashboard/sign-in", data={"email": "nobody@example.org"})
    assert small.status_code == 200, "a form of ordinary size is read as before"


def test_a_form_that_cannot_be_read_is_a_page_for_a_browser_not_json(client: TestClient, runtime: Any) -> None:
    """Two files in the upload, too many fields, a label past its length: Starlette's or FastAPI's
    JSON ({"detail": "Too many files..."}) was what a coordinator's browser showed."""
    csrf = _signed_in(client, runtime)
    page = {"accept": "text/html,application/xhtml+xml"}
    one = ("a.csv", b"name,email\nA,a@example.org\n", "text/csv")
    two_files = client.post(
        "/dashboard/directory/advisors/upload",
        files=[("file", one), ("file", one)],
        data={"csrf_token": csrf},
        headers=page,
    )
    many_fields = client.post("/dashboard/sign-in", data={f"f{i}": "x" for i in range(1001)}, headers=page)
    long_label = client.post("/dashboard/api-tokens", data={"csrf_token": csrf, "label": "x" * 2001}, headers=page)
    for answer in (two_files, many_fields, long_label):
        assert answer.status_code in (400, 422) and answer.headers["content-type"].startswith("text/html")
        assert "couldn&#39;t be read, so nothing was changed" in answer.text or "couldn't be read" in answer.text
    assert "a@example.org" not in _advisors(runtime)
    program = client.post("/dashboard/sign-in", data={f"f{i}": "x" for i in range(1001)})
    assert program.status_code == 400 and program.json()["detail"], "a program (no text/html) still gets JSON"


@pytest.mark.parametrize("raw", [bytes(range(256)) * 4, b'name,email\n"' + b"a" * 140000 + b'"\n'])
def test_a_binary_or_unreadable_upload_names_the_file_not_line_0(
    client: TestClient, runtime: Any, world: w.World, raw: bytes
) -> None:
    csrf = _signed_in(client, runtime)
    before = _advisors(runtime)
    answer = client.post(
        "/dashboard/directory/advisors/upload", files={"file": ("a.csv", raw, "text/csv")}, data={"csrf_token": csrf}
    )
    assert answer.status_code == 400 and '<span class="where">The file</span>' in answer.text
    assert "Line 0" not in answer.text and _advisors(runtime) == before
