"""People & places through the real app: a form and an uploaded CSV row are checked by the same
loader as `relay import` and read the same words; search; deactivate and reactivate (audited, the
student leaves Today and can't be placed); do-not-solicit from a site's page; the upload's size
cap, CSRF and school."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time
from html import unescape
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from relay.app import create_app
from tests.integration.test_staff_sign_in import ALEX, BLAKE, CASEY, Clock, _audit, _csrf, _sign_in
from tests.support import builders
from web import directory_upload, staff_session
from workflow import imports, suggestions
from workflow.models import Person, Role, School, Site
from workflow.oversight import Viewer, today

LA = ZoneInfo("America/Los_Angeles")


@dataclass
class World:
    runtime: Any
    maya: int
    clinic: int
    ruth: int
    bo: int


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    moved = Clock()
    moved.now = datetime.now(LA).replace(hour=12, minute=0, second=0, microsecond=0)
    monkeypatch.setattr(staff_session, "now", moved)
    return moved


@pytest.fixture
def world(make_runtime: Any, backend: dict[str, Any], clock: Clock) -> World:
    runtime = make_runtime(**backend)
    with runtime.sessions.begin() as session:
        a, b = builders.school(session, "A High"), builders.school(session, "B High")
        builders.person(session, a, Role.coordinator, "Casey Rivera", CASEY)
        alan = builders.person(session, a, Role.advisor, "Alan Ng", ALEX)
        builders.person(session, b, Role.coordinator, "Blake Ode", BLAKE)
        clinic = builders.site(session, a, "Riverside Clinic", field="health care")
        builders.site(session, a, "Bolt Robotics", field="engineering")
        ruth = builders.person(session, a, Role.mentor, "Ruth Chen", "ruth@clinic.example", site_id=clinic.id)
        maya = builders.person(
            session, a, Role.student, "Maya Lopez", "maya@a-high.example", phone="+14155550101", advisor_id=alan.id
        )
        builders.person(session, a, Role.student, "Sam Reed", "sam@a-high.example", phone="+14155550102")
        builders.placement(session, a, maya, ruth, clinic, start=time(9), end=time(15))
        bo = builders.person(session, b, Role.student, "Bo Dee", "bo@b-high.example", phone="+14155550199")
        return World(runtime, maya.id, clinic.id, ruth.id, bo.id)


@pytest.fixture
def client(world: World) -> Iterator[TestClient]:
    with TestClient(create_app(world.runtime), follow_redirects=False) as test_client:
        yield test_client


def _messages(page: str) -> list[str]:
    """The problems a form page lists (its alert), in order."""
    alert = re.search(r'<div class="problems" role="alert">(.*?)</div>', page, re.S)
    assert alert, page[:2000]
    return [unescape(m) for m in re.findall(r"<li>(.*?)</li>", alert.group(1))]


def _imported_problems(world: World, kind: str, row: dict[str, str]) -> list[str]:
    with world.runtime.sessions.begin() as session, pytest.raises(imports.ImportFailed) as failed:
        imports.import_rows(session, kind, ["school", *row], [{"school": "A High", **row}], now=datetime.now(LA))
    return [e.message for e in failed.value.errors]


BAD = {
    "students": {"name": "", "email": "not-an-email", "phone": "12345", "advisor_email": "nobody@a-high.example"},
    "mentors": {"name": "Dr. Who", "email": "who@", "phone": "", "site": "Nowhere Clinic"},
    "advisors": {"name": "x" * 201, "email": ""},
    "sites": {"name": "", "address": "", "field": "", "do_not_solicit": "maybe", "latitude": "91", "longitude": ""},
    "opportunities": {"title": "", "site": "Riverside Clinic", "mentor_email": "nobody@x.example", "field": "",
                      "capacity": "0", "shared_with_region": "no", "description": ""},
}  # fmt: skip


@pytest.mark.parametrize("kind", list(BAD))
def test_a_form_and_the_csv_import_give_the_same_words(client: TestClient, world: World, kind: str) -> None:
    _sign_in(client, world.runtime)
    csrf = _csrf(client.get(f"/dashboard/directory/{kind}/new").text)
    values = dict(BAD[kind])
    form = {**values, "csrf_token": csrf}
    if values.get("do_not_solicit") == "maybe":  # a tick box sends yes or nothing: the CSV's word is tested alone
        form.pop("do_not_solicit")
        values["do_not_solicit"] = ""
    answer = client.post(f"/dashboard/directory/{kind}/new", data=form)
    assert answer.status_code == 400
    shown = _messages(answer.text)
    assert len(shown) >= 2, "every problem of the row at once"
    assert sorted(shown) == sorted(_imported_problems(world, kind, values)), "the same words (in the form's order)"


def test_a_row_with_three_mistakes_is_reported_once_with_all_three(world: World) -> None:
    row = {"name": "", "email": "not-an-email", "phone": "12345", "advisor_email": ""}
    assert _imported_problems(world, "students", row) == [
        "name is empty",
        "email 'not-an-email' is not an email address",
        "phone '12345' is not a 10-digit North American number",
    ]


def _people(world: World, role: Role) -> dict[str, Person]:
    with world.runtime.sessions() as session:
        return {p.email or "": p for p in session.scalars(select(Person).where(Person.role == role))}


def test_add_edit_deactivate_and_reactivate_a_student(client: TestClient, world: World, clock: Clock) -> None:
    _sign_in(client, world.runtime)
    csrf = _csrf(client.get("/dashboard/directory/students/new").text)
    added = client.post(
        "/dashboard/directory/students/new",
        data={"csrf_token": csrf, "name": "Noor Haddad", "email": "Noor@A-High.example", "phone": "(415) 555-0103",
              "advisor_email": ALEX},
    )  # fmt: skip
    assert added.status_code == 303, added.text
    noor = _people(world, Role.student)["noor@a-high.example"]
    assert (
        noor.phone == "+14155550103" and added.headers["location"] == f"/dashboard/students/{noor.id}/edit?done=added"
    )
    again = client.post(
        "/dashboard/directory/students/new",
        data={"csrf_token": csrf, "name": "Noor H", "email": "noor@a-high.example", "phone": "4155550104"},
    )
    assert again.status_code == 400 and "already in the directory" in again.text, "adding never overwrites"

    edited = client.post(
        f"/dashboard/students/{noor.id}/edit",
        data={"csrf_token": csrf, "name": "Noor Haddad-Ali", "email": "noor@a-high.example", "phone": "4155550104"},
    )
    assert edited.status_code == 303
    noor = _people(world, Role.student)["noor@a-high.example"]
    assert (noor.name, noor.phone, noor.advisor_id) == ("Noor Haddad-Ali", "+14155550104", None)
    taken = client.post(
        f"/dashboard/students/{noor.id}/edit",
        data={"csrf_token": csrf, "name": "Noor", "email": "maya@a-high.example", "phone": "4155550104"},
    )
    assert taken.status_code == 400 and "maya@a-high.example is already in the directory" in unescape(taken.text)
    assert [a.object_id for a in _audit(world.runtime, "directory.added")] == [noor.id]
    assert [a.object_id for a in _audit(world.runtime, "directory.edited")] == [noor.id]

    def on_today() -> set[int]:
        with world.runtime.sessions() as session:
            coordinator = session.scalars(select(Person).where(Person.email == CASEY)).one()
            viewer = Viewer(coordinator.id, Role.coordinator, coordinator.school_id)
            return {line.student.id for line in today(session, viewer, clock.now).lines}

    assert world.maya in on_today()
    assert client.post(f"/dashboard/students/{world.maya}/deactivate", data={}).status_code == 403, "CSRF"
    gone = client.post(f"/dashboard/students/{world.maya}/deactivate", data={"csrf_token": csrf})
    assert gone.status_code == 303 and world.maya not in on_today()
    assert "Maya Lopez" not in client.get("/dashboard").text
    listed = client.get("/dashboard/directory/students", params={"show": "inactive"}).text
    assert "Maya Lopez" in listed and "Deactivated" in listed
    assert "Maya Lopez" not in client.get("/dashboard/directory/students").text
    with world.runtime.sessions.begin() as session, pytest.raises(imports.ImportFailed) as failed:
        row = {"school": "A High", "student_email": "maya@a-high.example", "mentor_email": "ruth@clinic.example",
               "site": "Riverside Clinic", "days": "Mon Tue Wed Thu Fri Sat Sun", "start_time": "9:00",
               "end_time": "15:00", "start_date": "2026-01-05", "end_date": "2026-06-05"}  # fmt: skip
        imports.import_rows(session, "placements", list(row), [row], now=clock.now)
    assert [str(e) for e in failed.value.errors] == [
        "line 2, column student_email: maya@a-high.example is deactivated: reactivate them to place them"
    ]
    back = client.post(f"/dashboard/students/{world.maya}/reactivate", data={"csrf_token": csrf})
    assert back.status_code == 303 and world.maya in on_today()
    assert (
        len(_audit(world.runtime, "directory.deactivated")) == len(_audit(world.runtime, "directory.reactivated")) == 1
    )


@pytest.mark.parametrize(
    ("kind", "query", "show", "expected"),
    [
        ("students", "maya", "active", ["Maya Lopez"]),
        ("students", "SAM@a-high", "active", ["Sam Reed"]),
        ("students", "555-0102", "active", ["Sam Reed"]),
        ("students", "alan", "active", ["Maya Lopez"]),  # the advisor's name
        ("students", "riverside", "active", ["Maya Lopez"]),  # placed there
        ("students", "health care", "active", ["Maya Lopez"]),
        ("students", "", "active", ["Maya Lopez", "Sam Reed"]),
        ("mentors", "health", "active", ["Ruth Chen"]),  # the site's field
        ("mentors", "riverside", "active", ["Ruth Chen"]),
        ("sites", "engineering", "active", ["Bolt Robotics"]),
        ("sites", "", "inactive", []),
        ("advisors", "alex@", "all", ["Alan Ng"]),
    ],
)
def test_search(client: TestClient, world: World, kind: str, query: str, show: str, expected: list[str]) -> None:
    _sign_in(client, world.runtime)
    page = client.get(f"/dashboard/directory/{kind}", params={"q": query, "show": show})
    assert page.status_code == 200
    assert re.findall(r'<a href="[^"]+"><strong>([^<]+)</strong></a>', page.text) == expected
    assert "Bo Dee" not in page.text


def test_a_mentors_row_links_to_their_page_and_a_students_to_theirs(client: TestClient, world: World) -> None:
    _sign_in(client, world.runtime)
    assert f'href="/dashboard/mentors/{world.ruth}"' in client.get("/dashboard/directory/mentors").text
    assert f'href="/dashboard/mentors/{world.ruth}/edit"' in client.get("/dashboard/directory/mentors").text
    assert f'href="/dashboard/students/{world.maya}"' in client.get("/dashboard/directory/students").text


def test_do_not_solicit_from_the_sites_page_refuses_a_suggestion(client: TestClient, world: World) -> None:
    _sign_in(client, world.runtime)
    page = client.get(f"/dashboard/sites/{world.clinic}/edit").text
    form = {"csrf_token": _csrf(page), "name": "Riverside Clinic", "address": "1 Main St", "field": "health care",
            "do_not_solicit": "yes", "do_not_solicit_by": "Dana Ruiz, office manager"}  # fmt: skip
    assert client.post(f"/dashboard/sites/{world.clinic}/edit", data=form).status_code == 303
    with world.runtime.sessions.begin() as session:
        site = session.get_one(Site, world.clinic)
        assert site.do_not_solicit and site.do_not_solicit_by == "Dana Ruiz, office manager"
        assert site.do_not_solicit_on == staff_session.now().date()
        sam = session.scalars(select(Person).where(Person.email == "sam@a-high.example")).one()
        ok, result = suggestions.suggest(
            session, sam, name="riverside clinic", address="", field="", contact="", now=staff_session.now()
        )
    assert not ok and result.happened.name == "suggestion_blocked"
    assert "Do not solicit" in client.get("/dashboard/directory/sites").text


def _upload(client: TestClient, kind: str, text: str | bytes, csrf: str) -> Any:
    raw = text.encode() if isinstance(text, str) else text
    return client.post(
        f"/dashboard/directory/{kind}/upload",
        data={"csrf_token": csrf},
        files={"file": ("people.csv", raw, "text/csv")},
    )


def _count(world: World, role: Role) -> int:
    with world.runtime.sessions() as session:
        return session.scalar(select(func.count()).where(Person.role == role)) or 0


def test_an_upload_shows_every_problem_imports_nothing_then_imports_the_fixed_file(
    client: TestClient, world: World
) -> None:
    _sign_in(client, world.runtime)
    csrf = _csrf(client.get("/dashboard/directory/students").text)
    before = _count(world, Role.student)
    bad = ("name,email,phone,advisor_email\n"
           "Lee Wong,lee@a-high.example,4155550110,\n"
           "Ann Bell,ann@a-high,12345,\n"
           ",kim@a-high.example,4155550112,nobody@a-high.example\n")  # fmt: skip
    answer = _upload(client, "students", bad, csrf)
    assert answer.status_code == 400
    rows = re.findall(
        r'<span class="where">Line (\d+), column (\w+)</span> <span class="what">(.*?)</span>', answer.text
    )
    assert [(line, column, unescape(message)) for line, column, message in rows] == [
        ("3", "email", "email 'ann@a-high' is not an email address"),
        ("3", "phone", "phone '12345' is not a 10-digit North American number"),
        ("4", "advisor_email", "no advisor nobody@a-high.example at A High (import advisors first)"),
        ("4", "name", "name is empty"),
    ]
    assert _count(world, Role.student) == before, "nothing half-imported"
    good = bad.replace("ann@a-high,12345", "ann@a-high.example,4155550111").replace(
        ",kim@", "Kim Lee,kim@").replace("nobody@", "alex@")  # fmt: skip
    done = _upload(client, "students", good, csrf)
    assert done.status_code == 303 and "created=3" in done.headers["location"]
    assert "Imported: 3 added, 0 updated." in client.get(done.headers["location"]).text
    assert _count(world, Role.student) == before + 3
    assert _people(world, Role.student)["kim@a-high.example"].advisor_id is not None
    [entry] = _audit(world.runtime, "import.students")
    assert entry.channel == "dashboard" and entry.detail == {"created": 3, "updated": 0}


def test_an_upload_is_capped_checked_for_csrf_and_kept_to_the_school(client: TestClient, world: World) -> None:
    _sign_in(client, world.runtime)
    csrf = _csrf(client.get("/dashboard/directory/students").text)
    huge = b"name,email,phone,advisor_email\n" + b"x" * (directory_upload.MAX_BYTES + 1)
    too_big = _upload(client, "students", huge, csrf)
    assert too_big.status_code == 400 and "bigger than 2 MB" in too_big.text
    many = "name,email,phone,advisor_email\n" + "x,y,z,\n" * (directory_upload.MAX_ROWS + 1)
    too_many = _upload(client, "students", many, csrf)
    assert too_many.status_code == 400 and "upload at most 5000 at a time" in too_many.text
    row = "school,name,email,phone,advisor_email\nB High,Zed,zed@b-high.example,4155550150,\n"
    assert _upload(client, "students", row, "0" * 64).status_code == 403
    other = _upload(client, "students", row, csrf)
    assert other.status_code == 400 and "is not the school you are signed in to" in unescape(other.text)
    assert "zed@b-high.example" not in _people(world, Role.student)
    assert _upload(client, "students", b"\xff\xfe\x00bad", csrf).status_code == 400
    empty = client.post("/dashboard/directory/students/upload", data={"csrf_token": csrf})
    assert empty.status_code == 400 and "Choose a CSV file" in empty.text


def test_an_advisor_is_told_the_directory_is_the_coordinators(client: TestClient, world: World) -> None:
    _sign_in(client, world.runtime, ALEX)
    page = client.get("/dashboard/directory/students")
    assert page.status_code == 403 and "kept by coordinators" in page.text
    assert "People &amp; places" not in client.get("/dashboard").text


def test_another_schools_student_is_a_404(client: TestClient, world: World) -> None:
    _sign_in(client, world.runtime)
    csrf = _csrf(client.get("/dashboard/directory/students").text)
    assert client.get(f"/dashboard/students/{world.bo}/edit").status_code == 404
    assert client.post(f"/dashboard/students/{world.bo}/deactivate", data={"csrf_token": csrf}).status_code == 404
    with world.runtime.sessions() as session:
        assert session.get_one(Person, world.bo).active
        assert session.scalar(select(func.count()).select_from(School)) == 2


def test_the_api_lists_mentors_sites_and_opportunities_of_the_tokens_school(client: TestClient, world: World) -> None:
    from web import api_tokens

    with world.runtime.sessions.begin() as session:
        casey = session.scalars(select(Person).where(Person.email == CASEY)).one()
        _, secret = api_tokens.create(session, casey, "sync", staff_session.now(), channel="cli")
        bolt = session.scalars(select(Site).where(Site.name == "Bolt Robotics")).one()
        bolt.do_not_solicit, bolt.do_not_solicit_by = True, "the owner"
        b = session.scalars(select(School).where(School.name == "B High")).one()
        builders.site(session, b, "B Bakery")
    bearer = {"Authorization": f"Bearer {secret}"}
    mentors = client.get("/api/v1/mentors", headers=bearer).json()
    assert [(m["name"], m["site"], m["active"]) for m in mentors] == [("Ruth Chen", "Riverside Clinic", True)]
    sites = client.get("/api/v1/sites", headers=bearer).json()
    assert [(s["name"], s["do_not_solicit"], s["do_not_solicit_by"]) for s in sites] == [
        ("Bolt Robotics", True, "the owner"),
        ("Riverside Clinic", False, None),
    ]
    assert [s["name"] for s in client.get("/api/v1/sites", params={"q": "health"}, headers=bearer).json()] == [
        "Riverside Clinic"
    ]
    assert client.get("/api/v1/opportunities", headers=bearer).json() == []
    assert client.get("/api/v1/sites", params={"show": "gone"}, headers=bearer).status_code == 400
    student = client.get(f"/api/v1/students/{world.maya}", headers=bearer)
    assert student.status_code == 200 and student.json()["student"]["name"] == "Maya Lopez"
    assert client.get(f"/api/v1/students/{world.bo}", headers=bearer).status_code == 404
    assert client.get("/api/v1/mentors").status_code == 401
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/v1/mentors", "/api/v1/sites", "/api/v1/opportunities", "/api/v1/students/{student_id}"} <= set(paths)


def test_a_deactivated_students_start_is_refused_and_a_deactivated_site_offers_nothing(world: World) -> None:
    from tests.unit import oversight_world as ow
    from workflow.errors import Refused
    from workflow.requests.queries import visible_opportunities
    from workflow.requests.starting import decide_start
    from workflow.requests.states import State

    with world.runtime.sessions.begin() as session:
        maya = session.get_one(Person, world.maya)
        sam = session.scalars(select(Person).where(Person.email == "sam@a-high.example")).one()
        start = ow.request(session, maya.id, world.clinic, State.start_requested)
        maya.active = False
        coordinator = session.scalars(select(Person).where(Person.email == CASEY)).one()
        with pytest.raises(Refused, match="student_inactive"):
            decide_start(session, start, coordinator, approve=True, reason="", via="dashboard", now=ow.NOW)
        assert [o.title for o in visible_opportunities(session, sam)] == ["Radiology"]
        session.get_one(Site, world.clinic).active = False
        assert visible_opportunities(session, sam) == []
