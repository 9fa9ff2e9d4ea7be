"""Today (`GET /dashboard`): every placement scheduled today and every unscheduled check-in, from
`workflow.oversight.today`, with counts per presence that filter the list (`?presence=in`).

The list and its counts are one fragment (`GET /dashboard/today/lines`, `web/_today_board.html`)
that the page includes and htmx fetches again every `refresh` seconds (20 by default; `?refresh=N`
between 2 and 120), swapping it in place. Without JavaScript the page is complete and the chips are
plain links. The line to act on first (a no-show, a dispute, a day closed without check-out, the
longest wait for a mentor) is lifted above the list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Response
from fastapi.responses import HTMLResponse

from messaging import context, rendering
from web import staff_session
from web.dashboard import staff_page
from web.staff import SignedIn, Staff
from workflow.oversight import MentorAnswer, Presence, TodayBoard, TodayLine, Viewer, today

router = APIRouter(include_in_schema=False)
REFRESH_SECONDS = 20
REFRESH_RANGE = (2, 120)
LATEST = datetime.max.replace(tzinfo=UTC)
# The presence that most needs the coordinator, first: what the "act first" banner picks.
URGENCY = {
    Presence.no_show: 0,
    Presence.closed_without_checkout: 2,
    Presence.in_: 4,
    Presence.expected: 5,
    Presence.out: 5,
}


@dataclass(frozen=True)
class Chip:
    presence: Presence | None  # None: everyone
    count: int
    href: str
    current: bool


@dataclass(frozen=True)
class TodayView:
    """What `web/_today_board.html` shows: the board, the filter, the chips and the line to act on."""

    board: TodayBoard
    lines: list[TodayLine]
    presence: Presence | None
    chips: list[Chip]
    first: TodayLine | None
    attention: set[int]  # placement ids of the lines that need the coordinator
    refresh: int
    fragment_url: str
    page_url: str
    zone: ZoneInfo


def viewer(staff: Staff) -> Viewer:
    return Viewer(person_id=staff.person_id, role=staff.role, school_id=staff.school_id)


def needs_action(line: TodayLine) -> bool:
    return line.presence in (Presence.no_show, Presence.closed_without_checkout) or line.answer == MentorAnswer.disputed


def _urgency(line: TodayLine) -> tuple[int, datetime]:
    rank = 1 if line.answer == MentorAnswer.disputed else URGENCY[line.presence]
    if line.answer == MentorAnswer.waiting and rank > 3:
        rank = 3
    return rank, line.waiting_since or line.scheduled_start or line.check_in_at or LATEST


def act_first(lines: list[TodayLine]) -> TodayLine | None:
    """The one line the coordinator should look at first, if any needs them."""
    urgent = [line for line in lines if needs_action(line)]
    return min(urgent, key=_urgency) if urgent else None


def parse_presence(value: str | None) -> Presence | None:
    try:
        return Presence(value) if value else None
    except ValueError:
        return None  # an unknown filter shows everyone


def parse_refresh(value: int | None) -> int:
    if value is None:
        return REFRESH_SECONDS
    return max(REFRESH_RANGE[0], min(REFRESH_RANGE[1], value))


def _query(presence: Presence | None, refresh: int) -> str:
    values = {
        "presence": presence.value if presence else None,
        "refresh": refresh if refresh != REFRESH_SECONDS else None,
    }
    query = urlencode({k: v for k, v in values.items() if v is not None})
    return f"?{query}" if query else ""


def build(staff: Staff, presence: Presence | None, refresh: int) -> TodayView:
    now = staff_session.now()
    with context.current().sessions() as session:
        board = today(session, viewer(staff), now)
    chips = [Chip(None, len(board.lines), "/dashboard" + _query(None, refresh), presence is None)]
    chips += [
        Chip(p, board.counts[p], "/dashboard" + _query(p, refresh), presence == p)
        for p in (Presence.in_, Presence.expected, Presence.no_show, Presence.closed_without_checkout, Presence.out)
    ]
    return TodayView(
        board=board,
        lines=board.only(presence) if presence else board.lines,
        presence=presence,
        chips=chips,
        first=act_first(board.lines),
        attention={line.placement_id for line in board.lines if needs_action(line)},
        refresh=refresh,
        fragment_url="/dashboard/today/lines" + _query(presence, refresh),
        page_url="/dashboard" + _query(presence, refresh),
        zone=ZoneInfo(staff.timezone),
    )


def _values(staff: Staff, view: TodayView) -> dict[str, Any]:
    return {"view": view, "zone": view.zone, "now": view.board.now}


@router.get("/dashboard")
def today_page(staff: SignedIn, presence: str | None = None, refresh: int | None = None) -> Response:
    view = build(staff, parse_presence(presence), parse_refresh(refresh))
    return staff_page("today", staff, "today", **_values(staff, view))


@router.get("/dashboard/today/lines")
def today_lines(staff: SignedIn, presence: str | None = None, refresh: int | None = None) -> Response:
    """The counts and the list alone, for htmx to swap in place."""
    view = build(staff, parse_presence(presence), parse_refresh(refresh))
    school = {"name": staff.school_name, "locale": "en"}
    html = (
        rendering.environment()
        .get_template("web/_today_board.html")
        .render({"school": school, "person": None, "staff": staff, **_values(staff, view)})
    )
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})
