"""bench.dashboard's district still loads into the current schema and the functions it measures
answer on it: a few hundred students in a second or two, so a schema change cannot silently break
the benchmark."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from bench import dashboard, district
from workflow.models import InternshipDay, Role
from workflow.oversight import Viewer, needs_attention, student_record, today


def test_a_small_district_loads_and_every_measured_function_answers(postgres_url: str) -> None:
    d = district.build(dashboard.libpq(postgres_url), students=120, schools=2)
    assert d.counts["days (the year)"] > 120 * 50 and d.counts["days (today)"] > 0
    engine = create_engine(postgres_url)
    viewer = Viewer(d.coordinator_id, Role.coordinator, d.school_id)
    now = datetime.now(UTC)
    try:
        with Session(engine) as session:
            board = today(session, viewer, now)
            assert board.lines and board.date == d.today
            assert needs_attention(session, viewer, now).unanswered
            record = student_record(session, viewer, d.students[0])
            assert record is not None and record.days
            total = session.scalar(select(func.count()).select_from(InternshipDay))
            assert total == d.counts["days (the year)"] + d.counts["days (today)"]
        assert district.find(dashboard.libpq(postgres_url)).students == d.students
    finally:
        engine.dispose()
