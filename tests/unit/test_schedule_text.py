"""READY's days, hours and dates as students text them (`workflow.schedule_text.read_schedule`)."""

from __future__ import annotations

from datetime import date, time

import pytest

from messaging.inbound.reading.sms_keywords import Keyword, parse
from workflow.schedule_text import Schedule, ScheduleTextError, read_schedule

TODAY = date(2025, 11, 3)  # a Monday in the autumn term
FULL = Schedule("Tue Thu", time(9), time(15), date(2026, 1, 12), date(2026, 3, 20))


@pytest.mark.parametrize(
    "text",
    [
        "Tue Thu 9-3 from Jan 12 to Mar 20",
        "tues thurs 9am-3pm 1/12 - 3/20",
        "Tue/Thu 9:00 to 15:00 from January 12 to March 20",
        "tuesday, thursday 9 am - 3 pm jan 12th - mar 20th",
        "Tu & Th 9a-3p 1/12/26 to 3/20/26",
        "from Jan 12 to Mar 20, Tue and Thu, 9 to 3 please",
        "2026-01-12 to 2026-03-20 TUE THU 9-3",
        "12 January to 20 March tue thu 9.00-3.00",
        "Tue Thu 9-3 from Jan 12 \u2013 Mar 20",
    ],
)
def test_the_whole_schedule_in_many_spellings(text: str) -> None:
    assert read_schedule(text, TODAY) == FULL


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("9-3", time(9), time(15)),
        ("9am-3pm", time(9), time(15)),
        ("9:30 to 15:00", time(9, 30), time(15)),
        ("9:30am until 2:45pm", time(9, 30), time(14, 45)),
        ("8-12", time(8), time(12)),
        ("12-4", time(12), time(16)),
        ("1-5", time(13), time(17)),  # a bare hour from 1 to 6 is an afternoon one
        ("10-2", time(10), time(14)),
        ("8.30-2.30", time(8, 30), time(14, 30)),
    ],
)
def test_hours(text: str, start: time, end: time) -> None:
    said = read_schedule(text, TODAY)
    assert (said.start, said.end, said.missing) == (start, end, ("days", "dates"))


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("Tue/Thu", "Tue Thu"),
        ("tues thurs", "Tue Thu"),
        ("Mon-Fri", "Mon Tue Wed Thu Fri"),
        ("weekdays", "Mon Tue Wed Thu Fri"),
        ("Thursday and Tuesday", "Tue Thu"),
        ("mondays, wednesdays", "Mon Wed"),
    ],
)
def test_days(text: str, days: str) -> None:
    said = read_schedule(text, TODAY)
    assert (said.days, said.missing) == (days, ("hours", "dates"))


def test_dates_take_the_next_such_day_and_a_range_across_new_year() -> None:
    assert read_schedule("from Jan 12 to Mar 20", date(2026, 1, 5)).first == date(2026, 1, 12)
    assert read_schedule("from Jan 12 to Mar 20", date(2026, 1, 20)).first == date(2026, 1, 12)  # just begun
    assert read_schedule("from Jan 12 to Mar 20", date(2026, 6, 1)).first == date(2027, 1, 12)
    said = read_schedule("Nov 17 to Feb 6", TODAY)
    assert (said.first, said.last) == (date(2025, 11, 17), date(2026, 2, 6))


def test_one_date_is_the_first_unless_it_says_until() -> None:
    assert read_schedule("from Jan 12", TODAY) == Schedule(first=date(2026, 1, 12))
    assert read_schedule("until Mar 20", TODAY) == Schedule(last=date(2026, 3, 20))
    assert read_schedule("until Mar 20", TODAY).missing == ("days", "hours", "dates")


def test_missing_parts_are_named_and_later_texts_fill_them() -> None:
    assert read_schedule("", TODAY).missing == ("days", "hours", "dates")
    assert read_schedule("", TODAY).empty
    days = read_schedule("Tue Thu", TODAY)
    assert days.missing == ("hours", "dates")
    hours = days.merged(read_schedule("9-3", TODAY))
    assert hours.missing == ("dates",)
    assert hours.merged(read_schedule("1/12 - 3/20", TODAY)) == FULL
    assert FULL.merged(read_schedule("10-2", TODAY)).start == time(10), "a later text corrects an earlier one"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Tue Thrusday 9-3", "'thrusday' isn't a day, time or date"),
        ("Tue 9-3 from Feb 30", "'feb 30' is not a date"),
        ("13/45 to 3/20", "'13/45' is not a date"),
        ("9-25", "is not a time of day"),
    ],
)
def test_what_cannot_be_read_is_said(text: str, problem: str) -> None:
    with pytest.raises(ScheduleTextError, match=problem):
        read_schedule(text, TODAY)


@pytest.mark.parametrize(
    ("text", "argument"),
    [
        ("READY", ""),
        ("Ready!", ""),
        ("READY Tue Thu 9-3 from Jan 12 to Mar 20", "Tue Thu 9-3 from Jan 12 to Mar 20"),
        ("ready: 1/12 - 3/20", "1/12 - 3/20"),
        ("Ready mon wed fri and sat", "mon wed fri and sat"),
    ],
)
def test_ready_keeps_the_schedule_as_typed(text: str, argument: str) -> None:
    assert parse(text).keyword == Keyword.ready and parse(text).argument == argument


def test_goals_that_begin_with_ready_are_not_ready() -> None:
    assert parse("ready to shadow the nurse on rounds").keyword == Keyword.text
