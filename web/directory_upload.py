"""Uploading a CSV file on a directory list (`POST /dashboard/directory/<kind>/upload`): the same
`workflow.imports.import_rows` as `relay import`, in one transaction, so nothing is half-imported
and every problem of every row is shown at once with its line and column.

The file is at most `MAX_BYTES` and `MAX_ROWS` lines; a larger one is refused with the cap in
words (by its size before it is read whole). A row whose `school` is empty (or a file without the
column) is the signed-in school's; a row naming another school is a problem. Coordinators only,
CSRF checked, audited by the import.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import UploadFile

from messaging import context, rendering
from web import staff_session
from web.directory import NOTES, coordinator_only, list_page
from web.directory_kinds import KINDS, Kind
from web.staff import CSRF_FIELD, CsrfRejected, SignedIn, Staff
from workflow import imports

router = APIRouter(include_in_schema=False)
MAX_BYTES = 2 * 1024 * 1024  # a district's students fit in well under a megabyte
MAX_ROWS = 5000  # lines a page waits for (a few seconds each thousand); `relay import` has no cap
FIELD = "file"
FORMS = ("multipart/form-data", "application/x-www-form-urlencoded")


def _refused(staff: Staff, kind: Kind, key: str, lines: int = 0) -> Response:
    limits = {"megabytes": MAX_BYTES // (1024 * 1024), "most": MAX_ROWS, "lines": lines}
    words = rendering.render_copy(NOTES, key, limits)
    return list_page(staff, kind, "", "active", 400, upload_error=words)


async def _file(request: Request) -> tuple[bytes | None, str]:
    """The uploaded file's bytes (None if absent) and the form's CSRF token; at most MAX_BYTES + 1."""
    form = await request.form(max_files=1, max_fields=10)
    token = form.get(CSRF_FIELD)
    upload = form.get(FIELD)
    raw = await upload.read(MAX_BYTES + 1) if isinstance(upload, UploadFile) else None
    return raw, token if isinstance(token, str) else ""


def _upload(kind: Kind) -> None:
    async def upload(staff: SignedIn, request: Request) -> Response:
        coordinator_only(staff)
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_BYTES + 64 * 1024:
            return _refused(staff, kind, "too_big")  # the CSRF token is in the body that is not read
        form = request.headers.get("content-type", "").startswith(FORMS)
        raw, token = await _file(request) if form else (None, "")
        if not staff_session.csrf_ok(staff.session_id, request.headers.get("X-CSRF-Token") or token):
            raise CsrfRejected()
        if raw is None or not raw.strip():
            return _refused(staff, kind, "no_file")
        if len(raw) > MAX_BYTES:
            return _refused(staff, kind, "too_big")
        try:
            header, rows = imports.parse_csv(raw)
            if len(rows) > MAX_ROWS:
                return _refused(staff, kind, "too_many", lines=len(rows))
            if "school" not in header:
                header = [*header, "school"]
            for row in rows:
                if not (row.get("school") or "").strip():
                    row["school"] = staff.school_name
            now = staff_session.now()
            with context.current().sessions.begin() as session:
                report = imports.import_rows(
                    session, kind.plural, header, rows, now=now, channel="dashboard", school_id=staff.school_id,
                    actor=staff.person(session),
                )  # fmt: skip
        except imports.ImportFailed as failed:
            return list_page(staff, kind, "", "active", 400, problems=failed.errors)
        done = f"?done=imported&created={report.created}&updated={report.updated}"
        return RedirectResponse(kind.list_path + done, status_code=303)

    router.add_api_route(kind.list_path + "/upload", upload, methods=["POST"])


for _kind in KINDS.values():
    _upload(_kind)
