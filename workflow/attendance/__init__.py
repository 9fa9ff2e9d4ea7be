"""The attendance loop: check in, goals, check out, and the mentor's answer.

Every function takes a session and the time, changes the domain in the caller's transaction and
returns a `Result` (the notifications to send, and what Relay now waits for from the person).
Times are stored in UTC; "today" is the school's local date. A day's status moves only by
`workflow.models.move_day`, along `DAY_TRANSITIONS`.

- `days`: clocks, a placement's day, hours, the texts every step shares;
- `checkin`: CHECKIN, which internship, today's goals;
- `checkout`: CHECKOUT, closing a day, asking the mentor;
- `answers`: the mentor's answer, and a later one;
- `reflection`: the student's line on what they learned, after CHECKOUT;
- `location`: a shared location, compared with the site;
- `jobs`: the scheduled jobs (nudges, closing, reminders, digests).

The channels call the functions re-exported here.
"""

from workflow.attendance.answers import answer_day
from workflow.attendance.checkin import check_in, choose_placement, record_goals
from workflow.attendance.checkout import CONFIRM_TTL, check_out, close_day, mentor_request
from workflow.attendance.days import active_placements, at_local, day_of, hours_between, local
from workflow.attendance.location import LocationOutcome, distance_m, record_location
from workflow.attendance.reflection import pleasantry, record_reflection

__all__ = [
    "CONFIRM_TTL",
    "LocationOutcome",
    "active_placements",
    "answer_day",
    "at_local",
    "check_in",
    "check_out",
    "choose_placement",
    "close_day",
    "day_of",
    "distance_m",
    "hours_between",
    "local",
    "mentor_request",
    "pleasantry",
    "record_goals",
    "record_location",
    "record_reflection",
]
