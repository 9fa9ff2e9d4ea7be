"""`relay import` and `relay export attendance` run as commands (the rest is in tests/unit/test_import_export.py)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from relay import transfer
from tests.support.processes import relay_env
from tests.unit.test_import_export import FILES, _import_all
from workflow import attendance
from workflow.models import InternshipDay, Person, Role


def _relay(args: list[str], tmp: Path, database_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "relay", *args],
        env=relay_env(database_url=database_url),
        cwd=tmp,
        capture_output=True,
        text=True,
        timeout=120,
    )


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
        "Lincoln High,,ed@example,555-01,\n"  # three mistakes in one row: all three at once
    )
    result = _relay(["import", "students", str(bad)], tmp_path, sqlite_url)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0] == "relay: students.csv: 7 problem(s); nothing was imported"
    assert lines[1:] == [
        "  line 3, column email: email 'not-an-email' is not an email address",
        "  line 4, column phone: phone '12345' is not a 10-digit North American number",
        "  line 5, column school: no school named 'Nowhere High' (import schools first)",
        "  line 6, column advisor_email: no advisor nobody@example.org at Lincoln High (import advisors first)",
        "  line 7, column name: name is empty",
        "  line 7, column email: email 'ed@example' is not an email address",
        "  line 7, column phone: phone '555-01' is not a 10-digit North American number",
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
        attendance.check_out(session, maya, tuesday + timedelta(hours=6, minutes=3), reflection="=how CT works")
        day = session.get(InternshipDay, 1)
        attendance.answer_day(
            session, day, ruth, present=True, feedback="Great day", via="email", now=tuesday + timedelta(hours=7)
        )
    result = _relay(["export", "attendance", "--format", "json"], tmp_path, sqlite_url)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        {
            "student_email": "maya@example.org",
            "student_name": "Maya Lopez",
            "site": "Riverside Clinic",
            "mentor_email": "ruth@example.org",
            "mentor_name": "Ruth Chen",
            "date": "2026-03-10",
            "check_in_at": "2026-03-10T09:02:00-07:00",
            "check_out_at": "2026-03-10T15:05:00-07:00",
            "goals": "X-rays",
            "hours": 6.05,
            "status": "confirmed",
            "mentor_feedback": "Great day",
            "confirmed_via": "email",
            "reflection": "=how CT works",
        }
    ]
    out = io.StringIO()
    transfer.export(runtime, "attendance", "csv", out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [(r["date"], r["status"], r["hours"], r["confirmed_via"], r["reflection"]) for r in rows] == [
        ("2026-03-10", "confirmed", "6.05", "email", "'=how CT works")  # never a live formula
    ]
