"""The attendance loop as the channels see it: SMS keywords and answers, mentors' replies, and
the pages behind signed links. Each turns what arrived into a call to `workflow.attendance`."""

from __future__ import annotations

import math
from datetime import datetime

from sqlalchemy.orm import Session

from messaging import rendering
from messaging.inbound.handling.incoming import IncomingReply, LinkResult, LinkView, choice_view
from messaging.inbound.reading import digest_replies
from messaging.inbound.reading.intent import classify
from messaging.inbound.reading.sms_keywords import Keyword, Parsed, is_pleasantry, is_question
from messaging.models import ActionToken
from messaging.tokens import Purpose
from workflow import attendance, directory
from workflow.models import InternshipDay, Person, Role
from workflow.notifications import Category, Expectation, Happened, Link, Notification, Result

DIGEST_CLARIFY_TTL = attendance.CONFIRM_TTL


# -- SMS ------------------------------------------------------------------------------------------


def check_in(session: Session, person: Person, parsed: Parsed, now: datetime) -> Result:
    if person.role != Role.student:
        return directory.help_for(person)
    choice = int(parsed.argument) if parsed.argument.isdigit() else None
    return attendance.check_in(session, person, now, choice=choice)


def check_out(session: Session, person: Person, parsed: Parsed, now: datetime) -> Result:
    if person.role != Role.student:
        return directory.help_for(person)
    reflection = "" if is_pleasantry(parsed.argument) else parsed.argument
    return attendance.check_out(session, person, now, reflection=reflection)


def goals(session: Session, person: Person, expecting: Expectation, parsed: Parsed, now: datetime) -> Result | None:
    """After CHECKIN, the next free text is today's goals."""
    if parsed.keyword != Keyword.text or not parsed.argument.strip() or not expecting.object_ids:
        return None
    return attendance.record_goals(session, person, expecting.object_ids[0], parsed.argument, now)


def reflection(
    session: Session, person: Person, expecting: Expectation, parsed: Parsed, now: datetime
) -> Result | None:
    """After CHECKOUT, the next free text is the day's reflection. A number, a question or a
    keyword is not (keywords never reach here); "thanks!" is kept as nothing, and answered with
    nothing."""
    if parsed.keyword != Keyword.text or not expecting.object_ids or is_question(parsed.argument):
        return None
    day_id = expecting.object_ids[0]
    if is_pleasantry(parsed.argument):
        return attendance.pleasantry(day_id, session.get(InternshipDay, day_id), now)
    return attendance.record_reflection(session, person, day_id, parsed.argument, now)


def which_placement(
    session: Session, person: Person, expecting: Expectation, parsed: Parsed, now: datetime
) -> Result | None:
    if parsed.keyword != Keyword.choice:
        return None
    return attendance.choose_placement(session, person, expecting.object_ids, int(parsed.argument), now)


# -- email replies --------------------------------------------------------------------------------


def _present(kind: str) -> bool | None:
    return {"yes": True, "no": False}.get(kind)


def confirm_by_reply(session: Session, reply: IncomingReply, now: datetime) -> Result:
    day = session.get(InternshipDay, reply.token.object_id)
    if day is None:
        return Result(summary=f"day {reply.token.object_id} is gone", happened=Happened.gone)
    intent = classify(reply.text, "attendance")
    return attendance.answer_day(
        session, day, reply.person, present=_present(intent.kind), feedback=intent.feedback, via="email", now=now
    )


def digest_by_reply(session: Session, reply: IncomingReply, now: datetime) -> Result:
    """One reply for a week of days: "all yes", or a line per day ("2 no - left early")."""
    day_ids = [int(i) for i in reply.token.payload.get("days", [])]
    answer = digest_replies.parse(reply.text, len(day_ids))
    notes: list[Notification] = []
    answered = 0
    for number, day_id in enumerate(day_ids, start=1):
        present, feedback = answer.for_day(number)
        day = session.get(InternshipDay, day_id)
        if present is None or day is None:
            continue
        result = attendance.answer_day(
            session, day, reply.person, present=present, feedback=feedback, via="email", now=now
        )
        notes += result.notifications
        answered += 1
    if not answered:
        notes.append(
            Notification(
                template="email/digest_clarify",
                to=reply.person,
                kind=Category.message,
                context={"count": len(day_ids)},
                reply=Link(
                    Purpose.attendance_digest, "mentor", reply.person.id, DIGEST_CLARIFY_TTL, payload={"days": day_ids}
                ),
            )
        )
        return Result(notes, summary="digest reply not understood; asked again", happened=Happened.asked_again)
    return Result(
        notes, summary=f"digest: {answered} of {len(day_ids)} days answered", happened=Happened.digest_answered
    )


# -- link pages -----------------------------------------------------------------------------------

CONFIRM_COPY = "link_confirm_day"  # templates/web/link_confirm_day.txt
LOCATION_COPY = "link_share_location"  # templates/web/link_share_location.txt


class ConfirmDay:
    """The mentor's page: Confirm or Wasn't here, with comments; nothing pre-selected."""

    def describe(self, session: Session, token: ActionToken, person: Person | None, now: datetime) -> LinkView:
        day = session.get(InternshipDay, token.object_id)
        if day is None or person is None:
            return LinkView(
                title=rendering.render_copy(CONFIRM_COPY, "gone_title", {}),
                intro=rendering.render_copy(CONFIRM_COPY, "gone_intro", {}),
            )
        copy = {
            "day": day,
            "student": day.placement.student,
            "site": day.placement.site.name,
            "zone": person.school.zone,
            "hours": attendance.hours_between(day.check_in_at or now, day.check_out_at or now),
        }
        return choice_view(CONFIRM_COPY, copy, ("confirm", "dispute"))

    def act(
        self, session: Session, token: ActionToken, person: Person | None, form: dict[str, str], now: datetime
    ) -> LinkResult:
        day = session.get(InternshipDay, token.object_id)
        if day is None or person is None:
            return LinkResult(outcome=rendering.render_copy(CONFIRM_COPY, "gone", {}))
        present = form.get("choice") == "confirm"
        result = attendance.answer_day(
            session, day, person, present=present, feedback=form.get("comment", ""), via="link", now=now
        )
        answered_before = result.happened in (Happened.same_answer_again, Happened.later_answer)
        said = "answered_before" if answered_before else "confirmed" if present else "disputed"
        outcome = rendering.render_copy(CONFIRM_COPY, said, {"student": day.placement.student})
        return LinkResult(outcome=outcome, notifications=result.notifications)


def _coordinates(form: dict[str, str]) -> tuple[float, float] | None:
    """The latitude and longitude a form sent, if both are finite numbers."""
    try:
        latitude, longitude = float(form.get("latitude", "")), float(form.get("longitude", ""))
    except ValueError:
        return None
    return (latitude, longitude) if math.isfinite(latitude) and math.isfinite(longitude) else None


class ShareLocation:
    """The student's optional location at check-in: stored only when they choose to share it."""

    def describe(self, session: Session, token: ActionToken, person: Person | None, now: datetime) -> LinkView:
        day = session.get(InternshipDay, token.object_id)
        copy = {"site": day.placement.site.name if day else "your internship"}
        return LinkView(
            title=rendering.render_copy(LOCATION_COPY, "title", copy),
            intro=rendering.render_copy(LOCATION_COPY, "intro", copy),
            choices=[("share", rendering.render_copy(LOCATION_COPY, "share", copy))],
            template="checkin_location",
        )

    def form_problem(self, form: dict[str, str]) -> str | None:
        """No coordinates, or ones no place has (`nan`, `inf`, latitude 91): said on the page, and the
        link is not used up, so the student can try again."""
        coordinates = _coordinates(form)
        if coordinates is None:
            return rendering.render_copy(LOCATION_COPY, "no_location_retry", {})
        latitude, longitude = coordinates
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            return rendering.render_copy(LOCATION_COPY, "out_of_range_retry", {})
        return None

    def act(
        self, session: Session, token: ActionToken, person: Person | None, form: dict[str, str], now: datetime
    ) -> LinkResult:
        day = session.get(InternshipDay, token.object_id)
        coordinates = _coordinates(form)
        if coordinates is None:
            return LinkResult(outcome=rendering.render_copy(LOCATION_COPY, "no_location", {}))
        latitude, longitude = coordinates
        if day is None or form.get("choice") != "share":
            return LinkResult(outcome=rendering.render_copy(LOCATION_COPY, "not_shared", {}))
        saved = attendance.record_location(session, day, latitude, longitude, now)
        return LinkResult(outcome=rendering.render_copy(LOCATION_COPY, saved.value, {}))
