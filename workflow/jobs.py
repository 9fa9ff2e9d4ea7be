"""Scheduled jobs of the domain: what runs when. Each takes a session and the time, and returns
the notifications it wants sent. Schedules are `@every <n>s|m|h` or five-field cron, in UTC; jobs
that care about a school's local time run often and look at each school's clock themselves."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from workflow import evaluations
from workflow.attendance import jobs as attendance_jobs
from workflow.notifications import Notification
from workflow.region import totals as region_totals
from workflow.requests import scheduled as request_jobs

JobFn = Callable[[Session, datetime], list[Notification]]


@dataclass(frozen=True)
class DomainJob:
    name: str
    schedule: str
    fn: JobFn


def heartbeat(session: Session, now: datetime) -> list[Notification]:
    """Does nothing; its job_runs rows show the scheduler and workers are alive."""
    return []


JOBS: list[DomainJob] = [
    DomainJob("heartbeat", "@every 1m", heartbeat),  # proves the scheduler and workers are alive
    # one nudge an hour after a student's start time with no check-in
    DomainJob("nudge_missing_checkins", "@every 5m", attendance_jobs.nudge_missing_checkins),
    # days open two hours after their end are closed as no check-out
    DomainJob("close_open_days", "@every 5m", attendance_jobs.close_open_days),
    # one reminder after two days, then the coordinator is told
    DomainJob("remind_mentors", "@every 15m", attendance_jobs.remind_mentors),
    # each school day at 4:30pm local: no-shows, disputes, unanswered, feedback
    DomainJob("coordinator_digests", "@every 5m", attendance_jobs.coordinator_digests),
    # Fridays: one email for a mentor's waiting days
    DomainJob("mentor_weekly_digests", "@every 15m", attendance_jobs.mentor_weekly_digests),
    # 3 days before a pursuit window ends, a reminder; when it ends, the place goes to the next
    DomainJob("pursuit_windows", "@every 15m", request_jobs.pursuit_jobs),
    # a start waiting two school days: a reminder, then the coordinator
    DomainJob("start_reminders", "@every 15m", request_jobs.start_reminders),
    # a placement's last day (and its mid-point, if the school asks): the mentor's evaluation email
    DomainJob("ask_evaluations", "@every 15m", evaluations.ask_evaluations),
    # an evaluation unanswered 5 school days: one reminder; 2 more: the coordinators are told
    DomainJob("remind_evaluations", "@every 1h", evaluations.remind_evaluations),
    # the network story's summary: every placement's days before today, counted again
    DomainJob("network_totals", "@every 15m", region_totals.refresh_job),
]
