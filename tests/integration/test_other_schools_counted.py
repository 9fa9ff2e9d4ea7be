"""Another school's students pursuing a shared site appear to a coordinator as a count ("1 student
of another school"), never by name: in the decide email and on the decide link's page. Through
the real doors: each student asks on their own pages (a POST with the session and form token), the
coordinator opens the link from the email."""

from __future__ import annotations

import html
import re
from typing import Any

import httpx
from sqlalchemy import select

from messaging import student_cookie
from messaging.models import OutboundMessage
from relay.runtime import Runtime
from tests.support import builders, servers
from web import student_session
from workflow.models import Opportunity, Role


def _ask(base: str, student_id: int, opportunity_id: int) -> None:
    cookie = student_cookie.session_value(student_id)
    with httpx.Client(base_url=base, cookies={student_cookie.COOKIE: cookie}) as client:
        answer = client.post(f"/s/request/{opportunity_id}", data={"csrf": student_session.form_token(cookie)})
    assert answer.status_code == 303, answer.status_code


def _decide_email(
    runtime: Runtime, to: str, template: str = "email/request_decide", about: str = ""
) -> OutboundMessage:
    with runtime.sessions() as session:
        row = session.scalars(
            select(OutboundMessage)
            .where(
                OutboundMessage.to_address == to,
                OutboundMessage.template == template,
                OutboundMessage.subject.contains(about),
            )
            .order_by(OutboundMessage.id.desc())
        ).first()
        assert row is not None
        session.expunge(row)
        return row


def test_another_schools_pursuers_are_a_count_never_a_name(make_runtime: Any, sqlite_url: str) -> None:
    runtime = make_runtime(database_url=sqlite_url)
    with runtime.sessions.begin() as session:
        lincoln = builders.school(session, name="Lincoln High", region="Bay", pursuer_limit=5)
        roosevelt = builders.school(session, name="Roosevelt High", region="Bay")
        builders.person(session, lincoln, Role.coordinator, "Cora Diaz", "cora@example.org")
        builders.person(session, roosevelt, Role.coordinator, "Rhea Stone", "rhea@example.org")
        clinic = builders.site(session, lincoln, "Riverside Clinic")
        ruth = builders.person(session, lincoln, Role.mentor, "Ruth Chen", "ruth@example.org", site_id=clinic.id)
        maya = builders.person(session, lincoln, Role.student, "Maya Lopez", "maya@example.org", phone="+15555550100")
        sam = builders.person(session, lincoln, Role.student, "Sam Ortiz", "sam@example.org", phone="+15555550101")
        rosa = builders.person(session, roosevelt, Role.student, "Rosa Quill", "rosa@example.org", phone="+15555550102")
        shared = Opportunity(
            school_id=lincoln.id,
            site_id=clinic.id,
            mentor_id=ruth.id,
            title="Radiology assistant",
            field="health",
            capacity=5,
            shared_with_region=True,
        )
        session.add(shared)
        session.flush()
        ids = (maya.id, sam.id, rosa.id, shared.id)
    maya_id, sam_id, rosa_id, shared_id = ids

    with servers.web(runtime) as base:
        _ask(base, rosa_id, shared_id)  # Roosevelt's student first
        _ask(base, sam_id, shared_id)
        _ask(base, maya_id, shared_id)

        cora = _decide_email(runtime, "cora@example.org")
        assert (cora.subject or "").startswith("Approve Maya Lopez")
        for body in (cora.body_text, html.unescape(cora.body_html or "")):
            assert "Sam Ortiz" in body, "a student of the coordinator's own school is named"
            assert "1 student of another school" in body
            assert "Rosa" not in body and "Quill" not in body, "never another school's student by name"

        link = re.search(r"http://relay\.test:8000(/l/[\w.-]+)", cora.body_text)
        assert link
        page = html.unescape(httpx.get(base + link.group(1)).text)
        assert "<dt>Also pursuing the site</dt><dd>Sam Ortiz, 1 student of another school</dd>" in page
        assert "Rosa" not in page

        # Rosa's request is for Lincoln's opportunity: Lincoln's coordinator decides it (the mentor is
        # theirs) and sees her name on it, the one thing the decision needs; when Rosa asked, no
        # one else pursued the site, Lincoln's two came later
        about_rosa = _decide_email(runtime, "cora@example.org", about="Rosa Quill")
        assert "Rosa Quill, a student of Roosevelt High" in about_rosa.body_text
        assert "rosa@example.org" not in about_rosa.body_text, "her name and school, not her address"
        assert "No one else is pursuing Riverside Clinic right now." in about_rosa.body_text
        link = re.search(r"http://relay\.test:8000(/l/[\w.-]+)", about_rosa.body_text)
        assert link
        page = html.unescape(httpx.get(base + link.group(1)).text)
        assert "<dt>Also pursuing the site</dt><dd>Sam Ortiz, Maya Lopez</dd>" in page, "Cora's own students"
        assert "<dd>Rosa Quill, a student of Roosevelt High (the opportunity is your school's" in page
        # Rosa's own coordinator gets a copy, with no decision to make and no other student named
        with runtime.sessions() as session:
            decide_for_rhea = session.scalars(
                select(OutboundMessage).where(
                    OutboundMessage.to_address == "rhea@example.org",
                    OutboundMessage.template == "email/request_decide",
                )
            ).all()
        assert decide_for_rhea == [], "Roosevelt doesn't decide on Lincoln's opportunity"
        rhea = _decide_email(runtime, "rhea@example.org", template="email/request_copied")
        assert "Rosa Quill" in (rhea.subject or "") and "Lincoln High" in (rhea.subject or "")
        assert "Maya" not in rhea.body_text and "Sam" not in rhea.body_text
        assert "/l/" not in rhea.body_text, "a copy: nothing to decide"
