"""The attendance loop as the channels see it: SMS keywords and answers, mentors' replies, and
the pages behind signed links. Each turns what arrived into a call to `workflow.attendance`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from messaging.inbound import digest_replies
from messaging.inbound.incoming import IncomingReply, LinkResult, LinkView
from messaging.inbound.intent import classify
from messaging.inbound.sms_keywords import Keyword, Parsed
from messaging.models import ActionToken
from workflow import attendance, directory
from workflow.models import InternshipDay, Person, Role
from workflow.notifications import Expectation, Kind, Link, Notification, Result

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
    return attendance.check_out(session, person, now)


def goals(session: Session, person: Person, expecting: Expectation, parsed: Parsed, now: datetime) -> Result | None:
    """After CHECKIN, the next free text is today's goals."""
    if parsed.keyword != Keyword.text or not parsed.argument.strip() or not expecting.object_ids:
        return None
    return attendance.record_goals(session, person, expecting.object_ids[0], parsed.argument, now)


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
        return Result(summary=f"day {reply.token.object_id} is gone")
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
                kind=Kind.message,
                context={"count": len(day_ids)},
                reply=Link(
                    "attendance.digest", "mentor", reply.person.id, DIGEST_CLARIFY_TTL, payload={"days": day_ids}
                ),
            )
        )
        return Result(notes, summary="digest reply not understood; asked again")
    return Result(notes, summary=f"digest: {answered} of {len(day_ids)} days answered")


# -- link pages -----------------------------------------------------------------------------------


def _time(moment: datetime | None, person: Person) -> str:
    if moment is None:
        return "-"
    return moment.astimezone(person.school.zone).strftime("%-I:%M%p").lower()


class ConfirmDay:
    """The mentor's page: Confirm or Wasn't here, with comments; nothing pre-selected."""

    def describe(self, session: Session, token: ActionToken, person: Person | None, now: datetime) -> LinkView:
        day = session.get(InternshipDay, token.object_id)
        if day is None or person is None:
            return LinkView(title="This day is no longer in Relay", intro="There is nothing to answer here.")
        student, site = day.placement.student, day.placement.site.name
        first = student.first_name
        when = day.date.strftime("%a %b %-d")
        times = f"{_time(day.check_in_at, person)} to {_time(day.check_out_at, person)}"
        details = [
            ("Student", student.name),
            ("Day", f"{when} at {site}"),
            (
                "Times",
                f"{times} ({attendance.hours_between(day.check_in_at or now, day.check_out_at or now)} h)"
                if day.check_in_at
                else "No check-in",
            ),
        ]
        if day.goals:
            details.append(("Goals", day.goals))
        return LinkView(
            title=f"Was {first} at {site} on {when}?",
            intro=f"Your answer counts {first}'s hours. You can add a comment for {first} too.",
            details=details,
            choices=[("confirm", f"Yes, {first} was here"), ("dispute", f"No, {first} wasn't here")],
            comment_label=f"Comments for {first} (optional)",
        )

    def act(
        self, session: Session, token: ActionToken, person: Person | None, form: dict[str, str], now: datetime
    ) -> LinkResult:
        day = session.get(InternshipDay, token.object_id)
        if day is None or person is None:
            return LinkResult(outcome="This day is no longer in Relay; nothing was changed.")
        present = form.get("choice") == "confirm"
        answered_before = day.status in ("confirmed", "disputed")
        result = attendance.answer_day(
            session, day, person, present=present, feedback=form.get("comment", ""), via="link", now=now
        )
        first = day.placement.student.first_name
        if answered_before:
            outcome = "Your answer was recorded. The first answer for this day stands, and the coordinator was told."
        elif present:
            outcome = f"{first}'s day is confirmed. Thank you!"
        else:
            outcome = f"{first}'s day is marked as not attended, and the coordinator was told."
        return LinkResult(outcome=outcome, notifications=result.notifications)


class ShareLocation:
    """The student's optional location at check-in: stored only when they choose to share it."""

    def describe(self, session: Session, token: ActionToken, person: Person | None, now: datetime) -> LinkView:
        day = session.get(InternshipDay, token.object_id)
        site = day.placement.site.name if day else "your internship"
        return LinkView(
            title="Share where you are?",
            intro=f"Relay can note that you checked in near {site}. It is up to you: nothing happens if you don't.",
            choices=[("share", "Share my location")],
            template="checkin_location",
        )

    def act(
        self, session: Session, token: ActionToken, person: Person | None, form: dict[str, str], now: datetime
    ) -> LinkResult:
        day = session.get(InternshipDay, token.object_id)
        try:
            latitude, longitude = float(form.get("latitude", "")), float(form.get("longitude", ""))
        except ValueError:
            return LinkResult(outcome="Your browser didn't send a location, so nothing was saved.")
        if day is None or form.get("choice") != "share":
            return LinkResult(outcome="Nothing was saved.")
        return LinkResult(outcome=attendance.record_location(session, day, latitude, longitude, now))
