"""`relay import` (all rows or none, line numbers for bad rows) and `relay export attendance`."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from relay import transfer
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


def _import_all(runtime: Any, tmp: Path) -> None:
    """In this process (the CLI itself is run by the tests below)."""
    for kind, text in FILES.items():
        path = tmp / f"{kind}.csv"
        path.write_text(text)
        out, err = io.StringIO(), io.StringIO()
        assert transfer.import_file(runtime, kind, path, out=out, err=err) == 0, err.getvalue()
        assert out.getvalue().startswith(f"{kind}: ")


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
