"""Job schedules and the once-per-tick guarantee of run_job."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from relay import jobs
from relay.jobs import Job, parse_overrides
from workflow.models import JobRun


def test_every_and_cron_schedules() -> None:
    every = Job("x", "@every 15s", lambda now: None)
    assert every.next_after(datetime(2026, 1, 1, 10, 0, 7, tzinfo=UTC)) == datetime(2026, 1, 1, 10, 0, 15, tzinfo=UTC)
    assert every.next_after(datetime(2026, 1, 1, 10, 0, 15, tzinfo=UTC)) == datetime(2026, 1, 1, 10, 0, 30, tzinfo=UTC)
    cron = Job("y", "*/5 * * * *", lambda now: None)
    assert cron.next_after(datetime(2026, 1, 1, 10, 2, tzinfo=UTC)) == datetime(2026, 1, 1, 10, 5, tzinfo=UTC)


def test_schedule_overrides_are_checked() -> None:
    assert parse_overrides("heartbeat=@every 1s; sweep_outbox = */2 * * * *") == {
        "heartbeat": "@every 1s",
        "sweep_outbox": "*/2 * * * *",
    }
    with pytest.raises(ValueError, match="not a schedule"):
        parse_overrides("heartbeat=sometimes")
    with pytest.raises(ValueError, match="name=schedule"):
        parse_overrides("heartbeat")


def test_a_tick_fired_twice_runs_once_and_the_duplicate_is_counted(make_runtime: Any, sqlite_url: str) -> None:
    runtime = make_runtime(database_url=sqlite_url)
    runs: list[datetime] = []
    jobs._table["counted"] = Job("counted", "@every 1m", runs.append)
    tick = datetime(2026, 1, 1, 10, 0, tzinfo=UTC).isoformat()
    jobs.run_job("counted", tick, "a")
    jobs.run_job("counted", tick, "b")
    assert len(runs) == 1
    with runtime.sessions() as session:
        run = session.scalars(select(JobRun).where(JobRun.job == "counted")).one()
        assert (run.fired_by, run.duplicate_fires, run.finished_at is not None) == ("a", 1, True)


def test_a_failed_run_is_retried_and_then_runs(make_runtime: Any, sqlite_url: str) -> None:
    make_runtime(database_url=sqlite_url)
    calls: list[int] = []

    def flaky(now: datetime) -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database hiccup")

    jobs._table["flaky"] = Job("flaky", "@every 1m", flaky)
    tick = datetime(2026, 1, 1, 10, 0, tzinfo=UTC).isoformat()
    with pytest.raises(RuntimeError):
        jobs.run_job("flaky", tick)
    jobs.run_job("flaky", tick)  # what Dramatiq's Retries middleware does
    assert len(calls) == 2
