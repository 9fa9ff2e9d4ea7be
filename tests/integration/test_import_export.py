"""Importing every kind of file, on Postgres and SQLite (the rest is in tests/unit/test_import_export.py)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from relay import transfer
from tests.unit.test_import_export import _import_all
from workflow.models import ComplianceDocument, Opportunity, Person, Placement, School, Site


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


def test_a_school_may_have_its_own_messaging_service_and_pool(
    make_runtime: Any, sqlite_url: str, tmp_path: Path
) -> None:
    runtime = make_runtime(database_url=sqlite_url)
    service = "MG" + "a" * 32
    path = tmp_path / "schools.csv"
    path.write_text(
        "name,timezone,sms_service_sid,sms_pool\n"
        f'Big High,America/Los_Angeles,{service},"(415) 555-0100, +14155550101"\n'
        f"Counted High,America/Los_Angeles,{service},5\n"
    )
    err = io.StringIO()
    assert transfer.import_file(runtime, "schools", path, out=io.StringIO(), err=err) == 0, err.getvalue()
    with runtime.sessions() as session:
        pools = {s.name: (s.sms_service_sid, s.sms_pool) for s in session.scalars(select(School))}
    assert pools == {"Big High": (service, "+14155550100,+14155550101"), "Counted High": (service, "5")}
    for bad, problem in (("MGnope,", "not a Messaging Service SID"), (",5", "needs its sms_service_sid")):
        path.write_text(f"name,timezone,sms_service_sid,sms_pool\nBad High,America/Los_Angeles,{bad}\n")
        err = io.StringIO()
        assert transfer.import_file(runtime, "schools", path, out=io.StringIO(), err=err) != 0
        assert problem in err.getvalue() and "line 2" in err.getvalue()
