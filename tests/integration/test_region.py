"""The region (issue 12): two schools of one region, Lincoln and Roosevelt, and Oak in another.

Lincoln shares an opportunity on its dashboard; Roosevelt's student asks for it on her own pages;
Lincoln's coordinator decides (the mentor is Lincoln's) and Roosevelt's is copied. Neither
coordinator sees the other school's students' names or days, beyond the one request Lincoln
decides (its page names the student and her school: the decision needs it). The region admin,
signed in by the emailed link, sees the region's counts and no names. Each figure is computed by
hand from the world and compared on the page, in the JSON and in `relay report network`.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from messaging import student_cookie
from messaging.models import OutboundMessage
from relay import report_cli, transfer
from relay.app import create_app
from tests.support import builders
from web import staff_session, student_session
from workflow.models import (
    AuditEntry,
    DayStatus,
    InternshipDay,
    InternshipRequest,
    Opportunity,
    Person,
    Role,
    WishlistField,
)
from workflow.region import totals
from workflow.region.network import COLUMNS
from workflow.requests.states import State

NAMES = ("Maya Lopez", "Sam Ortiz", "Rosa Quill", "Theo Park", "Olive Stone")


def _today() -> date:
    return staff_session.now().date()


def _csv(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def _day(session: Any, placement_id: int, on: date, status: DayStatus, hours: str | None, feedback: str | None) -> int:
    day = InternshipDay(
        placement_id=placement_id,
        date=on,
        status=status,
        hours=Decimal(hours) if hours else None,
        check_in_at=datetime.combine(on, time(16), tzinfo=UTC) if hours else None,
        check_out_at=datetime.combine(on, time(22), tzinfo=UTC) if hours else None,
        mentor_feedback=feedback,
    )
    session.add(day)
    session.flush()
    return int(day.id)


def _build(session: Any, today: date) -> dict[str, Any]:
    lincoln = builders.school(session, "Lincoln High", region="Bay", pursuer_limit=5)
    roosevelt = builders.school(session, "Roosevelt High", region="Bay")
    oak = builders.school(session, "Oak High", region="North")
    cora = builders.person(session, lincoln, Role.coordinator, "Cora Diaz", "cora@lincoln.example")
    rhea = builders.person(session, roosevelt, Role.coordinator, "Rhea Stone", "rhea@roosevelt.example")
    clinic = builders.site(session, lincoln, "Riverside Clinic", field="health")
    school_site = builders.site(session, lincoln, "Sunny Elementary", field="education")
    lab = builders.site(session, roosevelt, "Harbor Lab", field="science")
    grove = builders.site(session, oak, "Oak Grove Farm", field="agriculture")
    ruth = builders.person(session, lincoln, Role.mentor, "Ruth Chen", "ruth@clinic.example", site_id=clinic.id)
    ed = builders.person(session, lincoln, Role.mentor, "Ed Moss", "ed@sunny.example", site_id=school_site.id)
    hal = builders.person(session, roosevelt, Role.mentor, "Hal Ito", "hal@lab.example", site_id=lab.id)
    fern = builders.person(session, oak, Role.mentor, "Fern Ode", "fern@grove.example", site_id=grove.id)
    people = {}
    for school, name, phone in (
        (lincoln, "Maya Lopez", "+15555550100"),
        (lincoln, "Sam Ortiz", "+15555550101"),
        (roosevelt, "Rosa Quill", "+15555550102"),
        (roosevelt, "Theo Park", "+15555550103"),
        (oak, "Olive Stone", "+15555550104"),
    ):
        email = name.split()[0].lower() + "@students.example"
        people[name] = builders.person(session, school, Role.student, name, email, phone=phone)
    radiology = Opportunity(
        school_id=lincoln.id,
        site_id=clinic.id,
        mentor_id=ruth.id,
        title="Radiology assistant",
        field="Health",
        capacity=2,
    )
    classroom = Opportunity(
        school_id=lincoln.id,
        site_id=school_site.id,
        mentor_id=ed.id,
        title="Classroom helper",
        field="education",
        capacity=3,
    )
    lab_tech = Opportunity(
        school_id=roosevelt.id,
        site_id=lab.id,
        mentor_id=hal.id,
        title="Lab tech",
        field="science",
        capacity=1,
        shared_with_region=True,
    )
    session.add_all([radiology, classroom, lab_tech])
    session.add(WishlistField(student_id=people["Theo Park"].id, field="science"))  # his own wishlist
    session.add(WishlistField(student_id=people["Rosa Quill"].id, field="health"))  # and the survey says it too
    # Sam's internship at Sunny Elementary, over: 2 days confirmed (6 h each), 1 disputed with a comment
    sam = builders.placement(
        session,
        lincoln,
        people["Sam Ortiz"],
        ed,
        school_site,
        start_date=today - timedelta(days=36),
        end_date=today - timedelta(days=4),
    )
    # Olive's at Oak Grove (North), going on: 1 day confirmed (4 h)
    olive = builders.placement(
        session,
        oak,
        people["Olive Stone"],
        fern,
        grove,
        start_date=today - timedelta(days=8),
        end_date=today + timedelta(days=50),
    )
    session.flush()
    sam_days = [
        _day(session, sam.id, today - timedelta(days=30), DayStatus.confirmed, "6.00", None),
        _day(session, sam.id, today - timedelta(days=28), DayStatus.confirmed, "6.00", None),
        _day(session, sam.id, today - timedelta(days=23), DayStatus.disputed, "6.00", "Not here that day"),
    ]
    _day(session, olive.id, today - timedelta(days=7), DayStatus.confirmed, "4.00", None)
    return {
        "lincoln": lincoln.id,
        "roosevelt": roosevelt.id,
        "cora": cora.id,
        "rhea": rhea.id,
        "ruth": ruth.id,
        "clinic": clinic.id,
        "radiology": radiology.id,
        "students": {name: p.id for name, p in people.items()},
        "sam_days": sam_days,
    }


@pytest.fixture
def world(make_runtime: Any, postgres_url: str, tmp_path: Path) -> Any:
    runtime = make_runtime(database_url=postgres_url)
    with runtime.sessions.begin() as session:
        runtime.extra.update(_build(session, _today()))
    # the interest surveys and the region admins come in by `relay import`
    surveys = _csv(
        tmp_path / "wishlists.csv",
        "school,student_email,field\n"
        "Lincoln High,maya@students.example,health\n"
        "Lincoln High,sam@students.example,Health\n"
        "Lincoln High,sam@students.example,education\n"
        "Roosevelt High,rosa@students.example,health\n"
        "Roosevelt High,theo@students.example,health\n",
    )
    assert transfer.import_file(runtime, "wishlists", surveys) == 0
    admins = _csv(tmp_path / "admins.csv", "region,name,email\nBay,Dana Ruiz,dana@bay.example\n")
    assert transfer.import_file(runtime, "region_admins", admins) == 0
    return runtime


@pytest.fixture
def client(world: Any) -> Iterator[TestClient]:
    with TestClient(create_app(world), follow_redirects=False) as test_client:
        yield test_client


def _as_staff(client: TestClient, runtime: Any, person_id: int) -> str:
    with runtime.sessions.begin() as session:
        session_id = staff_session.start(session, session.get_one(Person, person_id), staff_session.now())
    client.cookies.clear()
    client.cookies.set(staff_session.COOKIE, session_id, domain="testserver.local")
    return staff_session.csrf_token(session_id)


def _as_student(client: TestClient, student_id: int) -> str:
    cookie = student_cookie.session_value(student_id)
    client.cookies.clear()
    client.cookies.set(student_cookie.COOKIE, cookie, domain="testserver.local")
    return student_session.form_token(cookie)


def _emails(runtime: Any, to: str, template: str) -> list[OutboundMessage]:
    with runtime.sessions() as session:
        rows = session.scalars(
            select(OutboundMessage)
            .where(OutboundMessage.to_address == to, OutboundMessage.template == template)
            .order_by(OutboundMessage.id)
        ).all()
        for row in rows:
            session.expunge(row)
        return list(rows)


def _table(page: str, index: int = 0) -> list[list[str]]:
    """The cells of the `index`th `table.numbers` of a page, row by row, as text."""
    table = re.findall(r'<table class="numbers[^"]*"[^>]*>(.*?)</table>', page, re.S)[index]
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells])
    return rows


def _no_names(text: str, *names: str) -> list[str]:
    return [n for n in names if n.lower() in text.lower() or n.split()[0].lower() in text.lower()]


def test_sharing_deciding_and_who_sees_what(client: TestClient, world: Any) -> None:
    ids = world.extra
    rosa, maya = ids["students"]["Rosa Quill"], ids["students"]["Maya Lopez"]

    # Roosevelt's student can't see Lincoln's radiology until Lincoln shares it
    form = _as_student(client, rosa)
    client.post(f"/s/request/{ids['radiology']}", data={"csrf": form})
    with world.sessions() as session:
        assert session.scalars(select(InternshipRequest)).all() == [], "not shared yet: not hers to ask for"
    csrf = _as_staff(client, world, ids["cora"])
    page = client.get("/dashboard/opportunities").text
    assert "Radiology assistant" in page and "Lab tech" in page and "Roosevelt High decides requests" in page
    assert client.post(f"/dashboard/opportunities/{ids['radiology']}/share", data={"shared": "yes"}).status_code == 403
    shared = client.post(
        f"/dashboard/opportunities/{ids['radiology']}/share", data={"shared": "yes", "csrf_token": csrf}
    )
    assert shared.status_code == 303
    # Roosevelt's coordinator can't share (or take back) Lincoln's opportunity: it is not theirs
    rhea_csrf = _as_staff(client, world, ids["rhea"])
    taken = client.post(
        f"/dashboard/opportunities/{ids['radiology']}/share", data={"shared": "no", "csrf_token": rhea_csrf}
    )
    assert taken.status_code == 404
    with world.sessions() as session:
        [audited] = session.scalars(select(AuditEntry).where(AuditEntry.action == "opportunity.shared")).all()
        assert (audited.actor_id, audited.channel, audited.object_id) == (ids["cora"], "dashboard", ids["radiology"])
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/v1/reports/supply-demand", "/api/v1/reports/network"} <= set(paths), "in /docs"

    # Rosa (Roosevelt) and Maya (Lincoln) ask on their own pages
    form = _as_student(client, rosa)
    assert client.post(f"/s/request/{ids['radiology']}", data={"csrf": form}).status_code == 303
    form = _as_student(client, maya)
    assert client.post(f"/s/request/{ids['radiology']}", data={"csrf": form}).status_code == 303
    with world.sessions() as session:
        asked = {
            r.student_id: r.id
            for r in session.scalars(
                select(InternshipRequest).where(InternshipRequest.opportunity_id == ids["radiology"])
            )
        }
    rosas = asked[rosa]

    # Lincoln decides Rosa's request; Roosevelt gets a copy and nothing to decide
    [to_cora] = [
        m for m in _emails(world, "cora@lincoln.example", "email/request_decide") if "Rosa" in (m.subject or "")
    ]
    assert "Rosa Quill, a student of Roosevelt High" in (to_cora.body_text or "")
    assert _emails(world, "rhea@roosevelt.example", "email/request_decide") == []
    [copy] = _emails(world, "rhea@roosevelt.example", "email/request_copied")
    assert "Lincoln High" in (copy.subject or "") and "Maya" not in (copy.body_text or "")

    rhea_csrf = _as_staff(client, world, ids["rhea"])
    mine = client.get(f"/dashboard/requests/{rosas}").text
    assert "Rosa Quill" in mine and "Decided by" in mine and "Decide this request" not in mine
    refused = client.post(
        f"/dashboard/requests/{rosas}/decide", data={"decision": "approve", "reason": "ok", "csrf_token": rhea_csrf}
    )
    assert refused.status_code == 400 and "decides this request" in html.unescape(refused.text)
    assert rosas not in [
        int(i) for i in re.findall(r'name="request_id" value="(\d+)"', client.get("/dashboard/requests").text)
    ]

    csrf = _as_staff(client, world, ids["cora"])
    waiting = client.get("/dashboard/requests").text
    assert "Rosa Quill" in waiting, "the request Lincoln decides names its student"
    theirs = client.get(f"/dashboard/requests/{rosas}").text
    assert "a student of Roosevelt High" in theirs and "Decide this request" in theirs
    assert f"/dashboard/students/{rosa}" not in theirs, "her record is not Lincoln's to open"
    done = client.post(
        f"/dashboard/requests/{rosas}/decide",
        data={"decision": "approve", "reason": "good fit", "csrf_token": csrf},
    )
    assert done.status_code == 303
    copies = _emails(world, "rhea@roosevelt.example", "email/request_copied")
    assert len(copies) == 2 and "approved" in (copies[-1].subject or "")
    with world.sessions() as session:
        assert session.get_one(InternshipRequest, rosas).status == State.pursuing

    # Rosa starts (her advisor's step, done here directly) and has days at Lincoln's clinic
    today = _today()
    with world.sessions.begin() as session:
        request = session.get_one(InternshipRequest, rosas)
        student = session.get_one(Person, rosa)
        placement = builders.placement(
            session,
            student.school,
            student,
            session.get_one(Person, ids["ruth"]),
            request.opportunity.site,
            start_date=today - timedelta(days=8),
            end_date=today + timedelta(days=17),
        )
        request.status, request.placement_id = State.active, placement.id
        rosa_days = [
            _day(session, placement.id, today - timedelta(days=7), DayStatus.confirmed, "6.00", "Great with patients"),
            _day(session, placement.id, today - timedelta(days=5), DayStatus.confirmed, "5.50", None),
            _day(session, placement.id, today, DayStatus.missed, None, None),
        ]

    # Lincoln: Rosa's request only; never her record, her days, nor Theo
    csrf = _as_staff(client, world, ids["cora"])
    for path in (
        f"/dashboard/students/{rosa}",
        f"/api/v1/students/{rosa}",
        *[f"/dashboard/days/{d}" for d in rosa_days],
    ):
        assert client.get(path).status_code == 404, path
    assert client.get(f"/api/v1/days/{rosa_days[0]}").status_code == 404
    request_page = client.get(f"/dashboard/requests/{rosas}").text
    assert "Would start" not in request_page, "her schedule is Roosevelt's"
    span = {"from": (today - timedelta(days=60)).isoformat(), "to": today.isoformat()}
    for path, params in (
        ("/dashboard", {}),
        ("/dashboard/attention", {"all": "1"}),
        ("/dashboard/days", {}),
        ("/api/v1/days", span),
        ("/api/v1/students", {}),
        ("/api/v1/attention", {}),
        ("/dashboard/supply-demand", {}),
        ("/api/v1/reports/supply-demand", {}),
        ("/dashboard/opportunities", {}),
    ):
        answer = client.get(path, params=params)
        assert answer.status_code == 200, path
        assert _no_names(answer.text, "Rosa Quill", "Theo Park", "Olive Stone") == [], path
    # Roosevelt: its own students only; never Lincoln's
    _as_staff(client, world, ids["rhea"])
    for path, params in (
        ("/dashboard", {}),
        ("/dashboard/attention", {"all": "1"}),
        ("/dashboard/days", {}),
        ("/api/v1/days", span),
        ("/api/v1/students", {}),
        ("/api/v1/attention", {}),
        ("/dashboard/requests", {}),
        (f"/dashboard/requests/{rosas}", {}),
        ("/dashboard/supply-demand", {}),
        ("/api/v1/reports/supply-demand", {}),
        ("/dashboard/opportunities", {}),
    ):
        answer = client.get(path, params=params)
        assert answer.status_code == 200, path
        assert _no_names(answer.text, "Maya Lopez", "Sam Ortiz", "Olive Stone") == [], path
    assert client.get(f"/dashboard/requests/{asked[maya]}").status_code == 404
    assert client.get(f"/api/v1/days/{ids['sam_days'][0]}").status_code == 404

    _check_supply_and_demand(client, world)
    _check_region_admin(client, world)


def _check_supply_and_demand(client: TestClient, world: Any) -> None:
    """By hand: Lincoln sees its Radiology (health, 2 places: Rosa's and Maya's requests hold both)
    and Classroom helper (education, 3 open), and Roosevelt's Lab tech shared in (science, 1 open).
    Wishes: Maya health; Sam health and education (survey). Requests: Maya's. Placed: Sam (education)."""
    lincoln = [
        ["health", 1, 0, 0, 2, 1, 0],
        ["science", 0, 1, 1, 0, 0, 0],
        ["education", 1, 0, 3, 1, 0, 1],
    ]
    roosevelt = [  # Rosa (survey and own wishlist, once) and Theo want health; Theo science (his own)
        ["health", 0, 1, 0, 2, 1, 1],
        ["science", 1, 0, 1, 1, 0, 0],
    ]
    keys = (
        "field",
        "opportunities_own",
        "opportunities_shared_in",
        "open_places",
        "students_wishing",
        "requests",
        "placed",
    )
    for coordinator, expected in ((world.extra["cora"], lincoln), (world.extra["rhea"], roosevelt)):
        _as_staff(client, world, coordinator)
        api = client.get("/api/v1/reports/supply-demand").json()
        assert [[row[k] for k in keys] for row in api] == expected
        page = client.get("/dashboard/supply-demand").text
        body = _table(page)[1:-1]  # the header and the totals around the fields
        # page columns: field, short by, want it, open places, ours, shared in, requests, placed
        shown = [[r[0], int(r[4]), int(r[5]), int(r[3]), int(r[2]), int(r[6]), int(r[7])] for r in body]
        assert shown == expected
        assert "<svg" in page and "<script" not in page.split("</header>", 1)[1]
    _as_staff(client, world, world.extra["cora"])
    assert "Recruit first in health" in client.get("/dashboard/supply-demand").text


def _sign_in_region_admin(client: TestClient, world: Any) -> str:
    client.cookies.clear()
    assert client.post("/dashboard/sign-in", data={"email": "dana@bay.example"}).status_code == 200
    [email] = _emails(world, "dana@bay.example", "email/sign_in")
    assert "region admin for Bay" in (email.body_text or "")
    link = re.search(r"http://relay\.test:8000(/dashboard/sign-in/[a-z2-7]{48})", email.body_text or "")
    assert link
    assert "region admin for Bay" in client.get(link.group(1)).text
    done = client.post(link.group(1))
    assert done.status_code == 303 and done.headers["location"] == "/region"
    return str(client.cookies.get(staff_session.COOKIE))


def _check_region_admin(client: TestClient, world: Any) -> None:
    _sign_in_region_admin(client, world)
    overview = client.get("/region")
    assert overview.status_code == 200
    assert _no_names(overview.text, *NAMES) == []
    assert "Oak High" not in overview.text, "another region's school"
    fields = _table(overview.text, 0)
    assert fields[0] == ["Field", "Lincoln High", "Roosevelt High"]
    assert fields[1:] == [["education", "1", "0"], ["health", "1", "0"], ["science", "0", "1"], ["Total", "2", "1"]]
    sharing = _table(overview.text, 1)
    assert sharing[1:] == [["Lincoln High", "1", "1", "0", "1", "0"], ["Roosevelt High", "1", "0", "1", "0", "1"]]
    # a coordinator's pages are not the region admin's
    assert client.get("/dashboard").status_code == 303
    assert client.get("/api/v1/students").status_code == 401

    # the network story, by hand. Bay: Sam (2 confirmed days of 6 h, 1 disputed with a comment; over)
    # and Rosa (6 h with a comment, 5.5 h, today missed; going on): 2 students, 2 started, 1 done,
    # lengths 33 and 9 days (4.71 and 1.29 weeks: median 3.0), 23.5 h, 4 of 6 days attended, 2 comments.
    # North: Olive, 9 days so far, 4 h, 1 of 1 day. All: median of 4.71, 1.29, 1.29 weeks is 1.3.
    bay = ["Bay", 2, 2, 1, 3.0, 23.5, 0.667, 2]
    north = ["North", 1, 1, 0, 1.3, 4.0, 1.0, 0]
    overall = ["All regions", 3, 3, 1, 1.3, 27.5, 0.714, 2]
    api = client.get("/api/v1/reports/network")
    assert api.status_code == 200
    assert [[row[k] for k in COLUMNS] for row in api.json()] == [bay, overall]
    page = client.get("/region/network").text
    assert _no_names(page, *NAMES) == []
    shown = _table(page)  # one row per figure, one column per region
    assert shown[0] == ["", "Bay", "All regions"]
    assert [r[1:] for r in shown[1:]] == [
        ["2", "3"],
        ["2", "3"],
        ["1", "1"],
        ["3.0", "1.3"],
        ["23.5", "27.5"],
        ["66.7%", "71.4%"],
        ["2", "2"],
    ]
    download = client.get("/region/network?format=csv")  # the page's own download: the admin's region
    assert download.headers["content-type"].startswith("text/csv")
    assert list(csv.reader(io.StringIO(download.text)))[1:] == [[str(v) for v in row] for row in (bay, overall)]
    assert [[row[k] for k in COLUMNS] for row in client.get("/region/network?format=json").json()] == [bay, overall]
    out = io.StringIO()
    assert report_cli.report(world, "network", "json", out, today=_today()) == 0
    assert [[row[k] for k in COLUMNS] for row in json.loads(out.getvalue())] == [bay, north, overall]
    out = io.StringIO()
    assert report_cli.report(world, "network", "csv", out, today=_today()) == 0
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == list(COLUMNS)
    assert rows[1:] == [[str(v) for v in row] for row in (bay, north, overall)]
    # the same figures once the scheduled job has counted the days before today into the summary
    with world.sessions.begin() as session:
        assert totals.refresh(session, _today(), staff_session.now()) == 3, "Sam's, Olive's and Rosa's placements"
    assert [[row[k] for k in COLUMNS] for row in client.get("/api/v1/reports/network").json()] == [bay, overall]
    out = io.StringIO()
    assert report_cli.report(world, "network", "json", out, today=_today()) == 0
    assert [[row[k] for k in COLUMNS] for row in json.loads(out.getvalue())] == [bay, north, overall]
    # today's days count live beside the summary: Rosa comes today (2 h, confirmed), already
    # counted as a student; Theo's first day is today, so he is a new one
    today = _today()
    with world.sessions.begin() as session:
        rosa_today = session.scalars(
            select(InternshipDay).where(InternshipDay.date == today, InternshipDay.status == DayStatus.missed)
        ).one()
        rosa_today.status, rosa_today.hours = DayStatus.confirmed, Decimal("2.00")
        theo = session.get_one(Person, world.extra["students"]["Theo Park"])
        mentor = session.get_one(Person, world.extra["ruth"])
        site = session.get_one(Opportunity, world.extra["radiology"]).site
        theirs = builders.placement(session, theo.school, theo, mentor, site, start_date=today, end_date=today)
        _day(session, theirs.id, today, DayStatus.confirmed, "3.00", "First day, well done")
    # Bay: 3 students, 3 started (Theo's one day ends today: not completed), lengths 33, 9 and 1
    # days (median 9: 1.3 weeks), 23.5 + 2 + 3 h, 6 of 7 days attended, 3 comments
    bay_now = ["Bay", 3, 3, 1, 1.3, 28.5, 0.857, 3]
    overall_now = ["All regions", 4, 4, 1, 1.3, 32.5, 0.875, 3]
    assert [[row[k] for k in COLUMNS] for row in client.get("/api/v1/reports/network").json()] == [bay_now, overall_now]
    # a coordinator is refused the network story
    _as_staff(client, world, world.extra["cora"])
    assert client.get("/api/v1/reports/network").status_code == 403
    assert client.get("/region").status_code == 303


def test_a_region_admin_signs_out_for_good(client: TestClient, world: Any) -> None:
    cookie = _sign_in_region_admin(client, world)
    token = staff_session.csrf_token(cookie)
    assert client.post("/region/sign-out", data={}).status_code == 403, "no CSRF token, nothing changed"
    assert client.get("/region").status_code == 200
    out = client.post("/region/sign-out", data={"csrf_token": token})
    assert out.status_code == 303 and out.headers["location"] == "/dashboard/sign-in?signed_out=1"
    client.cookies.set(staff_session.COOKIE, cookie, domain="testserver.local")  # the old cookie, kept
    assert client.get("/region").status_code != 200
    with world.sessions() as session:
        [audited] = session.scalars(select(AuditEntry).where(AuditEntry.action == "staff.signed_out")).all()
        assert audited.channel == "dashboard" and audited.actor_id is not None
