"""`relay import` (all rows or none, line numbers for bad rows) and `relay export attendance`."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from relay import transfer
from tests.support.processes import relay_env
from workflow import attendance
from workflow.models import ComplianceDocument, InternshipDay, Opportunity, Person, Placement, Role, School, Site
from workflow.phones import normalise_phone
from workflow.schedule_text import parse_days, parse_time

FILES = {
    "schools": "name,timezone,region,sms_number\nLincoln High,America/Los_Angeles,Bay Area,+15005550006\n",
    "coordinators": "school,name,email\nLincoln High,Cora Diaz,cora@example.org\n",
    "advisors": "school,name,email\nLincoln High,Alan Park,alan@example.org\n",
    "students": "school,name,email,phone,advisor_email,notes\n"
    "Lincoln High,Maya Lopez,maya@example.org,(415) 555-0100,alan@example.org,ignored column\n"
    "Lincoln High,Sam Ortiz,SAM@example.org,+1 415 555 0101,,\n",
    "sites": "school,name,address,field,do_not_solicit,latitude,longitude\n"
    "Lincoln High,Riverside Clinic,1 River Rd,health,no,37.77,-122.41\n"
    "Lincoln High,Acme Corp,2 Main St,engineering,yes,,\n",
    "mentors": "school,name,email,phone,site\nLincoln High,Ruth Chen,ruth@example.org,,Riverside Clinic\n",
    "opportunities": "school,site,mentor_email,title,field,capacity,shared_with_region,description\n"
    "Lincoln High,Riverside Clinic,ruth@example.org,Radiology assistant,health,2,yes,Help the X-ray team\n",
    "compliance": "school,mentor_email,kind,status,expires_on\nLincoln High,ruth@example.org,background check,valid,"
    "2027-06-30\n",
    "placements": "school,student_email,mentor_email,site,days,start_time,end_time,start_date,end_date\n"
    "Lincoln High,maya@example.org,ruth@example.org,Riverside Clinic,Tue Thu,9:00,3:00pm,2026-03-03,"
    "2026-05-29\n",
}


def _relay(args: list[str], tmp: Path, database_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "relay", *args],
        env=relay_env(database_url=database_url),
        cwd=tmp,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _import_all(runtime: Any, tmp: Path) -> None:
    """In this process (the CLI itself is run by the tests below)."""
    for kind, text in FILES.items():
        path = tmp / f"{kind}.csv"
        path.write_text(text)
        out, err = io.StringIO(), io.StringIO()
        assert transfer.import_file(runtime, kind, path, out=out, err=err) == 0, err.getvalue()
        assert out.getvalue().startswith(f"{kind}: ")


def test_importing_every_kind_and_again_updates(make_runtime: Any, backend: dict[str, Any], tmp_path: Path) -> None:
    runtime = make_runtime(**backend)
    _import_all(runtime, tmp_path)
    _import_all(runtime, tmp_path)  # the same files again change nothing twice
    with runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Person)) == 5
        maya = session.scalars(select(Person).where(Person.email == "maya@example.org")).one()
        assert maya.phone == "+14155550100" and maya.advisor is not None and maya.advisor.name == "Alan Park"
        assert session.scalars(select(Person).where(Person.email == "sam@example.org")).one().phone == "+14155550101"
        acme = session.scalars(select(Site).where(Site.name == "Acme Corp")).one()
        assert acme.do_not_solicit and acme.latitude is None
        placement = session.scalars(select(Placement)).one()
        assert (placement.weekdays, placement.start_time.isoformat(), placement.end_time.isoformat()) == (
            "Tue Thu",
            "09:00:00",
            "15:00:00",
        )
        assert session.scalars(select(School)).one().sms_number == "+15005550006"
        opportunity = session.scalars(select(Opportunity)).one()
        assert (opportunity.title, opportunity.capacity, opportunity.shared_with_region) == (
            "Radiology assistant",
            2,
            True,
        )
        document = session.scalars(select(ComplianceDocument)).one()
        assert (document.kind, document.status, str(document.expires_on)) == ("background_check", "valid", "2027-06-30")
    out = io.StringIO()
    transfer.export(runtime, "placements", "csv", out)
    assert out.getvalue().splitlines() == [
        "school,student_email,mentor_email,site,days,start_time,end_time,start_date,end_date,status",
        "Lincoln High,maya@example.org,ruth@example.org,Riverside Clinic,Tue Thu,09:00,15:00,2026-03-03,2026-05-29,"
        "active",
    ]


def test_bad_rows_are_reported_by_line_and_nothing_is_imported(
    make_runtime: Any, sqlite_url: str, tmp_path: Path
) -> None:
    runtime = make_runtime(database_url=sqlite_url)
    (tmp_path / "schools.csv").write_text(FILES["schools"])
    assert _relay(["import", "schools", str(tmp_path / "schools.csv")], tmp_path, sqlite_url).returncode == 0
    (tmp_path / "advisors.csv").write_text(FILES["advisors"])
    assert transfer.import_file(runtime, "advisors", tmp_path / "advisors.csv", out=io.StringIO()) == 0
    bad = tmp_path / "students.csv"
    bad.write_text(
        "school,name,email,phone,advisor_email\n"
        "Lincoln High,Maya Lopez,maya@example.org,(415) 555-0100,alan@example.org\n"  # fine
        "Lincoln High,Sam Ortiz,not-an-email,(415) 555-0101,\n"
        "Lincoln High,Lee Wong,lee@example.org,12345,\n"
        "Nowhere High,Ann Bell,ann@example.org,4155550103,\n"
        "Lincoln High,Bo Dee,bo@example.org,4155550104,nobody@example.org\n"
    )
    result = _relay(["import", "students", str(bad)], tmp_path, sqlite_url)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0] == "relay: students.csv: 4 problem(s); nothing was imported"
    assert lines[1:] == [
        "  line 3: email 'not-an-email' is not an email address",
        "  line 4: phone: '12345' is not a 10-digit North American number",
        "  line 5: no school named 'Nowhere High' (import schools first)",
        "  line 6: no advisor nobody@example.org at Lincoln High (import advisors first)",
    ]
    with runtime.sessions() as session:
        assert session.scalar(select(func.count()).where(Person.role == Role.student)) == 0, "not even line 2"
    header = tmp_path / "sites.csv"
    header.write_text("school,name\nLincoln High,Clinic\n")
    result = _relay(["import", "sites", str(header)], tmp_path, sqlite_url)
    assert result.returncode == 1 and "line 1: missing column(s): address, field, do_not_solicit" in result.stderr


def test_export_attendance_as_json_and_csv(make_runtime: Any, sqlite_url: str, tmp_path: Path) -> None:
    runtime = make_runtime(database_url=sqlite_url)
    _import_all(runtime, tmp_path)
    tuesday = datetime(2026, 3, 10, 16, 2, tzinfo=UTC)  # 9:02am PDT
    with runtime.sessions.begin() as session:
        maya = session.scalars(select(Person).where(Person.email == "maya@example.org")).one()
        ruth = session.scalars(select(Person).where(Person.email == "ruth@example.org")).one()
        attendance.check_in(session, maya, tuesday)
        attendance.record_goals(session, maya, 1, "X-rays", tuesday)
        attendance.check_out(session, maya, tuesday + timedelta(hours=6, minutes=3))
        day = session.get(InternshipDay, 1)
        attendance.answer_day(
            session, day, ruth, present=True, feedback="Great day", via="email", now=tuesday + timedelta(hours=7)
        )
    result = _relay(["export", "attendance", "--format", "json"], tmp_path, sqlite_url)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        {
            "student_email": "maya@example.org",
            "site": "Riverside Clinic",
            "mentor_email": "ruth@example.org",
            "date": "2026-03-10",
            "check_in_at": "2026-03-10T09:02:00-07:00",
            "check_out_at": "2026-03-10T15:05:00-07:00",
            "goals": "X-rays",
            "hours": 6.05,
            "status": "confirmed",
            "mentor_feedback": "Great day",
            "confirmed_via": "email",
        }
    ]
    out = io.StringIO()
    transfer.export(runtime, "attendance", "csv", out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [(r["date"], r["status"], r["hours"], r["confirmed_via"]) for r in rows] == [
        ("2026-03-10", "confirmed", "6.05", "email")
    ]


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("Tue Thu", "Tue Thu"),
        ("tuesday, thursday", "Tue Thu"),
        ("Tu/Th", "Tue Thu"),
        ("MON wed FRI", "Mon Wed Fri"),
        ("Thurs Tues", "Tue Thu"),
    ],
)
def test_days(text: str, days: str) -> None:
    assert parse_days(text) == days


@pytest.mark.parametrize(
    ("text", "hour", "minute"),
    [("9:00", 9, 0), ("09:30", 9, 30), ("3:30pm", 15, 30), ("12pm", 12, 0), ("12:15 AM", 0, 15), ("15:00", 15, 0)],
)
def test_times(text: str, hour: int, minute: int) -> None:
    assert (parse_time(text).hour, parse_time(text).minute) == (hour, minute)


@pytest.mark.parametrize(
    ("raw", "country", "e164"),
    [
        ("(415) 555-0100", "US", "+14155550100"),
        ("1-415-555-0100", "US", "+14155550100"),
        ("+44 7700 900123", "US", "+447700900123"),
        ("07700 900123", "GB", "+447700900123"),
        ("0044 7700 900123", "US", "+447700900123"),
    ],
)
def test_phones(raw: str, country: str, e164: str) -> None:
    assert normalise_phone(raw, country) == e164
