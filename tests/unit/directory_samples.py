"""Sample contexts of People & places' templates (web/directory_*.html and directory_notes.txt), for
tests/unit/template_samples.py: the longest names, an entry of each kind, every problem shown."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from web.directory_kinds import KINDS
from workflow.import_cells import CellProblem
from workflow.imports import FORMATS, RowError
from workflow.roster import Entry, Listing

STAFF = SimpleNamespace(
    name="Casey Rivera", role="coordinator", school_name="Lincoln High School", csrf_token="c" * 64, is_coordinator=True
)
_SCHOOL = {"name": "Lincoln High School", "locale": "en"}
_ENTRY = Entry(
    7, "Maya Lopez-Hernandez", "maya.lopez-hernandez@students.lincoln-high.org", "+14155550101", "health care",
    "Riverside Community Clinic", "Alan Ng", True,
)  # fmt: skip
_GONE = Entry(8, "Sam Reed", "sam@students.lincoln-high.org", None, None, None, None, False, do_not_solicit=True)
_PROBLEMS = [
    RowError(3, "email 'ann@lincoln' is not an email address", "email"),
    RowError(3, "phone '12345' is not a 10-digit North American number", "phone"),
    RowError(4, "no advisor nobody@lincoln-high.org at Lincoln High School (import advisors first)", "advisor_email"),
]
_LIST = {
    "staff": STAFF, "school": _SCHOOL, "here": "directory", "kind": KINDS["students"], "kinds": KINDS, "query": "",
    "show": "active", "found": Listing([_ENTRY, _GONE], 3), "columns": FORMATS["students"].columns,
    "note": "Imported: 3 added, 0 updated.", "problems": _PROBLEMS, "upload_error": None,
}  # fmt: skip
_FORM = {
    "staff": STAFF, "school": _SCHOOL, "here": "directory", "kind": KINDS["sites"], "kinds": KINDS,
    "values": {"name": "Riverside Community Clinic", "do_not_solicit": "yes", "do_not_solicit_by": "Dana Ruiz"},
    "target": {"id": 4, "active": False}, "note": None,
    "problems": [CellProblem("latitude", "latitude 91 is outside -90.0..90.0")],
    "by_column": {"latitude": ["latitude 91 is outside -90.0..90.0"]},
    "options": {"advisor": [], "mentor": [], "site": [("Riverside Community Clinic", "Riverside Community Clinic")]},
}  # fmt: skip
DIRECTORY_SAMPLES: dict[str, dict[str, Any]] = {
    "web/directory_list": _LIST,
    "web/directory_form": _FORM,
    "web/directory_advisor": {"staff": STAFF, "school": _SCHOOL, "here": "directory"},
    "web/directory_notes": {"created": 3, "updated": 1, "megabytes": 2, "most": 5000, "lines": 5200},
}
