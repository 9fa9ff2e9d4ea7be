"""People & places (`/dashboard/directory/...`): the coordinator's lists of students, mentors,
advisors, sites and opportunities, with search (name, email, phone, field, site; active or not),
and a page to add, edit, deactivate and reactivate each (never delete: history stays).

Adding and editing go through `workflow.imports.save_row`, the CSV import's own loader, so a form
is checked exactly as an uploaded row and its problems read the same. Coordinators only; another
school's object is a 404; every change is audited on channel `dashboard`. The CSV upload is in
web/directory_upload.py. (No `from __future__ import annotations` here: the routes are made per
kind, and FastAPI reads their id parameter's annotation at run time.)
"""

from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Path, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.exceptions import HTTPException

from messaging import context, rendering
from web import dashboard, fixing, staff_session
from web.directory_kinds import KINDS, Kind, choices
from web.paths import LARGEST
from web.staff import SignedIn, SignedInWithCsrf, Staff
from workflow import audit, imports, roster
from workflow.import_cells import CellProblem

router = APIRouter(include_in_schema=False)
NOTES = "directory_notes"  # templates/web/directory_notes.txt
DONE = frozenset({"added", "saved", "deactivated", "reactivated", "imported"})


class NotCoordinator(Exception):
    """The directory is the coordinator's: an advisor gets a page saying so (403)."""

    def __init__(self, staff: Staff) -> None:
        super().__init__(staff.email)
        self.staff = staff


def coordinator_only(staff: Staff) -> None:
    if not staff.is_coordinator:
        raise NotCoordinator(staff)


def list_page(staff: Staff, kind: Kind, query: str, show: str, status: int = 200, **values: Any) -> HTMLResponse:
    show = show if show in roster.SHOWS else "active"
    with context.current().sessions() as session:
        found = roster.search(session, staff.school_id, kind.plural, query[:200], show)
    values = {"note": None, "problems": None, "upload_error": None, **values}
    return dashboard.staff_page(
        "directory_list", staff, "directory", status, kind=kind, kinds=KINDS, found=found, query=query, show=show,
        columns=imports.FORMATS[kind.plural].columns, **values,
    )  # fmt: skip


def form_page(
    staff: Staff,
    kind: Kind,
    values: dict[str, str],
    *,
    target: Any = None,
    problems: list[CellProblem] | None = None,
    note: str | None = None,
) -> HTMLResponse:
    with context.current().sessions() as session:
        options = choices(session, staff.school_id)
    order = {f.name: n for n, f in enumerate(kind.fields)}
    problems = sorted(problems or [], key=lambda p: order.get(p.column or "", len(order)))  # as the form reads
    by_column: dict[str, list[str]] = {}
    for problem in problems:
        by_column.setdefault(problem.column or "", []).append(problem.message)
    return dashboard.staff_page(
        "directory_form", staff, "directory", 400 if problems else 200, kind=kind, kinds=KINDS, values=values,
        target=target, problems=problems, by_column=by_column, options=options, note=note,
    )  # fmt: skip


def done(request: Request) -> str | None:
    key = request.query_params.get("done", "")
    if key not in DONE:
        return None
    counts = {
        k: int(v)
        for k, v in request.query_params.items()
        if k in ("created", "updated") and v.isascii() and v.isdigit() and len(v) < 10
    }
    return rendering.render_copy(NOTES, f"done_{key}", {"created": 0, "updated": 0, **counts})


def entered(kind: Kind, form: Any) -> dict[str, str]:
    """The form's fields as a CSV row has them (a box that is ticked is `yes`)."""
    values = {f.name: fixing.text(form, f.name).strip() for f in kind.fields}
    for f in kind.fields:
        if f.type == "yes_no":
            values[f.name] = "yes" if values[f.name] else "no"
    return values


@router.get("/dashboard/directory")
def directory(staff: SignedIn) -> Response:
    coordinator_only(staff)
    return RedirectResponse(KINDS["students"].list_path, status_code=303)


def _routes(kind: Kind) -> None:
    """The list, add, edit and (de)activate routes of one kind; its id is named `kind.param`."""
    ObjectId = Annotated[int, Path(alias=kind.param, ge=1, le=LARGEST)]  # noqa: N806

    def listing(staff: SignedIn, request: Request, q: str = "", show: str = "active") -> Response:
        coordinator_only(staff)
        return list_page(staff, kind, q, show, note=done(request))

    def new(staff: SignedIn) -> Response:
        coordinator_only(staff)
        return form_page(staff, kind, {f.name: "" for f in kind.fields})

    async def add(staff: SignedInWithCsrf, request: Request) -> Response:
        coordinator_only(staff)
        values = entered(kind, await request.form())
        saved_id, problems = _save(staff, kind, values, None)
        if problems:
            return form_page(staff, kind, values, problems=problems)
        return RedirectResponse(f"{kind.edit(saved_id)}?done=added", status_code=303)

    def edit(staff: SignedIn, request: Request, object_id: ObjectId) -> Response:
        coordinator_only(staff)
        with context.current().sessions() as session:
            target = _found(session, staff, kind, object_id)
            values = roster.values_of(session, kind.plural, target)
            shown = {"id": target.id, "active": target.active}
        return form_page(staff, kind, values, target=shown, note=done(request))

    async def save(staff: SignedInWithCsrf, request: Request, object_id: ObjectId) -> Response:
        coordinator_only(staff)
        values = entered(kind, await request.form())
        with context.current().sessions() as session:
            target = _found(session, staff, kind, object_id)
            shown = {"id": target.id, "active": target.active}
        _, problems = _save(staff, kind, values, object_id)
        if problems:
            return form_page(staff, kind, values, target=shown, problems=problems)
        return RedirectResponse(f"{kind.edit(object_id)}?done=saved", status_code=303)

    def activate(active: bool) -> Any:
        def change(staff: SignedInWithCsrf, object_id: ObjectId) -> Response:
            coordinator_only(staff)
            with context.current().sessions.begin() as session:
                target = _found(session, staff, kind, object_id)
                actor = staff.person(session)
                roster.set_active(session, kind.plural, target, active, actor=actor, now=staff_session.now())
            key = "reactivated" if active else "deactivated"
            return RedirectResponse(f"{kind.edit(object_id)}?done={key}", status_code=303)

        return change

    one = f"/dashboard/{kind.plural}/{{{kind.param}}}"
    router.add_api_route(kind.list_path, listing, methods=["GET"])
    router.add_api_route(kind.list_path + "/new", new, methods=["GET"])
    router.add_api_route(kind.list_path + "/new", add, methods=["POST"])
    router.add_api_route(one + "/edit", edit, methods=["GET"])
    router.add_api_route(one + "/edit", save, methods=["POST"])
    router.add_api_route(one + "/deactivate", activate(False), methods=["POST"])
    router.add_api_route(one + "/reactivate", activate(True), methods=["POST"])


def _found(session: Any, staff: Staff, kind: Kind, object_id: int) -> Any:
    row = roster.find(session, staff.school_id, kind.plural, object_id)
    if row is None:
        raise HTTPException(status_code=404)
    return row


def _save(staff: Staff, kind: Kind, values: dict[str, str], object_id: int | None) -> tuple[int, list[CellProblem]]:
    """Add or edit through the import's loader, audited; (the object's id, []) or (0, problems)."""
    now = staff_session.now()
    with context.current().sessions.begin() as session:
        target = _found(session, staff, kind, object_id) if object_id is not None else None
        row = {"school": staff.school_name, **values}
        saved, problems = imports.save_row(session, kind.plural, row, school_id=staff.school_id, target=target, now=now)
        if problems:
            return 0, problems
        audit.record(
            session,
            action="directory.added" if target is None else "directory.edited",
            channel="dashboard",
            now=now,
            actor=staff.person(session),
            object_type=kind.one,
            object_id=saved.id,
        )
        return int(saved.id), []


for _kind in KINDS.values():
    _routes(_kind)


async def _not_coordinator(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, NotCoordinator)
    return dashboard.staff_page("directory_advisor", exc.staff, "directory", 403)


def install(app: FastAPI) -> None:
    """Mount the directory's pages and answer an advisor's visit (the composition root calls this)."""
    app.include_router(router)
    app.add_exception_handler(NotCoordinator, _not_coordinator)
