"""`relay report KIND --format json|csv`: a report printed for a script or a spreadsheet.

`network`: the network story, one row per region, then the whole network's ("All regions"), the
same figures as `GET /api/v1/reports/network` and the region admin's page (counts only).
"""

from __future__ import annotations

from datetime import date
from typing import TextIO

from relay.runtime import Runtime
from workflow import exports
from workflow.base import utcnow
from workflow.region.network import COLUMNS, network_story

REPORT_KINDS = ["network"]


def report(runtime: Runtime, kind: str, fmt: str, out: TextIO, today: date | None = None) -> int:
    """Print the report; `today` (the UTC date by default) is the last day counted."""
    assert kind in REPORT_KINDS
    with runtime.sessions() as session:
        rows = [row.as_dict() for row in network_story(session, today or utcnow().date())]
    exports.write(rows, COLUMNS, fmt, out)  # every CSV cell through csv_cell: a region named "=..." stays text
    return 0
