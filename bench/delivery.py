"""Outbound throughput: messages per second through the whole pipeline, against bare Dramatiq.

Pipeline: business transactions write queued email rows to Postgres (the outbox), Dramatiq on
Redis carries deliver_email to one `relay worker` process (8 threads), which claims each row,
sends it over SMTP to a local sink (another process) and records it sent. Baseline, in the same
run: a no-op Dramatiq actor on the same Redis, one worker process with 8 threads (dramatiq's own
CLI). Both count from the first enqueue (the first commit, for the pipeline) to the last message
done. Prints both rates and their ratio. Needs Postgres and Redis (see tests/support/services.py).

    python -m bench.delivery [--messages 5000] [--threads 8]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import dramatiq
import redis
from dramatiq.brokers.redis import RedisBroker
from sqlalchemy import func, select

from messaging import outbox
from messaging.models import OutboundMessage, Status
from relay import migrate
from relay.runtime import build
from relay.settings import Settings
from tests.support import services
from tests.support.processes import ROOT, relay_env
from workflow.models import Person, Role, School
from workflow.notifications import Notification

BATCH = 100


def _wait_ready(proc: subprocess.Popen[bytes], log: Path, marker: str | None, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited: {log.read_text()[-2000:]}")
        if marker is None or marker in log.read_text(errors="replace"):
            return
        time.sleep(0.1)
    raise RuntimeError(f"not ready: {log.read_text()[-2000:]}")


def bench_pipeline(count: int, threads: int, tmp: Path) -> float:
    database = services.create_database()
    namespace = f"bench-{uuid.uuid4().hex[:8]}"
    url = services.sqlalchemy_url(database)
    sink_port = services.free_port()
    sink_log = tmp / "sink.log"
    sink = subprocess.Popen(
        [sys.executable, "-m", "bench.sink", str(sink_port)],
        cwd=ROOT,
        stdout=sink_log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    worker = None
    try:
        _wait_ready(sink, sink_log, "ready")
        migrate.upgrade(url)
        settings: dict[str, Any] = {
            "database_url": url,
            "redis_url": services.REDIS,
            "redis_namespace": namespace,
            "outbound_smtp_url": f"smtp://127.0.0.1:{sink_port}",
            "worker_threads": threads,
        }
        # `_env_file` is BaseSettings' own argument, which mypy (without pydantic's plugin) does not know:
        # passed the way tests/conftest.py passes it.
        values: dict[str, Any] = {"_env_file": None, "secret_keys": ["bench-key-0123456789abcdefghijklmnopqrstuv"]}
        runtime = build(Settings(**values, **settings))
        with runtime.sessions.begin() as session:
            school = School(name="Bench High")
            session.add(school)
            session.flush()
            people = [
                Person(school_id=school.id, role=Role.advisor, name=f"A{i}", email=f"a{i}@example.org")
                for i in range(count)
            ]
            session.add_all(people)
        worker_log = tmp / "worker.log"
        worker = subprocess.Popen(
            [sys.executable, "-m", "relay", "worker", "--threads", str(threads)],
            cwd=ROOT,
            env=relay_env(**settings),
            stdout=worker_log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        time.sleep(3)  # let the worker boot before the clock starts
        _wait_ready(worker, worker_log, None)
        context = {"channel": "email", "address": "-", "recipient_name": None, "reason": "-", "about": "bench"}
        started = time.perf_counter()
        for offset in range(0, count, BATCH):
            with runtime.sessions.begin() as session:
                outbox.queue(
                    session,
                    [
                        Notification(template="email/message_failed", to=p, context=context)
                        for p in people[offset : offset + BATCH]
                    ],
                )
        while True:
            with runtime.sessions() as session:
                sent = session.scalar(select(func.count()).where(OutboundMessage.status == Status.sent))
            if sent == count:
                break
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        runtime.close()
        return count / elapsed
    finally:
        for proc in (worker, sink):
            if proc is not None:
                proc.terminate()
                proc.wait(10)
        services.delete_namespace(redis.Redis.from_url(services.REDIS), namespace)
        services.drop_database(database)


def bench_noop(count: int, threads: int, tmp: Path) -> float:
    namespace = f"bench-noop-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "BENCH_REDIS_URL": services.REDIS, "BENCH_NAMESPACE": namespace}
    log = tmp / "noop.log"
    worker = subprocess.Popen(
        [sys.executable, "-m", "dramatiq", "bench.noop_actor", "-p", "1", "-t", str(threads)],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        time.sleep(3)
        _wait_ready(worker, log, None)
        broker = RedisBroker(url=services.REDIS, namespace=namespace)  # type: ignore[no-untyped-call]  # unannotated in dramatiq
        dramatiq.set_broker(broker)
        actor = dramatiq.Actor(
            lambda message_id: None, broker=broker, actor_name="noop", queue_name="noop", priority=0, options={}
        )
        started = time.perf_counter()
        for i in range(count):
            actor.send(i)
        broker.join("noop", interval=20)
        return count / (time.perf_counter() - started)
    finally:
        worker.terminate()
        worker.wait(10)
        services.delete_namespace(redis.Redis.from_url(services.REDIS), namespace)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--messages", type=int, default=8000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds; medians are reported")
    args = parser.parse_args()
    pipelines, noops = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(1, args.rounds + 1):
            pipelines.append(bench_pipeline(args.messages, args.threads, Path(tmp)))
            noops.append(bench_noop(args.messages, args.threads, Path(tmp)))
            print(
                f"round {round_}: pipeline {pipelines[-1]:6.0f}/s, no-op {noops[-1]:6.0f}/s, "
                f"ratio {pipelines[-1] / noops[-1]:.2f}",
                flush=True,
            )
    pipeline, noop = statistics.median(pipelines), statistics.median(noops)
    print(
        f"messages: {args.messages} a round, worker threads: {args.threads}, one worker process each, "
        f"median of {args.rounds} rounds"
    )
    print(f"relay pipeline (Postgres outbox, Redis, SMTP to a local sink): {pipeline:8.0f} messages/s")
    print(f"bare Dramatiq no-op actor on the same Redis:                  {noop:8.0f} messages/s")
    # Each round runs the pipeline beside its baseline; the median of those ratios is the figure
    # that holds on a busy machine (a rate alone moves with whatever else runs).
    ratio = statistics.median(p / n for p, n in zip(pipelines, noops, strict=True))
    print(f"ratio: {ratio:.2f} (median of the rounds' ratios; target at least 0.5)")


if __name__ == "__main__":
    main()
