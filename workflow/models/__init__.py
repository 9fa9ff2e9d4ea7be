"""The domain's tables. Import from here; each area keeps its own module."""

from workflow.base import Base
from workflow.models.attendance import DAY_TRANSITIONS, DayEvent, DayStatus, Digest, InternshipDay, move_day
from workflow.models.evaluations import (
    EVALUATION_TRANSITIONS,
    GOAL_NAMES,
    GOALS,
    LEVELS,
    Evaluation,
    EvaluationEvent,
    EvaluationStatus,
    Goal,
    Moment,
    move_evaluation,
)
from workflow.models.opportunities import Favourite, Opportunity, Prospect, WishlistField
from workflow.models.placements import WEEKDAYS, Placement, PlacementStatus
from workflow.models.records import AuditEntry, JobRun
from workflow.models.requests import InternshipRequest
from workflow.models.schools import Person, Role, School
from workflow.models.sites import ComplianceDocument, Site
from workflow.models.summaries import PlacementDayTotals, SchoolDayTotals

__all__ = [
    "DAY_TRANSITIONS",
    "EVALUATION_TRANSITIONS",
    "GOALS",
    "GOAL_NAMES",
    "LEVELS",
    "WEEKDAYS",
    "AuditEntry",
    "Base",
    "ComplianceDocument",
    "DayEvent",
    "DayStatus",
    "Digest",
    "Evaluation",
    "EvaluationEvent",
    "EvaluationStatus",
    "Favourite",
    "Goal",
    "InternshipDay",
    "InternshipRequest",
    "JobRun",
    "Moment",
    "Opportunity",
    "Person",
    "Placement",
    "PlacementDayTotals",
    "PlacementStatus",
    "Prospect",
    "Role",
    "School",
    "SchoolDayTotals",
    "Site",
    "WishlistField",
    "move_day",
    "move_evaluation",
]
