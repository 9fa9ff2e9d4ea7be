"""Small helpers the region's figures share: a field's key, medians and rates."""

from __future__ import annotations

from statistics import median
from typing import Any

from sqlalchemy import ColumnElement, func

NO_FIELD = "(no field)"


def field_key(column: Any) -> ColumnElement[str]:
    """A field as the figures group it: trimmed and lowercased ("Health " and "health" are one)."""
    return func.lower(func.trim(func.coalesce(column, "")))


def label(key: str | None) -> str:
    return key or NO_FIELD


def rate(part: int, whole: int) -> float | None:
    """`part / whole` to 3 places; None when nothing was due."""
    return round(part / whole, 3) if whole else None


def median_of(values: list[float]) -> float | None:
    return round(float(median(values)), 1) if values else None
