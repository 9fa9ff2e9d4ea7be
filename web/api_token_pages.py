"""The dashboard's API tokens page (`/dashboard/api-tokens`): a coordinator lists their tokens, makes
one (shown once, on the answer to the form) and revokes one. Audited on channel `dashboard`."""

from __future__ import annotations

from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Response
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from starlette.exceptions import HTTPException

from messaging import context
from web import api_tokens, dashboard, staff_session
from web.models import ApiToken
from web.paths import Id
from web.staff import SignedIn, SignedInWithCsrf, Staff

PATH = "/dashboard/api-tokens"
CHANNEL = "dashboard"
router = APIRouter(include_in_schema=False)


def _page(staff: Staff, status: int = 200, **values: Any) -> Response:
    with context.current().sessions() as session:
        tokens = api_tokens.listed(session, staff.person_id)
    values = {"created": None, "error": None, **values}
    return dashboard.staff_page(
        "api_tokens", staff, "api_tokens", status, tokens=tokens, zone=ZoneInfo(staff.timezone), **values
    )


@router.get(PATH)
def tokens_page(staff: SignedIn) -> Response:
    return _page(staff)


@router.post(PATH)
def make_token(staff: SignedInWithCsrf, label: Annotated[str, Form(max_length=2000)] = "") -> Response:
    if not staff.is_coordinator:
        return _page(staff, 403)
    now = staff_session.now()
    with context.current().sessions.begin() as session:
        person = staff.person(session)
        row, secret = api_tokens.create(session, person, label, now, channel=CHANNEL, actor=person)
        created = {"label": row.label, "secret": secret}
    return _page(staff, created=created)


@router.post(PATH + "/{token_id}/revoke")
def revoke_token(staff: SignedInWithCsrf, token_id: Id) -> Response:
    now = staff_session.now()
    with context.current().sessions.begin() as session:
        row = session.scalars(
            select(ApiToken).where(
                ApiToken.id == token_id, ApiToken.person_id == staff.person_id, ApiToken.school_id == staff.school_id
            )
        ).one_or_none()
        if row is None:
            raise HTTPException(status_code=404)
        api_tokens.revoke(session, row, now, channel=CHANNEL, actor=staff.person(session))
    return RedirectResponse(PATH, status_code=303)
