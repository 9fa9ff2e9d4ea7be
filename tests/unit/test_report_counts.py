"""The hours report, the weekly tallies and the export count the same days, whatever the world:
random placements (weekdays, dates, entered before or during the period), random days in every
status (some on unscheduled dates, some before the placement was entered), random periods."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from tests.support import builders
from workflow import exports
from workflow.models import DayStatus, InternshipDay, Role
from workflow.oversight import Viewer
from workflow.reports import hours, weekly
from workflow.reports.calendar import week_of

NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
STATUSES = [DayStatus.confirmed, DayStatus.pending, DayStatus.open, DayStatus.disputed, DayStatus.missed]


def _world(runtime: Any, rng: random.Random) -> Viewer:
    with runtime.sessions.begin() as session:
        school = builders.school(session, "Lincoln High", timezone="America/New_York")
        coordinator = builders.person(session, school, Role.coordinator, "Cora", "cora@example.org")
        site = builders.site(session, school, "Clinic")
        mentor = builders.person(session, school, Role.mentor, "Ruth", "ruth@example.org", site_id=site.id)
        for n in range(6):
            student = builders.person(session, school, Role.student, f"Student {n}", f"s{n}@example.org")
            start = date(2026, 9, 1) + timedelta(days=rng.randint(0, 40))
            placed = builders.placement(
                session,
                school,
                student,
                mentor,
                site,
                weekdays=" ".join(rng.sample(NAMES, rng.randint(1, 4))),
                start_date=start,
                end_date=start + timedelta(days=rng.randint(10, 90)),
            )
            placed.created_at = datetime.combine(start + timedelta(days=rng.randint(-5, 20)), time(15), UTC)
            on = placed.start_date
            while on <= placed.end_date:
                if rng.random() < 0.5:
                    status = rng.choice(STATUSES)
                    session.add(
                        InternshipDay(
                            placement_id=placed.id,
                            date=on,
                            status=status,
                            hours=Decimal(rng.randint(1, 8)) if status != DayStatus.missed else None,
                            unscheduled=not placed.meets_on(on),
                            no_checkout=rng.random() < 0.1,
                            later_answers=[],
                        )
                    )
                on += timedelta(days=rng.randint(1, 3))
        return Viewer(person_id=coordinator.id, role=Role.coordinator, school_id=school.id)


def test_the_report_the_weeks_and_the_export_agree(make_runtime: Any, sqlite_url: str) -> None:
    rng = random.Random(2026)
    runtime = make_runtime(database_url=sqlite_url)
    viewer = _world(runtime, rng)
    for _ in range(12):
        since = date(2026, 9, 1) + timedelta(days=rng.randint(0, 60))
        until = since + timedelta(days=rng.randint(0, 80))
        today = date(2026, 9, 15) + timedelta(days=rng.randint(0, 90))
        now = datetime.combine(today, time(17), UTC)
        with runtime.sessions() as session:
            rows = list(exports.attendance(session, since=since, until=until, now=now))
            report = hours.hours_by_student(session, viewer, since, until, today)
            weeks = weekly.attendance_by_week(session, viewer, since, until, today)
        counted = Counter((r["student_email"], r["status"]) for r in rows)
        for line in report.students:
            t = line.tally
            got = (t.confirmed, t.pending, t.open, t.disputed, t.missed)
            assert got == tuple(counted[(line.email, s)] for s in STATUSES), (since, until, today, line.name)
            confirmed = sum(Decimal(str(r["hours"])) for r in rows if r["student_email"] == line.email
                            and r["status"] == "confirmed")  # fmt: skip
            assert t.confirmed_hours == confirmed
        assert sum(counted.values()) == report.totals.counted
        by_week = Counter(week_of(date.fromisoformat(r["date"])) for r in rows)
        assert {w.monday: w.tally.counted for w in weeks if w.tally.counted} == {k: v for k, v in by_week.items()}, (
            since,
            until,
            today,
        )
