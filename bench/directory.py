"""People & places on a large school: how long a CSV file of its students takes to check and
import (the upload's and `relay import`'s work), how long a file with a mistake in every tenth row
takes to be refused with every problem, and how fast the lists' search answers.

Builds a school in a fresh SQLite database (or `--database-url`), imports `--students` students
through `workflow.imports.import_rows` (as the upload does), then times N searches of each kind.
Prints the figures in milliseconds; the machine's other work shows in them.

    python -m bench.directory [--students 2000] [--requests 50] [--database-url URL]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from relay.db import make_engine
from workflow import imports, roster
from workflow.base import Base
from workflow.models import Role, School


def _rows(n: int, *, broken_every: int = 0) -> list[dict[str, str]]:
    rows = []
    for i in range(n):
        wrong = broken_every and i % broken_every == 0
        rows.append(
            {
                "school": "Bench High",
                "name": "" if wrong else f"Student {i:05d}",
                "email": f"student{i}@bench" if wrong else f"student{i}@bench-high.example",
                "phone": f"+1415{5000000 + i:07d}",
                "advisor_email": "",
            }
        )
    return rows


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}")
        Base.metadata.create_all(engine)
        now = datetime.now(UTC)
        header = ["school", "name", "email", "phone", "advisor_email"]
        with Session(engine) as session, session.begin():
            session.add(School(name="Bench High", timezone="America/Los_Angeles"))
        with Session(engine) as session:
            start = time.perf_counter()
            try:
                imports.import_rows(session, "students", header, _rows(args.students, broken_every=10), now=now)
            except imports.ImportFailed as failed:
                problems = len(failed.errors)
            session.rollback()
            refused = _ms(start)
        with Session(engine) as session, session.begin():
            start = time.perf_counter()
            imports.import_rows(session, "students", header, _rows(args.students), now=now)
        imported = _ms(start)
        print(f"students: {args.students} rows")
        print(f"  import (check and write, one transaction)   {imported:9.0f} ms")
        print(f"  refused, every 10th row wrong ({problems} problems) {refused:9.0f} ms")
        with Session(engine) as session:
            school_id = session.scalars(select(School.id)).one()
            print(f"search, {args.requests} each: p50 / p95 ms")
            for kind, query in (("students", ""), ("students", "student 01"), ("students", "555 0123")):
                times = []
                for _ in range(args.requests):
                    start = time.perf_counter()
                    roster.search(session, school_id, kind, query, "active")
                    times.append(_ms(start))
                times.sort()
                p50, p95 = times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.95))]
                print(f"  {kind} {query!r:<14} {p50:7.1f} {p95:7.1f}")
            assert session.scalar(select(School).where(School.name == "Bench High")) is not None
            assert Role.student


if __name__ == "__main__":
    main()
