"""`relay scheduler`: fires each job's ticks as Dramatiq messages, with one leader among many.

With Redis, the leader holds a lock with a TTL that it refreshes; the others try for it and take
over when it lapses (a killed leader is replaced within the TTL). The last fired tick of each job
is kept in Redis, so a new leader fires the ticks the old one missed (within an hour) and none
twice. Without Redis there is one process, which always leads.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol

import redis

from messaging import actors
from messaging.context import Enqueue
from relay.jobs import Job, tick_label

log = logging.getLogger(__name__)
MAX_CATCH_UP = timedelta(hours=1)
MAX_TICKS_PER_ROUND = 100

_REFRESH = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class Leadership(Protocol):
    def hold(self) -> bool:
        """Acquire or refresh leadership; True while this process leads."""
        ...

    def release(self) -> None: ...

    def expires_in(self) -> float | None:
        """Seconds until another leader's hold lapses, if known."""
        ...


class TickLog(Protocol):
    def last(self, job: str) -> datetime | None: ...

    def record(self, job: str, tick: datetime) -> None: ...


class AlwaysLeader:
    def hold(self) -> bool:
        return True

    def release(self) -> None:
        pass

    def expires_in(self) -> float | None:
        return None


class RedisLeadership:
    def __init__(self, client: redis.Redis, *, key: str, identity: str, ttl_seconds: float) -> None:
        self.client = client
        self.key = key
        self.identity = identity
        self.ttl_ms = int(ttl_seconds * 1000)
        self._refresh = client.register_script(_REFRESH)
        self._release = client.register_script(_RELEASE)
        self.leading = False

    def hold(self) -> bool:
        try:
            if self.leading and self._refresh(keys=[self.key], args=[self.identity, self.ttl_ms]):
                return True
            won = bool(self.client.set(self.key, self.identity, nx=True, px=self.ttl_ms))
        except redis.RedisError as exc:
            log.warning("scheduler cannot reach Redis (%s); not leading", exc)
            won = False
        if won != self.leading:
            log.info("scheduler %s %s leadership", self.identity, "took" if won else "lost")
        self.leading = won
        return won

    def expires_in(self) -> float | None:
        try:
            ttl = int(self.client.pttl(self.key))
        except redis.RedisError:
            return None
        return ttl / 1000 if ttl > 0 else 0.0

    def release(self) -> None:
        if self.leading:
            with contextlib.suppress(redis.RedisError):
                self._release(keys=[self.key], args=[self.identity])
            self.leading = False


class MemoryTickLog:
    def __init__(self) -> None:
        self._last: dict[str, datetime] = {}

    def last(self, job: str) -> datetime | None:
        return self._last.get(job)

    def record(self, job: str, tick: datetime) -> None:
        self._last[job] = tick


class RedisTickLog:
    def __init__(self, client: redis.Redis, *, key: str) -> None:
        self.client = client
        self.key = key

    def last(self, job: str) -> datetime | None:
        raw = self.client.hget(self.key, job)
        if not raw:
            return None
        return datetime.fromisoformat(raw.decode() if isinstance(raw, bytes) else str(raw))

    def record(self, job: str, tick: datetime) -> None:
        self.client.hset(self.key, job, tick.isoformat())


def identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Scheduler:
    def __init__(
        self,
        jobs: dict[str, Job],
        enqueue: Enqueue,
        *,
        leadership: Leadership,
        ticks: TickLog,
        name: str,
        lock_ttl: float,
    ) -> None:
        self.jobs = jobs
        self.enqueue = enqueue
        self.leadership = leadership
        self.ticks = ticks
        self.name = name
        self.poll = max(0.05, min(lock_ttl / 3, 1.0))
        self.fired = 0

    def run(self, stop: threading.Event) -> None:
        log.info(
            "scheduler %s started with jobs: %s",
            self.name,
            ", ".join(f"{j.name} ({j.schedule})" for j in self.jobs.values()),
        )
        try:
            while not stop.is_set():
                pause = self.poll
                try:
                    if self.leadership.hold():
                        self.fire_due(datetime.now(UTC))
                        pause = self._sleep()
                    else:
                        # Wake just as the leader's hold lapses, so a dead leader is replaced
                        # within the lock's TTL.
                        lapse = self.leadership.expires_in()
                        if lapse is not None:
                            pause = min(self.poll, lapse + 0.01)
                except Exception:
                    log.exception("scheduler round failed; trying again")
                stop.wait(pause)
        finally:
            self.leadership.release()

    def _sleep(self) -> float:
        now = datetime.now(UTC)
        upcoming = min((j.next_after(now) for j in self.jobs.values()), default=now + timedelta(seconds=self.poll))
        return max(0.01, min(self.poll, (upcoming - now).total_seconds() + 0.005))

    def fire_due(self, now: datetime) -> int:
        fired = 0
        for job in self.jobs.values():
            last = self.ticks.last(job.name)
            if last is None or now - last > MAX_CATCH_UP:
                # First start, or back after a long outage: begin now, do not replay history.
                last = now
                self.ticks.record(job.name, now)
            tick = job.next_after(last)
            rounds = 0
            while tick <= now and rounds < MAX_TICKS_PER_ROUND:
                self.enqueue(actors.RUN_JOB, (job.name, tick.isoformat(), self.name), None)
                self.ticks.record(job.name, tick)
                log.debug("fired %s at %s", job.name, tick_label(tick))
                fired += 1
                rounds += 1
                tick = job.next_after(tick)
        self.fired += fired
        return fired
