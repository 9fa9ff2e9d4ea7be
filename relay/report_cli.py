"""`relay report KIND --format json|csv`: a report printed for a script or a spreadsheet.

`network`: the network story, one row per region, then the whole network's ("All regions"), the
same figures as `GET /api/v1/reports/network` and the region admin's page (counts only).
"""

from __future__ import annotations

import csv
import json
from datetime import date
from typing import TextIO

from relay.runtime import Runtime
from workflow.base import utcnow
from workflow.region.network import COLUMNS, network_story

REPORT_KINDS = ["network"]


def report(runtime: Runtime, kind: str, fmt: str, out: TextIO, today: date | None = None) -> int:
    """Print the report; `today` (the UTC date by default) is the last day counted."""
    assert kind in REPORT_KINDS
    with runtime.sessions() as session:
        rows = [row.as_dict() for row in network_story(session, today or utcnow().date())]
    if fmt == "json":
        json.dump(rows, out, indent=2, ensure_ascii=False)
        out.write("\n")
        return 0
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({k: "" if v is None else v for k, v in row.items()} for row in rows)
    return 0
