"""Reading one cell of an imported row: text, email, yes/no, number. A cell that is wrong raises
`RowProblem`, in words a coordinator understands."""

from __future__ import annotations

import re


class RowProblem(ValueError):
    """What is wrong with one row, in words a coordinator understands."""


def text(row: dict[str, str], name: str, *, required: bool = True, limit: int = 200) -> str:
    value = (row.get(name) or "").strip()
    if required and not value:
        raise RowProblem(f"{name} is empty")
    if len(value) > limit:
        raise RowProblem(f"{name} is longer than {limit} characters")
    return value


def email(row: dict[str, str], name: str, *, required: bool = True) -> str | None:
    value = text(row, name, required=required, limit=320).lower()
    if not value:
        return None
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        raise RowProblem(f"{name} {value!r} is not an email address")
    return value


def yes_no(row: dict[str, str], name: str) -> bool:
    value = text(row, name, required=False).lower()
    if value in ("", "no", "n", "false"):
        return False
    if value in ("yes", "y", "true"):
        return True
    raise RowProblem(f"{name} must be yes or no, not {value!r}")


def number(row: dict[str, str], name: str, low: float, high: float) -> float | None:
    value = text(row, name, required=False)
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise RowProblem(f"{name} {value!r} is not a number") from None
    if not low <= number <= high:
        raise RowProblem(f"{name} {value} is outside {low}..{high}")
    return number
