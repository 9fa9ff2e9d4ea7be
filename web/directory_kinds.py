"""What the directory's pages (web/directory.py, web/directory_upload.py) know of each kind: its
names, its path parameter, and its form's fields. A field's `name` is its CSV column, so a form's
problems come back under the same names as an upload's."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflow.models import Person, Role, Site


@dataclass(frozen=True)
class Field:
    name: str  # the CSV column
    label: str
    type: str = "text"  # text, email, tel, date, number, yes_no, textarea, advisor, site, mentor
    hint: str = ""
    required: bool = False


@dataclass(frozen=True)
class Kind:
    plural: str  # students: the CSV kind and the path
    one: str  # student
    title: str  # Students
    param: str  # student_id
    fields: tuple[Field, ...]
    page: str = ""  # the object's own page ("/dashboard/students/{id}"); else its edit page
    searched: str = "Name, email, phone, field or site"  # what the list's search looks in

    def link(self, object_id: int) -> str:
        return self.page.format(id=object_id) if self.page else self.edit(object_id)

    def edit(self, object_id: int) -> str:
        return f"/dashboard/{self.plural}/{object_id}/edit"

    @property
    def list_path(self) -> str:
        return f"/dashboard/directory/{self.plural}"


NAME, EMAIL = Field("name", "Name", required=True), Field("email", "Email", "email", required=True)
KINDS: dict[str, Kind] = {
    k.plural: k
    for k in (
        Kind(
            "students",
            "student",
            "Students",
            "student_id",
            (
                NAME,
                EMAIL,
                Field("phone", "Mobile phone", "tel", "They text Relay from this number.", required=True),
                Field("advisor_email", "Advisor", "advisor"),
            ),
            page="/dashboard/students/{id}",
        ),
        Kind(
            "mentors",
            "mentor",
            "Mentors",
            "mentor_id",
            (NAME, EMAIL, Field("phone", "Phone", "tel"), Field("site", "Site", "site", required=True)),
            page="/dashboard/mentors/{id}",
        ),
        Kind("advisors", "advisor", "Advisors", "advisor_id", (NAME, EMAIL), searched="Name or email"),
        Kind(
            "sites",
            "site",
            "Sites",
            "site_id",
            (
                NAME,
                Field("address", "Address"),
                Field("field", "Field", hint="For example: health care, engineering."),
                Field("do_not_solicit", "Asked not to be contacted (do not solicit)", "yes_no"),
                Field("do_not_solicit_on", "Asked on", "date", "Today if you leave it empty."),
                Field("do_not_solicit_by", "Who asked", hint="For example: Dana Ruiz, the office manager."),
                Field(
                    "latitude",
                    "Latitude",
                    "number",
                    "With longitude: Relay then shows how far from the site a check-in was.",
                ),
                Field("longitude", "Longitude", "number"),
            ),
            searched="Name, field or address",
        ),
        Kind(
            "opportunities",
            "opportunity",
            "Opportunities",
            "opportunity_id",
            (
                Field("title", "Title", required=True),
                Field("site", "Site", "site", required=True),
                Field("mentor_email", "Mentor", "mentor", required=True),
                Field("field", "Field"),
                Field("capacity", "Places", "number", "How many students at once.", required=True),
                Field("shared_with_region", "Offered to the region's other schools", "yes_no"),
                Field("description", "Description", "textarea"),
            ),
            searched="Title, field, site or mentor",
        ),
    )
}


def choices(session: Session, school_id: int) -> dict[str, list[tuple[str, str]]]:
    """The options of a form's lists: (value, label) of the school's active advisors, sites, mentors."""

    def people(role: Role) -> list[tuple[str, str]]:
        rows = session.execute(
            select(Person.email, Person.name)
            .where(Person.school_id == school_id, Person.role == role, Person.active.is_(True))
            .order_by(func.lower(Person.name))
        ).all()
        return [(email or "", f"{name} ({email})") for email, name in rows]

    sites = session.scalars(
        select(Site.name).where(Site.school_id == school_id, Site.active.is_(True)).order_by(func.lower(Site.name))
    ).all()
    return {"advisor": people(Role.advisor), "mentor": people(Role.mentor), "site": [(s, s) for s in sites]}
