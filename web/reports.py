"""The reports (`/dashboard/reports/...`), for a period (`from`, `to`; the last 90 days by default):

- `/dashboard/reports`: hours and attendance per student (sortable, with totals) and attendance by
  week (a chart and its table);
- `/dashboard/reports/sites`: per site and per mentor, with the median time to confirm;
- `/dashboard/reports/students/{student_id}`: one student's hours by week and every day;
- `/dashboard/reports/feedback`: every mentor comment, by student, site and words;
- `/dashboard/reports/attendance`: every scheduled day (no-shows as `missed`), the download that
  `relay export attendance --from --to` also writes.

Each page downloads as CSV or JSON (`?format=csv|json`, the same query). Everything is read
through the viewer's scope (`workflow.oversight.viewer`): another school's student is a 404.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from starlette.exceptions import HTTPException

from messaging import context
from web import fixing, staff_session
from web.charts import Series, bar_chart
from web.dashboard import staff_page
from web.paths import Id
from web.report_period import Period, download, period, sort, sorted_by, wanted_format
from web.staff import SignedIn, Staff
from workflow import exports
from workflow.models import Placement
from workflow.oversight import listing, student_for
from workflow.oversight.viewer import placement_scope
from workflow.reports import feedback, hours, weekly
from workflow.reports.hours import StudentLine
from workflow.reports.tally import total

router = APIRouter(include_in_schema=False)
STUDENT_SORTS: dict[str, Any] = {
    "name": lambda line: line.name.lower(),
    "confirmed_hours": lambda line: line.tally.confirmed_hours,
    "pending_hours": lambda line: line.tally.pending_hours,
    "required_hours": lambda line: line.required_hours,
    "hours_left": lambda line: line.hours_left,
    "days_confirmed": lambda line: line.tally.confirmed,
    "days_missed": lambda line: line.tally.missed,
    "days_disputed": lambda line: line.tally.disputed,
    "days_no_checkout": lambda line: line.tally.no_checkout,
    "attendance_rate": lambda line: line.tally.rate,
}
GROUP_SORTS: dict[str, Any] = {
    "name": lambda line: line.name.lower(),
    "days": lambda line: line.tally.counted,
    "days_missed": lambda line: line.tally.missed,
    "attendance_rate": lambda line: line.tally.rate,
    "median_hours_to_confirm": lambda line: line.median_hours_to_confirm,
}


def _today(staff: Staff) -> date:
    return staff_session.now().astimezone(fixing.zone(staff)).date()


def _week_label(monday: date) -> str:
    return f"{monday:%b} {monday.day}"


def _weeks_chart(weeks: list[weekly.Week]) -> Any:
    labels = [_week_label(w.monday) for w in weeks]
    return bar_chart(
        "Attendance by week",
        labels,
        [
            Series("Present", [w.tally.present for w in weeks], "good"),
            Series("Missed", [w.tally.missed for w in weeks], "bad"),
            Series("Disputed", [w.tally.disputed for w in weeks], "wait"),
        ],
        unit="days",
    )


@router.get("/dashboard/reports")
def hours_page(staff: SignedIn, request: Request) -> Response:
    asked = period(request.query_params, _today(staff))
    viewer, today = fixing.viewer(staff), _today(staff)
    with context.current().sessions() as session:
        report = hours.hours_by_student(session, viewer, asked.since, asked.until, today)
        fmt = wanted_format(request.query_params)
        if fmt:
            records = [hours.student_record(line) for line in report.students]
            return download(f"hours-{asked.since}-{asked.until}", records, hours.STUDENT_FIELDS, fmt)
        weeks = weekly.attendance_by_week(session, viewer, asked.since, asked.until, today)
    how = sort(request.query_params, list(STUDENT_SORTS), "name")
    return staff_page(
        "report_hours",
        staff,
        "reports",
        200,
        tab="hours",
        period=asked,
        sort=how,
        students=sorted_by(report.students, how, STUDENT_SORTS),
        totals=report.totals,
        required_total=_required_total(report.students),
        weeks=weeks,
        chart=_weeks_chart(weeks),
    )


def _required_total(lines: list[StudentLine]) -> Any:
    values = [line.required_hours for line in lines if line.required_hours is not None]
    return sum(values) if values else None


@router.get("/dashboard/reports/sites")
def sites_page(staff: SignedIn, request: Request) -> Response:
    asked = period(request.query_params, _today(staff))
    with context.current().sessions() as session:
        sites, mentors, totals = hours.hours_by_site_and_mentor(
            session, fixing.viewer(staff), asked.since, asked.until, _today(staff)
        )
    fmt = wanted_format(request.query_params)
    if fmt:
        records = [hours.group_record("site", s) for s in sites] + [hours.group_record("mentor", m) for m in mentors]
        return download(f"sites-and-mentors-{asked.since}-{asked.until}", records, hours.GROUP_FIELDS, fmt)
    how = sort(request.query_params, list(GROUP_SORTS), "name")
    return staff_page(
        "report_sites",
        staff,
        "reports",
        200,
        tab="sites",
        period=asked,
        sort=how,
        sites=sorted_by(sites, how, GROUP_SORTS),
        mentors=sorted_by(mentors, how, GROUP_SORTS),
        totals=totals,
    )


@router.get("/dashboard/reports/students/{student_id}")
def student_page(staff: SignedIn, request: Request, student_id: Id) -> Response:
    asked = period(request.query_params, _today(staff))
    viewer, today = fixing.viewer(staff), _today(staff)
    with context.current().sessions() as session:
        student = student_for(session, viewer, student_id)
        if student is None:
            raise HTTPException(status_code=404)
        days = list(_attendance(session, staff, asked, student_id=student_id))
        fmt = wanted_format(request.query_params)
        if fmt:
            return download(f"days-{student.id}-{asked.since}-{asked.until}", days, exports.ATTENDANCE_FIELDS, fmt)
        weeks = weekly.student_weeks(session, viewer, student_id, asked.since, asked.until, today)
        name = student.name
    chart = bar_chart(
        f"{name}'s hours by week",
        [_week_label(w.monday) for w in weeks],
        [
            Series("Confirmed", [float(w.tally.confirmed_hours) for w in weeks], "good"),
            Series("Waiting for the mentor", [float(w.tally.pending_hours) for w in weeks], "wait"),
        ],
        unit="hours",
    )
    return staff_page(
        "report_student",
        staff,
        "reports",
        200,
        tab="hours",
        period=asked,
        student_id=student_id,
        student_name=name,
        weeks=weeks,
        chart=chart,
        days=days,
        totals=total(w.tally for w in weeks),
    )


def _attendance(session: Any, staff: Staff, asked: Period, *, student_id: int | None = None) -> Any:
    scope = placement_scope(fixing.viewer(staff))
    if student_id is not None:
        scope = scope & (Placement.student_id == student_id)
    return exports.attendance(session, since=asked.since, until=asked.until, where=scope, now=staff_session.now())


@router.get("/dashboard/reports/attendance")
def attendance_download(staff: SignedIn, request: Request) -> Response:
    """Every scheduled day of the period, no-shows included: `relay export attendance`'s rows."""
    asked = period(request.query_params, _today(staff))
    fmt = wanted_format(request.query_params) or "csv"
    with context.current().sessions() as session:
        rows = list(_attendance(session, staff, asked))
    return download(f"attendance-{asked.since}-{asked.until}", rows, exports.ATTENDANCE_FIELDS, fmt)


def _id(text: str | None) -> int | None:
    return int(text) if text and text.isascii() and text.isdigit() and len(text) < 19 else None  # "²" is no int


@router.get("/dashboard/reports/feedback")
def feedback_page(staff: SignedIn, request: Request) -> Response:
    params = request.query_params
    asked = period(params, _today(staff))
    viewer = fixing.viewer(staff)
    student_id, site_id, search = _id(params.get("student")), _id(params.get("site")), (params.get("q") or "")[:200]
    fmt = wanted_format(params)
    with context.current().sessions() as session:
        found = feedback.comments(
            session,
            viewer,
            asked.since,
            asked.until,
            student_id=student_id,
            site_id=site_id,
            search=search,
            limit=None if fmt else feedback.MOST,
        )
        if fmt:
            return download(f"feedback-{asked.since}-{asked.until}", [c.record() for c in found], feedback.FIELDS, fmt)
        students = [(s.id, s.name) for s in _students(session, viewer)]
        sites = hours.site_names(session, viewer)
    return staff_page(
        "report_feedback",
        staff,
        "reports",
        200,
        tab="feedback",
        period=asked,
        comments=found,
        most=feedback.MOST,
        students=students,
        sites=sites,
        student_id=student_id,
        site_id=site_id,
        search=search,
        zone=fixing.zone(staff),
        filters=_filters(params),
    )


def _students(session: Any, viewer: Any) -> Any:
    return listing.students(session, viewer)


def _filters(params: Any) -> str:
    """The feedback page's filters as a query, for its download links."""
    kept = {k: params.get(k) for k in ("from", "to", "student", "site", "q") if params.get(k)}
    return urlencode(kept)
