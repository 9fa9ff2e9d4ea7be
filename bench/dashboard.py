"""The coordinator's workspace on a whole district: how fast Today, Needs attention, a student's
page and a month of days answer for the largest school's coordinator.

Builds a district in a Postgres database of its own (bench/district.py: by default 30 schools,
30,000 students, the largest school about 2,000, one school year: about 2.2 million internship
days, loaded with COPY and INSERT ... SELECT), then measures, after warm-up, N requests each:

- through a running `relay web` (HTTP over loopback, signed in with a real staff session; the API
  with a bearer token from `relay api-token create` when that command exists, else the cookie):
  GET /dashboard, /dashboard/attention, /dashboard/students/{id}, /dashboard/mentors/{id},
  /api/v1/days for one month
  (its first page: PAGE_SIZE days, as a client gets them without `limit`). A
  path that answers 404 is skipped, and said so (the pages may not be merged yet);
- the region's figures (bench/region.py): supply and demand for the largest school, the region
  overview and the network story over every day;
- the domain functions directly, in this process: workflow.oversight.today, needs_attention,
  student_record, mentor_record, the first page of a month of days as the API reads it (listing.days_between),
  the whole month as `relay export attendance` streams it (workflow.exports.attendance), and the
  hours report and attendance by week for a term (18 weeks to today: workflow.reports); through
  relay web also GET /dashboard/reports and /api/v1/reports/hours for the term.

Prints the load time and a table of p50/p95 in milliseconds. The machine's other work shows in the
figures: run it on a quiet machine for numbers to compare.

    python -m bench.dashboard [--students 30000] [--schools 30] [--requests 50] [--database-url URL]

A smoke run takes seconds: `--students 300 --schools 3 --requests 5`.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from bench import district
from bench import region as region_bench
from relay import migrate
from tests.support import services
from tests.support.processes import ROOT, relay_env
from web.api import PAGE_SIZE
from workflow import exports
from workflow.models import Role
from workflow.oversight import Viewer, listing, needs_attention, student_record, today
from workflow.oversight.mentor import mentor_record
from workflow.reports import hours, weekly

KEYS = "bench-key-0123456789abcdefghijklmnopqrstuv"
PUBLIC = "http://relay.bench"


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def timed(work: Callable[[int], object], n: int, warmup: int) -> list[float]:
    """Milliseconds of `work(i)` for i in range(n), after `warmup` calls not counted."""
    for i in range(warmup):
        work(i)
    times = []
    for i in range(n):
        began = time.perf_counter()
        work(i)
        times.append((time.perf_counter() - began) * 1000)
    return times


def row(name: str, times: list[float], note: str = "") -> None:
    if not times:
        print(f"  {name:<44} {'-':>8} {'-':>8}  {note}", flush=True)
        return
    print(f"  {name:<44} {quantile(times, 0.5):8.1f} {quantile(times, 0.95):8.1f}  {note}", flush=True)


def month(d: district.District) -> tuple[date, date]:
    """The last full month before today."""
    last = d.today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def term(d: district.District) -> tuple[date, date]:
    """A term: the 18 weeks to today (what a coordinator picks on the Reports page)."""
    return d.today - timedelta(weeks=18) + timedelta(days=1), d.today


def measure_domain(url: str, d: district.District, n: int, warmup: int) -> None:
    engine = create_engine(url)
    viewer = Viewer(person_id=d.coordinator_id, role=Role.coordinator, school_id=d.school_id)
    first, last = month(d)
    sizes: dict[str, str] = {}

    def call(what: Callable[[Session, int], str], key: str) -> Callable[[int], object]:
        def work(i: int) -> object:
            with Session(engine) as session:
                sizes[key] = what(session, i)
            return None

        return work

    def on_today(session: Session, i: int) -> str:
        board = today(session, viewer, datetime.now(UTC))
        return f"{len(board.lines)} lines: " + ", ".join(f"{k.value} {v}" for k, v in board.counts.items())

    def on_attention(session: Session, i: int) -> str:
        counts = needs_attention(session, viewer, datetime.now(UTC)).counts
        return ", ".join(f"{k} {v}" for k, v in counts.items())

    def on_student(session: Session, i: int) -> str:
        record = student_record(session, viewer, d.students[(i * 7919) % len(d.students)])
        assert record is not None
        return f"{len(record.days)} days, {len(record.requests)} requests"

    def on_mentor(session: Session, i: int) -> str:
        record = mentor_record(session, viewer, d.mentors[(i * 7919) % len(d.mentors)], datetime.now(UTC))
        assert record is not None
        return f"{len(record.students)} students, {record.asked} days asked"

    def on_page(session: Session, i: int) -> str:
        days = listing.days_between(session, viewer, first, last, limit=PAGE_SIZE + 1)
        return f"{len(days) - 1} days ({first} to {last})"

    def on_hours(session: Session, i: int) -> str:
        since, until = term(d)
        report = hours.hours_by_student(session, viewer, since, until, d.today)
        t = report.totals
        return f"{len(report.students)} students, {t.counted} days ({since} to {until}), {t.missed} missed"

    def on_weeks(session: Session, i: int) -> str:
        since, until = term(d)
        return f"{len(weekly.attendance_by_week(session, viewer, since, until, d.today))} weeks"

    def on_month(session: Session, i: int) -> str:
        days = list(exports.attendance(session, school=d.school_name, since=first, until=last))
        return f"{len(days)} days ({first} to {last})"

    print(f"domain functions, in this process ({n} calls each after {warmup}), ms:", flush=True)
    print(f"  {'':<44} {'p50':>8} {'p95':>8}", flush=True)
    for name, what, key in (
        ("oversight.today", on_today, "today"),
        ("oversight.needs_attention", on_attention, "attention"),
        ("oversight.student_record", on_student, "student"),
        ("oversight.mentor.mentor_record", on_mentor, "mentor"),
        ("listing.days_between, a month's first page", on_page, "page"),
        ("exports.attendance, the whole month (the CLI)", on_month, "month"),
        ("reports.hours_by_student, a term", on_hours, "hours"),
        ("reports.attendance_by_week, a term", on_weeks, "weeks"),
    ):
        row(name, timed(call(what, key), n, warmup), sizes.get(key, ""))
    engine.dispose()


def api_token(env: dict[str, str], email: str) -> str | None:
    """A bearer token from `relay api-token create EMAIL`, or None if the command is not there."""
    done = subprocess.run(
        [sys.executable, "-m", "relay", "api-token", "create", email],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return None
    words = re.findall(r"\S{20,}", done.stdout)
    return words[-1] if words else None


def measure_http(url: str, d: district.District, n: int, warmup: int, tmp: Path) -> None:
    port = services.free_port()
    env = relay_env(
        database_url=url,
        public_base_url=PUBLIC,
        http_bind=f"127.0.0.1:{port}",
        inbound_domain="relay.bench",
        log_level="WARNING",
    )
    env["RELAY_SECRET_KEYS"] = KEYS
    log = tmp / "web.log"
    web = subprocess.Popen(
        [sys.executable, "-m", "relay", "web"], cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            if web.poll() is not None:
                raise RuntimeError(f"relay web exited: {log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("relay web did not answer /healthz within 60 s")
            time.sleep(0.2)
        cookie = district.staff_session(libpq(url), d.coordinator_id, d.school_id, datetime.now(UTC))
        token = api_token(env, d.coordinator_email)
        first, last = month(d)
        pages: list[tuple[str, Callable[[int], str], dict[str, str]]] = [
            ("GET /dashboard", lambda i: "/dashboard", {}),
            ("GET /dashboard/attention", lambda i: "/dashboard/attention", {}),
            (
                "GET /dashboard/students/{student_id}",
                lambda i: f"/dashboard/students/{d.students[(i * 7919) % len(d.students)]}",
                {},
            ),
            (
                "GET /dashboard/mentors/{mentor_id}",
                lambda i: f"/dashboard/mentors/{d.mentors[(i * 7919) % len(d.mentors)]}",
                {},
            ),
            (
                "GET /api/v1/days?from=&to= (a month, page 1)",
                lambda i: f"/api/v1/days?from={first}&to={last}",
                {"Authorization": f"Bearer {token}"} if token else {},
            ),
        ]
        since, until = term(d)
        pages += [
            ("GET /dashboard/reports (a term)", lambda i: f"/dashboard/reports?from={since}&to={until}", {}),
            (
                "GET /api/v1/reports/hours (a term)",
                lambda i: f"/api/v1/reports/hours?from={since}&to={until}",
                {"Authorization": f"Bearer {token}"} if token else {},
            ),
        ]
        auth = "bearer token" if token else "session cookie (no `relay api-token`)"
        print(f"through relay web ({n} requests each after {warmup}; the API by {auth}), ms:", flush=True)
        print(f"  {'':<44} {'p50':>8} {'p95':>8}", flush=True)
        with httpx.Client(base_url=base, timeout=60, cookies={"relay_staff": cookie}) as client:
            for name, path, headers in pages:
                probe = client.get(path(0), headers=headers)
                if probe.status_code == 404:
                    row(name, [], "skipped: 404 on this branch")
                    continue
                if probe.status_code != 200:
                    row(name, [], f"skipped: answered {probe.status_code}")
                    continue
                sizes = {"bytes": len(probe.content)}

                def get(
                    i: int,
                    path: Callable[[int], str] = path,
                    headers: dict[str, str] = headers,
                    sizes: dict[str, int] = sizes,
                ) -> object:
                    answer = client.get(path(i), headers=headers)
                    answer.raise_for_status()
                    sizes["bytes"] = len(answer.content)
                    return None

                row(name, timed(get, n, warmup), f"{sizes['bytes'] // 1024} KiB")
    finally:
        web.terminate()
        try:
            web.wait(15)
        except subprocess.TimeoutExpired:
            web.kill()


def libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--students", type=int, default=30_000)
    parser.add_argument("--schools", type=int, default=30)
    parser.add_argument("--requests", type=int, default=50, help="measured requests (and calls) per path")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--database-url", help="an empty Postgres database to use (default: one of its own)")
    parser.add_argument("--no-http", action="store_true", help="measure only the domain functions")
    parser.add_argument("--keep", action="store_true", help="keep the database the benchmark created")
    parser.add_argument(
        "--loaded", action="store_true", help="--database-url already holds a district (kept by --keep): measure only"
    )
    args = parser.parse_args()
    database = None
    if args.database_url:
        url = args.database_url.replace("postgresql://", "postgresql+psycopg://", 1)
    else:
        database = services.create_database()
        url = services.sqlalchemy_url(database)
    try:
        migrate.upgrade(url)
        if args.loaded:
            d = district.find(libpq(url))
        else:
            began = time.perf_counter()
            d = district.build(libpq(url), args.students, args.schools)
            loaded = time.perf_counter() - began
            counts = ", ".join(f"{k} {v:,}" for k, v in d.counts.items())
            print(f"loaded in {loaded:.1f} s: {counts}", flush=True)
        print(
            f"largest school: {d.school_name}, {len(d.students):,} students; today {d.today} in {d.zone}, "
            f"{d.now.astimezone(ZoneInfo(d.zone)):%H:%M} there",
            flush=True,
        )
        measure_domain(url, d, args.requests, args.warmup)
        print(region_bench.prepare(libpq(url)), flush=True)
        region_bench.measure(url, d.school_id, args.requests, args.warmup, timed, row)
        if not args.no_http:
            with tempfile.TemporaryDirectory() as tmp:
                measure_http(url, d, args.requests, args.warmup, Path(tmp))
    finally:
        if database and (args.keep or os.environ.get("BENCH_KEEP_DATABASE")):
            print(f"kept database {database}", flush=True)
        elif database:
            services.drop_database(database)


if __name__ == "__main__":
    main()
