"""What the pages that fix the record share (web/days.py, web/decisions.py, web/students.py): the
viewer behind the signed-in staff member, reading a form's times and ids, turning a refusal into
the status and words a page shows, and the one-line notes shown after a change ("flash" lines,
carried in the redirect's query string as a key, never as text).

A refusal of `not_found` is a 404 that reads exactly like a missing object's; `coordinator_only`
is a 403; any other refusal is a 400 with its words (templates/web/refusals.txt).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from starlette.datastructures import FormData, QueryParams
from starlette.exceptions import HTTPException

from messaging import rendering
from web.paths import LARGEST
from web.staff import Staff
from workflow.errors import Refused
from workflow.oversight import Viewer

NOTES = "staff_fix_notes"  # templates/web/staff_fix_notes.txt: form errors and flash lines
DONE = frozenset(
    {
        "confirmed",
        "missed",
        "added",
        "days_confirmed",
        "approved",
        "denied",
        "document_added",
        "document_renewed",
        "blocked",
        "shared",
        "unshared",
    }
)
_CLOCK = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::\d{2})?\s*$")


def viewer(staff: Staff) -> Viewer:
    """The domain's viewer for the signed-in coordinator or advisor."""
    return Viewer(person_id=staff.person_id, role=staff.role, school_id=staff.school_id)


def zone(staff: Staff) -> ZoneInfo:
    return ZoneInfo(staff.timezone)


class BadInput(Exception):
    """A field the form could not read; `key` names its words in staff_fix_notes.txt."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def words(key: str) -> str:
    """A line of staff_fix_notes.txt."""
    return rendering.render_copy(NOTES, key, {})


def clock(text: str) -> time | None:
    """A local wall-clock time typed as 9:05 or 14:30 (what `<input type=time>` sends); None if blank."""
    if not text.strip():
        return None
    match = _CLOCK.match(text)
    if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise BadInput("bad_time")
    return time(int(match.group(1)), int(match.group(2)))


def moment(on: date, text: str, where: ZoneInfo) -> datetime | None:
    """A local HH:MM on a date as an aware UTC datetime (None if blank)."""
    wall = clock(text)
    return None if wall is None else datetime.combine(on, wall, tzinfo=where).astimezone(UTC)


def hhmm(value: datetime | None, where: ZoneInfo) -> str:
    """An aware datetime as the local HH:MM a time field shows ("" for none)."""
    return "" if value is None else value.astimezone(where).strftime("%H:%M")


def a_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadInput("bad_date") from None


def ids(form: FormData, field: str) -> list[int]:
    """The ticked ids of a list; an id that is not a number, or that no 64-bit column could hold
    (`-1`, `99999999999999999999`: a database error, a 500, before), is answered like a missing
    one (404), as `web.paths.Id` answers it in a path."""
    values: Sequence[object] = form.getlist(field)
    try:
        numbers = [int(str(v)) for v in values]
    except ValueError:
        raise HTTPException(status_code=404) from None
    if any(not 1 <= n <= LARGEST for n in numbers):
        raise HTTPException(status_code=404)
    return numbers


def text(form: FormData, field: str) -> str:
    value = form.get(field, "")
    return value if isinstance(value, str) else ""


@dataclass(frozen=True)
class Problem:
    """A refusal or unreadable field, as a page shows it."""

    status: int
    message: str


def problem(error: Refused | BadInput) -> Problem:
    """The status and words for a refusal; `not_found` raises the same 404 as a missing object."""
    if isinstance(error, BadInput):
        return Problem(400, words(error.key))
    if error.reason == "not_found":
        raise HTTPException(status_code=404)
    return Problem(403 if error.reason in ("coordinator_only", "not_staff") else 400, rendering.refusal(error))


def done(query: QueryParams) -> str | None:
    """The flash line after a change (`?done=KEY&n=COUNT`), or None."""
    key = query.get("done", "")
    if key not in DONE:
        return None
    count = query.get("n", "1")
    n = int(count) if count.isascii() and count.isdigit() and len(count) < 10 else 1  # "²" is no int
    return rendering.render_copy(NOTES, f"done_{key}", {"n": n})


def who(actor: str) -> str:
    """An audit log's actor label ("coordinator:3 Cora Diaz") as a name ("Cora Diaz")."""
    head, _, name = actor.partition(" ")
    return name if ":" in head and name else actor
