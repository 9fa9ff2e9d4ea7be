"""Reading the cells of one imported row (a CSV line, or a form on the dashboard): text, email,
yes/no, number, phone, date. `Row` reads every cell and keeps every problem with its column, so a
row with three mistakes is reported once with all three; `Row.check` raises `RowProblems` before
anything is written. The words are a coordinator's, and the same wherever the row came from."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from workflow.phones import normalise_phone

T = TypeVar("T")


class RowProblem(ValueError):
    """What is wrong with one cell or row, in words a coordinator understands."""


@dataclass(frozen=True)
class CellProblem:
    column: str | None  # None: the row as a whole
    message: str


class RowProblems(Exception):
    """Every problem of one row."""

    def __init__(self, problems: list[CellProblem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


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
    if value in ("", "no", "n", "false", "off"):
        return False
    if value in ("yes", "y", "true", "on"):
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


def phone(row: dict[str, str], name: str, country: str, *, required: bool) -> str | None:
    raw = text(row, name, required=required, limit=40)
    try:
        return normalise_phone(raw, country) if raw else None
    except ValueError as exc:
        raise RowProblem(f"{name} {exc}") from None


class Row:
    """One row's cells, read one by one; a cell that is wrong is noted (with its column) and read
    as empty, so the next cells are still checked."""

    def __init__(self, values: dict[str, str]) -> None:
        self.values = values
        self.problems: list[CellProblem] = []
        self.memo: dict[str, Any] = {}  # what a loader looked up once (the school)

    def has(self, name: str) -> bool:
        return name in self.values

    def problem(self, column: str | None, message: str) -> None:
        self.problems.append(CellProblem(column, message))

    def bad(self, *columns: str) -> bool:
        """Whether any of these columns already has a problem."""
        return any(p.column in columns for p in self.problems)

    def read(self, column: str, reader: Callable[[], T], empty: T) -> T:
        """`reader()`, or `empty` once its problem is noted under `column`."""
        try:
            return reader()
        except (RowProblem, ValueError) as problem:  # ScheduleTextError is a ValueError too
            self.problem(column, str(problem))
            return empty

    def text(self, name: str, *, required: bool = True, limit: int = 200) -> str:
        return self.read(name, lambda: text(self.values, name, required=required, limit=limit), "")

    def email(self, name: str, *, required: bool = True) -> str | None:
        return self.read(name, lambda: email(self.values, name, required=required), None)

    def yes_no(self, name: str) -> bool:
        return self.read(name, lambda: yes_no(self.values, name), False)

    def number(self, name: str, low: float, high: float) -> float | None:
        return self.read(name, lambda: number(self.values, name, low, high), None)

    def phone(self, name: str, country: str, *, required: bool) -> str | None:
        return self.read(name, lambda: phone(self.values, name, country, required=required), None)

    def parsed(self, name: str, parse: Callable[[str], T], *, required: bool = True) -> T | None:
        """A cell read by a parser of the schedule's words (a date, a time, days); None if empty."""
        raw = self.text(name, required=required)
        return self.read(name, lambda: parse(raw), None) if raw else None

    def check(self) -> None:
        """Raise RowProblems if anything so far was wrong (call it before writing)."""
        if self.problems:
            raise RowProblems(list(self.problems))
