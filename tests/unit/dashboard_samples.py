"""Samples for the Today and Needs attention templates (web/today.html, web/attention.html), built
from the real dataclasses the pages pass, so a renamed field fails here too."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from web.attention import Bounce, Channels, Failed, OptedOut
from web.today import Chip, TodayView, act_first, needs_action
from workflow.models import DayStatus
from workflow.oversight.attention import (
    Attention,
    DayItem,
    Decision,
    Expiring,
    MentorWaiting,
    NoShows,
    Pursuer,
)
from workflow.oversight.today import MentorAnswer, PersonRef, Presence, TodayBoard, TodayLine
from workflow.requests.states import State

ZONE = ZoneInfo("America/Los_Angeles")
NOW = datetime(2026, 3, 10, 20, 15, tzinfo=UTC)
STAFF = SimpleNamespace(
    name="Casey Rivera", role="coordinator", school_name="Lincoln High School", csrf_token="c" * 64, is_coordinator=True
)
MAYA = PersonRef(1, "Maya Lopez-Hernandez", "maya@example.org")
JORDAN = PersonRef(2, "Jordan Smith", "jordan@example.org")
RUTH = PersonRef(10, "Dr. Ruth Chen-Okafor", "ruth.chen@riverside-clinic.org")
SITE = "Riverside Community Health Clinic"


def _at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, 10, hour, minute, tzinfo=ZONE)


def _line(n: int, presence: Presence, answer: MentorAnswer = MentorAnswer.none, **kw: Any) -> TodayLine:
    values: dict[str, Any] = {
        "day_id": 40 + n,
        "placement_id": n,
        "student": kw.pop("student", MAYA),
        "site": SITE,
        "mentor": RUTH,
        "scheduled_start": _at(9),
        "scheduled_end": _at(15),
        "unscheduled": False,
        "presence": presence,
        "status": None,
        "check_in_at": None,
        "check_out_at": None,
        "hours": None,
        "goals": None,
        "distance_m": None,
        "answer": answer,
        "waiting_since": None,
        "feedback": None,
    }
    return TodayLine(**{**values, **kw})


LINES = [
    _line(1, Presence.in_, check_in_at=_at(9, 2), goals="Shadow the X-ray technician.", distance_m=40),
    _line(
        2,
        Presence.out,
        MentorAnswer.waiting,
        check_in_at=_at(8, 58),
        check_out_at=_at(15, 10),
        hours=Decimal("6.2"),
        waiting_since=_at(15, 10),
    ),
    _line(3, Presence.no_show, day_id=None, student=JORDAN),
    _line(4, Presence.closed_without_checkout, check_in_at=_at(9), check_out_at=_at(15), distance_m=2400),
    _line(5, Presence.out, MentorAnswer.disputed, feedback="She wasn't here today.", check_in_at=_at(9)),
    _line(6, Presence.expected, scheduled_start=None, scheduled_end=None, unscheduled=True),
    _line(7, Presence.out, MentorAnswer.confirmed, feedback="Great questions about imaging.", hours=Decimal("6")),
]
COUNTS = dict.fromkeys(Presence, 0)
for _l in LINES:
    COUNTS[_l.presence] += 1
BOARD = TodayBoard(date=date(2026, 3, 10), now=NOW, lines=LINES, counts=COUNTS)
VIEW = TodayView(
    board=BOARD,
    lines=LINES,
    presence=None,
    chips=[Chip(None, 7, "/dashboard", True)]
    + [Chip(p, COUNTS[p], f"/dashboard?presence={p}", False) for p in Presence],
    first=act_first(LINES),
    attention={line.placement_id for line in LINES if needs_action(line)},
    refresh=20,
    fragment_url="/dashboard/today/lines",
    page_url="/dashboard",
    zone=ZONE,
)

DAY = DayItem(
    day_id=41,
    date=date(2026, 3, 6),
    student=MAYA,
    site=SITE,
    mentor=RUTH,
    status=DayStatus.pending,
    check_in_at=_at(9),
    check_out_at=_at(15),
    hours=Decimal("6"),
    feedback="She wasn't here.",
    asked_at=_at(15),
    answered_at=None,
)
QUEUE = Attention(
    unanswered=[MentorWaiting(RUTH, 2, _at(15), timedelta(days=4), _at(16), [DAY, DAY])],
    disputed=[DAY],
    no_checkout=[DAY],
    no_shows=[NoShows(JORDAN, 2, [date(2026, 3, 3), date(2026, 3, 5)])],
    decisions=[
        Decision(
            7,
            "request",
            MAYA,
            "Radiology assistant",
            SITE,
            _at(9),
            timedelta(hours=5),
            [Pursuer(JORDAN, State.pursuing)],
            2,
        ),
        Decision(8, "start", JORDAN, "Robot build team", "Bayview Robotics", _at(9), timedelta(days=2), [], 0),
    ],
    compliance=[Expiring(3, RUTH, "background_check", "valid", date(2026, 3, 1), -9, True)],
)
CHANNELS = Channels(
    bounces=[Bounce("ruth.chen@riverside-clinic.org", ["Dr. Ruth Chen-Okafor"], "5.1.1", "550 no such user", NOW)],
    opted_out=[OptedOut("+15555550102", ["Jordan Smith"], "STOP", NOW)],
    failed=[Failed(9, "sms", "+15555550102", "Jordan Smith", None, "21610 unsubscribed recipient", NOW)],
    failed_count=1,
)
COUNTS_ATTENTION = {
    **QUEUE.counts,
    "bounces": 1,
    "opted_out": 1,
    "failed": 1,
    "decisions": 2,
}

DASHBOARD_SAMPLES: dict[str, dict[str, Any]] = {
    "web/today": {"staff": STAFF, "here": "today", "view": VIEW, "zone": ZONE, "now": NOW},
    "web/attention": {
        "staff": STAFF,
        "here": "attention",
        "queue": QUEUE,
        "channels": CHANNELS,
        "counts": {**COUNTS_ATTENTION, "no_shows": 1, "compliance": 1},
        "total": 10,
        "flash": "Done: the mentor has a fresh reminder in their inbox.",
        "refused": False,
        "zone": ZONE,
        "now": NOW,
    },
    "web/attention_flash": {},
}
