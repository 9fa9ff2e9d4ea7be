"""One internship day for N students, through the real front doors, at a compressed clock.

Every student texts CHECKIN during the morning window, today's goals a few (compressed) minutes
later, and CHECKOUT during the afternoon window; every mentor answers the email that follows with
a reply through Relay's SMTP server.

Arrivals come at the rate of a real morning: the whole network (30,000 students) checks in within
30 minutes, 16.7 texts a second, and checks out as fast in the afternoon (--rate). What --compress
shortens is the rest of the day: the minutes between arriving and texting goals, and the hours
between the morning and the afternoon (skipped: the check-outs begin once the goals are in). So
N students arrive over N / rate seconds; N=3,000 is a
three-minute morning at the network's rate, N=30,000 the whole network's half hour. --rate can be
raised to find where the machine stops keeping up.

Processes, as in production: `relay web`, `relay smtp`, `relay worker` (x --workers) and
`relay scheduler` on Postgres and Redis; outbound SMS go through the real twilio client to a
local Twilio API (its own process), outbound email over SMTP to a local sink (its own process).

Prints, per N: messages handled, p50/p99 latency from the CHECKOUT webhook to the mentor's email
reaching the sink, the peak memory of Relay's processes, whether every day ended confirmed; then
how each figure grows from the smallest N to the largest.

    python -m bench.school_day [--students 3000 30000] [--rate 16.7] [--compress 10] [--workers 2]
"""

from __future__ import annotations

import argparse
import asyncio
import heapq
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from datetime import time as clock
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import redis
from sqlalchemy import create_engine, func, insert, select, text
from twilio.request_validator import RequestValidator

from relay import migrate
from tests.support import services
from tests.support.processes import ROOT, relay_env
from workflow.models import DayStatus, InternshipDay, Person, Placement, Role, School, Site

KEYS = "bench-key-0123456789abcdefghijklmnopqrstuv"
PUBLIC = "http://relay.bench"
ACCOUNT, TOKEN = "AC" + "b" * 32, "bench-twilio-token-0123456789abcd"
STUDENTS_PER_SCHOOL = 300
NETWORK = 30_000
REAL_WINDOW = 30 * 60  # seconds: the whole network checks in within 30 minutes
REAL_RATE = NETWORK / REAL_WINDOW  # texts per second on a real morning


@dataclass
class Student:
    phone: str
    mentor_email: str
    checkout_sent: float = 0.0
    email_seen: float = 0.0


@dataclass
class Run:
    n: int
    elapsed: float = 0.0
    latencies: list[float] = field(default_factory=list)
    inbound: dict[str, int] = field(default_factory=dict)
    outbound: dict[str, int] = field(default_factory=dict)
    confirmed: int = 0
    peak_rss_mb: dict[str, float] = field(default_factory=dict)


# -- the school network ---------------------------------------------------------------------------


def seed(url: str, n: int, per_school: int = STUDENTS_PER_SCHOOL) -> list[Student]:
    """N students in schools of 300 (or `per_school`), each with a mentor; placements meet today from now on."""
    engine = create_engine(url)
    now = datetime.now(UTC)
    zone = "America/Los_Angeles"
    local = now.astimezone(__import__("zoneinfo").ZoneInfo(zone))
    start = clock(local.hour, local.minute)
    students: list[Student] = []
    with engine.begin() as conn:
        schools = (n + per_school - 1) // per_school
        for s in range(schools):
            school_id = conn.execute(
                insert(School)
                .values(
                    name=f"Bench School {s}",
                    timezone=zone,
                    sms_number=f"+1500{s:07d}",
                    country="US",
                    locale="en",
                    pursuit_days=14,
                    pursuer_limit=2,
                    created_at=now,
                )
                .returning(School.id)
            ).scalar_one()
            conn.execute(
                insert(Person).values(
                    school_id=school_id,
                    role=Role.coordinator,
                    name=f"Coordinator {s}",
                    email=f"coordinator{s}@bench.example",
                    active=True,
                    created_at=now,
                )
            )
            count = min(per_school, n - s * per_school)
            site_id = conn.execute(
                insert(Site)
                .values(
                    school_id=school_id, name=f"Site {s}", address="", field="", do_not_solicit=False, created_at=now
                )
                .returning(Site.id)
            ).scalar_one()
            people: list[dict[str, Any]] = []  # rows of parameters for one INSERT
            for i in range(count):
                k = s * per_school + i
                people.append(
                    {
                        "school_id": school_id,
                        "role": Role.student,
                        "name": f"Student {k}",
                        "email": f"student{k}@bench.example",
                        "phone": f"+1556{k:07d}",
                        "site_id": None,
                    }
                )
                people.append(
                    {
                        "school_id": school_id,
                        "role": Role.mentor,
                        "name": f"Mentor {k}",
                        "email": f"mentor{k}@bench.example",
                        "phone": None,
                        "site_id": site_id,
                    }
                )
            ids = conn.execute(
                insert(Person).returning(Person.id, Person.role, sort_by_parameter_order=True),
                [{**p, "active": True, "created_at": now} for p in people],
            ).all()
            pairs = list(zip(ids[0::2], ids[1::2], strict=True))
            conn.execute(
                insert(Placement),
                [
                    {
                        "school_id": school_id,
                        "student_id": st.id,
                        "mentor_id": me.id,
                        "site_id": site_id,
                        "weekdays": "Mon Tue Wed Thu Fri Sat Sun",
                        "start_time": start,
                        "end_time": clock(23, 59),
                        "start_date": date(2020, 1, 1),
                        "end_date": date(2100, 1, 1),
                        "status": "active",
                        "created_at": now,
                    }
                    for st, me in pairs
                ],
            )
            students += [Student(people[2 * i]["phone"], people[2 * i + 1]["email"]) for i in range(count)]
    engine.dispose()
    return students


# -- load --------------------------------------------------------------------------------------------


class Webhooks:
    """Signed Twilio webhooks over a pool of keep-alive connections."""

    def __init__(self, port: int, connections: int) -> None:
        self.port = port
        self.pool: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
        self.connections = connections
        self.validator = RequestValidator(TOKEN)
        self.failures = 0

    async def open(self) -> None:
        for _ in range(self.connections):
            self.pool.put_nowait(await asyncio.open_connection("127.0.0.1", self.port))

    async def text(self, phone: str, body: str) -> None:
        params = {
            "MessageSid": f"SM{uuid.uuid4().hex}",
            "AccountSid": ACCOUNT,
            "From": phone,
            "To": "+15005550006",
            "Body": body,
            "NumMedia": "0",
        }
        signature = self.validator.compute_signature(f"{PUBLIC}/sms/inbound", params)
        data = urlencode(params).encode()
        request = (
            f"POST /sms/inbound HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Twilio-Signature: {signature}\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(data)}\r\n\r\n"
        ).encode() + data
        reader, writer = await self.pool.get()
        try:
            for _attempt in range(3):
                try:
                    status = await self._exchange(reader, writer, request)
                    break
                except (OSError, IndexError, asyncio.IncompleteReadError):
                    # uvicorn closes idle keep-alive connections: open another and send again
                    # (the MessageSid makes a repeat harmless)
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
            else:
                status = 0
            if status != 200:
                self.failures += 1
        finally:
            self.pool.put_nowait((reader, writer))

    @staticmethod
    async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> int:
        writer.write(request)
        await writer.drain()
        status = int((await reader.readline()).split()[1])
        length = 0
        while (line := await reader.readline()) not in (b"\r\n", b""):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        await reader.readexactly(length)
        return status


async def smtp_reply(port: int, record: dict[str, str], body: str) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)

    async def reply() -> int:
        while True:
            line = await reader.readline()
            if line[3:4] != b"-":
                return int(line[:3])

    mentor = record["To"]
    message = (
        f"From: {mentor}\r\nTo: {record['Reply-To']}\r\nSubject: Re: {record['Subject']}\r\n"
        f"Message-ID: <{uuid.uuid4().hex}@mentor.bench.example>\r\nIn-Reply-To: {record['Message-ID']}\r\n"
        f"References: {record['References']} {record['Message-ID']}\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        f"{body}\r\n\r\nOn {record['Date']} Relay wrote:\r\n> Was the student here?\r\n.\r\n"
    ).encode()
    await reply()
    for command in (
        b"EHLO mentor.bench.example\r\n",
        f"MAIL FROM:<{mentor}>\r\n".encode(),
        f"RCPT TO:<{record['Reply-To']}>\r\n".encode(),
        b"DATA\r\n",
    ):
        writer.write(command)
        await reply()
    writer.write(message)
    await reply()
    writer.write(b"QUIT\r\n")
    await reply()
    writer.close()


async def drive(
    students: list[Student],
    web_port: int,
    smtp_port: int,
    log: Path,
    window: float,
    compress: float,
    connections: int,
    deadline: float,
) -> None:
    goals_delay = (10 * 60) / compress  # goals about ten real minutes after arriving
    events: list[tuple[float, int, str, int]] = []
    start = time.time() + 2
    afternoon = start + window + goals_delay  # the middle of the day, when nothing is texted, skipped
    for i, _ in enumerate(students):
        arrive = start + random.uniform(0, window)
        heapq.heappush(events, (arrive, len(events), "CHECKIN", i))
        heapq.heappush(events, (arrive + random.uniform(0.2, 1.0) * goals_delay, len(events), "goals", i))
        heapq.heappush(events, (afternoon + random.uniform(0, window), len(events), "CHECKOUT", i))
    hooks = Webhooks(web_port, connections)
    await hooks.open()
    by_mentor = {s.mentor_email: s for s in students}
    replies: set[asyncio.Task[None]] = set()

    async def follow_sink() -> None:
        offset = 0
        replied = 0
        while replied < len(students) and time.time() < deadline:
            await asyncio.sleep(0.05)
            with log.open("rb") as handle:
                handle.seek(offset)
                chunk = handle.read()
            last = chunk.rfind(b"\n")
            if last < 0:
                continue
            offset += last + 1
            for line in chunk[: last + 1].splitlines():
                record = json.loads(line)
                student = by_mentor.get(record["To"])
                if student and record["Subject"].startswith("Please confirm") and not student.email_seen:
                    student.email_seen = record["t"]
                    task = asyncio.create_task(smtp_reply(smtp_port, record, "Yes, great day."))
                    replies.add(task)
                    task.add_done_callback(replies.discard)
                    replied += 1

    follower = asyncio.create_task(follow_sink())
    in_flight: set[asyncio.Task[None]] = set()
    while events:
        at, _, kind, index = heapq.heappop(events)
        await asyncio.sleep(max(0.0, at - time.time()))
        student = students[index]
        body = "Shadow the team and take notes" if kind == "goals" else kind
        if kind == "CHECKOUT":
            student.checkout_sent = time.time()
        task = asyncio.create_task(hooks.text(student.phone, body))
        in_flight.add(task)
        task.add_done_callback(in_flight.discard)
    await asyncio.gather(*in_flight)
    await follower
    await asyncio.gather(*replies)
    if hooks.failures:
        print(f"  {hooks.failures} webhooks did not answer 200", flush=True)


# -- processes ----------------------------------------------------------------------------------------


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run(n: int, rate: float, compress: float, workers: int, connections: int, tmp: Path) -> Run:
    database = services.create_database()
    url = services.sqlalchemy_url(database)
    namespace = f"bench-day-{uuid.uuid4().hex[:8]}"
    migrate.upgrade(url)
    students = seed(url, n)
    web_port, smtp_port, sink_port, twilio_port = (services.free_port() for _ in range(4))
    log = tmp / f"sink-{n}.jsonl"
    log.write_text("")
    env = relay_env(
        database_url=url,
        redis_url=services.REDIS,
        redis_namespace=namespace,
        public_base_url=PUBLIC,
        http_bind=f"127.0.0.1:{web_port}",
        smtp_bind=f"127.0.0.1:{smtp_port}",
        inbound_domain="relay.bench",
        outbound_smtp_url=f"smtp://127.0.0.1:{sink_port}",
        twilio_account_sid=ACCOUNT,
        twilio_auth_token=TOKEN,
        twilio_from="+15005550006",
        twilio_api_base=f"http://127.0.0.1:{twilio_port}",
        sms_segments_per_second=500,
        quiet_hours="00:00-00:00",
        log_level="WARNING",
        worker_threads=8,
    )
    env["RELAY_SECRET_KEYS"] = KEYS
    procs: dict[str, subprocess.Popen[bytes]] = {}

    def start(name: str, args: list[str], environment: dict[str, str] | None = None) -> None:
        procs[name] = subprocess.Popen(
            args, cwd=ROOT, env=environment, stdout=(tmp / f"{name}.log").open("wb"), stderr=subprocess.STDOUT
        )

    result = Run(n)
    try:
        start("sink", [sys.executable, "-m", "bench.sink", str(sink_port), str(log)])
        start("twilio", [sys.executable, "-m", "bench.twilio_server", str(twilio_port), ACCOUNT, TOKEN])
        for part in ("web", "smtp", "scheduler"):
            start(part, [sys.executable, "-m", "relay", part], env)
        for w in range(workers):
            start(f"worker{w}", [sys.executable, "-m", "relay", "worker"], env)
        time.sleep(6)
        for name, proc in procs.items():
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited: {(tmp / f'{name}.log').read_text()[-2000:]}")
        began = time.time()
        window = n / rate
        deadline = began + 2 * window + (10 * 60) / compress + 900
        asyncio.run(drive(students, web_port, smtp_port, log, window, compress, connections, deadline))
        engine = create_engine(url)
        while time.time() < deadline:
            with engine.connect() as conn:
                result.confirmed = (
                    conn.scalar(
                        select(func.count())
                        .select_from(InternshipDay)
                        .where(InternshipDay.status == DayStatus.confirmed)
                    )
                    or 0
                )
            if result.confirmed >= n:
                break
            time.sleep(1)
        result.elapsed = time.time() - began
        with engine.connect() as conn:
            result.inbound = dict(conn.execute(text("select channel, count(*) from inbound_messages group by 1")).all())
            result.outbound = dict(
                conn.execute(text("select channel, count(*) from outbound_messages group by 1")).all()
            )
        engine.dispose()
        result.latencies = [s.email_seen - s.checkout_sent for s in students if s.email_seen and s.checkout_sent]
        result.peak_rss_mb = {
            name: peak_rss_mb(p.pid)
            for name, p in procs.items()
            if name in ("web", "smtp", "scheduler") or name.startswith("worker")
        }
    finally:
        for proc in procs.values():
            proc.terminate()
        for proc in procs.values():
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
        services.delete_namespace(redis.Redis.from_url(services.REDIS), namespace)
        if os.environ.get("BENCH_KEEP_DATABASE"):
            print(f"  kept database {database}", flush=True)
        else:
            services.drop_database(database)
    return result


def _quantile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(r: Run, rate: float) -> dict[str, float]:
    handled = sum(r.inbound.values()) + sum(r.outbound.values())
    p50, p99 = _quantile(r.latencies, 0.50), _quantile(r.latencies, 0.99)
    memory = sum(r.peak_rss_mb.values())
    print(f"N={r.n}: {handled} messages handled (inbound {r.inbound}, outbound {r.outbound}) in {r.elapsed:.0f} s")
    print(f"  check-ins at {rate:.1f}/s over {r.n / rate:.0f} s (as many goals, then check-outs at the same rate)")
    print(f"  CHECKOUT -> mentor email at the sink: p50 {p50:.2f} s, p99 {p99:.2f} s ({len(r.latencies)} measured)")
    print(f"  days confirmed: {r.confirmed} of {r.n}")
    print(
        f"  peak memory: {memory:.0f} MB over Relay's processes ("
        + ", ".join(f"{k} {v:.0f}" for k, v in sorted(r.peak_rss_mb.items()))
        + ")",
        flush=True,
    )
    return {"handled": handled, "p50": p50, "p99": p99, "memory": memory}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--students", type=int, nargs="+", default=[3000, 30000])
    parser.add_argument(
        "--rate",
        type=float,
        default=REAL_RATE,
        help=f"check-ins (and check-outs) a second; default a real morning of {NETWORK:,} students in 30 minutes",
    )
    parser.add_argument("--compress", type=float, default=10.0, help="compression of the rest of the day (default 10)")
    parser.add_argument("--workers", type=int, default=2, help="relay worker processes")
    parser.add_argument("--connections", type=int, default=48, help="webhook connections")
    args = parser.parse_args()
    random.seed(7)
    figures = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.students:
            figures[n] = report(run(n, args.rate, args.compress, args.workers, args.connections, Path(tmp)), args.rate)
    if len(figures) > 1:
        small, large = min(figures), max(figures)
        print(f"growth from N={small} to N={large} ({large / small:.0f}x students):")
        for key, label in (
            ("handled", "messages"),
            ("p50", "p50 latency"),
            ("p99", "p99 latency"),
            ("memory", "peak memory"),
        ):
            print(f"  {label}: x{figures[large][key] / figures[small][key]:.2f}")


if __name__ == "__main__":
    main()
