"""The mentors' feedback: every comment a mentor gave with an answer about a day (the first answer
and any later one), newest first, filtered by student, site and period, and searched by words
(every word must appear, in any case)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import String, and_, cast, or_, select
from sqlalchemy.orm import Session

from workflow.models import DayStatus, InternshipDay, Placement, Site
from workflow.oversight.viewer import Viewer, placement_scope
from workflow.reports.days import Mentor, Student

FIELDS = (
    "date",
    "student_email",
    "student_name",
    "site",
    "mentor_email",
    "mentor_name",
    "answer",
    "comment",
    "via",
    "answered_at",
)
MOST = 1000  # comments on a page; the downloads have them all


@dataclass(frozen=True)
class Comment:
    day_id: int
    date: date
    student_id: int
    student_email: str | None
    student_name: str
    site: str
    mentor_email: str | None
    mentor_name: str
    answer: str  # confirmed | disputed
    comment: str
    via: str | None
    answered_at: datetime | None

    def record(self) -> dict[str, Any]:
        """The comment as a download's row."""
        return {
            "date": self.date.isoformat(),
            "student_email": self.student_email,
            "student_name": self.student_name,
            "site": self.site,
            "mentor_email": self.mentor_email,
            "mentor_name": self.mentor_name,
            "answer": self.answer,
            "comment": self.comment,
            "via": self.via,
            "answered_at": self.answered_at.isoformat(timespec="seconds") if self.answered_at else None,
        }


def words_of(search: str) -> list[str]:
    return [word.lower() for word in search.split()][:10]


def comments(
    session: Session,
    viewer: Viewer,
    since: date,
    until: date,
    *,
    student_id: int | None = None,
    site_id: int | None = None,
    search: str = "",
    limit: int | None = MOST,
) -> list[Comment]:
    """The viewer's mentors' comments on days from `since` to `until`, newest first."""
    later = and_(InternshipDay.later_answers.is_not(None), cast(InternshipDay.later_answers, String) != "[]")
    query = (
        select(
            InternshipDay.id,
            InternshipDay.date,
            Placement.student_id,
            Student.email,
            Student.name,
            Site.name,
            Mentor.email,
            Mentor.name,
            InternshipDay.status,
            InternshipDay.mentor_feedback,
            InternshipDay.confirmed_via,
            InternshipDay.confirmed_at,
            InternshipDay.later_answers,
        )
        .join(Placement, Placement.id == InternshipDay.placement_id)
        .join(Student, Student.id == Placement.student_id)
        .join(Mentor, Mentor.id == Placement.mentor_id)
        .join(Site, Site.id == Placement.site_id)
        .where(
            placement_scope(viewer),
            InternshipDay.date >= since,
            InternshipDay.date <= until,
            or_(and_(InternshipDay.mentor_feedback.is_not(None), InternshipDay.mentor_feedback != ""), later),
        )
        .order_by(InternshipDay.date.desc(), InternshipDay.id.desc())
    )
    if student_id is not None:
        query = query.where(Placement.student_id == student_id)
    if site_id is not None:
        query = query.where(Placement.site_id == site_id)
    words = words_of(search)
    for word in words:  # narrows in the database; the comments themselves are checked below
        pattern = f"%{word}%"
        query = query.where(
            or_(InternshipDay.mentor_feedback.ilike(pattern), cast(InternshipDay.later_answers, String).ilike(pattern))
        )
    found: list[Comment] = []
    for r in session.execute(query):
        for comment in _comments_of(r):
            if all(word in comment.comment.lower() for word in words):
                found.append(comment)
        if limit is not None and len(found) >= limit:
            break
    return found[:limit] if limit is not None else found


def _comments_of(r: Any) -> list[Comment]:
    """A day's comments: its later answers' (newest first), then the first answer's."""
    first_answer = DayStatus.disputed if r[8] == DayStatus.disputed else DayStatus.confirmed
    shared = (r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7])
    found = []
    for later in reversed(r[12] or []):
        text = str(later.get("feedback") or "").strip()
        if text:
            at = datetime.fromisoformat(later["at"]) if later.get("at") else None
            answer = DayStatus.confirmed if later.get("present") else DayStatus.disputed
            found.append(Comment(*shared, answer.value, text, later.get("via"), at))
    if r[9] and r[9].strip():
        found.append(Comment(*shared, first_answer.value, r[9].strip(), r[10], r[11]))
    return found
