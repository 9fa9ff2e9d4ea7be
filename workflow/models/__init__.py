"""The domain's tables. Import from here; each area keeps its own module."""

from workflow.base import Base
from workflow.models.attendance import (
    WEEKDAYS,
    DayStatus,
    Digest,
    InternshipDay,
    Placement,
    PlacementStatus,
    Site,
)
from workflow.models.core import AuditEntry, JobRun, Person, Role, School

__all__ = [
    "WEEKDAYS",
    "AuditEntry",
    "Base",
    "DayStatus",
    "Digest",
    "InternshipDay",
    "JobRun",
    "Person",
    "Placement",
    "PlacementStatus",
    "Role",
    "School",
    "Site",
]
