"""Days, times and dates as people write them ("Tu/Th", "3:30pm", "2026-03-03"), read into
values. The READY form and the placements import both read them; a text that is not one raises
`ScheduleTextError`, whose message says what was expected."""

from __future__ import annotations

import re
from datetime import date, time

from workflow.models import WEEKDAYS


class ScheduleTextError(ValueError):
    """A day, time or date that could not be read, in words a person understands."""


def parse_time(value: str) -> time:
    text = value.strip().lower().replace(".", "")
    match = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?\s*(am|pm)?", text)
    if not match:
        raise ScheduleTextError(f"{value!r} is not a time like 9:00 or 3:30pm")
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if half == "pm" and hour < 12:
        hour += 12
    if half == "am" and hour == 12:
        hour = 0
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise ScheduleTextError(f"{value!r} is not a time of day")
    return time(hour, minute)


def parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ScheduleTextError(f"{value!r} is not a date like 2026-03-03") from None


_FULL_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Any two or more leading letters of a day's name: "tu", "tue", "tues", "tuesday".
DAY_SPELLINGS = {
    full[:n]: short for full, short in zip(_FULL_DAYS, WEEKDAYS, strict=True) for n in range(2, len(full) + 1)
} | {"thur": "Thu", "thurs": "Thu", "tues": "Tue"}


def parse_days(value: str) -> str:
    """'Tue Thu', 'tuesday, thursday', 'Tu/Th' -> 'Tue Thu'."""
    found = set()
    for word in filter(None, re.split(r"[\s,/;&+]+", value.strip().lower())):
        day = DAY_SPELLINGS.get(word.rstrip("."))
        if day is None:
            raise ScheduleTextError(f"{word!r} is not a day of the week (use Mon Tue Wed Thu Fri Sat Sun)")
        found.add(day)
    if not found:
        raise ScheduleTextError("days is empty")
    return " ".join(d for d in WEEKDAYS if d in found)
