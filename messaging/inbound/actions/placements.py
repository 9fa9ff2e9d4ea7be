"""Finding and starting an internship, as the channels see it: FIND and READY by SMS, the
coordinator's and advisor's replies and pages, and the link that opens a student's pages."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.orm import Session

from messaging.inbound import student_session
from messaging.inbound.incoming import IncomingReply, LinkResult, LinkView
from messaging.inbound.intent import classify
from messaging.inbound.sms_keywords import Parsed
from messaging.models import ActionToken
from workflow import directory, requests
from workflow.models import InternshipRequest, Person, Role
from workflow.notifications import Kind, Link, Notification, Result

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
        kind=Kind.answer,
        context={"search": search, "ready": ready},
        links={"pages_url": Link("student.pages", "person", student.id, PAGES_TTL, payload={"search": search})},
    )


# -- SMS ------------------------------------------------------------------------------------------


def find(session: Session, person: Person, parsed: Parsed, now: datetime) -> Result:
    if person.role != Role.student:
        return directory.help_for(person)
    return Result([pages_link(person, search=parsed.argument)], summary="pages link (find)")


def ready(session: Session, person: Person, parsed: Parsed, now: datetime) -> Result:
    if person.role != Role.student:
        return directory.help_for(person)
    return Result([pages_link(person, ready=True)], summary="pages link (ready)")


# -- replies ---------------------------------------------------------------------------------------


def _decision(text: str) -> tuple[bool | None, str]:
    intent = classify(text, "approval")
    return {"approve": True, "deny": False}.get(intent.kind), intent.feedback


def _decide_by_reply(session: Session, reply: IncomingReply, now: datetime, decide: Decide) -> Result:
    request = session.get(InternshipRequest, reply.token.object_id)
    if request is None:
        return Result(summary="request gone")
    approve, reason = _decision(reply.text)
    try:
        return decide(session, request, reply.person, approve=approve, reason=reason, via="email", now=now)
    except requests.Refused as refused:
        return _refused_by_email(reply, str(refused))


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
        kind=Kind.notice,
        context={"why": why, "subject": reply.subject},
    )
    return Result([note], summary=f"refused: {why}")


# -- link pages -------------------------------------------------------------------------------------


def _details(request: InternshipRequest) -> list[tuple[str, str]]:
    opportunity = request.opportunity
    details = [
        ("Student", request.student.name),
        ("Opportunity", f"{opportunity.title} at {opportunity.site.name}"),
        ("Mentor", f"{opportunity.mentor.name} ({opportunity.mentor.email})"),
    ]
    if request.days and request.start_time and request.end_time and request.start_date and request.end_date:
        details.append(
            (
                "Schedule",
                f"{request.days}, {request.start_time:%-I:%M%p} to {request.end_time:%-I:%M%p}, "
                f"{request.start_date:%b %-d} to {request.end_date:%b %-d}".replace("AM", "am").replace("PM", "pm"),
            )
        )
    return details


class DecideRequest:
    """The coordinator's page: approve, or deny with a reason."""

    start = False

    def describe(self, session: Session, token: ActionToken, person: Person | None, now: datetime) -> LinkView:
        request = session.get(InternshipRequest, token.object_id)
        if request is None:
            return LinkView(title="This request is no longer in Relay", intro="There is nothing to decide here.")
        what = "start" if self.start else "request"
        details = _details(request)
        if not self.start:
            others = requests.who_else(session, request)
            details.append(("Also pursuing the site", ", ".join(o.student.name for o in others) or "no one"))
        return LinkView(
            title=f"Approve {request.student.name}'s {what} at {request.opportunity.site.name}?",
            intro=f"{request.student.first_name} will see a reason if you deny.",
            details=details,
            choices=[("approve", "Approve"), ("deny", "Deny")],
            comment_label="Reason (shown to the student if you deny)",
        )

    def act(
        self, session: Session, token: ActionToken, person: Person | None, form: dict[str, str], now: datetime
    ) -> LinkResult:
        request = session.get(InternshipRequest, token.object_id)
        if request is None or person is None:
            return LinkResult(outcome="This request is no longer in Relay; nothing changed.")
        approve = form.get("choice") == "approve"
        decide = requests.decide_start if self.start else requests.decide_request
        try:
            result = decide(
                session, request, person, approve=approve, reason=form.get("comment", ""), via="link", now=now
            )
        except requests.Refused as refused:
            return LinkResult(outcome=f"Nothing changed: {refused}")
        if self.start and approve and request.status != requests.State.active:
            return LinkResult(
                outcome="Not approved yet: the mentor's documents need attention. "
                "You and the coordinator have an email with the details.",
                notifications=result.notifications,
            )
        outcome = f"{request.student.first_name}'s {'start' if self.start else 'request'} is " + (
            "approved." if approve else "denied; they will see your reason."
        )
        return LinkResult(outcome=outcome, notifications=result.notifications)


class DecideStart(DecideRequest):
    start = True


class OpenStudentPages:
    """The link from FIND or READY: one button opens the student's pages (a cookie for a week).
    Opening them changes nothing, so the link may be used again until it expires."""

    reusable = True

    def describe(self, session: Session, token: ActionToken, person: Person | None, now: datetime) -> LinkView:
        name = person.first_name if person else "there"
        return LinkView(
            title=f"Hi {name}!",
            intro="Open your internship page to search, save favourites, ask for an internship, or ask to start one.",
            choices=[("open", "Open my page")],
            template="link_button",
        )

    def act(
        self, session: Session, token: ActionToken, person: Person | None, form: dict[str, str], now: datetime
    ) -> LinkResult:
        if person is None or person.role != Role.student:
            return LinkResult(outcome="This page is for students.")
        search = str(token.payload.get("search", ""))
        target = "/s/requests" if not search and requests.pursuing_requests(session, person) else "/s/"
        query = f"?q={search}" if search and target == "/s/" else ""
        return LinkResult(
            outcome="Opened.",
            redirect=target + query,
            cookies={student_session.COOKIE: student_session.session_value(person.id)},
        )
