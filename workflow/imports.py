"""Importing the directory and the placements from rows (the CSV formats in docs/ARCHITECTURE.md),
from `relay import` and from the dashboard's upload and forms alike.

Each kind of file has a `CsvFormat` (in `FORMATS`) with exact header names (extra columns are
ignored) and a loader (workflow/import_people.py, import_places.py). Every cell of every row is
checked; if anything is wrong, `ImportFailed` lists each problem with its line number (the header
is line 1) and column, all of a row's problems at once, and the caller rolls the whole import back:
nothing is half-imported. Importing the same file again updates what it created. A placement
whose mentor is not cleared (`workflow.compliance`: a required document missing, not valid or
expired) is imported and flagged in the report's `flags`, never refused.

`save_row` is one row from a dashboard form: the same loader, so the same checks and the same words.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from workflow import audit, import_people, import_places
from workflow.import_batch import Batch, ImportReport
from workflow.import_cells import CellProblem, Row, RowProblems
from workflow.models import Person
from workflow.region import imports as region_imports

__all__ = ["FORMATS", "CsvFormat", "ImportFailed", "ImportReport", "RowError", "import_rows", "parse_csv", "save_row"]


@dataclass(frozen=True)
class RowError:
    line: int
    message: str
    column: str | None = None

    def __str__(self) -> str:
        where = f"line {self.line}, column {self.column}" if self.column else f"line {self.line}"
        return f"{where}: {self.message}"


class ImportFailed(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} problem(s); nothing was imported")
        self.errors = errors


Loader = Callable[[Batch, Row], None]


@dataclass(frozen=True)
class CsvFormat:
    """One CSV format: its columns (required, then optional) and the loader of one row."""

    required: tuple[str, ...]
    optional: tuple[str, ...]
    loader: Loader

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


FORMATS: dict[str, CsvFormat] = {
    "schools": CsvFormat(
        ("name", "timezone"),
        ("region", "sms_number", "required_hours", "midpoint_evaluation", "sms_service_sid", "sms_pool"),
        import_people.schools,
    ),
    "coordinators": CsvFormat(("school", "name", "email"), (), import_people.coordinators),
    "advisors": CsvFormat(("school", "name", "email"), (), import_people.advisors),
    "students": CsvFormat(
        ("school", "name", "email", "phone", "advisor_email"), ("required_hours",), import_people.students
    ),
    "sites": CsvFormat(
        ("school", "name", "address", "field", "do_not_solicit"),
        ("do_not_solicit_on", "do_not_solicit_by", "latitude", "longitude"),
        import_places.sites,
    ),
    "mentors": CsvFormat(("school", "name", "email", "site"), ("phone",), import_people.mentors),
    "placements": CsvFormat(
        ("school", "student_email", "mentor_email", "site", "days", "start_time", "end_time", "start_date", "end_date"),
        (),
        import_places.placements,
    ),
    "opportunities": CsvFormat(
        ("school", "site", "mentor_email", "title", "field", "capacity", "shared_with_region"),
        ("description",),
        import_places.opportunities,
    ),
    "compliance": CsvFormat(
        ("school", "mentor_email", "kind", "status"), ("expires_on", "note"), import_places.compliance
    ),
    "region_admins": CsvFormat(("region", "name", "email"), (), region_imports.region_admins),
    "wishlists": CsvFormat(("school", "student_email", "field"), (), region_imports.wishlists),
}


def parse_csv(raw: bytes) -> tuple[list[str], list[dict[str, str]]]:
    """A CSV file's header and rows (cells by header name, names stripped); ImportFailed if the
    file is not UTF-8 text, holds a NUL character or is not CSV."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed([RowError(0, f"the file is not UTF-8 ({exc.reason} at byte {exc.start})")]) from None
    if "\x00" in text:  # Postgres cannot hold it in text: refused here, not a database error mid-import
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ImportFailed([RowError(line, "a NUL character (byte 0): is the file a spreadsheet, not CSV?")])
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = [name.strip() for name in reader.fieldnames or []]
        rows = [{(k or "").strip(): (v or "") for k, v in row.items() if k is not None} for row in reader]
    except csv.Error as exc:
        raise ImportFailed([RowError(0, f"the file is not a CSV file ({exc})")]) from None
    return header, rows


def _apply(batch: Batch, spec: CsvFormat, values: dict[str, str]) -> list[CellProblem]:
    """One row in a savepoint: its problems (and nothing written), or none."""
    try:
        with batch.session.begin_nested():
            spec.loader(batch, Row(values))
    except RowProblems as wrong:
        return wrong.problems
    return []


def import_rows(
    session: Session,
    kind: str,
    header: Sequence[str],
    rows: Sequence[dict[str, str]],
    *,
    now: datetime,
    actor_label: str = "import",
    channel: str = "cli",
    school_id: int | None = None,
    actor: Person | None = None,
) -> ImportReport:
    """Check and apply every row; raise ImportFailed (apply nothing) if any row is wrong. With
    `school_id` (the dashboard's upload) every row must be that school's."""
    spec = FORMATS.get(kind)
    if spec is None:
        raise ImportFailed([RowError(0, f"unknown kind {kind!r}; use one of: {', '.join(FORMATS)}")])
    missing = [c for c in spec.required if c not in header]
    if missing:
        raise ImportFailed(
            [RowError(1, f"missing column(s): {', '.join(missing)} (the header must name them exactly)")]
        )
    batch = Batch(session, ImportReport(kind, lines=len(rows)), now.date(), school_id=school_id)
    errors: list[RowError] = []
    for line, row in enumerate(rows, start=2):
        batch.line = line
        errors += [RowError(line, p.message, p.column) for p in _apply(batch, spec, row)]
    if errors:
        raise ImportFailed(errors)
    audit.record(
        session,
        action=f"import.{kind}",
        channel=channel,
        now=now,
        actor=actor,
        actor_label=actor_label if actor is None else None,
        school_id=school_id,
        created=batch.report.created,
        updated=batch.report.updated,
        flagged=batch.report.flags or None,
    )
    return batch.report


def save_row(
    session: Session, kind: str, values: dict[str, str], *, school_id: int, target: Any, now: datetime
) -> tuple[Any, list[CellProblem]]:
    """One row from a dashboard form: add (`target` None) or edit `target`. Returns what was
    written, or None and every problem (then nothing is written). The caller audits."""
    batch = Batch(session, ImportReport(kind), now.date(), school_id=school_id, adding=target is None, target=target)
    problems = _apply(batch, FORMATS[kind], values)
    return (None, problems) if problems else (batch.saved, [])
