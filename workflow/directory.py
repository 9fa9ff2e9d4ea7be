"""Who is who: help and "who am I" answers for people who text Relay."""

from __future__ import annotations

from workflow.models import Person, Role
from workflow.notifications import Category, Happened, Notification, Result

ROLE_NAMES = {Role.student: "student", Role.mentor: "mentor", Role.advisor: "advisor", Role.coordinator: "coordinator"}


def help_for(person: Person) -> Result:
    return Result(
        [Notification(template="sms/help", to=person, kind=Category.answer)], summary="help", happened=Happened.help
    )


def whoami(person: Person) -> Result:
    note = Notification(
        template="sms/whoami",
        to=person,
        kind=Category.answer,
        context={"role": ROLE_NAMES.get(Role(person.role), str(person.role))},
    )
    return Result([note], summary=f"whoami: {person.role} {person.id}", happened=Happened.whoami)


def unknown_number(phone: str) -> Result:
    note = Notification(template="sms/unknown_number", to=None, to_address=phone, kind=Category.answer)
    return Result([note], summary="unknown number", happened=Happened.unknown_number)
