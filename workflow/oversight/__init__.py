"""The coordinator's workspace, the domain side: what a coordinator or advisor sees and fixes.

- `viewer`: who is looking (`Viewer`) and the scope every query below goes through: a coordinator
  sees their school, an advisor their advisees; anything else is None, like a missing id;
- `today`: the Today board (presence per placement today, with counts);
- `attention`: the action queue (unanswered mentors, disputes, days closed without check-out,
  repeated no-shows, decisions waiting, compliance documents expiring);
- `corrections`: fixing the record (settle a day, add one, bulk confirm and decide, remind now);
- `student`: one student's record;
- `mentor`: one mentor's record (students, answers, feedback, compliance documents).

The pages and the API call the functions re-exported here; none of them sends or commits.
"""

from workflow.oversight.attention import Attention, needs_attention
from workflow.oversight.corrections import add_day, confirm_days, decide_requests, remind_mentor_now, resolve_day
from workflow.oversight.student import StudentRecord, student_record
from workflow.oversight.today import MentorAnswer, Presence, TodayBoard, TodayLine, today
from workflow.oversight.viewer import (
    Viewer,
    day_for,
    placement_for,
    request_for,
    student_for,
    viewer_for,
    viewer_of,
)

__all__ = [
    "Attention",
    "MentorAnswer",
    "Presence",
    "StudentRecord",
    "TodayBoard",
    "TodayLine",
    "Viewer",
    "add_day",
    "confirm_days",
    "day_for",
    "decide_requests",
    "needs_attention",
    "placement_for",
    "remind_mentor_now",
    "request_for",
    "resolve_day",
    "student_for",
    "student_record",
    "today",
    "viewer_for",
    "viewer_of",
]
