"""The region overview, for region admins: the region's schools side by side, counts only (no
student is ever named). For each school: its active opportunities by field, how many it shares,
requests its students made for other schools' shared opportunities (taken) and other schools'
students made for its own (given), and the placements made through sharing, both ways.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased

from workflow.models import InternshipRequest, Opportunity, School
from workflow.region.figures import field_key, label


@dataclass
class SchoolFigures:
    name: str
    by_field: dict[str, int] = field(default_factory=dict)
    opportunities: int = 0
    shared: int = 0
    requests_given: int = 0  # other schools' students asking for this school's opportunities
    requests_taken: int = 0  # this school's students asking for other schools' opportunities
    placements_given: int = 0
    placements_taken: int = 0


@dataclass(frozen=True)
class Overview:
    region: str
    fields: list[str]
    schools: list[SchoolFigures]


def overview(session: Session, region: str) -> Overview:
    schools = {
        s.id: SchoolFigures(s.name)
        for s in session.scalars(select(School).where(School.region == region).order_by(School.name))
    }
    key = field_key(Opportunity.field)
    rows = session.execute(
        select(Opportunity.school_id, key, func.count(), func.sum(case((Opportunity.shared_with_region, 1), else_=0)))
        .where(Opportunity.school_id.in_(list(schools)), Opportunity.active.is_(True))
        .group_by(Opportunity.school_id, key)
    )
    fields: set[str] = set()
    for school_id, field_name, count, shared in rows:
        figures = schools[school_id]
        figures.by_field[label(field_name)] = int(count)
        figures.opportunities += int(count)
        figures.shared += int(shared or 0)
        fields.add(label(field_name))
    owner = aliased(School)
    placed = case((InternshipRequest.placement_id.is_not(None), 1), else_=0)
    crossing = session.execute(
        select(InternshipRequest.school_id, Opportunity.school_id, func.count(), func.sum(placed))
        .join(Opportunity, Opportunity.id == InternshipRequest.opportunity_id)
        .join(owner, owner.id == Opportunity.school_id)
        .where(
            InternshipRequest.school_id.in_(list(schools)),
            owner.region == region,
            Opportunity.school_id != InternshipRequest.school_id,
        )
        .group_by(InternshipRequest.school_id, Opportunity.school_id)
    )
    for asking, owning, count, through in crossing:
        schools[asking].requests_taken += int(count)
        schools[asking].placements_taken += int(through or 0)
        schools[owning].requests_given += int(count)
        schools[owning].placements_given += int(through or 0)
    return Overview(region=region, fields=sorted(fields), schools=sorted(schools.values(), key=lambda s: s.name))


def totals(found: Overview) -> dict[str, int]:
    """The region's totals (a shared placement counts once: given by one school, taken by another)."""
    return {
        "schools": len(found.schools),
        "opportunities": sum(s.opportunities for s in found.schools),
        "shared": sum(s.shared for s in found.schools),
        "requests_through_sharing": sum(s.requests_taken for s in found.schools),
        "placements_through_sharing": sum(s.placements_taken for s in found.schools),
    }


def by_field_totals(found: Overview) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for school in found.schools:
        for name, count in school.by_field.items():
            counts[name] += count
    return dict(counts)
