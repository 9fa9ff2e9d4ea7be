"""The domain's tables. Import from here; each area keeps its own module."""

from workflow.base import Base
from workflow.models.core import AuditEntry, JobRun, Person, Role, School

__all__ = ["AuditEntry", "Base", "JobRun", "Person", "Role", "School"]
