"""The reports on a term made through the real doors (tests/integration/reports_world.py): every
figure is computed here from the days, and the page, the JSON API, the downloads and `relay export
attendance --from --to` agree with it row for row, including a no-show with no row, a disputed day
settled on the dashboard and the day the clocks went back."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from relay.app import create_app
from tests.integration import reports_world as rw
from tests.support.processes import ROOT, relay_env
from web import staff_session
from workflow import exports
from workflow.models import Person

PERIOD = {"from": rw.SINCE.isoformat(), "to": rw.UNTIL.isoformat()}


@pytest.fixture
def world(make_runtime: Any, backend: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> rw.World:
    return rw.build(make_runtime, backend, monkeypatch)


@pytest.fixture
def client(world: rw.World) -> Iterator[TestClient]:
    with TestClient(create_app(world.runtime), follow_redirects=False) as test_client:
        with world.runtime.sessions.begin() as session:
            session_id = staff_session.start(session, session.get_one(Person, world.coordinator_id), world.clock.now)
        test_client.cookies.set(staff_session.COOKIE, session_id, domain="testserver.local")
        yield test_client


def _export(world: rw.World) -> list[dict[str, Any]]:
    with world.runtime.sessions() as session:
        return list(exports.attendance(session, since=rw.SINCE, until=rw.UNTIL, now=world.clock.now))


def _figures(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each student's figures, computed from the days alone."""
    found: dict[str, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        f = found[row["student_email"]]
        f["name"] = row["student_name"]
        status = row["status"]
        f[f"days_{status}"] += 1
        if status == "confirmed":
            f["confirmed_hours"] += Decimal(str(row["hours"]))
        if status == "pending":
            f["pending_hours"] += Decimal(str(row["hours"]))
    for f in found.values():
        present = f["days_confirmed"] + f["days_pending"] + f["days_open"]
        counted = present + f["days_missed"] + f["days_disputed"]
        f["attendance_rate"] = round(present / counted, 4) if counted else None
    return found


def test_the_days_of_the_term_one_row_each_with_no_shows_and_the_dst_day(world: rw.World) -> None:
    rows = _export(world)
    maya = [(r["date"], r["status"], r["hours"], r["confirmed_via"]) for r in rows if r["student_name"] == "Maya Lopez"]
    assert maya == [
        ("2026-10-20", "confirmed", 6.0, "email"),
        ("2026-10-22", "missed", None, None),  # no row in the database: a scheduled day with no check-in
        ("2026-10-25", "confirmed", 6.0, "dashboard"),  # disputed by Ruth, settled by Cora
        ("2026-10-27", "pending", 6.0, None),
        ("2026-10-29", "pending", 6.0, None),  # closed by the job without a check-out
        ("2026-11-01", "confirmed", 5.0, "email"),  # 00:30 EDT to 04:30 EST is five hours, not four
        ("2026-11-03", "disputed", 6.0, "email"),
        ("2026-11-05", "missed", None, None),
        ("2026-11-08", "missed", None, None),
        ("2026-11-10", "missed", None, None),
    ]
    dst = next(r for r in rows if r["date"] == "2026-11-01")
    assert (dst["check_in_at"], dst["check_out_at"]) == ("2026-11-01T00:30:00-04:00", "2026-11-01T04:30:00-05:00")
    assert {(r["mentor_name"], r["site"]) for r in rows if r["student_name"] == "Sam Reed"} == {
        ("Ben Ode", "Harbor Lab")
    }
    sam = [r["status"] for r in rows if r["student_name"] == "Sam Reed"]
    assert sam == ["confirmed"] + ["missed"] * 7


def test_the_figures_from_the_days(world: rw.World) -> None:
    f = _figures(_export(world))
    maya, sam = f["maya@lincoln.example"], f["sam@lincoln.example"]
    assert (maya["confirmed_hours"], maya["pending_hours"]) == (Decimal("17"), Decimal("12"))
    assert (maya["days_confirmed"], maya["days_missed"], maya["days_disputed"]) == (3, 4, 1)
    assert maya["attendance_rate"] == 0.5
    assert (sam["confirmed_hours"], sam["days_confirmed"], sam["days_missed"], sam["attendance_rate"]) == (
        Decimal("6"),
        1,
        7,
        0.125,
    )


def _api(client: TestClient) -> list[dict[str, Any]]:
    answer = client.get("/api/v1/reports/hours", params=PERIOD)
    assert answer.status_code == 200, answer.text
    rows: list[dict[str, Any]] = answer.json()
    return rows


def test_the_json_api_and_the_download_agree_with_the_days(world: rw.World, client: TestClient) -> None:
    figures = _figures(_export(world))
    api = _api(client)
    assert [r["student_email"] for r in api] == ["maya@lincoln.example", "sam@lincoln.example"]
    for row in api:
        f = figures[row["student_email"]]
        assert row["name"] == f["name"]
        assert Decimal(str(row["confirmed_hours"])) == f["confirmed_hours"]
        assert Decimal(str(row["pending_hours"])) == f["pending_hours"]
        for name in ("days_confirmed", "days_missed", "days_disputed", "attendance_rate"):
            assert row[name] == f[name], name
    assert [r["required_hours"] for r in api] == [80.0, 60.0], "Maya's own; Sam has the school's"
    download = client.get("/dashboard/reports", params={**PERIOD, "format": "json"})
    assert download.headers["content-disposition"].startswith("attachment;")
    assert [{k: r[k] for k in api[0]} for r in download.json()] == api
    as_csv = list(
        csv.DictReader(io.StringIO(client.get("/dashboard/reports", params={**PERIOD, "format": "csv"}).text))
    )
    assert [(r["student_email"], r["days_missed"], r["confirmed_hours"]) for r in as_csv] == [
        (r["student_email"], str(r["days_missed"]), str(r["confirmed_hours"])) for r in api
    ]


def _hours(value: Any) -> str:
    rounded = Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{rounded:f}".removesuffix(".0")


def _table(page: str, table_id: str) -> list[list[str]]:
    body = page.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    cells = [
        [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r, re.S)]
        for r in rows
    ]
    return cells


def test_the_page_shows_the_same_figures_with_totals(world: rw.World, client: TestClient) -> None:
    api = _api(client)
    page = client.get("/dashboard/reports", params=PERIOD)
    assert page.status_code == 200
    table = _table(page.text, "students-table")
    header, lines, totals = table[0], table[1:-1], table[-1]
    assert header[0].startswith("Student")
    shown = [
        [
            r["name"],
            _hours(r["confirmed_hours"]),
            _hours(r["pending_hours"]),
            _hours(r["required_hours"]),
            str(r["days_confirmed"]),
            str(r["days_missed"]),
            str(r["days_disputed"]),
            f"{round(r['attendance_rate'] * 100)}%",
        ]
        for r in api
    ]
    assert [line[:4] + line[5:8] + line[9:] for line in lines] == shown
    assert totals[:4] == ["All 2 students", "23", "12", "140"]
    assert totals[5:8] == ["4", "11", "1"] and totals[9] == f"{round(6 / 18 * 100)}%"
    weeks = _table(page.text, "weeks-table")[1:]
    assert [w[0] for w in weeks] == ["Oct 19", "Oct 26", "Nov 2", "Nov 9"]
    # Week of Oct 19: Sam Mon (present), Wed (missed); Maya Tue (present), Thu (missed), Sun 25 (present)
    assert weeks[0][1:4] == ["3", "2", "0"]
    assert sum(int(w[2]) for w in weeks) == 11 and sum(int(w[1]) for w in weeks) == 6
    assert '<svg viewBox="0 0 720 260" role="img"' in page.text and '<title id="weeks-title">' in page.text


def test_sorting_by_a_column_in_the_query(world: rw.World, client: TestClient) -> None:
    def names(**query: str) -> list[str]:
        page = client.get("/dashboard/reports", params={**PERIOD, **query}).text
        return [line[0] for line in _table(page, "students-table")[1:-1]]

    assert names() == ["Maya Lopez", "Sam Reed"]
    assert names(sort="days_missed", order="desc") == ["Sam Reed", "Maya Lopez"]
    assert names(sort="confirmed_hours", order="asc") == ["Sam Reed", "Maya Lopez"]
    assert names(sort="nonsense") == ["Maya Lopez", "Sam Reed"]


def test_the_attendance_download_is_the_cli_export(world: rw.World, client: TestClient, tmp_path: Any) -> None:
    rows = _export(world)
    download = client.get("/dashboard/reports/attendance", params={**PERIOD, "format": "json"})
    assert download.json() == rows
    as_csv = client.get("/dashboard/reports/attendance", params=PERIOD).text
    assert as_csv.splitlines()[0] == ",".join(exports.ATTENDANCE_FIELDS)
    url = world.runtime.settings.database_url
    env = relay_env(database_url=url)
    command = [sys.executable, "-m", "relay", "export", "attendance", "--from", rw.SINCE.isoformat()]
    written = subprocess.run(
        [*command, "--to", rw.UNTIL.isoformat(), "--format", "csv"], env=env, cwd=ROOT, capture_output=True
    )
    assert written.returncode == 0, written.stderr
    assert written.stdout.decode() == as_csv, "the command and the download write the same file"
    result = subprocess.run([*command, "--to", "2026-13-01"], env=env, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2 and "is not a date like 2026-09-01" in result.stderr


def test_a_student_page_sites_and_mentors(world: rw.World, client: TestClient) -> None:
    page = client.get(f"/dashboard/reports/students/{world.maya_id}", params=PERIOD)
    assert page.status_code == 200
    weeks = _table(page.text, "student-weeks-table")
    assert weeks[1][:3] == ["Oct 19", "12", "0"] and weeks[2][:3] == ["Oct 26", "5", "12"]
    assert weeks[-1][:3] == ["Total", "17", "12"]
    days = client.get(f"/dashboard/reports/students/{world.maya_id}", params={**PERIOD, "format": "json"}).json()
    assert days == [r for r in _export(world) if r["student_name"] == "Maya Lopez"]
    sites = client.get("/dashboard/reports/sites", params={**PERIOD, "format": "json"}).json()
    by_name = {r["name"]: r for r in sites}
    assert (by_name["Riverside Clinic"]["days"], by_name["Riverside Clinic"]["attendance_rate"]) == (10, 0.5)
    # Ruth answered Oct 20 after 3 h, Nov 1 after 7.5 h, Nov 3 after 17 h (the settled day doesn't count)
    assert by_name["Ruth Chen"]["median_hours_to_confirm"] == 7.5
    assert by_name["Ben Ode"]["median_hours_to_confirm"] == 48.0
    table = _table(client.get("/dashboard/reports/sites", params=PERIOD).text, "mentors-table")
    assert [line[0] for line in table[1:-1]] == ["Ben Ode", "Ruth Chen"]


def test_feedback_by_student_site_and_words(world: rw.World, client: TestClient) -> None:
    def comments(**query: Any) -> list[str]:
        found = client.get("/dashboard/reports/feedback", params={**PERIOD, **query, "format": "json"}).json()
        return [c["comment"] for c in found]

    everything = ["she was not here today", "she didn't come in today.", "great day with the X-rays"]
    assert comments() == [*everything, "Punctual and curious"], "newest first; the settled day's comment is kept"
    assert comments(site=str(world.maya_site_id)) == everything
    assert comments(q="punctual") == ["Punctual and curious"]
    assert comments(q="X-RAYS great") == ["great day with the X-rays"]
    assert comments(student=str(world.sam_id)) == ["Punctual and curious"]
    page = client.get("/dashboard/reports/feedback", params={**PERIOD, "q": "x-rays"})
    assert "great day with the X-rays" in html.unescape(page.text) and "Punctual" not in page.text


def test_bad_periods_get_words_not_errors(world: rw.World, client: TestClient) -> None:
    for query, words in (
        ({"from": "2026-13-40"}, "isn't a date"),
        ({"from": "2026-11-12", "to": "2026-10-01"}, "first date is after the last"),
        ({"from": "2024-01-01", "to": "2026-01-01"}, "more than 366 days"),
    ):
        page = client.get("/dashboard/reports", params=query)
        assert page.status_code == 200 and words in html.unescape(page.text), query
    assert "The last 90 days, to today" in client.get("/dashboard/reports").text
    assert client.get("/api/v1/reports/hours", params={"from": "2026-11-12", "to": "2026-10-01"}).status_code == 400
    assert client.get("/api/v1/reports/hours", params={"from": "x", "to": "y"}).status_code == 400
    assert date.fromisoformat(PERIOD["from"]) == rw.SINCE
    json.dumps(_export(world))  # every value is plain JSON
