"""Two CSV kinds of the region (registered in `workflow.imports.FORMATS`):

- `region_admins` (region, name, email): a person who signs in like a coordinator and sees the
  region's aggregates only. Their row hangs on the region's first school (an anchor the sign-in
  and session need), and `Person.region` says what they see.
- `wishlists` (school, student_email, field): a school's interest survey; each row adds the field
  to the student's wishlist (source `survey`), beside the fields the student chose.
"""

from __future__ import annotations

from sqlalchemy import func, select

from workflow import import_batch as look
from workflow.import_batch import Batch
from workflow.import_cells import Row
from workflow.models import Person, Role, School, WishlistField


def region_admins(batch: Batch, row: Row) -> None:
    region = row.text("region")
    name = row.text("name")
    email = row.email("email")
    anchor = None
    if region:
        anchor = batch.session.scalars(
            select(School).where(func.lower(School.region) == region.lower()).order_by(School.id).limit(1)
        ).first()
        if anchor is None or anchor.region is None:
            row.problem("region", f"no school is in the region {region!r} (import schools with their region first)")
    row.check()
    assert anchor is not None and anchor.region is not None and email is not None
    person = batch.session.scalars(
        select(Person).where(
            Person.role == Role.region_admin,
            func.lower(Person.email) == email,
            func.lower(Person.region) == anchor.region.lower(),
        )
    ).first()
    look.counted(batch, person is None)
    if person is None:
        person = Person(school_id=anchor.id, role=Role.region_admin, name=name, email=email)
        batch.session.add(person)
    person.name, person.region, person.active = name, anchor.region, True
    batch.session.flush()


def wishlists(batch: Batch, row: Row) -> None:
    school = look.school(batch, row)
    email = row.email("student_email")
    field = " ".join(row.text("field", limit=100).split())
    student = None
    if school is not None and email:
        student = look.person(batch.session, school, Role.student, email)
        if student is None:
            row.problem("student_email", f"no student {email} at {school.name} (import students first)")
    row.check()
    assert student is not None
    known = batch.session.scalars(
        select(WishlistField).where(
            WishlistField.student_id == student.id, func.lower(WishlistField.field) == field.lower()
        )
    ).first()
    look.counted(batch, known is None)
    if known is None:
        batch.session.add(WishlistField(student_id=student.id, field=field, source="survey"))
        batch.session.flush()
