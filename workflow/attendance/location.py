"""A location the student chose to share at check-in: stored and compared with the site, never a block."""

from __future__ import annotations

import enum
import math
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from workflow import audit
from workflow.models import InternshipDay

LOCATION_TTL = timedelta(hours=12)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> int:
    """Great-circle distance in metres (haversine)."""
    r = 6_371_000
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return round(2 * r * math.asin(math.sqrt(a)))


class LocationOutcome(enum.StrEnum):
    """What became of a shared location; the channel that asked says it in its own words."""

    saved = "saved"
    out_of_range = "out_of_range"  # not a place on Earth: nothing was stored


def record_location(
    session: Session, day: InternshipDay, latitude: float, longitude: float, now: datetime
) -> LocationOutcome:
    """Stored only because the student chose to share it; compared with the site, never a block."""
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return LocationOutcome.out_of_range
    day.latitude, day.longitude, day.location_consented_at = latitude, longitude, now
    site = day.placement.site
    if site.latitude is not None and site.longitude is not None:
        day.distance_m = distance_m(latitude, longitude, site.latitude, site.longitude)
    audit.record(
        session,
        action="day.location",
        channel="link",
        now=now,
        actor=day.placement.student,
        object_type="day",
        object_id=day.id,
        distance_m=day.distance_m,
    )
    return LocationOutcome.saved
