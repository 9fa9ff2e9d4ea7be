"""Two `relay scheduler` processes on one Redis: one leads, each tick fires once, and when the
leader is killed the other takes over within the lock's TTL, firing the ticks it missed."""

from __future__ import annotations

import itertools
import time
from datetime import datetime, timedelta
from pathlib import Path

import dramatiq
import redis

from tests.support.processes import relay, relay_env
from tests.support.waiting import wait_until

TTL = 3.0


def _fired(client: redis.Redis, namespace: str) -> list[tuple[str, datetime, str, float]]:
    """Every run_job message waiting in the jobs queue: (job, tick, fired_by, enqueued at)."""
    raw = client.hgetall(f"{namespace}:jobs.msgs")
    fired = []
    for data in raw.values():
        assert isinstance(data, bytes)  # redis types values as bytes | str; without decode_responses they are bytes
        message = dramatiq.Message.decode(data)
        job, tick, fired_by = message.args
        fired.append((job, datetime.fromisoformat(tick), fired_by, message.message_timestamp / 1000))
    return sorted((f for f in fired if f[0] == "heartbeat"), key=lambda f: f[1])


def test_one_leader_fires_each_tick_once_and_a_follower_takes_over(
    sqlite_url: str, redis_url: str, namespace: str, tmp_path: Path
) -> None:
    client = redis.Redis.from_url(redis_url)
    env = relay_env(
        database_url=sqlite_url,
        redis_url=redis_url,
        redis_namespace=namespace,
        scheduler_lock_ttl_seconds=TTL,
        job_schedules="heartbeat=@every 1s; sweep_outbox=@every 1h",
    )
    with relay(["scheduler"], env, tmp_path / "a.log") as a:
        wait_until(lambda: "took leadership" in a.output(), what="the first scheduler to lead")
        with relay(["scheduler"], env, tmp_path / "b.log") as b:
            wait_until(lambda: len(_fired(client, namespace)) >= 4, what="four ticks")
            before = _fired(client, namespace)
            assert {f[2] for f in before} == {f"{_host(a.output())}"}, "only the leader fires"
            a.kill()
            killed_at = time.time()
            wait_until(
                lambda: any(f[2] != before[0][2] for f in _fired(client, namespace)),
                timeout=3 * TTL,
                what="the follower to take over",
            )
            time.sleep(2.5)
            fired = _fired(client, namespace)
            assert "took leadership" in b.output()

    ticks = [f[1] for f in fired]
    assert len(ticks) == len(set(ticks)), "a tick fired twice"
    steps = {later - earlier for earlier, later in itertools.pairwise(ticks)}
    assert steps == {timedelta(seconds=1)}, f"ticks were skipped: {steps}"
    first_by_b = min(f[3] for f in fired if f[2] != before[0][2])
    takeover = first_by_b - killed_at
    # killed_at is taken after the kill returns, so the true figure is a little larger; 0.2 s of
    # slack covers that and the follower's wake-up.
    assert takeover <= TTL + 0.2, f"takeover took {takeover:.2f}s with a {TTL}s lock"
    print(f"\ntakeover after the kill: {takeover:.2f}s (lock TTL {TTL}s); {len(ticks)} ticks, none twice, none missed")


def _host(output: str) -> str:
    # "scheduler host:pid started ..." names the process; fired_by carries the same name.
    line = next(line for line in output.splitlines() if "started with jobs" in line)
    return line.split("scheduler ", 2)[-1].split(" started", 1)[0]
