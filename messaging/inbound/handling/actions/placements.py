"""Finding and starting an internship, as the channels see it: FIND and READY by SMS, the
coordinator's and advisor's replies and pages, and the link that opens a student's pages."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Protocol
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from messaging import rendering, student_cookie
from messaging.inbound.handling.incoming import IncomingReply, LinkResult, LinkView, choice_view
from messaging.inbound.reading.intent import classify
from messaging.inbound.reading.sms_keywords import Parsed
from messaging.models import ActionToken
from messaging.tokens import Purpose
from workflow import directory, requests
from workflow.errors import Refused
from workflow.models import InternshipRequest, Person, Role
from workflow.notifications import Category, Expectation, Happened, Link, Notification, Result
from workflow.schedule_text import Schedule, ScheduleTextError, read_schedule

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


def _pages_url(student: Person, search: str = "") -> Link:
    return Link(Purpose.student_pages, "person", student.id, PAGES_TTL, payload={"search": search})


def pages_link(student: Person, *, search: str = "", ready: bool = False, pursuing: int = 0) -> Notification:
    """An SMS with a signed link to the student's pages (search, favourites, requests, start)."""
    return Notification(
        template="sms/student_link",
        to=student,
        kind=Category.answer,
        context={"search": search, "ready": ready, "pursuing": pursuing},
        links={"pages_url": _pages_url(student, search)},
    )


# -- SMS ------------------------------------------------------------------------------------------


def find(session: Session, person: Person, parsed: Parsed, now: datetime) -> Result:
    if person.role != Role.student:
        return directory.help_for(person)
    return Result(
        [pages_link(person, search=parsed.argument)], summary="pages link (find)", happened=Happened.pages_link
    )


def ready(session: Session, person: Person, parsed: Parsed, now: datetime) -> Result:
    """READY, with the days, hours and dates if the text has them ("READY Tue Thu 9-3 from Jan 12
    to Mar 20"); what is missing is asked for, and the next text may answer it."""
    if person.role != Role.student:
        return directory.help_for(person)
    pursuing = requests.pursuing_requests(session, person)
    if len(pursuing) != 1:  # nothing approved to start, or several to choose from: the page shows them
        note = pages_link(person, ready=True, pursuing=len(pursuing))
        return Result([note], summary="pages link (ready)", happened=Happened.pages_link)
    return _start_by_text(session, person, pursuing[0], Schedule(), parsed.argument, now)


def ready_answer(
    session: Session, person: Person, expectation: Expectation, parsed: Parsed, now: datetime
) -> Result | None:
    """A text after READY asked for days, hours or dates: what it adds to what was said before."""
    request = session.get(InternshipRequest, expectation.object_ids[0]) if expectation.object_ids else None
    if request is None or request.student_id != person.id or request not in requests.pursuing_requests(session, person):
        return None
    return _start_by_text(session, person, request, _schedule_of(dict(expectation.known)), parsed.argument, now)


def _start_by_text(
    session: Session, student: Person, request: InternshipRequest, known: Schedule, text: str, now: datetime
) -> Result:
    today = now.astimezone(student.school.zone).date()
    try:
        said = known.merged(read_schedule(text, today))
    except ScheduleTextError as unread:
        return _ask_schedule(student, request, known, problem=str(unread))
    if said.missing:
        return _ask_schedule(student, request, said)
    assert said.days and said.start and said.end and said.first and said.last
    try:
        result = requests.request_start(
            session,
            request,
            student,
            days=said.days,
            start=said.start,
            end=said.end,
            first=said.first,
            last=said.last,
            now=now,
            via="sms",
        )
    except Refused as refused:
        return _ask_schedule(student, request, said, problem=rendering.refusal(refused))
    answer = Notification(
        template="sms/start_sent",
        to=student,
        kind=Category.answer,
        context={"request": request, "site": request.opportunity.site.name},
        fit="site",
        segments=1,
    )
    return Result([*result.notifications, answer], summary=result.summary, happened=result.happened)


def _ask_schedule(student: Person, request: InternshipRequest, said: Schedule, *, problem: str = "") -> Result:
    note = Notification(
        template="sms/ready_ask",
        to=student,
        kind=Category.answer,
        context={"said": said, "missing": said.missing, "problem": problem.rstrip(".")},
        links={"pages_url": _pages_url(student)},
        fit="problem" if problem else None,
        segments=1,
    )
    known = tuple((k, v) for k, v in _known_of(said).items() if v)
    expect = Expectation("ready", (request.id,), known=known)
    summary = f"asked for {', '.join(said.missing)}"
    return Result([note], expect=expect, summary=summary, happened=Happened.asked_schedule)


def _known_of(said: Schedule) -> dict[str, str]:
    return {
        "days": said.days or "",
        "start": said.start.isoformat("minutes") if said.start else "",
        "end": said.end.isoformat("minutes") if said.end else "",
        "first": said.first.isoformat() if said.first else "",
        "last": said.last.isoformat() if said.last else "",
    }


def _schedule_of(known: dict[str, str]) -> Schedule:
    def at(key: str) -> time | None:
        return time.fromisoformat(known[key]) if known.get(key) else None

    def on(key: str) -> date | None:
        return date.fromisoformat(known[key]) if known.get(key) else None

    return Schedule(known.get("days") or None, at("start"), at("end"), on("first"), on("last"))


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
        # pursuers as the link's holder may see them: their own school's students by name
        school_id = person.school_id if person is not None else requests.deciding_school(request)
        copy = {
            "request": request,
            "start": self.start,
            "others": requests.Pursuers([], 0)
            if self.start
            else requests.pursuers(session, request, school_id=school_id),
            "student_school": request.school.name if requests.shared_in(request) else None,
            "problems": _problems(session, request, now) if self.start else [],
        }
        return choice_view(DECIDE_COPY, copy, ("approve", "deny"))

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
        blocked = result.happened is Happened.start_blocked
        said = "blocked" if blocked else "approved" if approve else "denied"
        reason = form.get("comment", "").strip()
        copy = {"request": request, "start": self.start, "reason": reason, "problems": _problems(session, request, now)}
        outcome = rendering.render_copy(DECIDE_COPY, said, copy)
        return LinkResult(outcome=outcome, notifications=result.notifications, usable_again=blocked)


def _problems(session: Session, request: InternshipRequest, now: datetime) -> list[str]:
    """What keeps the start's mentor from taking a student today (empty: nothing)."""
    today = now.astimezone(request.school.zone).date()
    return requests.compliance_problems(session, request.opportunity.mentor, today)


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
