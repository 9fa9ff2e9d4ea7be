"""A row's cells are read one by one and every problem is kept with its column (issue 11: a row
with three mistakes took three runs of `relay import`)."""

from __future__ import annotations

import pytest

from workflow.import_cells import CellProblem, Row, RowProblems
from workflow.schedule_text import parse_date


def test_a_row_keeps_every_problem_with_its_column() -> None:
    row = Row({"name": " ", "email": "ann@", "phone": "12345", "capacity": "2", "on": "someday"})
    assert row.text("name") == ""
    assert row.email("email") is None
    assert row.phone("phone", "US", required=True) is None
    assert row.text("capacity") == "2"
    assert row.parsed("on", parse_date) is None
    assert row.yes_no("missing") is False
    with pytest.raises(RowProblems) as wrong:
        row.check()
    assert [p.column for p in wrong.value.problems] == ["name", "email", "phone", "on"]
    assert wrong.value.problems[:3] == [
        CellProblem("name", "name is empty"),
        CellProblem("email", "email 'ann@' is not an email address"),
        CellProblem("phone", "phone '12345' is not a 10-digit North American number"),
    ]


def test_a_right_row_checks_clean_and_reads_its_values() -> None:
    row = Row({"name": "Maya", "email": "Maya@X.org", "phone": "(415) 555-0101", "on": "2026-03-02", "ok": "Yes"})
    values = (row.text("name"), row.email("email"), row.phone("phone", "US", required=True), row.yes_no("ok"))
    assert values == ("Maya", "maya@x.org", "+14155550101", True)
    assert str(row.parsed("on", parse_date)) == "2026-03-02"
    row.check()
    assert not row.bad("name", "email")
