"""`relay import` and `relay export`: CSV and JSON files in and out of the domain."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from messaging import outbox
from messaging.inbound.handling.actions.placements import pages_link
from relay.runtime import Runtime
from workflow import evaluations, exports, imports, people
from workflow.base import utcnow
from workflow.models import Role

EXPORTS: dict[str, tuple[Callable[..., Iterable[dict[str, Any]]], Sequence[str]]] = {
    "attendance": (exports.attendance, exports.ATTENDANCE_FIELDS),
    "placements": (exports.placements, exports.PLACEMENT_FIELDS),
    "evaluations": (evaluations.export, evaluations.EXPORT_FIELDS),
}


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    return imports.parse_csv(path.read_bytes())


def import_file(runtime: Runtime, kind: str, path: Path, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    if not path.exists():
        print(f"relay: no such file: {path}", file=err)
        return 2
    try:
        header, rows = read_csv(path)
        with runtime.sessions.begin() as session:
            report = imports.import_rows(session, kind, header, rows, now=utcnow(), actor_label=f"import {path.name}")
    except imports.ImportFailed as failed:
        print(f"relay: {path.name}: {failed}", file=err)
        for error in failed.errors:
            print(f"  {error}", file=err)
        return 1
    counted = "1 row" if report.lines == 1 else f"{report.lines} rows"
    print(f"{kind}: {counted}, {report.created} created, {report.updated} updated", file=out)
    if report.flags:
        print(f"{len(report.flags)} to look at (imported all the same):", file=out)
        for flag in report.flags:
            print(f"  {flag}", file=out)
    return 0


def export(
    runtime: Runtime,
    kind: str,
    fmt: str,
    out: TextIO,
    *,
    school: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> int:
    produce, fields = EXPORTS[kind]
    dates = {name: value for name, value in (("since", since), ("until", until)) if value is not None}
    if dates and kind != "attendance":
        print(f"relay: --from and --to choose days of attendance; {kind} has all of them", file=sys.stderr)
        return 2
    if since and until and until < since:
        print("relay: --from must be on or before --to", file=sys.stderr)
        return 2
    with runtime.sessions() as session:
        exports.write(produce(session, school=school, **dates), fields, fmt, out)
    return 0


def send_pages_links(runtime: Runtime, emails: list[str], out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """A coordinator's request: text these students the link to their pages. The message is queued
    in the outbox; a running Relay (its workers, or its sweeper) sends it."""
    with runtime.sessions.begin() as session:
        students = []
        for email in emails:
            found = [p for p in people.by_email(session, email) if p.role == Role.student]
            if not found:
                print(f"relay: no student with the email {email}; nothing was sent", file=err)
                return 1
            students.append(found[0])
        outbox.queue(session, [pages_link(student) for student in students])
    print(f"queued {len(students)} text(s); a running Relay sends them", file=out)
    return 0
