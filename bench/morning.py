"""A big school's morning: 500 students check in within ten minutes; how long until the last
answer goes out, on one long code and on a Messaging Service's pool of 5 numbers.

An SMS number sends about one segment a second, so the answers queue behind that rate; this is
the floor no software can beat. For answers arriving at times a_1 <= ... <= a_n with s_i segments,
on a sender of R segments a second, the last one cannot go before max_k (a_k + (s_k + ... + s_n) / R):
when all arrive at once that is the familiar segments / R; when the sender keeps up, it is the last
arrival plus its own send. A pool of P numbers has P x R; with a sticky sender each number serves
its own recipients, so the pool's floor is also given per number (the recipients Relay kept on it).

Everything is real but the clock: `relay web` takes the signed CHECKIN webhooks, `relay worker`
processes them and sends the answers, paced, through the real twilio client to a local Twilio API
(in this process, with the Messaging Service's pool and sticky sender). --compress C shortens the
morning C times and raises the rate C times (a long code at C segments a second), so the queue
is the same shape and the pacing is Relay's own. Needs Postgres and Redis.

    python -m bench.morning [--students 500] [--minutes 10] [--compress 4] [--pool 5]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import redis
from sqlalchemy import create_engine, select, update

from bench.school_day import ACCOUNT, KEYS, PUBLIC, TOKEN, Webhooks, seed
from messaging.models import OutboundMessage
from relay import migrate
from tests.support import services
from tests.support.processes import ROOT, relay_env
from tests.support.twilio_api import FakeTwilio
from workflow.models import School

LONG_CODE_RATE = 1.0  # segments a second, one number (real time)
SERVICE = "MG" + "5" * 32


@dataclass
class Morning:
    label: str
    last_wait: float  # from the first check-in to the last answer reaching Twilio, real seconds
    floor: float  # the physical floor for it, real seconds
    lane_floor: float  # the floor with each recipient kept on the number Relay chose
    segments: int
    slowest_student: float  # the longest any student waited for their answer, real seconds


def floor(arrivals: list[tuple[float, int]], rate: float) -> float:
    """max_k (a_k + segments from k on / rate), from the first arrival."""
    ordered = sorted(arrivals)
    if not ordered:
        return 0.0
    start, remaining, best = ordered[0][0], sum(s for _, s in ordered), 0.0
    for at, segments in ordered:
        best = max(best, at - start + remaining / rate)
        remaining -= segments
    return best


def morning(label: str, students: int, window: float, compress: float, pool: int, tmp: Path) -> Morning:
    rate = LONG_CODE_RATE * compress
    database = services.create_database()
    url = services.sqlalchemy_url(database)
    namespace = f"bench-morning-{uuid.uuid4().hex[:8]}"
    migrate.upgrade(url)
    roster = seed(url, students, per_school=students)
    numbers = [f"+1555019{i:04d}" for i in range(pool)]
    engine = create_engine(url)
    if pool > 1:  # the school's own Messaging Service instead of its number
        with engine.begin() as conn:
            conn.execute(update(School).values(sms_service_sid=SERVICE, sms_pool=",".join(numbers)))
    web_port = services.free_port()
    procs: list[subprocess.Popen[bytes]] = []
    with FakeTwilio(account_sid=ACCOUNT, auth_token=TOKEN, services={SERVICE: numbers}) as twilio:
        env = relay_env(
            database_url=url,
            redis_url=services.REDIS,
            redis_namespace=namespace,
            public_base_url=PUBLIC,
            http_bind=f"127.0.0.1:{web_port}",
            twilio_account_sid=ACCOUNT,
            twilio_auth_token=TOKEN,
            twilio_from="+15005550006",
            twilio_api_base=twilio.base_url,
            sms_segments_per_second=rate,
            quiet_hours="00:00-00:00",
            log_level="WARNING",
            worker_threads=8,
        )
        env["RELAY_SECRET_KEYS"] = KEYS
        try:
            for part in ("web", "worker"):
                procs.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "relay", part],
                        cwd=ROOT,
                        env=env,
                        stdout=(tmp / f"{label}-{part}.log").open("wb"),
                        stderr=subprocess.STDOUT,
                    )
                )
            _wait_port(web_port, procs[0], tmp / f"{label}-web.log")
            time.sleep(2)  # the worker's boot
            sent: dict[str, float] = {}
            asyncio.run(_check_in(roster_phones := [s.phone for s in roster], web_port, window, sent))
            deadline = time.time() + 3 * students / rate + 120
            while len(twilio.accepted) < students and time.time() < deadline:
                time.sleep(0.2)
            answered = {a.to: a.at for a in twilio.accepted}
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                proc.wait(15)
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                OutboundMessage.to_address,
                OutboundMessage.segments,
                OutboundMessage.from_address,
                OutboundMessage.created_at,
                OutboundMessage.attempts,
            ).where(OutboundMessage.channel == "sms")
        ).all()
    engine.dispose()
    services.delete_namespace(redis.Redis.from_url(services.REDIS), namespace)
    services.drop_database(database)
    if len(answered) < students:
        raise RuntimeError(f"{label}: only {len(answered)} of {students} answers reached Twilio; see {tmp}")
    segments = {r.to_address: r.segments or 1 for r in rows}
    queued = sorted(r.created_at.timestamp() - sent[r.to_address] for r in rows)
    paced = sorted(answered[r.to_address] - r.created_at.timestamp() for r in rows)
    print(
        f"  ({label}: answer queued {statistics.median(queued) * compress:.1f} s after its check-in (median), "
        f"{queued[-1] * compress:.1f} s at most; sent {statistics.median(paced) * compress:.1f} s after it was queued "
        f"(median), {paced[-1] * compress:.1f} s at most; attempts {sorted(r.attempts for r in rows)[-1]} at most)",
        flush=True,
    )
    arrivals = [(sent[p], segments[p]) for p in roster_phones]
    lanes: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for r in rows:
        lanes[r.from_address].append((sent[r.to_address], r.segments or 1))
    first = min(sent.values())
    # each lane's floor, measured from the morning's first check-in
    lane_floor = max(floor(a, rate) + min(t for t, _ in a) - first for a in lanes.values())
    return Morning(
        label=label,
        last_wait=(max(answered.values()) - first) * compress,
        floor=floor(arrivals, rate * pool) * compress,
        lane_floor=lane_floor * compress,
        segments=sum(segments.values()),
        slowest_student=max(answered[p] - sent[p] for p in roster_phones) * compress,
    )


def _wait_port(port: int, proc: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(log.read_text()[-3000:])
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"relay web never listened: {log.read_text()[-3000:]}")


async def _check_in(phones: list[str], port: int, window: float, sent: dict[str, float]) -> None:
    hooks = Webhooks(port, 16)
    await hooks.open()
    start = time.time() + 1
    plan = sorted((start + random.uniform(0, window), phone) for phone in phones)
    tasks = []
    for at, phone in plan:
        await asyncio.sleep(max(0.0, at - time.time()))
        sent[phone] = time.time()
        tasks.append(asyncio.create_task(hooks.text(phone, "CHECKIN")))
    await asyncio.gather(*tasks)
    if hooks.failures:
        raise RuntimeError(f"{hooks.failures} check-ins were not answered 200")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--students", type=int, default=500)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--compress", type=float, default=4, help="the clock runs this many times faster")
    parser.add_argument("--pool", type=int, default=5, help="numbers in the Messaging Service's pool")
    args = parser.parse_args()
    window = args.minutes * 60 / args.compress
    print(
        f"{args.students} students check in within {args.minutes:g} minutes; a number sends "
        f"{LONG_CODE_RATE:g} segment/s; clock compressed {args.compress:g}x (figures below in real seconds)",
        flush=True,
    )
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, pool in (("one long code", 1), (f"a pool of {args.pool}", args.pool)):
            result = morning(label, args.students, window, args.compress, pool, Path(tmp))
            results.append(result)
            over = (result.last_wait / result.floor - 1) * 100
            print(
                f"{label:>14}: {result.segments} segments; last answer {result.last_wait:6.1f} s after the first "
                f"check-in, floor {result.floor:6.1f} s ({over:+.1f}%; with each recipient on their own number: "
                f"{result.lane_floor:6.1f} s); the longest a student waited: {result.slowest_student:5.1f} s",
                flush=True,
            )
    worst = max(r.last_wait / r.floor - 1 for r in results) * 100
    print(f"target: the last answer within 5% of the floor; worst {worst:+.1f}%")


if __name__ == "__main__":
    main()
