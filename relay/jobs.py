"""The job table (the domain's jobs plus the outbox sweeper) and the `run_job` actor.

A job tick may be enqueued twice (a leader that dies between enqueueing and recording it); the
`job_runs` row, unique per (job, tick), makes the second one a counted no-op.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from croniter import croniter
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from messaging import context, outbox
from messaging.outbound import sweeper
from relay.settings import Settings
from workflow import jobs as domain_jobs
from workflow.base import utcnow
from workflow.models import JobRun

log = logging.getLogger(__name__)
_EVERY = re.compile(r"^@every\s+(\d+(?:\.\d+)?)\s*(s|m|h)$")
_UNITS = {"s": 1, "m": 60, "h": 3600}


@dataclass(frozen=True)
class Job:
    name: str
    schedule: str
    run: Callable[[datetime], None]

    def next_after(self, moment: datetime) -> datetime:
        """The first tick strictly after `moment` (aligned to the epoch for @every)."""
        match = _EVERY.match(self.schedule)
        if match:
            period = float(match.group(1)) * _UNITS[match.group(2)]
            seconds = moment.timestamp()
            return datetime.fromtimestamp((seconds // period + 1) * period, UTC)
        return croniter(self.schedule, moment.astimezone(UTC)).get_next(datetime).astimezone(UTC)


def validate_schedule(schedule: str) -> None:
    if not _EVERY.match(schedule) and not croniter.is_valid(schedule):
        raise ValueError(f"not a schedule: {schedule!r} (use '@every 30s' or five-field cron)")


def _domain_runner(fn: domain_jobs.JobFn) -> Callable[[datetime], None]:
    def run(now: datetime) -> None:
        with context.current().sessions.begin() as session:
            outbox.queue(session, fn(session, now), now=now)

    return run


def _sweep(now: datetime) -> None:
    sweeper.sweep(now)
    sweeper.sweep_inbound(now)


def table(settings: Settings) -> dict[str, Job]:
    jobs = {j.name: Job(j.name, j.schedule, _domain_runner(j.fn)) for j in domain_jobs.JOBS}
    sweep_every = f"@every {settings.sweep_interval_seconds:g}s"
    jobs["sweep_outbox"] = Job("sweep_outbox", sweep_every, _sweep)
    for name, schedule in parse_overrides(settings.job_schedules).items():
        if name not in jobs:
            raise ValueError(f"RELAY_JOB_SCHEDULES names an unknown job {name!r}; known: {', '.join(sorted(jobs))}")
        jobs[name] = Job(name, schedule, jobs[name].run)
    return jobs


def parse_overrides(text: str) -> dict[str, str]:
    """'heartbeat=@every 1s; sweep_outbox=@every 5s' -> {name: schedule}."""
    overrides: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        name, sep, schedule = part.partition("=")
        if not sep:
            raise ValueError(f"RELAY_JOB_SCHEDULES: expected name=schedule, got {part!r}")
        validate_schedule(schedule.strip())
        overrides[name.strip()] = schedule.strip()
    return overrides


_table: dict[str, Job] = {}


def install(settings: Settings) -> None:
    _table.clear()
    _table.update(table(settings))


def run_job(name: str, tick: str, fired_by: str = "") -> None:
    """The `run_job` actor: run one tick of one job, once."""
    job = _table.get(name)
    if job is None:
        log.error("unknown job %r; ignored", name)
        return
    moment = datetime.fromisoformat(tick)
    sessions = context.current().sessions
    if not _start(sessions, name, moment, fired_by):
        return
    try:
        job.run(utcnow())
    except Exception as exc:
        with sessions.begin() as session:
            session.execute(
                update(JobRun).where(JobRun.job == name, JobRun.tick == moment).values(error=repr(exc)[:2000])
            )
        raise
    with sessions.begin() as session:
        session.execute(
            update(JobRun).where(JobRun.job == name, JobRun.tick == moment).values(finished_at=utcnow(), error=None)
        )


def _start(sessions: sessionmaker[Session], name: str, moment: datetime, fired_by: str) -> bool:
    try:
        with sessions.begin() as session:
            session.add(JobRun(job=name, tick=moment, fired_by=fired_by[:64], started_at=utcnow()))
        return True
    except IntegrityError:
        pass
    with sessions.begin() as session:
        run = session.scalars(select(JobRun).where(JobRun.job == name, JobRun.tick == moment)).one()
        if run.error is not None and run.finished_at is None:
            run.error = None  # a retry of a failed run: run it again
            return True
        run.duplicate_fires += 1
        log.info("job %s tick %s already ran or is running; duplicate ignored", name, tick_label(moment))
        return False


def tick_label(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")
