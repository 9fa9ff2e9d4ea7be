"""A school district in Postgres, loaded in bulk for bench.dashboard: schools of uneven sizes,
coordinators, advisors, students, mentors, sites, opportunities, placements, one school year of
internship days, today's days in every presence, requests waiting, compliance documents and the
audit log's entries for check-ins and dashboard corrections.

People, sites, placements and today's days are made in Python and sent with COPY; the year's days
(the 2 million rows) and their audit entries are made inside Postgres by INSERT ... SELECT over
generate_series, so nothing crosses the wire row by row.

The clock is the real one, because `relay web` runs on it: every school is put in a whole-hour
`Etc/GMT` zone where it is now about 12:30, so Today shows a morning's check-ins, afternoon starts
still expected, no-shows, early check-outs and days closed without check-out. The school week is
five days ending two days after today's weekday, so today is always a school day.
"""

from __future__ import annotations

import hashlib
import random
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from typing import Any
from zoneinfo import ZoneInfo

import psycopg

from workflow.models import WEEKDAYS

YEAR_DAYS = 259  # the school year so far: 37 weeks
NUDGE_AFTER = timedelta(minutes=60)  # workflow.attendance.jobs.NUDGE_AFTER
BASE = datetime(2020, 1, 1, tzinfo=UTC)


@dataclass
class District:
    today: date
    now: datetime
    zone: str
    school_id: int  # the largest school
    school_name: str
    coordinator_id: int
    coordinator_email: str
    students: list[int] = field(default_factory=list)  # the largest school's students
    mentors: list[int] = field(default_factory=list)  # the largest school's mentors
    counts: dict[str, int] = field(default_factory=dict)


def midday_zone(now: datetime) -> str:
    """The whole-hour Etc/GMT zone in which `now` is closest to 12:30 local time."""
    hours = now.hour + now.minute / 60
    offset = round(12.5 - hours)
    offset = (offset + 12) % 24 - 12  # -12 .. +11
    if offset == 0:
        return "Etc/GMT"
    return f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"  # Etc/GMT-3 is UTC+3


def school_sizes(students: int, schools: int) -> list[int]:
    """Uneven sizes: weights falling linearly from 1.9 to 0.1, so the largest school has about
    twice the average (2,000 of 30,000 in 30 schools) and the smallest a twentieth of it."""
    if schools == 1:
        return [students]
    weights = [1.9 - 1.8 * i / (schools - 1) for i in range(schools)]
    sizes = [max(1, int(students * w / sum(weights))) for w in weights]
    sizes[0] += students - sum(sizes)
    return sizes


def copy(cur: psycopg.Cursor[Any], table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    n = 0
    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as out:
        for row in rows:
            out.write_row(row)
            n += 1
    return n


def build(url: str, students: int, schools: int, seed: int = 7) -> District:
    """Load the district into the (migrated, empty) database at `url` (a libpq URL)."""
    rng = random.Random(seed)
    now = datetime.now(UTC).replace(microsecond=0)
    zone = midday_zone(now)
    today = now.astimezone(ZoneInfo(zone)).date()
    week = [WEEKDAYS[(today.weekday() + 2 - i) % 7] for i in range(4, -1, -1)]
    patterns = [f"{a} {b}" for i, a in enumerate(week) for b in week[i + 1 :]]  # 10 pairs, 4 meet today
    year_start = today - timedelta(days=YEAR_DAYS)
    year_end = today + timedelta(days=30)
    sizes = school_sizes(students, schools)
    ids = {"people": 0, "sites": 0, "placements": 0, "opportunities": 0, "requests": 0, "documents": 0}

    def new(kind: str) -> int:
        ids[kind] += 1
        return ids[kind]

    rows: dict[str, list[tuple[Any, ...]]] = {k: [] for k in ("schools", "people", "sites", "placements")}
    rows |= {"opportunities": [], "requests": [], "documents": []}
    district: District | None = None
    for s, size in enumerate(sizes):
        school_id = s + 1
        name = f"Bench School {s:02d}"
        rows["schools"].append((school_id, name, zone, "Bench Region", f"+1500{s:07d}", "US", "en", 14, 2, BASE))
        coordinator = new("people")
        email = f"coordinator{s}@bench.example"
        rows["people"].append((coordinator, school_id, "coordinator", f"Coordinator {s}", email, None, None, None))
        if district is None:
            district = District(today, now, zone, school_id, name, coordinator, email)
        advisors = [new("people") for _ in range(max(1, size // 25))]
        for a, advisor in enumerate(advisors):
            rows["people"].append(
                (advisor, school_id, "advisor", f"Advisor {s}.{a}", f"advisor{s}.{a}@bench.example", None, None, None)
            )
        sites = [new("sites") for _ in range(max(1, (size + 3) // 4))]
        opportunities = []
        opportunity_at: dict[int, int] = {}
        mentors = []
        for i, site in enumerate(sites):
            rows["sites"].append((site, school_id, f"Site {s}.{i}", f"{i} Main St", "health", False, BASE))
            for m in range(2):
                mentor = new("people")
                mentors.append((mentor, site))
                if school_id == 1:
                    district.mentors.append(mentor)
                rows["people"].append(
                    (
                        mentor,
                        school_id,
                        "mentor",
                        f"Mentor {s}.{i}.{m}",
                        f"mentor{s}.{i}.{m}@bench.example",
                        None,
                        None,
                        site,
                    )
                )
                expires = today + timedelta(days=rng.randint(-60, 700))
                status = "pending" if rng.random() < 0.05 else "valid"
                rows["documents"].append((new("documents"), mentor, "background_check", status, expires, BASE))
            opportunity = new("opportunities")
            opportunities.append((opportunity, site))
            opportunity_at[site] = opportunity
            rows["opportunities"].append(
                (opportunity, school_id, site, mentors[-2][0], f"Internship at site {s}.{i}", "health", "", 2, False)
            )
        for k in range(size):
            student = new("people")
            if school_id == 1:
                district.students.append(student)
            rows["people"].append(
                (
                    student,
                    school_id,
                    "student",
                    f"Student {s}.{k}",
                    f"student{s}.{k}@bench.example",
                    f"+1555{student:07d}",
                    rng.choice(advisors),
                    None,
                )
            )
            mentor, site = mentors[(k // 2) % len(mentors)]
            opportunity = opportunity_at[site]
            begins = year_start
            if rng.random() < 0.05:  # an earlier placement that ended
                ended = year_start + timedelta(days=rng.randint(40, 90))
                placement = new("placements")
                other, other_site = rng.choice(mentors)
                rows["placements"].append(
                    _placement(placement, school_id, student, other, other_site, rng, patterns, year_start, ended)
                )
                rows["placements"][-1] = (*rows["placements"][-1][:-1], "ended")
                begins = ended + timedelta(days=7)
            elif rng.random() < 0.1:  # started later in the year
                begins = year_start + timedelta(days=rng.randint(20, 150))
            placement = new("placements")
            rows["placements"].append(
                _placement(placement, school_id, student, mentor, site, rng, patterns, begins, year_end)
            )
            asked = datetime.combine(begins - timedelta(days=21), clock(15), UTC)
            rows["requests"].append(
                (new("requests"), school_id, student, opportunity, "active", asked, asked, asked, placement)
            )
            for status, share in (
                ("requested", 0.04),
                ("start_requested", 0.015),
                ("pursuing", 0.03),
                ("waiting", 0.01),
                ("denied", 0.05),
            ):
                if rng.random() < share:
                    other_opportunity = rng.choice(opportunities)[0]
                    at = now - timedelta(hours=rng.uniform(1, 24 * 20))
                    decided = None if status in ("requested", "waiting") else at
                    rows["requests"].append(
                        (new("requests"), school_id, student, other_opportunity, status, at, at, decided, None)
                    )
    assert district is not None
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        c = district.counts
        c["schools"] = copy(
            cur,
            "schools",
            (
                "id",
                "name",
                "timezone",
                "region",
                "sms_number",
                "country",
                "locale",
                "pursuit_days",
                "pursuer_limit",
                "created_at",
            ),
            rows["schools"],
        )
        cur.execute("SET session_replication_role = replica")  # people.site_id <-> sites: load both, then check
        c["people"] = copy(
            cur,
            "people",
            ("id", "school_id", "role", "name", "email", "phone", "advisor_id", "site_id", "active", "created_at"),
            ((*r, True, BASE) for r in rows["people"]),
        )
        c["sites"] = copy(
            cur,
            "sites",
            ("id", "school_id", "name", "address", "field", "do_not_solicit", "created_at"),
            rows["sites"],
        )
        cur.execute("SET session_replication_role = DEFAULT")
        c["compliance_documents"] = copy(
            cur,
            "compliance_documents",
            ("id", "mentor_id", "kind", "status", "expires_on", "updated_at"),
            rows["documents"],
        )
        c["opportunities"] = copy(
            cur,
            "opportunities",
            (
                "id",
                "school_id",
                "site_id",
                "mentor_id",
                "title",
                "field",
                "description",
                "capacity",
                "shared_with_region",
                "active",
                "created_at",
            ),
            ((*r, True, BASE) for r in rows["opportunities"]),
        )
        c["placements"] = copy(
            cur,
            "placements",
            (
                "id",
                "school_id",
                "student_id",
                "mentor_id",
                "site_id",
                "weekdays",
                "start_time",
                "end_time",
                "start_date",
                "end_date",
                "created_at",
                "status",
            ),
            rows["placements"],
        )
        c["internship_requests"] = copy(
            cur,
            "internship_requests",
            (
                "id",
                "school_id",
                "student_id",
                "opportunity_id",
                "status",
                "requested_at",
                "updated_at",
                "decided_at",
                "placement_id",
            ),
            rows["requests"],
        )
        c["days (the year)"] = _year_of_days(cur, today, seed)
        c["days (today)"] = _today(cur, rows["placements"], district, rng)
        c["audit_log"] = _audit(cur)
        for table in ("people", "sites", "placements", "opportunities", "internship_requests"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        cur.execute(
            "SELECT setval(pg_get_serial_sequence('compliance_documents', 'id'), "
            "(SELECT max(id) FROM compliance_documents))"
        )
        cur.execute("SELECT setval(pg_get_serial_sequence('schools', 'id'), (SELECT max(id) FROM schools))")
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")
    return district


def _placement(
    placement: int,
    school_id: int,
    student: int,
    mentor: int,
    site: int,
    rng: random.Random,
    patterns: list[str],
    begins: date,
    ends: date,
) -> tuple[Any, ...]:
    start = clock(7, 30) if rng.random() < 0.2 else clock(rng.randint(8, 13), rng.choice((0, 30)))
    end = clock(min(start.hour + rng.randint(3, 6), 18), start.minute)
    return (placement, school_id, student, mentor, site, rng.choice(patterns), start, end, begins, ends, BASE, "active")


YEAR = """
INSERT INTO internship_days (placement_id, date, status, check_in_at, check_out_at, goals, hours, unscheduled,
    no_checkout, mentor_feedback, confirmed_via, confirmed_at, confirmation_requested_at, nudged_at, later_answers,
    created_at)
SELECT placement_id, on_date, status,
    CASE WHEN status = 'missed' THEN NULL ELSE check_in END,
    CASE WHEN status = 'missed' THEN NULL ELSE check_out END,
    CASE WHEN status = 'missed' THEN NULL ELSE 'Shadow the team and take notes' END,
    CASE WHEN status = 'missed' THEN NULL ELSE round(extract(epoch FROM check_out - check_in) / 3600, 2) END,
    false, kind = 'no_checkout',
    CASE status WHEN 'confirmed' THEN 'Great day.' WHEN 'disputed' THEN 'Was not here today.' END,
    CASE WHEN status = 'confirmed' THEN (CASE WHEN kind = 'disputed' THEN 'dashboard'
        WHEN kind = 'no_checkout' AND age > 14 AND r3 < 0.9 THEN 'dashboard'
        WHEN r3 < 0.3 THEN 'link' ELSE 'email' END) WHEN status = 'disputed' THEN 'email' END,
    CASE WHEN status IN ('confirmed', 'disputed') THEN check_out + interval '5 hours' END,
    CASE WHEN status = 'missed' THEN NULL ELSE check_out END,
    CASE WHEN status = 'missed' THEN check_in END,
    '[]'::jsonb, check_in
FROM (
    SELECT *, CASE
        WHEN kind = 'missed' THEN kind
        WHEN kind = 'disputed' AND (age <= 21 OR r2 < 0.15) THEN kind
        WHEN kind = 'disputed' THEN 'confirmed'
        WHEN r2 < CASE WHEN age <= 2 THEN 0.5 WHEN age <= 7 THEN 0.1 WHEN age <= 30 THEN 0.02 ELSE 0.003 END
            THEN 'pending'
        ELSE 'confirmed' END AS status
    FROM (
        SELECT placement_id, on_date, age, r2, r3,
            CASE WHEN r < 0.05 THEN 'missed' WHEN r < 0.053 THEN 'disputed' WHEN r < 0.073 THEN 'no_checkout'
                ELSE 'attended' END AS kind,
            ((on_date + start_time) AT TIME ZONE timezone) + (floor(r * 1000)::int %% 30 - 10) * interval '1 minute'
                AS check_in,
            ((on_date + end_time) AT TIME ZONE timezone) - (floor(r * 10000)::int %% 20) * interval '1 minute'
                AS check_out
        FROM (
            SELECT p.id AS placement_id, d::date AS on_date, %(today)s::date - d::date AS age, p.start_time,
                p.end_time, s.timezone, random() AS r, random() AS r2, random() AS r3
            FROM placements p
            JOIN schools s ON s.id = p.school_id
            CROSS JOIN LATERAL generate_series(p.start_date, least(p.end_date, %(today)s::date - 1), interval '1 day') d
            WHERE position(to_char(d, 'Dy') IN p.weekdays) > 0
        ) g
    ) k
) days
"""


def _year_of_days(cur: psycopg.Cursor[Any], today: date, seed: int) -> int:
    """Every school day of every placement before today: mostly confirmed; 5% missed (nudged);
    0.3% disputed (settled on the dashboard after three weeks, but for one in seven); 2% closed
    without check-out (after two weeks nine in ten settled on the dashboard); pending while mentors
    have not answered: half of the last two days, a tenth of the week, fewer further back."""
    cur.execute("SELECT setseed(%s)", (seed / 1000,))
    cur.execute(YEAR, {"today": today})
    return cur.rowcount


def _today(cur: psycopg.Cursor[Any], placements: list[tuple[Any, ...]], d: District, rng: random.Random) -> int:
    """Today's rows in every presence, at the real clock (no row: expected, or a no-show before
    the nudge job has run)."""
    zone = ZoneInfo(d.zone)
    now = d.now
    rows = []
    weekday = WEEKDAYS[d.today.weekday()]
    for p in placements:
        placement, weekdays, start_time, end_time, status = p[0], p[5], p[6], p[7], p[11]
        meets = status == "active" and weekday in weekdays.split() and p[8] <= d.today <= p[9]
        start = datetime.combine(d.today, start_time, zone)
        end = datetime.combine(d.today, end_time, zone)
        r = rng.random()
        row: dict[str, Any] = {}
        if not meets:
            if status == "active" and p[8] <= d.today and r < 0.01:  # an unscheduled check-in
                row = {"status": "open", "check_in_at": now - timedelta(minutes=rng.randint(5, 120)), "unscheduled": 1}
        elif now < start:
            if r < 0.05:
                row = {"status": "open", "check_in_at": now - timedelta(minutes=rng.randint(0, 5))}
        elif now < start + NUDGE_AFTER:
            if r < 0.7:
                row = {"status": "open", "check_in_at": start + timedelta(minutes=rng.randint(-10, 10))}
        elif now < end:
            check_in = min(now, start + timedelta(minutes=rng.randint(-10, 25)))
            if r < 0.85:
                row = {"status": "open", "check_in_at": check_in}
            elif r < 0.92:
                row = {"status": "missed", "nudged_at": start + NUDGE_AFTER}
            else:
                out = check_in + (now - check_in) * rng.random()
                confirmed = r > 0.97
                row = {"status": "confirmed" if confirmed else "pending", "check_in_at": check_in, "check_out_at": out}
        else:
            check_in = start + timedelta(minutes=rng.randint(-10, 25))
            out = end - timedelta(minutes=rng.randint(0, 20))
            row = {"status": "pending", "check_in_at": check_in, "check_out_at": out}
            if r < 0.06:
                row = {"status": "missed", "nudged_at": start + NUDGE_AFTER}
            elif r < 0.10:
                row |= {"check_out_at": end, "no_checkout": 1}
            elif r < 0.15:
                row |= {"status": "disputed", "feedback": "Was not here today."}
            elif r < 0.30:
                row |= {"status": "confirmed", "feedback": "Great day."}
        if row:
            rows.append((placement, row))
    out_rows = []
    for placement, row in rows:
        arrived, left = row.get("check_in_at"), row.get("check_out_at")
        hours = round((left - arrived).total_seconds() / 3600, 2) if arrived and left else None
        answered = row["status"] in ("confirmed", "disputed")
        located = arrived is not None and rng.random() < 0.3
        out_rows.append(
            (
                placement,
                d.today,
                row["status"],
                arrived,
                left,
                "Shadow the team and take notes" if arrived else None,
                hours,
                bool(row.get("unscheduled")),
                bool(row.get("no_checkout")),
                row.get("feedback"),
                "email" if answered else None,
                now if answered else None,
                left,
                row.get("nudged_at"),
                now if located else None,
                rng.randint(5, 400) if located else None,
                "[]",
                arrived or now,
            )
        )
    return copy(
        cur,
        "internship_days",
        (
            "placement_id",
            "date",
            "status",
            "check_in_at",
            "check_out_at",
            "goals",
            "hours",
            "unscheduled",
            "no_checkout",
            "mentor_feedback",
            "confirmed_via",
            "confirmed_at",
            "confirmation_requested_at",
            "nudged_at",
            "location_consented_at",
            "distance_m",
            "later_answers",
            "created_at",
        ),
        out_rows,
    )


AUDIT = """
INSERT INTO audit_log (at, school_id, actor_id, actor, channel, action, object_type, object_id, detail)
SELECT d.check_in_at, p.school_id, p.student_id, 'student:' || p.student_id, 'sms', 'day.check_in', 'day', d.id,
    '{}'::jsonb
FROM internship_days d JOIN placements p ON p.id = d.placement_id
WHERE d.check_in_at IS NOT NULL
"""

RESOLVED = """
INSERT INTO audit_log (at, school_id, actor_id, actor, channel, action, object_type, object_id, detail)
SELECT d.confirmed_at, p.school_id, c.id, 'coordinator:' || c.id || ' ' || c.name, 'dashboard', 'day.resolved', 'day',
    d.id, jsonb_build_object('reason', 'Mentor confirmed by phone', 'before', jsonb_build_object('status', 'pending'),
    'after', jsonb_build_object('status', 'confirmed'))
FROM internship_days d JOIN placements p ON p.id = d.placement_id
JOIN people c ON c.school_id = p.school_id AND c.role = 'coordinator'
WHERE d.confirmed_via = 'dashboard'
"""


def _audit(cur: psycopg.Cursor[Any]) -> int:
    """One entry per check-in (what SMS leaves in the log) and one per dashboard correction."""
    cur.execute(AUDIT)
    n = cur.rowcount
    cur.execute(RESOLVED)
    return n + cur.rowcount


def staff_session(url: str, person_id: int, school_id: int, now: datetime) -> str:
    """A live staff session row for the person, as sign-in makes one; returns the cookie's id."""
    session_id = secrets.token_urlsafe(32)
    with psycopg.connect(url) as conn:
        conn.execute(
            "INSERT INTO staff_sessions (id_hash, person_id, school_id, created_at, last_seen_at) "
            "VALUES (%s, %s, %s, %s, %s)",
            (hashlib.sha256(session_id.encode()).hexdigest(), person_id, school_id, now, now),
        )
    return session_id


def find(url: str) -> District:
    """The district an earlier run built and kept (`--keep`), to measure again without loading."""
    with psycopg.connect(url) as conn:
        school = conn.execute(
            "SELECT s.id, s.name, s.timezone, c.id, c.email FROM schools s "
            "JOIN people c ON c.school_id = s.id AND c.role = 'coordinator' ORDER BY s.id LIMIT 1"
        ).fetchone()
        assert school is not None, "no district in this database"
        students = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM people WHERE school_id = %s AND role = 'student' ORDER BY id", (school[0],)
            )
        ]
        mentors = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM people WHERE school_id = %s AND role = 'mentor' ORDER BY id", (school[0],)
            )
        ]
    now = datetime.now(UTC).replace(microsecond=0)
    found = District(
        now.astimezone(ZoneInfo(school[2])).date(), now, school[2], school[0], school[1], school[3], school[4]
    )
    found.students, found.mentors = students, mentors
    return found
