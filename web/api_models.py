"""The JSON API's shapes (pydantic), so `/docs` documents every field a program gets or sends.

Answers are built from the domain's dataclasses (`from_attributes`) and every time is shown with
the school's offset, like `relay export attendance`: pass `context={"zone": ZoneInfo}` to
`model_validate`. Hours are numbers, durations ISO 8601 (`P1DT2H`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo

from workflow.models import DayStatus
from workflow.oversight import MentorAnswer, Presence
from workflow.requests.states import State


def _in_school_zone(moment: dt.datetime, info: ValidationInfo) -> dt.datetime:
    zone = info.context.get("zone") if isinstance(info.context, dict) else None
    return moment.astimezone(zone) if isinstance(zone, ZoneInfo) and moment.tzinfo is not None else moment


Local = Annotated[dt.datetime, AfterValidator(_in_school_zone)]


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class PersonOut(Out):
    id: int
    name: str
    email: str | None


class Scheduled(Out):
    start: Local
    end: Local


class TodayDay(Out):
    day_id: int | None = Field(description="the day's id (for /days/{day_id}); null until the day has a row")
    placement_id: int
    student_id: int
    student_email: str | None
    site: str
    mentor_email: str | None
    scheduled: Scheduled | None = Field(description="today's scheduled hours; null for an unscheduled check-in")
    presence: Presence
    check_in_at: Local | None
    check_out_at: Local | None
    goals: str | None
    hours: float | None
    status: DayStatus | None = Field(description="the day's status; null until the day has a row")
    answer: MentorAnswer = Field(description="the mentor's answer about the day")
    waiting_since: Local | None = Field(description="when the mentor was asked, while the answer is waiting")
    mentor_feedback: str | None
    distance_m: int | None = Field(description="metres from the site at check-in, when a location was shared")


class TodayOut(Out):
    date: dt.date = Field(description="the school's local date")
    days: list[TodayDay]


class DayOut(Out):
    """One internship day: its id and the fields of `relay export attendance`."""

    id: int
    student_email: str | None
    student_name: str
    site: str
    mentor_email: str | None
    mentor_name: str
    date: dt.date
    check_in_at: Local | None
    check_out_at: Local | None
    goals: str | None
    hours: float | None
    status: DayStatus
    mentor_feedback: str | None
    confirmed_via: str | None = Field(description="email, link or dashboard; null until confirmed")
    reflection: str | None = Field(description="the student's lines on what they learned, texted after check-out")


class ResolveIn(BaseModel):
    """Settle a day: confirm it on the mentor's behalf, or mark it missed."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["confirmed", "missed"]
    check_in_at: dt.datetime | None = Field(
        default=None, description="a new check-in time on the day (ISO 8601; without an offset: the school's time)"
    )
    check_out_at: dt.datetime | None = Field(default=None, description="a new check-out time on the day")
    reason: str = Field(default="", max_length=2000, description="why (required; kept in the audit log)")


class StudentOut(Out):
    id: int
    name: str
    email: str | None
    phone: str | None
    advisor_email: str | None
    active: bool


class PlacementOut(Out):
    placement_id: int
    site: str
    mentor: PersonOut
    weekdays: str
    start_time: dt.time
    end_time: dt.time
    start_date: dt.date
    end_date: dt.date
    status: str


class CorrectionOut(Out):
    at: Local
    by: str
    action: str
    reason: str


class RecordDay(Out):
    day_id: int
    placement_id: int
    date: dt.date
    site: str
    status: DayStatus
    check_in_at: Local | None
    check_out_at: Local | None
    hours: float | None
    goals: str | None
    feedback: str | None
    confirmed_via: str | None
    unscheduled: bool
    no_checkout: bool
    distance_m: int | None
    corrections: list[CorrectionOut]


class RequestOut(Out):
    request_id: int
    opportunity: str
    site: str
    status: State
    requested_at: Local
    decided_at: Local | None
    reason: str | None


class StudentRecordOut(Out):
    student: PersonOut
    phone: str | None
    advisor: PersonOut | None
    confirmed_hours: float = Field(description="hours of confirmed days")
    placements: list[PlacementOut]
    days: list[RecordDay] = Field(description="newest first")
    requests: list[RequestOut] = Field(description="newest first")


class AttentionDay(Out):
    day_id: int
    date: dt.date
    student: PersonOut
    site: str
    mentor: PersonOut
    status: DayStatus
    check_in_at: Local | None
    check_out_at: Local | None
    hours: float | None
    feedback: str | None
    asked_at: Local | None
    answered_at: Local | None


class MentorWaitingOut(Out):
    mentor: PersonOut
    count: int
    oldest_asked_at: Local
    oldest_age: dt.timedelta
    last_reminded_at: Local | None
    days: list[AttentionDay]


class NoShowsOut(Out):
    student: PersonOut
    count: int = Field(description="Days in the last 14 with a no-show (a day missed at two placements counts once)")
    dates: list[dt.date]


class PursuerOut(Out):
    student: PersonOut
    status: State


class DecisionOut(Out):
    request_id: int
    kind: Literal["request", "start"]
    student: PersonOut
    opportunity: str
    site: str
    waiting_since: Local
    age: dt.timedelta
    others: list[PursuerOut]
    others_elsewhere: int


class ExpiringOut(Out):
    document_id: int | None = Field(description="null when the required document is missing")
    mentor: PersonOut
    kind: str
    status: str = Field(description="valid, pending, rejected or missing")
    expires_on: dt.date | None
    days_left: int | None
    expired: bool
    standing: str = Field(description="expired, expiring, missing, pending or rejected")


class AttentionOut(Out):
    counts: dict[str, int] = Field(description="how many each list has in all; the lists hold the first `limit`")
    unanswered: list[MentorWaitingOut]
    disputed: list[AttentionDay]
    no_checkout: list[AttentionDay]
    no_shows: list[NoShowsOut]
    decisions: list[DecisionOut]
    compliance: list[ExpiringOut]


class MentorOut(Out):
    id: int
    name: str
    email: str | None
    phone: str | None = Field(description="E.164")
    site_id: int | None
    site: str | None = Field(description="the site's name")
    active: bool = Field(description="false once deactivated (kept with their history)")


class SiteOut(Out):
    id: int
    name: str
    address: str
    field: str
    do_not_solicit: bool = Field(description="the business asked not to be contacted")
    do_not_solicit_on: dt.date | None = Field(description="when it asked")
    do_not_solicit_by: str | None = Field(description="who asked")
    latitude: float | None
    longitude: float | None
    active: bool


class OpportunityOut(Out):
    id: int
    title: str
    site_id: int
    site: str
    mentor_id: int
    mentor_email: str | None
    field: str
    description: str
    capacity: int = Field(description="students at once")
    shared_with_region: bool = Field(description="offered to the region's other schools too")
    active: bool


class ErrorOut(BaseModel):
    detail: str = Field(description="what went wrong, in plain words")
    code: str | None = Field(default=None, description="a stable code for programs (e.g. reason_required)")


class StudentHoursOut(Out):
    """A student's hours and days in a period, as the Reports page and its download show them."""

    student_email: str | None
    name: str
    confirmed_hours: float = Field(description="hours of the days the mentor (or a coordinator) confirmed")
    pending_hours: float = Field(description="hours of the days still waiting for the mentor")
    required_hours: float | None = Field(description="the student's own, else the school's; null if neither is set")
    days_confirmed: int
    days_missed: int = Field(description="scheduled days that are over with no check-in, and days marked missed")
    days_disputed: int
    attendance_rate: float | None = Field(
        description="days present (confirmed, waiting or open) out of present, missed and disputed, 0..1"
    )
