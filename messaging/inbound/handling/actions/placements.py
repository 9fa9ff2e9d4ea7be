"""Finding and starting an internship, as the channels see it: FIND and READY by SMS, the
coordinator's and advisor's replies and pages, and the link that opens a student's pages."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from messaging import rendering, student_cookie
from messaging.inbound.handling.incoming import IncomingReply, LinkResult, LinkView
from messaging.inbound.reading.intent import classify
from messaging.inbound.reading.sms_keywords import Parsed
from messaging.models import ActionToken
from messaging.tokens import Purpose
from workflow import directory, requests
from workflow.errors import Refused
from workflow.models import InternshipRequest, Person, Role
from workflow.notifications import Category, Happened, Link, Notification, Result

PAGES_TTL = timedelta(days=7)


class Decide(Protocol):
    """`requests.decide_request` or `requests.decide_start`."""

    def __call__(
        self,
        session: Session,
        request: InternshipRequest,
        decider: Person,
        /,
        *,
        approve: bool | None,
        reason: str,
        via: str,
        now: datetime,
    ) -> Result: ...


def pages_link(student: Person, *, search: str = "", ready: bool = False) -> Notification:
    """An SMS with a signed link to the student's pages (search, favourites, requests, start)."""
    return Notification(
        template="sms/student_link",
        to=student,
        kind=Category.answer,
        context={"search": search, "ready": ready},
        links={"pages_url": Link(Purpose.student_pages, "person", student.id, PAGES_TTL, payload={"search": search})},
    )


# -- SMS ------------------------------------------------------------------------------------------


def find(session: Session, person: Person, parsed: Parsed, now: datetime) -> Result:
    if person.role != Role.student:
        return directory.help_for(person)
    return Result(
        [pages_link(person, search=parsed.argument)], summary="pages link (find)", happened=Happened.pages_link
    )


def ready(session: Session, person: Person, parsed: Parsed, now: datetime) -> Result:
    if person.role != Role.student:
        return directory.help_for(person)
    return Result([pages_link(person, ready=True)], summary="pages link (ready)", happened=Happened.pages_link)


# -- replies ---------------------------------------------------------------------------------------


def _decision(text: str) -> tuple[bool | None, str]:
    intent = classify(text, "approval")
    return {"approve": True, "deny": False}.get(intent.kind), intent.feedback


def _decide_by_reply(session: Session, reply: IncomingReply, now: datetime, decide: Decide) -> Result:
    request = session.get(InternshipRequest, reply.token.object_id)
    if request is None:
        return Result(summary="request gone", happened=Happened.gone)
    approve, reason = _decision(reply.text)
    try:
        return decide(session, request, reply.person, approve=approve, reason=reason, via="email", now=now)
    except Refused as refused:
        return _refused_by_email(reply, rendering.refusal(refused))


def request_by_reply(session: Session, reply: IncomingReply, now: datetime) -> Result:
    """The coordinator's answer to a student's request."""
    return _decide_by_reply(session, reply, now, requests.decide_request)


def start_by_reply(session: Session, reply: IncomingReply, now: datetime) -> Result:
    """The advisor's answer to a student's ready-to-start request."""
    return _decide_by_reply(session, reply, now, requests.decide_start)


def _refused_by_email(reply: IncomingReply, why: str) -> Result:
    note = Notification(
        template="email/answer_refused",
        to=reply.person,
        kind=Category.notice,
        context={"why": why, "subject": reply.subject},
    )
    return Result([note], summary=f"refused: {why}", happened=Happened.refused)


# -- link pages -------------------------------------------------------------------------------------

DECIDE_COPY = "link_decide_request"  # templates/web/link_decide_request.txt
PAGES_COPY = "link_open_pages"  # templates/web/link_open_pages.txt


class DecideRequest:
    """The coordinator's page: approve, or deny with a reason."""

    start = False

    def describe(self, session: Session, token: ActionToken, person: Person | None, now: datetime) -> LinkView:
        request = session.get(InternshipRequest, token.object_id)
        if request is None:
            return LinkView(
                title=rendering.render_copy(DECIDE_COPY, "gone_title", {}),
                intro=rendering.render_copy(DECIDE_COPY, "gone_intro", {}),
            )
        copy = {
            "request": request,
            "start": self.start,
            "others": requests.Pursuers([], 0) if self.start else requests.pursuers(session, request),
        }
        return LinkView(
            title=rendering.render_copy(DECIDE_COPY, "title", copy),
            intro=rendering.render_copy(DECIDE_COPY, "intro", copy),
            details=rendering.render_details(DECIDE_COPY, copy),
            choices=[(value, rendering.render_copy(DECIDE_COPY, value, copy)) for value in ("approve", "deny")],
            comment_label=rendering.render_copy(DECIDE_COPY, "comment_label", copy),
        )

    def act(
        self, session: Session, token: ActionToken, person: Person | None, form: dict[str, str], now: datetime
    ) -> LinkResult:
        request = session.get(InternshipRequest, token.object_id)
        if request is None or person is None:
            return LinkResult(outcome=rendering.render_copy(DECIDE_COPY, "gone", {}))
        approve = form.get("choice") == "approve"
        decide = requests.decide_start if self.start else requests.decide_request
        try:
            result = decide(
                session, request, person, approve=approve, reason=form.get("comment", ""), via="link", now=now
            )
        except Refused as refused:
            why = rendering.refusal(refused)
            return LinkResult(outcome=rendering.render_copy(DECIDE_COPY, "refused", {"why": why}))
        said = "blocked" if result.happened is Happened.start_blocked else "approved" if approve else "denied"
        reason = form.get("comment", "").strip()
        outcome = rendering.render_copy(DECIDE_COPY, said, {"request": request, "start": self.start, "reason": reason})
        return LinkResult(outcome=outcome, notifications=result.notifications)


class DecideStart(DecideRequest):
    start = True


class OpenStudentPages:
    """The link from FIND or READY: one button opens the student's pages (a cookie for a week).
    Opening them changes nothing, so the link may be used again until it expires."""

    reusable = True

    def describe(self, session: Session, token: ActionToken, person: Person | None, now: datetime) -> LinkView:
        copy = {"person": person}
        return LinkView(
            title=rendering.render_copy(PAGES_COPY, "title", copy),
            intro=rendering.render_copy(PAGES_COPY, "intro", copy),
            choices=[("open", rendering.render_copy(PAGES_COPY, "open", copy))],
            template="link_button",
        )

    def act(
        self, session: Session, token: ActionToken, person: Person | None, form: dict[str, str], now: datetime
    ) -> LinkResult:
        if person is None or person.role != Role.student:
            return LinkResult(outcome=rendering.render_copy(PAGES_COPY, "not_a_student", {}))
        search = str(token.payload.get("search", ""))
        target = "/s/requests" if not search and requests.pursuing_requests(session, person) else "/s/"
        query = "?" + urlencode({"q": search}) if search and target == "/s/" else ""
        return LinkResult(
            outcome=rendering.render_copy(PAGES_COPY, "opened", {}),
            redirect=target + query,
            cookies={student_cookie.COOKIE: student_cookie.session_value(person.id)},
        )
