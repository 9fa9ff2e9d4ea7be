"""The region's figures on the benchmark's district (bench/district.py, all schools in one region):
supply and demand by field for the largest school (its own opportunities and those the region's
29 other schools share), the region overview, and the network story over every internship day.

`prepare` gives the district what the region's figures read and it lacks: a field per opportunity
(8 fields, unevenly), a third of them shared with the region, and each student's wishlist (one to
three fields, as an interest survey would load them). It runs once per database (it looks first).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

import psycopg
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from workflow.region import totals
from workflow.region.network import network_story
from workflow.region.overview import overview
from workflow.region.supply_demand import supply_and_demand

FIELDS = ("health", "education", "engineering", "arts and media", "law", "science", "business", "agriculture")


def prepare(url: str) -> str:
    """Fields, sharing and wishlists (a libpq `url`); says what it did."""
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM wishlist_fields")
        row = cur.fetchone()
        if row and row[0]:
            return f"already prepared: {row[0]:,} wishlist fields"
        fields = "ARRAY[" + ", ".join(f"'{f}'" for f in FIELDS) + "]"
        # fields unevenly: health and education most often (the seed's 25% in education)
        cur.execute(
            f"UPDATE opportunities SET field = ({fields})[1 + ((id * 7919) % 13) % 8], "
            "shared_with_region = (id % 3 = 0)"
        )
        cur.execute(f"UPDATE sites SET field = ({fields})[1 + ((id * 7919) % 13) % 8]")
        cur.execute(
            "INSERT INTO wishlist_fields (student_id, field, source, created_at) "
            f"SELECT p.id, ({fields})[1 + ((p.id + n * 3) * 31 % 8)], 'survey', now() "
            "FROM people p CROSS JOIN generate_series(0, 2) AS n "
            "WHERE p.role = 'student' AND n <= p.id % 3 ON CONFLICT DO NOTHING"
        )
        cur.execute("SELECT count(*) FROM wishlist_fields")
        made = cur.fetchone()
        cur.execute("ANALYZE opportunities; ANALYZE sites; ANALYZE wishlist_fields")
        conn.commit()
    return f"prepared: {made[0] if made else 0:,} wishlist fields, a third of opportunities shared"


def measure(
    url: str,
    school_id: int,
    n: int,
    warmup: int,
    timed: Callable[[Callable[[int], object], int, int], list[float]],
    row: Callable[..., None],
) -> None:
    """p50/p95 of the region's figures, in this process (the same functions as the pages)."""
    engine = create_engine(url)
    sizes: dict[str, str] = {}
    today = datetime.now(UTC).date()

    def call(what: Callable[[Session], str], key: str) -> Callable[[int], object]:
        def work(i: int) -> object:
            with Session(engine) as session:
                sizes[key] = what(session)
            return None

        return work

    def on_supply(session: Session) -> str:
        rows = supply_and_demand(session, school_id)
        return f"{len(rows)} fields, {sum(r.students_wishing for r in rows):,} wishes"

    def on_overview(session: Session) -> str:
        found = overview(session, "Bench Region")
        return f"{len(found.schools)} schools, {len(found.fields)} fields"

    def on_network(session: Session) -> str:
        rows = network_story(session, today)
        overall = rows[-1]
        return f"{overall.students_with_days:,} students, {overall.confirmed_hours:,.0f} h"

    began = time.perf_counter()
    with Session(engine) as session, session.begin():
        written = totals.refresh(session, today, datetime.now(UTC))
    took = (time.perf_counter() - began) * 1000
    print(f"network_totals job (the summary of every day before today): {took:.0f} ms, {written:,} rows", flush=True)
    print(f"the region's figures, in this process ({n} calls each after {warmup}), ms:", flush=True)
    print(f"  {'':<44} {'p50':>8} {'p95':>8}", flush=True)
    for name, what, key in (
        ("supply and demand (the largest school)", on_supply, "supply"),
        ("region overview (30 schools)", on_overview, "overview"),
        ("network story (every day: summary + today's)", on_network, "network"),
    ):
        row(name, timed(call(what, key), n, warmup), sizes.get(key, ""))
    engine.dispose()
