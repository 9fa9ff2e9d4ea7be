"""Who is signed in as a region admin: the same emailed link and session cookie as coordinators
(`web.sign_in`, `web.staff_session`), a different door. A region admin's pages take
`SignedInRegionAdmin`; the coordinators' pages (`web.staff.SignedIn`) do not let them in, and theirs
do not let a coordinator in. A region admin sees the region in `Person.region` and nothing else:
its aggregates, never a student's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from messaging import context
from web import staff_session
from web.staff import CSRF_FIELD, CSRF_HEADER, CsrfRejected, SignInRequired
from workflow.models import Person, Role


@dataclass(frozen=True)
class RegionAdmin:
    person_id: int
    name: str
    email: str
    region: str
    session_id: str
    csrf_token: str

    def person(self, session: Session) -> Person:
        return session.get_one(Person, self.person_id)


def region_admin_of(session: Session, session_id: str | None) -> RegionAdmin | None:
    row = staff_session.find(session, session_id, staff_session.now())
    if row is None or session_id is None:
        return None
    person = session.get(Person, row.person_id)
    if person is None or not person.active or person.role != Role.region_admin or not person.region:
        return None
    return RegionAdmin(
        person_id=person.id,
        name=person.name,
        email=person.email or "",
        region=person.region,
        session_id=session_id,
        csrf_token=staff_session.csrf_token(session_id),
    )


def signed_in_region_admin(request: Request) -> RegionAdmin:
    """Dependency: the signed-in region admin, or SignInRequired (a page: to sign in; the API: 401)."""
    with context.current().sessions.begin() as session:
        admin = region_admin_of(session, request.cookies.get(staff_session.COOKIE))
    if admin is None:
        raise SignInRequired("session")
    return admin


async def region_admin_with_csrf(
    request: Request, admin: Annotated[RegionAdmin, Depends(signed_in_region_admin)]
) -> RegionAdmin:
    token = request.headers.get(CSRF_HEADER)
    if token is None:
        token = str((await request.form()).get(CSRF_FIELD, ""))
    if not staff_session.csrf_ok(admin.session_id, token):
        raise CsrfRejected()
    return admin


SignedInRegionAdmin = Annotated[RegionAdmin, Depends(signed_in_region_admin)]
RegionAdminWithCsrf = Annotated[RegionAdmin, Depends(region_admin_with_csrf)]
