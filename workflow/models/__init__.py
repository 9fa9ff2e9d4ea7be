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
from workflow.models.placements import (
    ComplianceDocument,
    Favourite,
    InternshipRequest,
    Opportunity,
    Prospect,
    WishlistField,
)

__all__ = [
    "WEEKDAYS",
    "AuditEntry",
    "Base",
    "ComplianceDocument",
    "DayStatus",
    "Digest",
    "Favourite",
    "InternshipDay",
    "InternshipRequest",
    "JobRun",
    "Opportunity",
    "Person",
    "Placement",
    "PlacementStatus",
    "Prospect",
    "Role",
    "School",
    "Site",
    "WishlistField",
]
