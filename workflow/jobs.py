"""Scheduled jobs of the domain: what runs when. Each takes a session and the time, and returns
the notifications it wants sent. Schedules are `@every <n>s|m|h` or five-field cron, in UTC; jobs
that care about a school's local time run often and look at each school's clock themselves."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from workflow.notifications import Notification

JobFn = Callable[[Session, datetime], list[Notification]]


@dataclass(frozen=True)
class DomainJob:
    name: str
    schedule: str
    fn: JobFn
    description: str


def heartbeat(session: Session, now: datetime) -> list[Notification]:
    """Does nothing; its job_runs rows show the scheduler and workers are alive."""
    return []


JOBS: list[DomainJob] = [
    DomainJob("heartbeat", "@every 1m", heartbeat, "proves the scheduler and workers are alive"),
]
