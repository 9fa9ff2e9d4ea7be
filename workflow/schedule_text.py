"""Days, times and dates as people write them ("Tu/Th", "3:30pm", "2026-03-03"), read into
values. The READY form and the placements import both read them; a text that is not one raises
`ScheduleTextError`, whose message says what was expected."""

from __future__ import annotations

import re
from dataclasses import dataclass
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


# -- a whole schedule in one text: "Tue Thu 9-3 from Jan 12 to Mar 20" ---------------------------------

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\.?"
_ORDINAL = r"(?:st|nd|rd|th)?"
_DATES = re.compile(
    r"(?P<iso>\b\d{4}-\d{1,2}-\d{1,2}\b)"
    rf"|\b(?P<m1>{_MONTH})\s*(?P<d1>\d{{1,2}}){_ORDINAL}\b(?:,?\s*(?P<y1>\d{{4}})\b)?"
    rf"|\b(?P<d2>\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?(?P<m2>{_MONTH})(?![a-z])(?:,?\s*(?P<y2>\d{{4}})\b)?"
    r"|\b(?P<nm>\d{1,2})/(?P<nd>\d{1,2})(?:/(?P<ny>\d{2}|\d{4}))?\b"
)
_CLOCK = r"\d{1,2}(?::\d{2}|\.\d{2})?\s*(?:[ap]\.?m\.?|[ap]\b)?"
_TIMES = re.compile(rf"(?P<a>{_CLOCK})\s*(?:-|to|until|till|til)\s*(?P<b>{_CLOCK})")
_BEFORE_LAST = re.compile(r"(?:\bto|\buntil|\btill|\btil|\bthrough|\bthru|\bend(?:ing|s)?|-)\s*$")
_WEEKDAY_RANGE = re.compile(r"\b([a-z]{2,9})\s*(?:-|to|through|thru)\s*([a-z]{2,9})\b")
_FILLER = frozenset(
    {"from", "to", "and", "on", "at", "every", "each", "until", "till", "til", "through", "thru", "starting"}
    | {"start", "starts", "end", "ends", "ending", "between", "the", "of", "s", "days", "hours", "dates"}
    | {"please", "pls", "thanks", "thank", "you", "thx", "ok", "okay", "i", "m", "im", "am", "will", "be", "there"}
)


@dataclass(frozen=True)
class Schedule:
    """What one text said of days, hours and dates; a part it did not say is None."""

    days: str | None = None
    start: time | None = None
    end: time | None = None
    first: date | None = None
    last: date | None = None

    def merged(self, later: Schedule) -> Schedule:
        """This, with whatever a later text says instead or besides."""
        return Schedule(
            later.days or self.days,
            later.start or self.start,
            later.end or self.end,
            later.first or self.first,
            later.last or self.last,
        )

    @property
    def missing(self) -> tuple[str, ...]:
        """'days', 'hours', 'dates': what is still to be asked for."""
        gaps = (("days", self.days), ("hours", self.start and self.end), ("dates", self.first and self.last))
        return tuple(name for name, value in gaps if not value)

    @property
    def empty(self) -> bool:
        return len(self.missing) == 3 and not (self.start or self.first or self.last)


def _clock(value: str) -> time:
    """A time of a school day: a bare hour from 1 to 6 is in the afternoon ("9-3" is 9:00 to 15:00)."""
    text = value.strip().lower().replace(" ", "")
    text = text.replace(".", ":") if re.fullmatch(r"\d{1,2}\.\d{2}", text) else text.replace(".", "")
    text = re.sub(r"([ap])m?$", r"\1m", text)
    if not text.endswith("m") and 1 <= int(text.split(":")[0]) <= 6:
        text += "pm"
    return parse_time(text)


def _date(match: re.Match[str], today: date) -> date:
    if match["iso"]:
        return parse_date(match["iso"])
    if match["nm"]:
        month, day, year = int(match["nm"]), int(match["nd"]), match["ny"]
    else:
        name = (match["m1"] or match["m2"])[:3]
        month, day, year = _MONTHS.index(name) + 1, int(match["d1"] or match["d2"]), match["y1"] or match["y2"]
    try:
        if year:
            return date(int(year) + (2000 if len(year) == 2 else 0), month, day)
        found = date(today.year, month, day)
    except ValueError:
        raise ScheduleTextError(f"{match.group(0).strip()!r} is not a date") from None
    # No year: the next such date, or one of the last few weeks (a start already under way).
    return found if (today - found).days <= 60 else found.replace(year=today.year + 1)


def read_schedule(text: str, today: date) -> Schedule:
    """Days, hours and dates as a student texts them, in any order: 'Tue Thu 9-3 from Jan 12 to Mar 20',
    'tues/thurs 9am-3pm 1/12 - 3/20', '9:30 to 15:00'. Month/day dates are read the US way; a date
    without a year is the next one (or one in the last 60 days). Raises ScheduleTextError, saying
    what could not be read, for a word that is none of these."""
    rest = " " + text.lower().replace("\u2013", "-").replace("\u2014", "-") + " "
    dates: list[tuple[date, bool]] = []  # (date, said to be the last one)
    for match in list(_DATES.finditer(rest)):
        dates.append((_date(match, today), bool(_BEFORE_LAST.search(rest[: match.start()]))))
    rest = _DATES.sub(" ", rest)
    first = last = None
    if len(dates) >= 2:
        (first, _), (last, _) = dates[0], dates[1]
        if last < first and not re.search(r"\d{4}", text):
            last = last.replace(year=last.year + 1)
    elif dates:
        first, last = (None, dates[0][0]) if dates[0][1] else (dates[0][0], None)

    start = end = None
    times = _TIMES.search(rest)
    if times:
        start, end = _clock(times["a"]), _clock(times["b"])
        if end <= start and end.hour < 12:
            end = end.replace(hour=end.hour + 12)
        rest = rest[: times.start()] + " " + rest[times.end() :]

    def day_range(match: re.Match[str]) -> str:
        a, b = DAY_SPELLINGS.get(match.group(1)), DAY_SPELLINGS.get(match.group(2))
        if a is None or b is None:
            return match.group(0)
        i, j = WEEKDAYS.index(a), WEEKDAYS.index(b)
        return " " + " ".join(WEEKDAYS[i : j + 1] if i <= j else WEEKDAYS[i:] + WEEKDAYS[: j + 1]).lower() + " "

    rest = _WEEKDAY_RANGE.sub(day_range, rest)
    days: set[str] = set()
    for said in re.split(r"[^a-z0-9:]+", rest):
        word = said.removesuffix("s") if said not in DAY_SPELLINGS and said.endswith("s") else said
        if not word or word in _FILLER:
            continue
        if word in DAY_SPELLINGS:
            days.add(DAY_SPELLINGS[word])
        elif word in ("weekday", "weekdays"):
            days.update(WEEKDAYS[:5])
        else:
            raise ScheduleTextError(f"{word!r} isn't a day, time or date")
    return Schedule(" ".join(d for d in WEEKDAYS if d in days) or None, start, end, first, last)
