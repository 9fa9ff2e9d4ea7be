"""Exports: one row per internship day (the fields in docs/ARCHITECTURE.md), times with the school's
offset, and the writer of CSV and JSON they share with the dashboard's downloads.

Every CSV cell goes through `csv_cell`: text a student or mentor typed (goals, feedback) must
never become a live formula in a spreadsheet (OWASP's CSV injection rule).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any, TextIO

from sqlalchemy import ColumnElement, and_, select, true
from sqlalchemy.orm import Session

from workflow.base import utcnow
from workflow.models import Placement, School
from workflow.reports import days

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A value as a CSV cell: text that a spreadsheet would run as a formula gets a leading `'`;
    None is empty; numbers are left as they are."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


ATTENDANCE_FIELDS = days.FIELDS


def attendance(
    session: Session,
    *,
    school: str | None = None,
    since: date | None = None,
    until: date | None = None,
    where: ColumnElement[bool] | None = None,
    now: datetime | None = None,
) -> Iterator[dict[str, Any]]:
    """One row per scheduled day (and per unscheduled check-in) from `since` to `until`, a school's
    (by name) or those matching `where` (a viewer's scope), including the no-shows Relay never
    wrote a row for (`workflow.reports.days`)."""
    moment = now or utcnow()
    condition = where if where is not None else true()
    if school:
        condition = and_(condition, School.name == school)
    return days.attendance_rows(
        session, where=condition, since=since, until=until, today=lambda zone: moment.astimezone(zone).date()
    )


def write(records: Iterable[dict[str, Any]], fields: Sequence[str], fmt: str, out: TextIO) -> None:
    """Records as JSON (a list of objects) or CSV (RFC 4180, every cell through `csv_cell`): the one
    writer of `relay export` and of the dashboard's downloads."""
    if fmt == "json":
        json.dump(list(records), out, indent=2, ensure_ascii=False)
        out.write("\n")
        return
    writer = csv.DictWriter(out, fieldnames=list(fields), lineterminator="\r\n")  # a CR in a cell is quoted
    writer.writeheader()
    writer.writerows({k: csv_cell(v) for k, v in r.items()} for r in records)


PLACEMENT_FIELDS = (
    "school",
    "student_email",
    "mentor_email",
    "site",
    "days",
    "start_time",
    "end_time",
    "start_date",
    "end_date",
    "status",
)


def placements(session: Session, *, school: str | None = None) -> Iterator[dict[str, Any]]:
    """One row per placement, in the import format (plus its status)."""
    query = (
        select(Placement)
        .join(School, School.id == Placement.school_id)
        .order_by(School.name, Placement.start_date, Placement.id)
    )
    if school:
        query = query.where(School.name == school)
    for placement in session.scalars(query):
        yield {
            "school": placement.school.name,
            "student_email": placement.student.email,
            "mentor_email": placement.mentor.email,
            "site": placement.site.name,
            "days": placement.weekdays,
            "start_time": placement.start_time.strftime("%H:%M"),
            "end_time": placement.end_time.strftime("%H:%M"),
            "start_date": placement.start_date.isoformat(),
            "end_date": placement.end_date.isoformat(),
            "status": placement.status,
        }
